"""Two windows (two processes) writing to one project at once lose nothing.

WAL lets readers and one writer work together; every write begins IMMEDIATE (it takes the lock
up front) and waits up to the busy timeout for the other writer, in short transactions.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from annotator.codebook import default_codebook
from annotator.imports import ParsedArticle
from annotator.project import Project

REPO = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).parent / "helpers" / "label_writer.py"
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def build_project(path: Path, articles: int, n: int) -> None:
    with Project.create(path, codebook=default_codebook()) as project:
        project.import_articles(
            ParsedArticle(
                text=" ".join(f"Officials met in room {i} of building {a}." for i in range(n)),
                origin=f"b{a}",
            )
            for a in range(articles)
        )


def writer(path: Path, coder: str, start: int, step: int, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(path), coder, str(start), str(step), str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        cwd=REPO,
    )


def finish(proc: subprocess.Popen[str]) -> set[int]:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    lines = out.split()
    assert lines[0] == "ready" and lines[-1] == "done"
    return {int(x) for x in lines[1:-1]}


def labelled(path: Path, coder: str) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        return [
            r[0]
            for r in conn.execute(
                "SELECT sentence_id FROM label JOIN coder ON coder.id = label.coder_id "
                "WHERE coder.name = ?",
                (coder,),
            )
        ]
    finally:
        conn.close()


def test_two_processes_labelling_interleaved_sentences_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.annotator"
    build_project(path, articles=25, n=40)  # 1,000 sentences
    first = writer(path, "anna", 0, 2, 500)  # even positions
    second = writer(path, "anna", 1, 2, 500)  # odd positions, same coder: same rows touched
    reported = finish(first) | finish(second)
    stored = labelled(path, "anna")
    assert len(reported) == 1000
    assert sorted(stored) == sorted(reported)  # exact: none lost, none doubled


def test_the_cli_importing_while_a_window_labels_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "busy.annotator"
    build_project(path, articles=10, n=40)
    folder = tmp_path / "incoming"
    folder.mkdir()
    for i in range(30):
        (folder / f"wire-{i:02}.txt").write_text(
            f"Wire report {i}.\n\n" + " ".join(f"Column {i} moved {k} km." for k in range(60)),
            encoding="utf-8",
        )
    labels = writer(path, "ben", 0, 1, 400)
    importing = subprocess.run(
        [sys.executable, "-m", "annotator", "import", str(path), str(folder)],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=REPO,
        timeout=120,
    )
    reported = finish(labels)
    assert importing.returncode == 0, importing.stderr
    assert sorted(labelled(path, "ben")) == sorted(reported) and len(reported) == 400
    with Project.open(path, read_only=True) as project:
        assert project.info()["articles"] == 40


def test_a_second_project_instance_sees_the_first_ones_labels(tmp_path: Path) -> None:
    path = tmp_path / "two.annotator"
    build_project(path, articles=1, n=5)
    with Project.open(path) as left, Project.open(path) as right:
        aid = left.article_ids()[0]
        sid = left.sentences(aid)[2].id
        left.add_label(sid, "Denial", "anna")
        assert right.labels(aid) == {sid: [("anna", "Denial")]}
        right.remove_label(sid, "Denial", "anna")
        assert left.labels(aid) == {}


def test_two_windows_giving_one_sentence_two_single_choice_codes_at_once(tmp_path: Path) -> None:
    """Each window planned its key press against a sentence without either code; both were
    written and the single-choice group held two codes. The later write now wins cleanly."""
    path = tmp_path / "race.annotator"
    build_project(path, articles=1, n=5)
    with Project.open(path) as left, Project.open(path) as right:
        aid = left.article_ids()[0]
        sid = left.sentences(aid)[1].id
        first = left.toggle_command([sid], "Denial", "anna")  # both keys pressed ...
        second = right.toggle_command([sid], "Military action", "anna")
        first.apply(left)  # ... and written one after the other
        second.apply(right)
        assert left.labels(aid) == right.labels(aid) == {sid: [("anna", "Military action")]}
        second.revert(right)  # undo in the second window puts back what it replaced
        assert left.labels(aid) == {sid: [("anna", "Denial")]}
    conn = sqlite3.connect(path)
    try:
        log = conn.execute(
            "SELECT e.action, c.name FROM label_event e JOIN code c ON c.id = e.code_id "
            "ORDER BY e.id"
        ).fetchall()
    finally:
        conn.close()
    assert log == [
        ("add", "Denial"),
        ("remove", "Denial"),
        ("add", "Military action"),
        ("remove", "Military action"),
        ("add", "Denial"),
    ]
