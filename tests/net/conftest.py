from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.net.pages import PageServer


@pytest.fixture
def pages() -> Iterator[PageServer]:
    """A loopback page server for this test."""
    server = PageServer().start()
    yield server
    server.stop()
