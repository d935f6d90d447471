"""Servers and people for the federation tests.

Local people live on the live server (``server``) unless a module says
otherwise: the inbox tests keep theirs on ``fed``, the server that may fetch
from the remote test servers on 127.0.0.1. ``remote_alice`` is an actor on
``remote``; ``other`` is a second remote server.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.federation.remote_server import RemoteActor, RemoteServer
from tests.live import LiveServer
from weft.config import Settings


@pytest.fixture
def people_settings(server: LiveServer) -> Settings:
    return server.settings


@pytest.fixture(scope="session")
def fed_servers() -> Iterator[dict[str, LiveServer]]:
    servers: dict[str, LiveServer] = {}
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture
def fed(
    database_url: str,
    fed_servers: dict[str, LiveServer],
    tmp_path_factory: pytest.TempPathFactory,
) -> LiveServer:
    """A Weft server that may fetch from 127.0.0.1 (the remote test server)."""
    if database_url not in fed_servers:
        settings = Settings(
            data_dir=tmp_path_factory.mktemp("fed"),
            database_url=database_url,
            secret_key="test-secret-key",
            embedded_workers=0,
            rate_limits=False,
            allow_private_network=True,
        )
        fed_servers[database_url] = LiveServer(settings).start()
    return fed_servers[database_url]


@pytest.fixture
def remote() -> Iterator[RemoteServer]:
    server = RemoteServer().start()
    yield server
    server.stop()


@pytest.fixture
def other() -> Iterator[RemoteServer]:
    server = RemoteServer().start()
    yield server
    server.stop()


@pytest.fixture
def remote_alice(remote: RemoteServer) -> RemoteActor:
    return remote.actor("alice")
