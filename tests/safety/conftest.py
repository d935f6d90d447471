"""The safety tests' people live on the live server (``server``), reached over HTTP."""

from __future__ import annotations

import pytest

from tests.live import LiveServer
from weft.config import Settings


@pytest.fixture
def people_settings(server: LiveServer) -> Settings:
    return server.settings
