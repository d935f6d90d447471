"""`weft serve`'s HTTP protocol turns Nagle's algorithm off on every connection,
also on a listening socket uvicorn made itself (as with several processes),
where asyncio's loop would leave it on (weft/serving.py)."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from uvicorn.config import Config
from uvicorn.server import ServerState

from weft.serving import PROTOCOL, NoDelayHttpProtocol


async def _app(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError("no request is sent")


async def test_connections_on_a_socket_uvicorn_made_have_nagle_off() -> None:
    config = Config(app=_app, http=PROTOCOL, loop="asyncio", log_level="warning")
    config.load()
    assert config.http_protocol_class is NoDelayHttpProtocol
    listening = socket.socket(family=socket.AF_INET)  # as uvicorn's bind_socket makes it
    listening.bind(("127.0.0.1", 0))
    accepted: list[NoDelayHttpProtocol] = []
    connected = asyncio.Event()

    class Probe(NoDelayHttpProtocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            accepted.append(self)
            connected.set()

    def protocol() -> Probe:
        return Probe(config=config, server_state=ServerState(), app_state={})

    loop = asyncio.get_running_loop()
    server = await loop.create_server(protocol, sock=listening)
    try:
        _, writer = await asyncio.open_connection(*listening.getsockname())
        await asyncio.wait_for(connected.wait(), 10)
        connection = accepted[0].transport.get_extra_info("socket")
        assert connection.proto == 0  # asyncio would not have touched it
        assert connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        writer.close()
        await writer.wait_closed()
        accepted[0].transport.close()
    finally:
        server.close()
        await server.wait_closed()
