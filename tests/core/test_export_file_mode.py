"""Exported files get the mode any other program's files get: 0666 less the umask, not 0600."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture
def umask() -> Iterator[Any]:
    """Set the process umask for one test, then put the old one back."""
    old = os.umask(0o022)
    os.umask(old)

    def set_mask(mask: int) -> None:
        os.umask(mask)

    yield set_mask
    os.umask(old)


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077])
@pytest.mark.parametrize("name", ["out.csv", "out.xlsx", "out.jsonl", "out.qdpx"])
def test_an_export_has_the_umask_mode(
    make_project: Any, tmp_path: Path, umask: Any, mask: int, name: str
) -> None:
    project = make_project(demo=True)
    umask(mask)
    project.export(tmp_path / name)
    assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~mask


def test_a_codebook_export_has_the_umask_mode(
    make_project: Any, tmp_path: Path, umask: Any
) -> None:
    project = make_project()
    umask(0o002)
    project.export_codebook(tmp_path / "cb.yaml")
    assert stat.S_IMODE((tmp_path / "cb.yaml").stat().st_mode) == 0o664


def test_the_umask_is_read_without_being_changed(umask: Any) -> None:
    from annotator.exports.common import current_umask

    umask(0o027)
    assert current_umask() == 0o027
    assert current_umask() == 0o027
