"""The repository stands alone: nothing in it reaches for files outside its clone."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The planning folder that sits beside the repository on the developers' machines,
# named in pieces so that this file does not match itself.
OUTSIDE = re.compile("|".join([r"\.\./" + "shared", "shared" + r"/(ref|PRODUCT|DESIGN|STYLE)"]))


def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    return [ROOT / name for name in listed.decode().split("\0") if name]


def test_no_file_points_outside_the_repository() -> None:
    offenders = []
    for path in tracked_files():
        try:
            text = path.read_text()
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_reference_schemas_are_in_the_repository() -> None:
    from tests.openapi import SPEC_PATH, spec

    assert SPEC_PATH.is_relative_to(ROOT)
    assert len(spec()["paths"]) > 150
