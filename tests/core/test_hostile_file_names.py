"""File names an import meets in the wild: bytes that are not UTF-8 (folders unzipped from
archives made on older systems), line breaks and other control characters. Each file is read
with a repaired name (its original bytes kept in metadata) or listed as a problem on one line;
the rest of the folder is imported either way (issue 18, items 3 and 7)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.imports.file_names import escaped_bytes, readable_name, repaired, title_from_name
from annotator.project import Project

REPO = Path(__file__).resolve().parents[2]


def write_raw(folder: Path, name: bytes, data: bytes) -> None:
    """A file whose name is exactly these bytes (skip where the file system refuses them)."""
    try:
        with open(os.path.join(os.fsencode(folder), name), "wb") as fh:
            fh.write(data)
    except (OSError, UnicodeError) as error:
        pytest.skip(f"this file system refuses the name {name!r}: {error}")


def stored(project: Project) -> dict[str, tuple[str, dict[str, str]]]:
    """meta "file" -> (title, meta) of every article, read from the project file itself."""
    with sqlite3.connect(project.path) as db:
        rows = db.execute("SELECT title, meta_json FROM article").fetchall()
    return {json.loads(meta)["file"]: (title, json.loads(meta)) for title, meta in rows}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with one good file, one Windows-1252 name, one that is also a duplicate, one
    empty file and one unsupported file with such names, and a name with a line break."""
    path = tmp_path / "unzipped"
    path.mkdir()
    troops = b"Troops advanced on Monday. The ministry denied it."
    write_raw(path, b"good.txt", b"The talks resumed. Both sides met.")
    write_raw(path, b"caf\xe9.txt", troops)
    write_raw(path, b"copy of caf\xe9 \xff.txt", troops)
    write_raw(path, b"empty \xe9.txt", b"")
    write_raw(path, b"old \xe9.doc", b"not read")
    write_raw(path, b"line\nbreak.txt", b"A convoy was seen. Officials declined to comment.")
    return path


def test_a_folder_with_names_that_are_not_utf8_is_imported_with_repaired_names(
    make_project, folder: Path
) -> None:  # type: ignore[no-untyped-def]
    project: Project = make_project()
    report = project.import_paths([folder])
    assert report.imported == 3  # good, café, line break; the copy is a duplicate
    articles = stored(project)
    title, meta = articles["café.txt"]
    assert title == "café"
    assert meta["file_bytes"] == "caf\\xe9.txt"  # the original bytes, to find the file by
    assert "file_bytes" not in articles["good.txt"][1]


def test_problems_and_duplicates_with_such_names_are_listed_as_printable_lines(
    make_project, folder: Path
) -> None:  # type: ignore[no-untyped-def]
    project: Project = make_project()
    report = project.import_paths([folder])
    listed = [origin for origin, _message in report.problems] + report.skipped_duplicates
    assert sorted(os.path.basename(o) for o in listed) == [
        "copy of café ÿ.txt",  # Windows-1252 again
        "empty é.txt",
        "old é.doc",
    ]
    for line in listed:
        line.encode("utf-8")  # would raise "surrogates not allowed" for a raw name
        assert "\n" not in line


def test_a_line_break_in_a_file_name_does_not_reach_the_title(make_project, folder: Path) -> None:  # type: ignore[no-untyped-def]
    project: Project = make_project()
    project.import_paths([folder])
    titles = [article.title for article in project.articles()]
    assert "line break" in titles
    assert not any(ch in title for title in titles for ch in "\n\r\t")
    assert "line\\nbreak.txt" in stored(project)  # named in metadata on one line


def test_the_cli_imports_such_a_folder_and_lists_its_problems(tmp_path: Path, folder: Path) -> None:
    project = tmp_path / "cli.annotator"
    # A UTF-8 terminal that refuses what is not UTF-8 (as en_US.UTF-8 does; C.UTF-8 escapes).
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8:strict"}

    def cli(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "annotator", *argv],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=REPO,
            env=env,
        )

    assert cli("init", str(project)).returncode == 0
    done = cli("import", str(project), str(folder))
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1  # the empty and the .doc file are problems
    assert "imported 3 articles" in done.stdout
    assert "empty é.txt: empty file" in done.stdout


def test_the_cli_prints_a_project_name_that_is_not_utf8(tmp_path: Path) -> None:
    """Not only imports: any command that prints such a name ended in a traceback on a strict
    UTF-8 terminal; the name is written as the bytes it stands for."""
    name = os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.annotator")
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8:strict"}
    for argv in (["init", name], ["info", name]):
        done = subprocess.run(
            [sys.executable, "-m", "annotator", *argv],
            capture_output=True,
            timeout=120,
            cwd=REPO,
            env=env,
        )
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        assert b"caf\xe9.annotator" in done.stdout


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (b"caf\xe9.txt", "café.txt"),  # Windows-1252
        (b"Z\xc3\xbcrich caf\xc3\xa9 \xff.txt", "Zürich café \ufffd.txt"),  # mostly UTF-8
        (b"\x81\x8d.txt", "\ufffd\ufffd.txt"),  # bytes neither reads
        ("ok ü.txt".encode(), "ok ü.txt"),
    ],
)
def test_names_are_repaired_from_their_bytes(raw: bytes, shown: str) -> None:
    assert repaired(os.fsdecode(raw)) == shown


def test_half_a_utf16_pair_in_a_windows_name_becomes_a_replacement_character() -> None:
    assert repaired("a\ud800b.txt") == "a\ufffdb.txt"
    assert readable_name("a\ud800b.txt").encode("utf-8") == "a\ufffdb.txt".encode()


def test_the_original_bytes_are_kept_on_one_line_and_reversibly() -> None:
    name = os.fsdecode(b"a\\b\xe9\n.txt")
    assert escaped_bytes(name) == "a\\x5cb\\xe9\\x0a.txt"
    assert readable_name(name) == "a\\bé\\n.txt"
    assert title_from_name(os.fsdecode(b"war_report-\xe9\n2")) == "war report é 2"
