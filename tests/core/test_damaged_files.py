"""A damaged, foreign, newer, read-only or locked project file is refused cleanly and left as is.

Each case goes through Project.open and through the command line (a real subprocess): one line
on stderr, no traceback, a non-zero exit, and the file's bytes unchanged with no -wal/-shm left.
"""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from annotator.codebook import default_codebook
from annotator.errors import (
    AnnotatorError,
    DamagedProjectError,
    NotAProjectError,
    ProjectLockedError,
    ReadOnlyProjectError,
    SchemaTooNewError,
)
from annotator.imports import ParsedArticle
from annotator.project import Project
from annotator.storage import engine as engine_module

REPO = Path(__file__).resolve().parents[2]
LOCK_HOLDER = Path(__file__).parent / "helpers" / "lock_holder.py"


def make_real_project(path: Path) -> Path:
    with Project.create(path, codebook=default_codebook()) as project:
        project.import_articles(
            ParsedArticle(
                text=" ".join(f"Shelling hit district {a} at hour {i}." for i in range(50)),
                origin=f"a{a}",
            )
            for a in range(40)
        )
        sid = project.sentences(project.article_ids()[0])[0].id
        project.add_label(sid, "Denial", "anna")
    assert not (Path(str(path) + "-wal")).exists()
    return path


def fingerprint(path: Path) -> tuple[str, list[str]]:
    """The file's hash and the side files beside it: what 'left unchanged' means."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest, sorted(p.name for p in path.parent.iterdir() if p.name != path.name)


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "annotator", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
    )


def assert_one_line_refusal(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def truncated(tmp: Path) -> Path:
    path = make_real_project(tmp / "cut.annotator")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def random_bytes(tmp: Path) -> Path:
    path = tmp / "noise.annotator"
    path.write_bytes(random.Random(6).randbytes(300_000))
    return path


def random_bytes_with_sqlite_header(tmp: Path) -> Path:
    path = tmp / "noisy.annotator"
    path.write_bytes(engine_module.SQLITE_HEADER + random.Random(7).randbytes(4096 * 8 - 16))
    return path


def newer_schema(tmp: Path) -> Path:
    path = make_real_project(tmp / "future.annotator")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE annotator_meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    assert not (Path(str(path) + "-wal")).exists()
    return path


REFUSED: dict[str, tuple[Callable[[Path], Path], type[AnnotatorError]]] = {
    "truncated": (truncated, DamagedProjectError),
    "random bytes": (random_bytes, NotAProjectError),
    "random bytes behind a SQLite header": (random_bytes_with_sqlite_header, NotAProjectError),
    "newer schema": (newer_schema, SchemaTooNewError),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_project_open_refuses_with_one_line_and_leaves_the_file_unchanged(
    case: str, tmp_path: Path
) -> None:
    make, error = REFUSED[case]
    path = make(tmp_path)
    before = fingerprint(path)
    for read_only in (None, True, False):
        with pytest.raises(error) as caught:
            Project.open(path, read_only=read_only)
        message = str(caught.value)
        assert message and "\n" not in message and path.name in message
    assert fingerprint(path) == before


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_cli_refuses_with_one_line_no_traceback_and_leaves_the_file_unchanged(
    case: str, tmp_path: Path
) -> None:
    path = REFUSED[case][0](tmp_path)
    article = tmp_path / "new.txt"
    article.write_text("Troops advanced on Monday. The ministry denied it.", encoding="utf-8")
    before = fingerprint(path)
    for args in (("info", path), ("import", path, article)):
        line = assert_one_line_refusal(run_cli(*args))
        assert path.name in line
    assert fingerprint(path) == before


@pytest.fixture
def marked_read_only(tmp_path: Path) -> Iterator[Path]:
    path = make_real_project(tmp_path / "frozen.annotator")
    path.chmod(0o444)
    yield path
    path.chmod(0o644)


def test_a_file_marked_read_only_opens_read_only_even_for_root(marked_read_only: Path) -> None:
    # Root may write to a 0o444 file anyway; the mode bits still say what the researcher meant.
    with Project.open(marked_read_only) as project:
        assert project.read_only
        assert project.info()["read_only"] is True
        assert project.info()["labels"] == 1


def test_a_read_only_project_refuses_writes_and_stays_byte_identical(
    marked_read_only: Path,
) -> None:
    before = fingerprint(marked_read_only)
    with Project.open(marked_read_only) as project:
        sid = project.sentences(project.article_ids()[0])[1].id
        with pytest.raises(ReadOnlyProjectError, match="read-only"):
            project.add_label(sid, "Denial", "anna")
    assert fingerprint(marked_read_only) == before
    assert stat.S_IMODE(marked_read_only.stat().st_mode) == 0o444


def test_cli_reads_a_read_only_project_and_refuses_to_import_into_it(
    marked_read_only: Path, tmp_path: Path
) -> None:
    article = tmp_path / "new.txt"
    article.write_text("Troops advanced on Monday. The ministry denied it.", encoding="utf-8")
    before = fingerprint(marked_read_only)
    info = run_cli("info", marked_read_only)
    assert info.returncode == 0 and "(read-only file)" in info.stdout
    line = assert_one_line_refusal(run_cli("import", marked_read_only, article))
    assert "read-only" in line
    assert fingerprint(marked_read_only) == before


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[Path]:
    """A project whose write lock another process holds (BEGIN EXCLUSIVE) for the whole test."""
    path = make_real_project(tmp_path / "busy.annotator")
    holder = subprocess.Popen(
        [sys.executable, str(LOCK_HOLDER), str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    yield path
    assert holder.stdin is not None
    holder.stdin.close()
    holder.wait(timeout=30)


def test_opening_a_locked_project_for_writing_is_refused_after_a_short_wait(
    locked: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "OPEN_LOCK_TIMEOUT_MS", 200)
    with pytest.raises(ProjectLockedError, match="locked by another program") as caught:
        Project.open(locked)
    assert "\n" not in str(caught.value)


def test_a_locked_project_can_still_be_read(locked: Path) -> None:
    # WAL lets readers in while another program writes: reading what was committed is safe.
    with Project.open(locked, read_only=True) as project:
        assert project.info()["labels"] == 1


def test_cli_import_into_a_locked_project_is_refused_with_one_line(
    locked: Path, tmp_path: Path
) -> None:
    article = tmp_path / "new.txt"
    article.write_text("Troops advanced on Monday. The ministry denied it.", encoding="utf-8")
    before = hashlib.sha256(locked.read_bytes()).hexdigest()
    line = assert_one_line_refusal(run_cli("import", locked, article))
    assert "locked" in line
    assert hashlib.sha256(locked.read_bytes()).hexdigest() == before


def test_reading_a_project_leaves_no_side_files_behind(tmp_path: Path) -> None:
    path = make_real_project(tmp_path / "clean.annotator")
    before = fingerprint(path)
    with Project.open(path, read_only=True) as project:
        project.info()
    assert fingerprint(path) == before
    assert run_cli("info", path).returncode == 0
    assert fingerprint(path) == before


def test_debug_flag_logs_verbosely_to_stderr(tmp_path: Path) -> None:
    path = make_real_project(tmp_path / "dbg.annotator")
    quiet = run_cli("info", path)
    loud = run_cli("--debug", "info", path)
    assert quiet.returncode == loud.returncode == 0
    assert "DEBUG" not in quiet.stderr and "DEBUG" in loud.stderr
