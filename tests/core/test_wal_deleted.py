"""The -wal deleted by another program while the project is open: no acknowledged label is lost.

A committed label first lives in the -wal. Deleting that file from outside (a cleaner, a sync
client) leaves the open program writing to a file with no name: a crash after that lost every
label since the last checkpoint, those before the deletion included (tried: 20 of 20). Now the
next write notices, copies everything saved into the project file, starts a fresh log and is
refused with one line; the writes after it are saved normally.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.codebook import default_codebook
from annotator.errors import JournalDeletedError
from annotator.imports import ParsedArticle
from annotator.project import Project

REPO = Path(__file__).resolve().parents[2]
VICTIM = Path(__file__).parent / "helpers" / "wal_victim.py"

pytestmark = pytest.mark.skipif(os.name != "posix", reason="Windows cannot delete an open file")


def build(path: Path) -> None:
    with Project.create(path, codebook=default_codebook()) as project:
        text = " ".join(f"Shelling hit block {i}." for i in range(100))
        project.import_articles([ParsedArticle(text=text, origin="x")])


def labelled(path: Path) -> tuple[str, set[int]]:
    conn = sqlite3.connect(path)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        return check, {r[0] for r in conn.execute("SELECT sentence_id FROM label")}
    finally:
        conn.close()


@pytest.mark.parametrize("deleted", [("-wal",), ("-wal", "-shm"), ("-shm",)])
def test_a_crash_after_the_log_was_deleted_keeps_every_acknowledged_label(
    tmp_path: Path, deleted: tuple[str, ...]
) -> None:
    path = tmp_path / "p.annotator"
    build(path)
    proc = subprocess.Popen(
        [sys.executable, str(VICTIM), str(path), "20", "20"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.stdin is not None and proc.stdout is not None
    lines = []
    try:
        while (line := proc.stdout.readline()) != "wait\n":
            lines.append(line)
        for suffix in deleted:
            os.unlink(f"{path}{suffix}")
        proc.stdin.write("go\n")
        proc.stdin.flush()
        while (line := proc.stdout.readline()) != "idle\n":
            assert line, "the child died"
            lines.append(line)
        proc.send_signal(signal.SIGKILL)  # a crash, before the program closed the project
    finally:
        proc.kill()
        proc.wait()
    acked = {int(x.split()[1]) for x in lines if x.startswith("ack ")}
    refused = [x for x in lines if x.startswith("refused ")]
    assert len(refused) == 1 and f"deleted or replaced p.annotator{deleted[0]}" in refused[0]
    assert "every change saved until now has been written into p.annotator" in refused[0]
    assert len(acked) == 39  # 20 before, 19 after the refused one
    check, stored = labelled(path)
    assert check == "ok"
    assert acked <= stored and len(stored) == 39


def test_in_process_the_refusal_is_one_line_and_the_next_write_saves(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    build(path)
    with Project.open(path) as project:
        ids = [s.id for s in project.sentences(project.article_ids()[0])]
        project.add_label(ids[0], "Denial", "anna")
        os.unlink(f"{path}-wal")
        with pytest.raises(JournalDeletedError) as refused:
            project.add_label(ids[1], "Denial", "anna")
        assert "\n" not in str(refused.value)
        assert labelled(path)[1] == {ids[0]}  # already in the project file, not only in a log
        project.add_label(ids[1], "Denial", "anna")
        assert os.path.exists(f"{path}-wal")  # a fresh log, under its name
    assert labelled(path) == ("ok", {ids[0], ids[1]})


@pytest.mark.parametrize("deleted", [("-wal", "-shm"), ("-shm",)])
def test_opened_elsewhere_after_the_deletion_both_views_are_kept_to_merge(
    tmp_path: Path, deleted: tuple[str, ...]
) -> None:
    """Another program that opens the project after the deletion gets side files of its own: a
    second view of the file. Folding this window's log into the file would overwrite the other's
    work (tried: its label vanished), so each view is saved as a copy, and a merge of the copies
    brings every acknowledged label back."""
    path = tmp_path / "p.annotator"
    build(path)
    with Project.open(path) as project:
        ids = [s.id for s in project.sentences(project.article_ids()[0])]
        for sid in ids[:10]:
            project.add_label(sid, "Denial", "anna")
        for suffix in deleted:
            os.unlink(f"{path}{suffix}")
        other = subprocess.run(
            [
                sys.executable,
                "-c",
                "from annotator.project import Project\n"
                f"with Project.open({str(path)!r}) as p: p.add_label({ids[50]}, 'Denial', 'ben')",
            ],
            capture_output=True,
            text=True,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        assert other.returncode == 0, other.stderr
        with pytest.raises(JournalDeletedError, match="opened elsewhere since") as refused:
            project.add_label(ids[11], "Denial", "anna")
    copies = sorted(tmp_path.glob("p.rescued-*.annotator"))
    assert len(copies) == 2 and all(c.name in str(refused.value) for c in copies)
    with Project.open(path) as project:
        project.merge(copies)
        aid = project.article_ids()[0]
        stored = project.labels(aid)
    assert {sid for sid, pairs in stored.items() if ("anna", "Denial") in pairs} == set(ids[:10])
    assert stored[ids[50]] == [("ben", "Denial")]
    assert labelled(path)[0] == "ok"
