"""One rule matches domain blocks: in memory (DomainMatcher) and in SQL (block_severity)."""

from __future__ import annotations

import pytest

from weft.actions.domain_blocks import DomainBlockForm, block_domain
from weft.config import Settings
from weft.db.database import Database
from weft.queries.domain_blocks import DomainMatcher, block_severity, covering_domains

CASES = [
    # (blocked, asked, covered)
    ("example.com", "example.com", True),
    ("example.com", "social.example.com", True),
    ("example.com", "EXAMPLE.com", True),
    ("example.com", "example.com:8443", True),
    ("example.com:8443", "social.example.com:8443", True),
    ("127.0.0.1:3000", "127.0.0.1:3000", True),
    ("127.0.0.1:3000", "127.0.0.1:4000", False),
    ("example.com", "notexample.com", False),
    ("social.example.com", "example.com", False),
]


@pytest.mark.parametrize(("blocked", "asked", "covered"), CASES)
def test_a_block_covers_the_domain_and_every_subdomain(
    blocked: str, asked: str, covered: bool
) -> None:
    assert DomainMatcher(frozenset({blocked})).matches(asked) is covered
    assert (blocked in covering_domains(asked)) is covered


@pytest.mark.parametrize(("blocked", "asked", "covered"), CASES)
async def test_the_database_asks_the_same_rule(
    db: Database, settings: Settings, blocked: str, asked: str, covered: bool
) -> None:
    await block_domain(db, settings, blocked, DomainBlockForm(severity="limit"))
    assert await block_severity(db, asked) == ("limit" if covered else None)
