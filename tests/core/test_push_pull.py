"""pull writes a complete copy of a project; push merges a coder's file into it, idempotently.

These run here on SQLite files on both ends (a server project is opened by the same calls); the
server cases are in the PostgreSQL tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from annotator import Project
from annotator.cli import main
from annotator.demo import build_demo
from annotator.errors import AnnotatorError, ProjectError
from annotator.exchange.merge import MergeReport
from annotator.exchange.sync import PullReport
from annotator.progress import CancelToken
from annotator.storage.snapshot import copyable_tables


def pull(source: str, target: Path, cancel: CancelToken | None = None) -> PullReport:
    with Project.open(source, read_only=True) as p:
        return p.save_copy(target, cancel=cancel)


def push(local: Path, server: str) -> MergeReport:
    with Project.open(server) as p:
        return p.merge([local])


def rows_of(path: Path) -> dict[str, list[tuple[object, ...]]]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return {
                t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key))]
                for t in copyable_tables()
            }
    finally:
        engine.dispose()


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "study.annotator"
    build_demo(path).close()
    return path


def test_pull_copies_every_table_row_for_row_with_its_ids(demo: Path, tmp_path: Path) -> None:
    report = pull(str(demo), tmp_path / "archive")
    assert report.path == tmp_path / "archive.annotator"
    source, copy = rows_of(demo), rows_of(report.path)
    assert copy == source
    assert report.rows["label"] == len(source["label"]) == 71
    assert report.rows["label_event"] == len(source["label_event"]) > 0
    with Project.open(report.path) as p:
        assert p.info()["articles_done"] == {"anna": 5, "ben": 5}


def test_a_pulled_copy_keeps_working_as_a_project(demo: Path, tmp_path: Path) -> None:
    report = pull(str(demo), tmp_path / "copy.annotator")
    with Project.open(report.path) as p:
        sentence = p.sentences(p.article_ids()[0])[0]
        p.add_label(sentence.id, "Denial", "chen")  # new ids follow the copied ones
        assert p.info()["labels"] == 72


def test_pull_refuses_to_overwrite_and_a_cancelled_pull_leaves_no_file(
    demo: Path, tmp_path: Path
) -> None:
    target = tmp_path / "copy.annotator"
    target.write_bytes(b"keep me")
    with pytest.raises(ProjectError, match="already exists"):
        pull(str(demo), target)
    assert target.read_bytes() == b"keep me"

    other = tmp_path / "other.annotator"
    token = CancelToken()
    token.cancel()
    with pytest.raises(AnnotatorError):
        pull(str(demo), other, cancel=token)
    assert set(tmp_path.iterdir()) == {demo, target}  # no copy, no partial file


def test_push_twice_adds_nothing_the_second_time(demo: Path, tmp_path: Path) -> None:
    lead = pull(str(demo), tmp_path / "lead.annotator").path
    coder_file = tmp_path / "chen.annotator"
    pull(str(demo), coder_file)
    with Project.open(coder_file) as p:
        for s in p.sentences(p.article_ids()[1])[:3]:
            p.add_label(s.id, "Military action", "chen")

    first = push(coder_file, str(lead))
    second = push(coder_file, str(lead))
    assert first.labels_added == 3 and first.coders_added == ["chen"]
    assert second.labels_added == 0 and second.labels_present == 74
    with Project.open(lead) as p:
        assert p.info()["labels"] == 74


def test_the_cli_pulls_and_pushes(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pull", str(demo), str(tmp_path / "copy")]) == 0
    assert "5 articles, 71 labels" in capsys.readouterr().out
    assert main(["push", str(demo), str(tmp_path / "copy.annotator")]) == 0
    assert "0 labels added (71 already there)" in capsys.readouterr().out
    assert main(["pull", str(demo), str(tmp_path / "copy")]) == 1
    assert "already exists" in capsys.readouterr().err
