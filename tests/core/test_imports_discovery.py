"""Which files a choice of files and folders stands for."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator.imports import SUPPORTED_SUFFIXES, expand_paths
from annotator.imports.discovery import find_files


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
    assert messages["old.doc"] == (
        ".doc files are not supported: save it as .docx in Word "
        "(a LexisNexis .doc export is RTF: rename it .rtf)"
    )


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


def test_find_files_gives_each_file_its_size(tmp_path: Path) -> None:
    touch(tmp_path / "a.txt", "12345")
    touch(tmp_path / "sub" / "b.md", "123")
    found, _ = find_files([tmp_path])
    assert [(Path(p).relative_to(tmp_path).as_posix(), size) for p, size in found] == [
        ("a.txt", 5),
        ("sub/b.md", 3),
    ]


def _can_link(tmp_path: Path) -> None:
    try:
        (tmp_path / "probe-link").symlink_to(tmp_path)
    except (OSError, NotImplementedError):
        pytest.skip("this system does not let us make symbolic links")
    (tmp_path / "probe-link").unlink()


def test_linked_folders_are_not_followed_but_linked_files_are(tmp_path: Path) -> None:
    _can_link(tmp_path)
    outside = tmp_path / "outside"
    touch(outside / "far.txt")
    chosen = tmp_path / "chosen"
    touch(chosen / "a.txt")
    (chosen / "loop").symlink_to(chosen, target_is_directory=True)
    (chosen / "elsewhere").symlink_to(outside, target_is_directory=True)
    (chosen / "link.txt").symlink_to(outside / "far.txt")
    files, problems = expand_paths([chosen])
    assert [f.name for f in files] == ["a.txt", "link.txt"]
    assert problems == []


def test_broken_link_is_a_problem(tmp_path: Path) -> None:
    _can_link(tmp_path)
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    files, problems = expand_paths([tmp_path])
    assert files == []
    assert [p.message for p in problems] == ["cannot open: No such file or directory"]


def test_deep_folders_do_not_exhaust_the_stack(tmp_path: Path) -> None:
    deep = tmp_path
    for _ in range(1100):  # deeper than Python's recursion limit
        deep = deep / "d"
        deep.mkdir()
    (deep / "a.txt").write_text("Some text.", encoding="utf-8")
    try:
        files, _ = expand_paths([tmp_path])
        assert files == [deep / "a.txt"]
    finally:  # shutil.rmtree, which pytest cleans up with, recurses too deep for this tree
        (deep / "a.txt").unlink()
        while deep != tmp_path:
            deep.rmdir()
            deep = deep.parent


def test_the_current_folder_gives_plain_relative_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    touch(tmp_path / "a.txt")
    touch(tmp_path / "sub" / "b.md")
    monkeypatch.chdir(tmp_path)
    assert expand_paths([Path("."), Path("a.txt")]) == ([Path("a.txt"), Path("sub/b.md")], [])
    assert [name for name, _ in find_files([Path(".")])[0]] == [
        "a.txt",
        os.path.join("sub", "b.md"),
    ]
