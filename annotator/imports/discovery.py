"""Which files a list of chosen files and folders stands for."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from annotator.imports.base import ImportProblem

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {
        ".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf",
        ".csv", ".tsv", ".jsonl", ".ndjson",
    }
)  # fmt: skip

# What to do with formats researchers often have but we do not read.
_CONVERT_HINTS = {
    ".doc": "save it as .docx in Word",
    ".rtf": "save it as .docx or .txt",
    ".odt": "save it as .docx",
    ".xlsx": "save the sheet as CSV",
    ".xls": "save the sheet as CSV",
    ".ods": "save the sheet as CSV",
    ".json": "write one JSON object per line as .jsonl",
}


def expand_paths(paths: Sequence[Path]) -> tuple[list[Path], list[ImportProblem]]:
    """Files to import, in a stable order, and the chosen paths that cannot be imported.

    Folders are searched recursively, sorted by name; hidden files and folders inside them
    (".name", and Office's "~$name" lock files) are skipped. A file named directly is taken
    even if hidden. Each file appears once even if chosen twice.
    """
    files: list[Path] = []
    problems: list[ImportProblem] = []
    seen: set[Path] = set()

    def add(path: Path, key: Path | None = None) -> None:
        key = key or path.resolve()
        if key in seen:
            return
        seen.add(key)
        problem = unsupported_problem(path)
        if problem is None:
            files.append(path)
        else:
            problems.append(problem)

    for path in paths:
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            problems.append(ImportProblem(str(path), "no such file or folder"))
            continue
        except OSError as error:
            problems.append(ImportProblem(str(path), f"cannot open: {error.strerror or error}"))
            continue
        if stat.S_ISDIR(mode):
            # Resolve the folder once: os.walk follows no links below it, so each file's real
            # path is the real folder plus its relative path (resolving 100,000 files costs).
            real = path.resolve()
            for found in _walk(path, problems):
                add(found, real.joinpath(*found.relative_to(path).parts))
        elif stat.S_ISREG(mode):
            add(path)
        else:
            problems.append(ImportProblem(str(path), "not a regular file"))
    return files, problems


def unsupported_problem(path: Path) -> ImportProblem | None:
    """None when we can read files like `path`; else the problem that says what to do instead."""
    suffix = path.suffix.lower()
    if suffix in SUPPORTED_SUFFIXES:
        return None
    supported = " ".join(sorted(SUPPORTED_SUFFIXES))
    if suffix in _CONVERT_HINTS:
        return ImportProblem(
            str(path), f"{suffix} files are not supported: {_CONVERT_HINTS[suffix]}"
        )
    kind = f"file type {suffix!r}" if suffix else "file without an extension"
    return ImportProblem(str(path), f"unsupported {kind} (supported: {supported})")


def _is_hidden(name: str) -> bool:
    return name.startswith((".", "~$"))


def _walk(folder: Path, problems: list[ImportProblem]) -> list[Path]:
    """Regular files under `folder`, sorted; symlinked folders are not followed (no loops)."""

    def report(error: OSError) -> None:
        problems.append(
            ImportProblem(str(error.filename or folder), f"cannot open: {error.strerror or error}")
        )

    found: list[Path] = []
    for root, dirs, names in os.walk(folder, onerror=report, followlinks=False):
        dirs[:] = sorted(name for name in dirs if not _is_hidden(name))
        for name in names:
            if _is_hidden(name):
                continue
            path = Path(root, name)
            try:
                if stat.S_ISREG(path.stat().st_mode):
                    found.append(path)
            except OSError as error:
                problems.append(ImportProblem(str(path), f"cannot open: {error.strerror or error}"))
    return sorted(found, key=lambda path: path.relative_to(folder).parts)
