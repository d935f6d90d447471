"""May this viewer see, reply to, quote or repost this post?

Pure predicates over a viewer, a post and the preloaded relation between the
viewer and the post's author (Mastodon's ``StatusPolicy``). Every front door
and every list (timelines, context, notifications, favourited_by) asks these,
so a rule holds everywhere or nowhere. A post the viewer may not see answers
404, never 403, so its existence does not leak.

Mutes are not here: a muted person's posts stay visible where asked for by
id, and are filtered out of feeds and notifications (``is_muted_for``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

PUBLIC_VISIBILITIES = frozenset({"public", "unlisted"})


@dataclass(frozen=True)
class Relation:
    """How a viewer stands with one account (all False for strangers and anonymous)."""

    following: bool = False  # the viewer follows the account
    followed_by: bool = False  # the account follows the viewer
    blocking: bool = False  # the viewer blocks the account
    blocked_by: bool = False  # the account blocks the viewer
    muting: bool = False  # the viewer mutes the account
    requested: bool = False  # the viewer asked to follow and waits

    @property
    def blocked_either_way(self) -> bool:
        return self.blocking or self.blocked_by


NONE = Relation()


class Post(Protocol):
    """What the policies read of a post: a ``Status``, or a lighter row with
    these columns (weft/queries/home_rows.py)."""

    @property
    def account_id(self) -> int: ...
    @property
    def visibility(self) -> str: ...
    @property
    def reply_policy(self) -> str: ...
    @property
    def quote_policy(self) -> str: ...
    @property
    def quote_manual(self) -> str | None: ...
    @property
    def reblog_of_id(self) -> int | None: ...
    @property
    def in_reply_to_account_id(self) -> int | None: ...
    @property
    def reply_state(self) -> str | None: ...
    @property
    def hidden_by_id(self) -> int | None: ...
    @property
    def archived_at(self) -> datetime | None: ...
    @property
    def restricted(self) -> bool: ...
    @property
    def ghost_expires_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class PostAccess:
    """What a policy needs to know about one post for one viewer."""

    viewer_id: int | None
    status: Post
    author: Relation  # the viewer's relation with the post's author
    mentioned: bool  # the viewer is mentioned in the post

    @property
    def is_author(self) -> bool:
        return self.viewer_id is not None and self.viewer_id == self.status.account_id


def can_view(access: PostAccess) -> bool:
    if is_gone(access.status):
        return False
    if access.is_author:
        return True
    if access.author.blocked_either_way or is_withheld(access):
        return False
    visibility = access.status.visibility
    if visibility in PUBLIC_VISIBILITIES:
        return True
    if access.viewer_id is None:
        return False
    if visibility == "private":
        return access.author.following or access.mentioned
    return access.mentioned  # direct


def is_withheld(access: PostAccess) -> bool:
    """Whether the post is kept from this viewer, who is not its author,
    whatever its visibility: archived or a restricted person's reply (its
    author alone sees it, silently: weft/actions/restricts.py), a reply
    waiting for approval (seen by the author of the post it answers), or in
    a subtree the conversation's author hid (seen by that author)."""
    post, viewer = access.status, access.viewer_id
    if post.archived_at is not None or post.restricted:
        return True
    if post.reply_state is not None and viewer != post.in_reply_to_account_id:
        return True
    return post.hidden_by_id is not None and viewer != post.hidden_by_id


def in_conversation(access: PostAccess) -> bool:
    """Whether a reply shows in its conversation: a pending or hidden one
    only to its own author (the others see it under "Pending replies" and
    "Hidden replies")."""
    if not can_view(access):
        return False
    post = access.status
    held = post.reply_state is not None or post.hidden_by_id is not None
    return access.is_author or not held


def is_gone(post: Post) -> bool:
    """A ghost post past its end is gone for everyone, its author included,
    even before the job that deletes it has run (weft/actions/posts/ghosts.py)."""
    end = post.ghost_expires_at
    return end is not None and end <= datetime.now(UTC)


def can_reply(access: PostAccess) -> bool:
    if access.viewer_id is None or not can_view(access):
        return False
    if access.is_author:
        return True
    policy = access.status.reply_policy
    if policy == "author":  # "nobody but the author's own replies", mentions included
        return False
    if access.mentioned:
        return True
    if policy == "everyone":
        return True
    if policy == "following":  # accounts the author follows
        return access.author.followed_by
    if policy == "followers":  # the author's followers
        return access.author.following
    return False  # "mentioned" (already answered)


def can_quote(access: PostAccess) -> bool:
    return quote_approval(access) != "denied"


def quote_approval(access: PostAccess) -> str:
    """``automatic`` (the quote is approved at once), ``manual`` (the author of
    another server's post must approve it; we ask, FEP-044f's QuoteRequest)
    or ``denied``. Another server's post says who may quote it in its
    ``interactionPolicy`` (weft/federation/remote_notes.py): ``quote_policy``
    for its automatic approval, ``quote_manual`` for its manual one."""
    if access.viewer_id is None or not can_view(access):
        return "denied"
    if access.status.reblog_of_id is not None or access.status.ghost_expires_at is not None:
        return "denied"  # ghost posts are never quoted, not even by their author
    if access.is_author:
        return "automatic"
    if access.status.visibility not in PUBLIC_VISIBILITIES:
        return "denied"
    if access.mentioned or _in_audience(access, access.status.quote_policy):
        return "automatic"
    if _in_audience(access, access.status.quote_manual):
        return "manual"
    return "denied"


def _in_audience(access: PostAccess, audience: str | None) -> bool:
    """Whether the viewer is among ``public``, the author's ``followers``, or
    the accounts the author follows (``following``); ``nobody`` or None: no."""
    if audience == "public":
        return True
    if audience == "followers":
        return access.author.following
    if audience == "following":
        return access.author.followed_by
    return False


def can_reblog(access: PostAccess) -> bool:
    """Reposts carry a post to the reposter's followers: public posts only,
    or one's own followers-only post (which reaches the same followers)."""
    if access.viewer_id is None or not can_view(access):
        return False
    if access.status.reblog_of_id is not None or access.status.ghost_expires_at is not None:
        return False  # ghost posts are never reposted
    if access.status.visibility in PUBLIC_VISIBILITIES:
        return True
    return access.is_author and access.status.visibility == "private"


def can_interact(access: PostAccess) -> bool:
    """Like, save: anyone signed in who can see the post, unless blocked."""
    return access.viewer_id is not None and can_view(access)


def is_muted_for(access: PostAccess) -> bool:
    """Whether feeds and notifications should leave this post out for the viewer."""
    return access.author.muting and not access.is_author
