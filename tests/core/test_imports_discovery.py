"""Which files a choice of files and folders stands for."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator.imports import SUPPORTED_SUFFIXES, expand_paths


def touch(path: Path, text: str = "Some text.") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_folders_are_searched_recursively_in_sorted_order(tmp_path: Path) -> None:
    for name in ["b.txt", "a/z.md", "a/b/c.csv", "C.docx"]:
        touch(tmp_path / name)
    files, problems = expand_paths([tmp_path])
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "C.docx",
        "a/b/c.csv",
        "a/z.md",
        "b.txt",
    ]
    assert problems == []


def test_unsupported_files_in_a_folder_are_reported(tmp_path: Path) -> None:
    touch(tmp_path / "a.txt")
    touch(tmp_path / "sub" / "photo.jpg")
    touch(tmp_path / "old.doc")
    files, problems = expand_paths([tmp_path])
    assert files == [tmp_path / "a.txt"]
    messages = {Path(p.origin).name: p.message for p in problems}
    assert messages["photo.jpg"].startswith("unsupported file type '.jpg'")
    assert messages["old.doc"] == ".doc files are not supported: save it as .docx in Word"


def test_hidden_files_and_folders_are_skipped(tmp_path: Path) -> None:
    touch(tmp_path / "a.txt")
    touch(tmp_path / ".notes.txt")
    touch(tmp_path / ".git" / "readme.md")
    touch(tmp_path / "~$draft.docx")
    assert expand_paths([tmp_path]) == ([tmp_path / "a.txt"], [])


def test_missing_path_is_a_problem(tmp_path: Path) -> None:
    files, problems = expand_paths([tmp_path / "nope.txt"])
    assert files == []
    assert [(p.origin, p.message) for p in problems] == [
        (str(tmp_path / "nope.txt"), "no such file or folder")
    ]


def test_file_chosen_twice_is_listed_once(tmp_path: Path) -> None:
    path = touch(tmp_path / "a.txt")
    assert expand_paths([path, tmp_path, path]) == ([path], [])


def test_suffix_case_does_not_matter(tmp_path: Path) -> None:
    path = touch(tmp_path / "A.TXT")
    assert expand_paths([path]) == ([path], [])


def test_supported_suffixes_are_the_documented_set() -> None:
    assert {".txt", ".md", ".html", ".docx", ".pdf", ".csv", ".tsv", ".jsonl"} <= SUPPORTED_SUFFIXES


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
def test_named_pipe_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    files, problems = expand_paths([fifo])
    assert files == [] and [p.message for p in problems] == ["not a regular file"]
