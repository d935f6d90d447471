from __future__ import annotations

import httpx
import pytest

from tests.api.helpers import Person, sign_up


@pytest.fixture
def alice(client: httpx.Client) -> Person:
    """Alice, signed up through the API with a read/write/follow token."""
    return sign_up(client, "alice")
