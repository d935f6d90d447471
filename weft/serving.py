"""How `weft serve` speaks HTTP: uvicorn's httptools protocol, with Nagle's
algorithm off on every connection.

asyncio's loop turns Nagle off (TCP_NODELAY) only on connections accepted
from a socket it created itself. With several processes (`--workers`),
uvicorn creates the listening socket, asyncio leaves Nagle on, and a response
written in two parts (head, then body) waits for the client's delayed ACK:
about 40 ms a request. uvloop sets it everywhere; this protocol does the same
on either loop.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# For uvicorn's `http` option (an import string: each worker process imports it).
PROTOCOL = "weft.serving:NoDelayHttpProtocol"


class NoDelayHttpProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        connection = transport.get_extra_info("socket")
        if connection is not None and connection.family in (socket.AF_INET, socket.AF_INET6):
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
