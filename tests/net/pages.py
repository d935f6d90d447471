"""A tiny HTTP server on loopback for fetch tests: fixed pages, counted requests.

It runs in its own thread (stdlib ``ThreadingHTTPServer``), so tests of any
kind (async, or driving a Weft server) can use it, and it counts accepted
connections as well as requests: "refused before connecting" is checked as
"the server accepted nothing".
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Page:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the body is sent
    # False: no Content-Length; the body ends when the connection closes (HTTP/1.0).
    declare_length: bool = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], pages: PageServer) -> None:
        self.pages = pages
        super().__init__(address, _Handler)

    def verify_request(self, request: Any, client_address: Any) -> bool:
        with self.pages.lock:
            self.pages.connections += 1
        return True


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        pages = self.server.pages
        with pages.lock:
            pages.requests[self.path] += 1
            pages.hosts.append(self.headers.get("Host", ""))
            pages.user_agents.append(self.headers.get("User-Agent", ""))
        page = pages.pages.get(self.path, Page(b"not found", 404, "text/plain"))
        self.send_response(page.status)
        self.send_header("Content-Type", page.content_type)
        if page.declare_length:
            self.send_header("Content-Length", str(len(page.body)))
        for name, value in page.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if page.delay:
            time.sleep(page.delay)
        # The fetcher may have given up (too large, too slow), as it should.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(page.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class PageServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.pages: dict[str, Page] = {}
        self.requests: Counter[str] = Counter()
        self.hosts: list[str] = []
        self.user_agents: list[str] = []
        self.connections = 0
        self.lock = threading.Lock()
        self.server = _Server((host, 0), self)
        self.port: int = self.server.server_address[1]
        self.url = f"http://{host}:{self.port}"
        # shutdown() waits for the loop to look at its flag, once per poll
        # interval: at the default 0.5 s, stopping cost more than most tests.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def add(self, path: str, page: Page | bytes | str) -> str:
        if isinstance(page, str):
            page = page.encode()
        self.pages[path] = page if isinstance(page, Page) else Page(page)
        return self.url + path

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    def start(self) -> PageServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
