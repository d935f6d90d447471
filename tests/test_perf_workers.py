"""``weft serve --workers`` / WEFT_WORKERS: several server processes, each with its own node id."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.helpers import bearer, sign_up
from tests.live import WeftProcess
from weft import cli
from weft.config import Settings
from weft.db.ids import NODE_BITS, SEQUENCE_BITS

pytestmark = pytest.mark.performance


@pytest.fixture
def held() -> Iterator[None]:
    yield
    while cli._held_node_locks:
        cli._held_node_locks.pop().close()


def test_processes_on_one_data_folder_get_distinct_node_ids(tmp_path: Path, held: None) -> None:
    settings = Settings(data_dir=tmp_path, node_id=1023)
    first = cli.claim_node_id(settings)
    second = cli.claim_node_id(settings)  # as another process: flock is per open file
    assert (first, second) == (1023, 0)
    cli._held_node_locks.pop().close()  # that process ends: its id is free again
    assert cli.claim_node_id(settings) == 0


def test_two_server_processes_answer_and_make_ids_of_their_own(tmp_path: Path) -> None:
    server = WeftProcess(
        {"WEFT_WORKERS": "2", "WEFT_RATE_LIMITS": "false", "WEFT_NODE_ID": "7"},
        tmp_path / "data",
    ).start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            person = sign_up(client, "wanda")
            nodes = set()
            for n in range(12):
                # A new connection each time, so the kernel spreads them over both processes.
                with httpx.Client(base_url=server.url, timeout=30) as fresh:
                    posted = fresh.post(
                        "/api/v1/statuses",
                        data={"status": f"post {n}"},
                        headers=bearer(person.token),
                    )
                assert posted.status_code == 200, posted.text
                nodes.add((int(posted.json()["id"]) >> SEQUENCE_BITS) & ((1 << NODE_BITS) - 1))
            mine = client.get(f"/api/v1/accounts/{person.id}/statuses?limit=40")
            assert mine.status_code == 200
            assert len(mine.json()) == 12
        assert nodes <= {7, 8}
        assert sorted(p.name for p in (tmp_path / "data" / "nodes").iterdir()) == [
            "7.lock",
            "8.lock",
        ]
    finally:
        server.stop()
