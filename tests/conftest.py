"""Fixtures shared by core and UI tests: real project files in tmp_path."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or skip the test saying why (a lone clone has no shared/)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (shared test material is only beside the main checkout)")
    return path


@pytest.fixture(autouse=True)
def _isolated_logs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANNOTATOR_LOG_DIR", str(tmp_path_factory.getbasetemp() / "logs"))


@pytest.fixture
def make_project(tmp_path: Path) -> Iterator[Callable[..., object]]:
    """Factory: make_project(name="p", demo=False, codebook=default) -> an open Project."""
    from annotator import Project
    from annotator.codebook import default_codebook

    opened: list[Project] = []

    def factory(name: str = "p", demo: bool = False, codebook: object = "default") -> Project:
        path = tmp_path / f"{name}.annotator"
        if demo:
            from annotator.demo import build_demo

            project = build_demo(path)
        else:
            cb = default_codebook() if codebook == "default" else codebook
            project = Project.create(path, codebook=cb)  # type: ignore[arg-type]
        opened.append(project)
        return project

    yield factory
    for p in opened:
        p.close()


@pytest.fixture
def sample_texts() -> list[str]:
    return [
        "Troops advanced on Monday. The ministry denied it.\n\nTalks resume in Geneva.",
        'Dr. Ilse Varga said strikes would increase. "We are ready," he said.',
    ]
