"""Finding what a search names on other servers, and the federation's side of
``weft.remote_lookup``: the look-ups the actions and queries ask for without
importing the federation code (``weft/app.py`` and ``weft/cli.py`` install
:class:`FederationLookup` at start-up).

>>> await resolve(db, settings, "@alice@mastodon.example")        # an Account
>>> await resolve(db, settings, "https://mastodon.example/@alice/1")  # a Status
"""

from __future__ import annotations

from collections.abc import Iterable

from weft.config import Settings
from weft.db.database import Database
from weft.federation import jsonld
from weft.federation.mentions import learn_mentioned
from weft.federation.remote import (
    ACTOR_TYPES,
    FetchBudget,
    fetch_document,
    host_of,
    known_by_url,
    local_by_url,
    resolve_handle,
    store_actor_document,
)
from weft.federation.remote_notes import fetch_status
from weft.models import Account, Status


async def resolve(
    db: Database, settings: Settings, query: str, budget: FetchBudget | None = None
) -> Account | Status | None:
    """What ``query`` names: ``@user@domain`` or ``user@domain`` (an account, by
    WebFinger) or an http(s) URL (an actor or a post). Ours are read from the
    database; others fetched and stored. ``None`` if the query is neither form,
    or names nothing here; :class:`~weft.federation.remote.RemoteError` if
    another server's answer was unusable. At most
    :data:`~weft.federation.remote.FETCH_BUDGET` documents are fetched in all."""
    budget = budget if budget is not None else FetchBudget()
    query = query.strip()
    if not query.lower().startswith(("https://", "http://")):
        return await resolve_handle(db, settings, query, budget)
    if host_of(query) == settings.domain.lower():
        return await local_by_url(db, settings, query)
    known = await known_by_url(db, query)
    if known is not None:
        return known
    document = await fetch_document(db, settings, query, budget, alternate=True)
    if jsonld.types(document) & ACTOR_TYPES:
        return await store_actor_document(db, settings, document, budget)
    return await fetch_status(db, settings, document["id"], document=document, budget=budget)


class FederationLookup:
    """:class:`weft.remote_lookup.RemoteLookup` over ActivityPub."""

    async def learn_mentioned(self, db: Database, settings: Settings, texts: Iterable[str]) -> int:
        return await learn_mentioned(db, settings, texts)

    async def resolve(
        self, db: Database, settings: Settings, query: str
    ) -> Account | Status | None:
        return await resolve(db, settings, query)
