from __future__ import annotations

from tests.net.conftest import pages

__all__ = ["pages"]
