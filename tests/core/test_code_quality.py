"""The standards the project holds itself to, checked on every run: lint, layering, strict types."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = BIN / name
    if found.exists():
        return str(found)
    on_path = shutil.which(name)
    if on_path is None:
        pytest.skip(f"{name} is not installed (pip install '.[dev]')")
    return on_path


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=300)


def test_ruff_finds_nothing() -> None:
    done = run(tool("ruff"), "check", "--quiet", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_core_never_imports_qt_or_the_ui_per_import_linter() -> None:
    done = run(tool("lint-imports"))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_core_passes_mypy_strict() -> None:
    done = run(tool("mypy"), "annotator")
    assert done.returncode == 0, done.stdout[-3000:]


def test_import_linter_forbids_the_ui_to_reach_storage_or_a_driver() -> None:
    """ui/ reaches data only through annotator's public API (annotator.project, .reliability,
    .backups, ...): a direct import of the storage layer or a database driver breaks the build."""
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    ui_rules = [c for c in contracts if c["type"] == "forbidden" and c["source_modules"] == ["ui"]]
    assert ui_rules, "no forbidden contract with source ui"
    forbidden = set(ui_rules[0]["forbidden_modules"])
    assert {"annotator.storage", "sqlalchemy", "sqlite3"} <= forbidden
