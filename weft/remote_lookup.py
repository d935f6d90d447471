"""What the domain asks of other servers, as an interface the federation provides.

Posting must find the remote people a post mentions before it is written, and
search may fetch the account or post a query names. Both are the federation's
work (``weft.federation.lookup``), but the actions and queries sit below the
federation and may not import it. So they ask :func:`remote_lookup`, which
answers with what was installed at start-up (``weft/app.py``, ``weft/cli.py``
install ``FederationLookup``) or, where nothing was (a script, a test of the
domain alone), with :class:`NoRemoteLookup`: nobody new is learned, nothing
is fetched, and mentions of unknown people stay plain text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from weft.config import Settings
from weft.db.database import Database
from weft.models import Account, Status


class RemoteLookup(Protocol):
    async def learn_mentioned(self, db: Database, settings: Settings, texts: Iterable[str]) -> int:
        """Find and store the unknown remote people ``texts`` mention (best effort,
        time-bounded, never raising for another server's failure); how many."""
        ...

    async def resolve(
        self, db: Database, settings: Settings, query: str
    ) -> Account | Status | None:
        """The account or post a handle or URL names, fetched and stored if need be."""
        ...


class NoRemoteLookup:
    """Other servers are never asked."""

    async def learn_mentioned(self, db: Database, settings: Settings, texts: Iterable[str]) -> int:
        return 0

    async def resolve(
        self, db: Database, settings: Settings, query: str
    ) -> Account | Status | None:
        return None


_installed: list[RemoteLookup] = [NoRemoteLookup()]


def install_remote_lookup(lookup: RemoteLookup) -> None:
    """Answer :func:`remote_lookup` with ``lookup`` from now on, in this process."""
    _installed[0] = lookup


def remote_lookup() -> RemoteLookup:
    return _installed[0]
