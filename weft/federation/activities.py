"""The activities Weft sends, shaped as Mastodon shapes them.

Pure functions: each takes what is already loaded (URIs, documents) and
returns the JSON to deliver. The ids follow Mastodon's serializers, so an
``Undo`` names the very activity it undoes, and a server that met the
original recognises it:

| activity | id |
|---|---|
| Create / Announce | ``<post>/activity`` |
| Update (Note) | ``<post>#updates/<edited at, epoch>`` |
| Delete (Note) | ``<post>#delete`` |
| Like | the like's stored uri, else ``<actor>#likes/<row id>`` |
| Follow | the follow's stored uri (``<actor>#follows/<id>``) |
| Block | the block's stored uri, else ``<actor>#blocks/<row id>`` |
| Accept / Reject | ``<actor>#accepts/follows/<n>`` / ``#rejects/follows/<n>`` |
| Undo | ``<undone activity's id>/undo`` (Announce: ``<actor>#announces/<id>/undo``) |
| Update (Person) | ``<actor>#updates/<updated at, epoch>`` |

Every activity carries the full ``@context`` (ActivityStreams, security, and
the toot/FEP-044f terms) since it stands alone in an inbox.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from weft.federation.actors import CONTEXT, PUBLIC, iso


def _activity(kind: str, activity_id: str, actor: str, obj: Any, **extra: Any) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "id": activity_id,
        "type": kind,
        "actor": actor,
        **extra,
        "object": obj,
    }


def _bare(activity: dict[str, Any]) -> dict[str, Any]:
    """An activity embedded in another (an Undo's object) has no ``@context``."""
    return {k: v for k, v in activity.items() if k != "@context"}


# --- posts ----------------------------------------------------------------------


def create_note(note: dict[str, Any]) -> dict[str, Any]:
    """``Create`` of a Note (as ``weft.federation.notes.note`` renders it)."""
    return _activity(
        "Create",
        f"{note['id']}/activity",
        note["attributedTo"],
        _bare(note),
        published=note["published"],
        to=note["to"],
        cc=note["cc"],
    )


def update_note(note: dict[str, Any], edited_at: datetime) -> dict[str, Any]:
    """``Update`` of an edited Note; the id changes with every edit."""
    return _activity(
        "Update",
        f"{note['id']}#updates/{int(edited_at.timestamp())}",
        note["attributedTo"],
        _bare(note),
        published=iso(edited_at),
        to=note["to"],
        cc=note["cc"],
    )


def delete_note(note_uri: str, actor: str) -> dict[str, Any]:
    """``Delete`` of a post, its object a ``Tombstone`` (Mastodon's DeleteSerializer)."""
    tombstone = {"id": note_uri, "type": "Tombstone", "atomUri": note_uri}
    return _activity("Delete", f"{note_uri}#delete", actor, tombstone, to=[PUBLIC])


def announce(
    repost_uri: str,
    actor: str,
    original_uri: str,
    published: datetime,
    to: list[str],
    cc: list[str],
) -> dict[str, Any]:
    """``Announce`` (a repost) of ``original_uri``, addressed by the repost's visibility."""
    return _activity(
        "Announce",
        f"{repost_uri}/activity",
        actor,
        original_uri,
        published=iso(published),
        to=to,
        cc=cc,
    )


def announce_addressing(
    visibility: str, followers: str, original_author: str
) -> tuple[list[str], list[str]]:
    """``(to, cc)`` of a repost, as Mastodon's TagManager: the original's author is in cc."""
    if visibility == "public":
        return [PUBLIC], [original_author, followers]
    if visibility == "unlisted":
        return [followers], [original_author, PUBLIC]
    return [followers], [original_author]


def undo_announce(announce_activity: dict[str, Any], actor: str, repost_id: int) -> dict[str, Any]:
    return _activity(
        "Undo",
        f"{actor}#announces/{repost_id}/undo",
        actor,
        _bare(announce_activity),
        to=announce_activity["to"],
        cc=announce_activity["cc"],
    )


# --- likes, follows, blocks -------------------------------------------------------


def like(like_id: str, actor: str, status_uri: str) -> dict[str, Any]:
    return _activity("Like", like_id, actor, status_uri)


def follow(follow_id: str, actor: str, target: str) -> dict[str, Any]:
    return _activity("Follow", follow_id, actor, target)


def block(block_id: str, actor: str, target: str) -> dict[str, Any]:
    return _activity("Block", block_id, actor, target)


def undo(activity: dict[str, Any]) -> dict[str, Any]:
    """``Undo`` of a Like, Follow or Block (given as built by the functions above)."""
    return _activity("Undo", f"{activity['id']}/undo", activity["actor"], _bare(activity))


def accept_follow(follow_activity: dict[str, Any], actor: str, number: int) -> dict[str, Any]:
    """``Accept`` of someone's Follow of ``actor``; the object is their Follow, with its id."""
    return _activity("Accept", f"{actor}#accepts/follows/{number}", actor, _bare(follow_activity))


def reject_follow(follow_activity: dict[str, Any], actor: str, number: int) -> dict[str, Any]:
    """``Reject`` of someone's Follow (a refused request, or a removed follower)."""
    return _activity("Reject", f"{actor}#rejects/follows/{number}", actor, _bare(follow_activity))


# --- people -----------------------------------------------------------------------


def update_person(person: dict[str, Any], updated_at: datetime) -> dict[str, Any]:
    """``Update`` of a profile (the actor document as ``actors.person`` renders it)."""
    return _activity(
        "Update",
        f"{person['id']}#updates/{int(updated_at.timestamp())}",
        person["id"],
        _bare(person),
        to=[PUBLIC],
    )


# --- moderation ------------------------------------------------------------------


def flag(flag_id: str, actor: str, objects: list[str]) -> dict[str, Any]:
    """``Flag`` of an account and some of its posts: a report forwarded to
    their server (weft/federation/moderation.py adds the comment)."""
    return _activity("Flag", flag_id, actor, objects)
