"""Polls as ActivityPub ``Question``s, and votes as Mastodon sends them.

Ours: a post with a poll is a ``Question`` (its options in ``oneOf``, or
``anyOf`` when several may be chosen, each a ``Note`` with its ``name`` and
its tally as ``replies.totalItems``, left out while the author hides the
totals), ``endTime``, ``closed`` once ended, ``votersCount``.

Theirs: read back the same way (``read_question``); ``votersCount`` may be
missing (then the votes are counted as voters).

A vote is a ``Create`` of a ``Note`` whose ``name`` is the option's title and
whose ``inReplyTo`` is the poll's post, addressed to its author alone (one per
option chosen): Mastodon's ``ActivityPub::VoteSerializer``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from weft.actions.polls import RemotePoll, expired
from weft.federation import jsonld
from weft.federation.actors import iso
from weft.limits import POLL_MAX_OPTION_CHARACTERS
from weft.models import Poll

# Another server may allow more options than we do; we read a few more than
# we allow, and no option name past a sane length.
MAX_REMOTE_OPTIONS = 20
MAX_REMOTE_OPTION_CHARACTERS = 20 * POLL_MAX_OPTION_CHARACTERS


def question_fields(poll: Poll) -> dict[str, Any]:
    """What turns a post's ``Note`` into its ``Question``."""
    ended = expired(poll)
    shown = ended or not poll.hide_totals
    options = []
    for title, count in zip(poll.options, poll.tallies, strict=False):
        option: dict[str, Any] = {"type": "Note", "name": title}
        if shown:
            option["replies"] = {"type": "Collection", "totalItems": int(count)}
        options.append(option)
    fields: dict[str, Any] = {
        "type": "Question",
        "anyOf" if poll.multiple else "oneOf": options,
        "endTime": iso(poll.expires_at) if poll.expires_at else None,
        "votersCount": poll.voters_count,
    }
    if ended and poll.expires_at is not None:
        fields["closed"] = iso(poll.expires_at)
    return fields


def read_question(document: Mapping[str, Any]) -> RemotePoll | None:
    """Another server's ``Question`` as a poll; None if it has no options."""
    if "Question" not in jsonld.types(document):
        return None
    multiple = bool(jsonld.objects(document.get("anyOf")))
    items = jsonld.objects(document.get("anyOf") if multiple else document.get("oneOf"))
    titles: list[str] = []
    tallies: list[int] = []
    for item in items[:MAX_REMOTE_OPTIONS]:
        name = item.get("name")
        if not isinstance(name, str) or not name.strip() or name in titles:
            continue
        titles.append(name[:MAX_REMOTE_OPTION_CHARACTERS])
        replies = item.get("replies")
        total = replies.get("totalItems") if isinstance(replies, Mapping) else None
        tallies.append(total if isinstance(total, int) and 0 <= total < 2**31 else 0)
    if len(titles) < 2:
        return None
    voters = document.get("votersCount")
    ends = _time(document.get("endTime")) or _time(document.get("closed"))
    return RemotePoll(
        options=tuple(titles),
        tallies=tuple(tallies),
        multiple=multiple,
        expires_at=ends,
        voters_count=voters if isinstance(voters, int) and 0 <= voters < 2**31 else None,
    )


def vote_name(document: Mapping[str, Any]) -> str | None:
    """The option a delivered ``Note`` votes for, if it looks like a vote: a
    ``name``, an ``inReplyTo``, and no text of its own."""
    name = document.get("name")
    if "Note" not in jsonld.types(document) or not isinstance(name, str) or not name:
        return None
    if jsonld.first_id(document.get("inReplyTo")) is None:
        return None
    content = document.get("content")
    return name if not (isinstance(content, str) and content.strip()) else None


def vote_activity(
    voter_uri: str, vote_id: int, option: str, question_uri: str, author_uri: str
) -> dict[str, Any]:
    """Our vote in another server's poll, as Mastodon writes one."""
    note_id = f"{voter_uri}#votes/{vote_id}"
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{note_id}/activity",
        "type": "Create",
        "actor": voter_uri,
        "to": author_uri,
        "object": {
            "id": note_id,
            "type": "Note",
            "name": option,
            "attributedTo": voter_uri,
            "inReplyTo": question_uri,
            "to": author_uri,
        },
    }


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None
