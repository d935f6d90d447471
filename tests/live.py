"""Real servers for tests: the Weft app served by uvicorn over loopback HTTP.

``LiveServer`` runs the app in a thread of this process (fast, one per backend
and test session); ``WeftProcess`` starts a real ``weft serve`` process for
acceptance tests.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from weft.app import create_app
from weft.config import Settings

ROOT = Path(__file__).resolve().parent.parent
# Every test client shares one: building one loads the CA bundle (~0.1 s of CPU),
# and httpx would build one per client though loopback HTTP never uses it.
TLS = httpx.create_ssl_context()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LiveServer:
    def __init__(self, settings: Settings) -> None:
        # Bound here and handed to uvicorn, so that no other server (another
        # test run, an xdist worker) can take the port in between.
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.port: int = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.settings = settings.with_(base_url=self.url, host="127.0.0.1", port=self.port)
        self.app = create_app(self.settings)
        # A stream a test left open (SSE, a WebSocket) must not hold the server
        # past stop(): after 5 s uvicorn cancels what is left and closes its
        # connections on its own loop, so no transport outlives the server
        # (to surface later, in another test, as an unclosed-transport warning).
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=5,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        with self.socket:
            self.server.run(sockets=[self.socket])

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, verify=TLS, **kwargs)


class WeftProcess:
    """A real ``weft serve`` process with its own environment."""

    def __init__(self, env: dict[str, str], data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "WEFT_HOST": "127.0.0.1",
            "WEFT_PORT": str(self.port),
            "WEFT_DATA_DIR": str(data_dir),
            **env,
        }
        self.log_path = data_dir / "weft-serve.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> WeftProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:  # the child keeps its own copy
            self.process = subprocess.Popen(
                [sys.executable, "-m", "weft.cli", "serve"],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"weft serve exited early:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/api/v2/instance", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"weft serve did not answer within {timeout}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
