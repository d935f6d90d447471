"""No request ends in a 5xx: schemathesis over Weft's own ``/openapi.json``.

A bounded run (a few cases per operation, derandomized), anonymous and signed
in, against a live server on SQLite; it checks only that every answer is a
valid HTTP response below 500. Operations that still fail are named in
``KNOWN_5XX`` with the reason, so none is left out silently. (Schemathesis'
own pytest plugin does not run under pytest 9 yet, so the operations are
driven here through its strategies.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.api.helpers import bearer, sign_up
from tests.live import LiveServer

# "METHOD /path" of operations that still answer 5xx, with why.
KNOWN_5XX: dict[str, str] = {}

CASES_PER_OPERATION = 10  # some operations have fewer distinct inputs
CHECKS: list[Callable[..., Any]] = [not_a_server_error]


def run_every_operation(server: LiveServer, headers: dict[str, str]) -> list[str]:
    """Each operation's cases; the failures, one line each."""
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    failures: list[str] = []
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        name = f"{operation.method.upper()} {operation.path}"
        if name in KNOWN_5XX:
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=CASES_PER_OPERATION,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            nonlocal calls
            calls += 1
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as error:
            failures.append(f"{name}: {str(error).strip().splitlines()[0]}")
    # A run that called nothing would pass vacuously.
    assert calls >= 300, calls
    return failures


@pytest.fixture
def on_sqlite(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the bounded run is on SQLite only, to keep its time down")


def test_no_server_errors_anonymous(server: LiveServer, on_sqlite: None) -> None:
    assert run_every_operation(server, {}) == []


def test_no_server_errors_signed_in(server: LiveServer, client: Any, on_sqlite: None) -> None:
    alice = sign_up(client, "alice")
    assert run_every_operation(server, bearer(alice.token)) == []
