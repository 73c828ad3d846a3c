"""The core must run where Qt is not installed: nothing under annotator/ may import Qt or ui."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_every_core_module_imports_with_qt_unavailable() -> None:
    script = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] in ('PySide6', 'PyQt5', 'PyQt6', 'qtawesome', 'ui'):
                    raise ImportError('blocked: ' + name)
        sys.meta_path.insert(0, Block())
        import annotator
        failed = []
        for mod in pkgutil.walk_packages(annotator.__path__, 'annotator.'):
            if mod.name == 'annotator.__main__':
                continue
            try:
                importlib.import_module(mod.name)
            except ImportError as exc:
                failed.append(f'{mod.name}: {exc}')
        print('\\n'.join(failed))
        sys.exit(1 if failed else 0)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_core_source_file_mentions_a_qt_import() -> None:
    offenders = []
    for path in (REPO / "annotator").rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")) and any(
                stripped.split()[1].startswith(m) for m in ("PySide6", "PyQt", "qtawesome", "ui")
            ):
                offenders.append(f"{path.relative_to(REPO)}: {stripped}")
    assert offenders == []


def test_the_import_contracts_hold() -> None:
    """pyproject.toml's import-linter contracts: no Qt in the core, SQL only in storage/, the
    core's layers, and no import cycles between sibling modules."""
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():
        pytest.skip("import-linter is not installed beside this Python (pip install -e '.[dev]')")
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout
