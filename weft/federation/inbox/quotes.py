"""QuoteRequest, and the Accept, Reject and Delete that answer or end one (FEP-044f).

- ``QuoteRequest`` (actor: the quoter; object: our post; instrument: their
  quote, embedded or by id): the quote is stored through the remote door
  (``posts.remote.create_remote_status``), which asks our quote policy as for
  a local quote; ``actions.quotes.answer_quote_request`` then sends the
  verdict back: ``Accept`` with our ``QuoteAuthorization``, or ``Reject``.
- ``Accept`` / ``Reject`` of *our* QuoteRequest (by its id, or embedded with
  our quote as its ``instrument``): our pending quote becomes ``accepted``
  (the ``result`` is kept as its authorization) or ``rejected``. An Accept or
  Reject of anything else is a follow's (``follows``).
- ``Delete`` of a ``QuoteAuthorization`` its author's server gave: the quotes
  it approved are ``revoked``. A Delete of anything else is ``posts``'.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from weft.actions.posts.remote import create_remote_status
from weft.actions.quotes import answer_quote_request, revoke_authorization, settle_our_quote
from weft.federation import jsonld
from weft.federation.inbox import follows, posts
from weft.federation.inbox.context import Inbound
from weft.federation.remote import fetch_document
from weft.federation.remote_notes import NOTE_TYPES, note_author, read_note
from weft.models import Account, Status


async def on_quote_request(inbound: Inbound) -> str:
    quoted = await inbound.status_by_uri(inbound.object_id)
    if quoted is None or not await _is_ours(inbound, quoted):
        return "ignored: a request to quote a post that is not ours"
    instrument = inbound.activity.get("instrument")
    quote_uri = jsonld.first_id(instrument)
    if quote_uri is None:
        return "ignored: a quote request without its quote"
    if not inbound.same_origin(quote_uri):
        return "refused: the quote is on another server than the requester"
    status = await inbound.status_by_uri(quote_uri)
    if status is None:
        stored = await _store_quote(inbound, instrument, quote_uri)
        if isinstance(stored, str):
            return stored
        status = stored
    if status.account_id != inbound.actor.id or status.quote_of_id != quoted.id:
        return "ignored: the instrument is not the requester's quote of that post"
    state = await answer_quote_request(inbound.db, status.id, inbound.id)
    return f"quote request answered: {state}"


async def _store_quote(inbound: Inbound, instrument: Any, quote_uri: str) -> Status | str:
    """The quote, as any other post of theirs: embedded (the signature covers it:
    same server), else fetched. A string says why it could not be stored."""
    if isinstance(instrument, dict) and jsonld.first_id(instrument) == quote_uri:
        document: dict[str, Any] = instrument
    else:
        document = await fetch_document(inbound.db, inbound.settings, quote_uri, inbound.budget)
    if not jsonld.types(document) & NOTE_TYPES:
        return "ignored: the instrument is not a post"
    if note_author(document) != inbound.actor.uri:
        return "ignored: the instrument is a post by someone else"
    note = await read_note(
        inbound.db, inbound.settings, document, inbound.actor, budget=inbound.budget
    )
    status = await create_remote_status(inbound.db, note)
    if status is None:
        return "dropped: the quote is a reply its parent's reply policy refuses"
    return status


async def on_accept(inbound: Inbound) -> str:
    status = await _our_request(inbound)
    if status is None:
        return await follows.on_accept(inbound)
    authorization = jsonld.first_id(inbound.activity.get("result"))
    if authorization is None or not inbound.same_origin(authorization):
        return "refused: an approval without a QuoteAuthorization of the quoted author's server"
    if await settle_our_quote(inbound.db, inbound.actor.id, status.id, authorization):
        return "quote accepted"
    return "ignored: no quote of ours waits for that approval"


async def on_reject(inbound: Inbound) -> str:
    status = await _our_request(inbound)
    if status is None:
        return await follows.on_reject(inbound)
    if await settle_our_quote(inbound.db, inbound.actor.id, status.id, None):
        return "quote rejected"
    return "ignored: no quote of ours waits for that answer"


async def on_delete(inbound: Inbound) -> str:
    uri = inbound.object_id
    if uri is not None and inbound.same_origin(uri):
        revoked = await revoke_authorization(inbound.db, inbound.actor.id, uri)
        if revoked:
            return f"quote authorization revoked ({revoked} quotes)"
    return await posts.on_delete(inbound)


async def _our_request(inbound: Inbound) -> Status | None:
    """Our quote that an Accept or Reject answers: by our QuoteRequest's id, or by
    the embedded request's ``instrument``."""
    request = inbound.embedded or {}
    embedded = "QuoteRequest" in jsonld.types(request)
    if not embedded and request:
        return None  # an embedded Follow, say
    async with inbound.db.read() as session:
        if inbound.object_id is not None:
            found = await session.scalar(
                select(Status).where(Status.quote_request_uri == inbound.object_id)
            )
            if found is not None and await _local(session, found.account_id):
                return found
        if embedded:
            instrument = jsonld.first_id(request.get("instrument"))
            found = await session.scalar(select(Status).where(Status.uri == instrument))
            if found is not None and await _local(session, found.account_id):
                return found
    return None


async def _is_ours(inbound: Inbound, status: Status) -> bool:
    async with inbound.db.read() as session:
        return await _local(session, status.account_id)


async def _local(session: Any, account_id: int) -> bool:
    account = await session.get(Account, account_id)
    return account is not None and account.is_local
