"""An export or backup killed mid-write leaves no temporary file behind for good.

A killed process cannot delete its temporary file. Before this, every killed export left a hidden
``.partial`` beside its target and every killed backup a whole copy of the project in the backup
folder, forever (bench/soak_faults.py found both). The next export or backup into that folder now
removes the temporary files of dead processes on this host, and only those.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from annotator.codebook import default_codebook
from annotator.imports import ParsedArticle
from annotator.partial_files import owner_tag, sweep_abandoned, temporary_name
from annotator.project import Project
from annotator.storage.backups import backup_dir, list_backups

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(os.name != "posix", reason="kills with SIGKILL")


def make(path: Path) -> Project:
    project = Project.create(path, codebook=default_codebook())
    text = " ".join(f"Talks resumed in round {i}." for i in range(50))
    project.import_articles([ParsedArticle(text=text, origin="x")])
    sid = project.sentences(project.article_ids()[0])[0].id
    project.add_label(sid, "Denial", "anna")
    return project


def killed_inside(code: str) -> None:
    """Run `code` in a child that prints "in" at the point to be killed, and SIGKILL it there."""
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "in\n"
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def hidden_partials(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".partial" in p.name)


def test_the_next_export_removes_what_a_killed_export_left(tmp_path: Path) -> None:
    with make(tmp_path / "p.annotator"):
        pass
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.partial").write_text("not ours", encoding="utf-8")  # a user's file: kept
    killed_inside(
        f"""
        import sys, time
        from annotator.exports.common import atomic_target
        with atomic_target({str(out / "first.csv")!r}) as tmp:
            tmp.write_text("half a file", encoding="utf-8")
            print("in", flush=True)
            time.sleep(60)
        """
    )
    left = hidden_partials(out)
    assert len(left) == 2 and any(n.startswith(".first.csv.") for n in left)  # the kill's litter
    assert not (out / "first.csv").exists()  # never a truncated target
    with Project.open(tmp_path / "p.annotator", read_only=True) as project:
        project.export(out / "second.csv")
    assert hidden_partials(out) == ["notes.partial"]
    assert (out / "second.csv").exists()


def test_the_next_backup_removes_the_copy_a_killed_backup_left(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    with make(path) as project:
        project.backup()
    killed_inside(
        f"""
        import time
        from pathlib import Path
        from annotator.partial_files import temporary_name
        from annotator.storage.backups import backup_dir
        # where a backup writes its copy until it is complete, as take_backup names it
        name = "p-20260101T000000_000000Z.annotator"
        part = backup_dir(Path({str(path)!r})) / temporary_name(name)
        part.write_bytes(b"SQLite format 3\\x00" + bytes(4000))
        Path(str(part) + "-journal").write_bytes(bytes(512))
        print("in", flush=True)
        time.sleep(60)
        """
    )
    folder = backup_dir(path)
    assert len(hidden_partials(folder)) == 2
    with Project.open(path) as project:
        project.backup()
    assert hidden_partials(folder) == []
    assert len(list_backups(path)) == 2


def test_a_live_writer_and_another_host_keep_their_temporary_files(tmp_path: Path) -> None:
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        mine = tmp_path / temporary_name("a.csv")
        host = owner_tag().split("-")[0]
        theirs = tmp_path / f".a.csv.{host}-{live.pid}.x1.partial"  # another window, exporting
        other_host = tmp_path / ".a.csv.0badc0de-999999999.x1.partial"
        for f in (mine, theirs, other_host):
            f.write_bytes(b"x")
        assert sweep_abandoned(tmp_path) == 0
        assert mine.exists() and theirs.exists() and other_host.exists()
    finally:
        live.kill()
        live.wait()
    assert sweep_abandoned(tmp_path) == 1  # the writer is gone now: its file goes
    assert not theirs.exists() and mine.exists() and other_host.exists()
