"""Knowledge flows one way: the import contracts in pyproject.toml hold.

``lint-imports`` (import-linter) checks the layers (front doors over the
domain over the building blocks), what the web app and the federation may
take from the other doors, and that no package's modules import each other
in a circle. Here it runs over Weft, and over copies of Weft given one
upward import or one cycle, which it must refuse.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = "import sys, importlinter.cli as cli; sys.exit(cli.lint_imports(no_cache=True))"


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    """Run the contracts of ``project``'s pyproject.toml over its ``weft``."""
    return subprocess.run(
        [sys.executable, "-c", LINT],
        cwd=project,
        env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def copy_of_weft(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(
        ROOT / "weft",
        tmp_path / "weft",
        ignore=shutil.ignore_patterns("__pycache__", "templates", "static", "migrations"),
    )
    return tmp_path


def add_import(project: Path, module: str, line: str) -> None:
    path = project / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text() + f"\n{line}\n")


def test_weft_keeps_its_import_contracts() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_module_of_weft_imports_itself_through_others() -> None:
    """No cycle at all, across packages too, function-level imports included."""
    graph = grimp.build_graph("weft", cache_dir=None)
    cycles = [
        (importer, imported)
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
        if graph.chain_exists(imported, importer)
    ]
    assert cycles == []


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # The bottom reaching up to a front door.
        ("weft.db.paging", "from weft.api import auth", "weft.db.paging -> weft.api.auth"),
        # The domain reaching up, hidden in a function as the old look-ups were.
        (
            "weft.actions.markers",
            "def _later() -> None:\n    from weft.federation import remote_notes",
            "weft.actions.markers -> weft.federation.remote_notes",
        ),
        # Federation taking its plumbing from the API.
        ("weft.federation.webfinger", "import weft.api.auth", "weft.api.auth"),
        # Two modules of one package importing each other.
        ("weft.media.pillow", "from weft.media import detect", "weft.media"),
    ],
)
def test_an_upward_import_or_a_cycle_breaks_the_contracts(
    tmp_path: Path, module: str, line: str, broken: str
) -> None:
    project = copy_of_weft(tmp_path)
    add_import(project, module, line)
    result = lint_imports(project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
    assert broken in result.stdout
