"""How `weft serve` speaks HTTP and WebSockets: uvicorn's httptools protocol,
with Nagle's algorithm off on every connection, and uvicorn's sans-I/O
WebSocket protocol, holding less for each open socket.

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
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

# For uvicorn's `http` and `ws` options (import strings: each worker process imports them).
PROTOCOL = "weft.serving:NoDelayHttpProtocol"
WS_PROTOCOL = "weft.serving:LeanWebSocketProtocol"


class NoDelayHttpProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        connection = transport.get_extra_info("socket")
        if connection is not None and connection.family in (socket.AF_INET, socket.AF_INET6):
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


class LeanWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O WebSocket protocol, holding less while a socket is
    open (streams stay open for hours, thousands at a time: benchmark e,
    docs/performance.md). Measured with tracemalloc, per socket:

    - the handshake's request and response (their headers parsed twice, about
      4 KB) are kept by uvicorn for the socket's life, and used only until the
      101 is sent: let go once it is;
    - an ``asyncio.Queue`` for the client's messages (three deques, about
      2.3 KB) and an ``asyncio.Event`` for write pauses (a deque, 0.8 KB):
      the same, made of a list and a future made only while someone waits.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue = _Inbox()  # type: ignore[assignment]
        self.writable = _Flag(self.writable.is_set())  # type: ignore[assignment]

    async def send(self, message: Any) -> None:
        await super().send(message)
        if self.handshake_complete and getattr(self, "response", None) is not None:
            self.request = self.response = None  # type: ignore[assignment]


class _Inbox:
    """What uvicorn's protocol asks of its ``asyncio.Queue`` (``put_nowait``,
    ``get``, ``empty``), for one reader at a time, as an ASGI app reads."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: Any) -> None:
        self._items.append(item)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def empty(self) -> bool:
        return not self._items

    def qsize(self) -> int:
        return len(self._items)

    async def get(self) -> Any:
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._items.pop(0)


class _Flag:
    """``asyncio.Event`` (set, clear, is_set, wait) without a deque of its own."""

    __slots__ = ("_set", "_waiters")

    def __init__(self, is_set: bool) -> None:
        self._set = is_set
        self._waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        self._set = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._set = False

    async def wait(self) -> None:
        if self._set:
            return
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        await waiter
