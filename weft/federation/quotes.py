"""FEP-044f's quote handshake, and the interaction policies it reads.

- **Rendering** what we send: the ``QuoteRequest`` for our quote of another
  server's post, the ``Accept`` (with our ``QuoteAuthorization`` as its
  ``result``) or ``Reject`` of theirs, the ``Delete`` of an authorization we
  revoke, the ``Update`` of our quote once it was answered, and the
  ``QuoteAuthorization`` document itself (served at its id by
  ``weft.federation.routes``).
- **Reading** another server's ``interactionPolicy`` (GoToSocial's
  ``canReply``, FEP-044f's ``canQuote``) into the columns our policies read
  (``reply_policy``, ``quote_policy``, ``quote_manual``), and **checking** a
  third server's ``quoteAuthorization`` through the bounded fetcher.

Shapes follow Mastodon 4.5's serializers (ids ``<actor>#accepts/quote_requests/<n>``,
``<actor>#rejects/quote_requests/<n>``, ``<authorization>#delete``), so its
servers match our answers to their requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from weft.config import Settings
from weft.db.database import Database
from weft.federation import jsonld
from weft.federation.actors import CONTEXT, PUBLIC, iso
from weft.federation.remote import FetchBudget, RemoteError, fetch_document, host_of
from weft.models import Account
from weft.models.base import utcnow

# --- what we send ---------------------------------------------------------------------


def _activity(kind: str, activity_id: str, actor: str, obj: Any, **extra: Any) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "id": activity_id,
        "type": kind,
        "actor": actor,
        **extra,
        "object": obj,
    }


def quote_request(
    actor: str, quoted_uri: str, note: dict[str, Any], request_id: str
) -> dict[str, Any]:
    """Ours: may ``note`` quote ``quoted_uri``? The quote is inlined as ``instrument``
    (FEP-044f: the author may want to read it before answering)."""
    instrument = {k: v for k, v in note.items() if k != "@context"}
    return _activity("QuoteRequest", request_id, actor, quoted_uri, instrument=instrument)


def request_object(request_id: str, quoter: str, quoted_uri: str, quote_uri: str) -> dict[str, Any]:
    """Their request, as an answer names it (for a plain ``Create`` of a quote
    that stands for one, its id is the Create's)."""
    return {
        "type": "QuoteRequest",
        "id": request_id,
        "actor": quoter,
        "object": quoted_uri,
        "instrument": quote_uri,
    }


def accept(request: dict[str, Any], actor: str, number: int, authorization: str) -> dict[str, Any]:
    return _activity(
        "Accept",
        f"{actor}#accepts/quote_requests/{number}",
        actor,
        request,
        to=[request["actor"]],
        result=authorization,
    )


def reject(request: dict[str, Any], actor: str, number: int) -> dict[str, Any]:
    return _activity(
        "Reject", f"{actor}#rejects/quote_requests/{number}", actor, request, to=[request["actor"]]
    )


def delete_authorization(authorization: str, actor: str) -> dict[str, Any]:
    """The revocation: the stamp is deleted, named by id only (FEP-044f: embed
    neither of its posts)."""
    return _activity("Delete", f"{authorization}#delete", actor, authorization, to=[PUBLIC])


def update_quote(note: dict[str, Any], state: str) -> dict[str, Any]:
    """``Update`` of our quote once its state changed (approved: it now carries
    ``quoteAuthorization``; refused or revoked: no ``quote``). Its id names the
    state, not an edit time: an edited post's last ``Update`` id is taken."""
    bare = {k: v for k, v in note.items() if k != "@context"}
    return _activity(
        "Update",
        f"{note['id']}#updates/quote-{state}",
        note["attributedTo"],
        bare,
        published=iso(utcnow()),
        to=note["to"],
        cc=note["cc"],
    )


def authorization_document(
    authorization: str, quoted_author: str, quote_uri: str, quoted_uri: str
) -> dict[str, Any]:
    """The ``QuoteAuthorization`` (it embeds neither post: FEP-044f)."""
    return {
        "@context": CONTEXT,
        "id": authorization,
        "type": "QuoteAuthorization",
        "attributedTo": quoted_author,
        "interactingObject": quote_uri,
        "interactionTarget": quoted_uri,
    }


# --- what we read ---------------------------------------------------------------------


@dataclass(frozen=True)
class RemotePolicy:
    """Another server's post's ``interactionPolicy``, in our policies' words."""

    reply_policy: str = "everyone"
    quote_policy: str = "nobody"
    quote_manual: str | None = None


def read_policy(document: Mapping[str, Any], author: Account) -> RemotePolicy:
    """``interactionPolicy`` of ``document`` by ``author``.

    - ``canQuote`` (FEP-044f): its ``automaticApproval`` becomes ``quote_policy``,
      its ``manualApproval`` ``quote_manual``: ``public`` (as:Public), ``followers``
      (the author's followers collection), ``following`` (the accounts the author
      follows). Without ``canQuote`` nobody may quote it, as Mastodon 4.5 has it:
      such a server gives no approvals, so a quote could never be shown.
    - ``canReply`` (GoToSocial): either list counts (a reply needing approval is
      theirs to hold or drop): ``everyone``, ``followers``, ``following``, else
      ``mentioned`` (mentioned people may always reply). Without it, anyone may
      reply, as every server without reply controls means.

    Individual actors in the lists are not read (Mastodon ignores them too), and
    a list naming both the followers and the following collections reads as
    ``everyone``: we have no word for "either", and the author's server judges.
    """
    policy = document.get("interactionPolicy")
    if not isinstance(policy, Mapping):
        return RemotePolicy()
    quote = policy.get("canQuote")
    automatic = (
        _audience(author, quote, "automaticApproval") if isinstance(quote, Mapping) else set()
    )
    manual = _audience(author, quote, "manualApproval") if isinstance(quote, Mapping) else set()
    reply = policy.get("canReply")
    return RemotePolicy(
        reply_policy=_reply_policy(author, reply) if isinstance(reply, Mapping) else "everyone",
        quote_policy=_widest(automatic) or "nobody",
        quote_manual=_widest(manual - automatic),
    )


def _audience(author: Account, sub_policy: Mapping[str, Any], key: str) -> set[str]:
    found: set[str] = set()
    for item in jsonld.ids(sub_policy.get(key))[:100]:
        if jsonld.is_public(item):
            found.add("public")
        elif author.followers_url and item == author.followers_url:
            found.add("followers")
        elif author.following_url and item == author.following_url:
            found.add("following")
    return found


def _widest(audience: set[str]) -> str | None:
    if "public" in audience or {"followers", "following"} <= audience:
        return "public"
    return next(iter(sorted(audience)), None)


def _reply_policy(author: Account, sub_policy: Mapping[str, Any]) -> str:
    audience = _audience(author, sub_policy, "automaticApproval")
    audience |= _audience(author, sub_policy, "manualApproval")
    widest = _widest(audience)
    if widest == "public":
        return "everyone"
    return widest or "mentioned"


async def authorized(
    db: Database,
    settings: Settings,
    authorization: str,
    *,
    quote_uri: str,
    quoted_uri: str,
    quoted_author: str,
    budget: FetchBudget,
) -> bool:
    """Whether ``authorization`` is a ``QuoteAuthorization`` of ``quoted_author``'s
    server, by them, for ``quote_uri`` quoting ``quoted_uri`` (fetched through the
    guarded fetcher, within the activity's budget; FEP-044f's checks, as
    Mastodon's VerifyQuoteService makes them)."""
    if host_of(authorization) != host_of(quoted_author):
        return False
    try:
        document = await fetch_document(db, settings, authorization, budget)
    except RemoteError:  # Unreachable included: the quote then waits, as pending
        return False
    return (
        "QuoteAuthorization" in jsonld.types(document)
        and document.get("id") == authorization
        and jsonld.first_id(document.get("attributedTo")) == quoted_author
        and jsonld.first_id(document.get("interactingObject")) == quote_uri
        and jsonld.first_id(document.get("interactionTarget")) == quoted_uri
    )
