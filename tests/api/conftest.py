"""The API tests' people live on the live server (``server``), which they reach
over HTTP; ``api_alice`` is the one person who signs up through the API itself."""

from __future__ import annotations

import httpx
import pytest

from tests.api.helpers import Person, sign_up
from tests.live import LiveServer
from weft.config import Settings


@pytest.fixture
def people_settings(server: LiveServer) -> Settings:
    return server.settings


@pytest.fixture
def api_alice(client: httpx.Client) -> Person:
    """Alice, signed up through the API with a read/write/follow token, her password and app."""
    return sign_up(client, "alice")
