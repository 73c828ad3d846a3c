"""Which files a list of chosen files and folders stands for."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from annotator.imports.base import ImportProblem

#: One file, one article.
#: (A news-database export in .docx, .pdf, .rtf, .txt, .html gives one article per article.)
ARTICLE_SUFFIXES = frozenset(
    {".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf", ".rtf", ".odt"}
)
JSON_LINES_SUFFIXES = frozenset({".jsonl", ".ndjson"})
#: One row (or line), one article.
SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".ods"})
TABLE_SUFFIXES = frozenset({".csv", ".tsv"}) | JSON_LINES_SUFFIXES | SPREADSHEET_SUFFIXES
SUPPORTED_SUFFIXES: frozenset[str] = ARTICLE_SUFFIXES | TABLE_SUFFIXES

# What to do with formats researchers often have but we do not read.
_CONVERT_HINTS = {
    ".doc": "save it as .docx in Word (a LexisNexis .doc export is RTF: rename it .rtf)",
    ".xls": "save the sheet as CSV",
    ".json": "write one JSON object per line as .jsonl",
}


def expand_paths(paths: Sequence[Path]) -> tuple[list[Path], list[ImportProblem]]:
    """Files to import, in a stable order, and the chosen paths that cannot be imported.

    Folders are searched recursively, sorted by name; hidden files and folders inside them
    (".name", and Office's "~$name" lock files) are skipped. A file named directly is taken
    even if hidden. Each file appears once even if chosen twice.
    """
    found, problems = find_files(paths)
    return [Path(path) for path, _size in found], problems


def find_files(paths: Sequence[Path]) -> tuple[list[tuple[str, int]], list[ImportProblem]]:
    """As expand_paths, with each file's size in bytes: the walk has stat()ed every file anyway,
    and an import of 100,000 small files should not stat them all again for its progress bar.
    Paths are strings: the import sends them to worker processes by the ten thousand."""
    problems: list[ImportProblem] = []
    return list(iter_files(paths, problems)), problems


def iter_files(paths: Sequence[Path], problems: list[ImportProblem]) -> Iterator[tuple[str, int]]:
    """find_files as it walks: a large import starts on the first files while the walk goes on.
    Paths that cannot be imported are appended to `problems`."""
    seen: set[str] = set()
    # A walk gives each file once: only a file chosen twice (two folders that overlap, a file
    # and its folder) needs its real path compared, which costs a tenth of a big walk.
    compare = len(paths) > 1
    for path in paths:
        found: Iterator[tuple[str, int, str]]
        try:
            info = path.stat()
        except FileNotFoundError:
            problems.append(ImportProblem(str(path), "no such file or folder"))
            continue
        except OSError as error:
            problems.append(ImportProblem(str(path), f"cannot open: {error.strerror or error}"))
            continue
        if stat.S_ISDIR(info.st_mode):
            # Resolve the folder once: the walk follows no links below it, so each file's real
            # path is the real folder plus its relative path (resolving 100,000 files costs).
            real = str(path.resolve())
            cut = _relative_from(str(path))
            found = (
                (name, size, os.path.join(real, name[cut:]) if compare else "")
                for name, size in _walk(path, problems)
            )
        elif stat.S_ISREG(info.st_mode):
            found = iter([(str(path), info.st_size, str(path.resolve()))])
        else:
            problems.append(ImportProblem(str(path), "not a regular file"))
            continue
        for name, size, key in found:
            if compare:
                if key in seen:
                    continue
                seen.add(key)
            problem = unsupported_problem(name)
            if problem is None:
                yield name, size
            else:
                problems.append(problem)


def _relative_from(folder: str) -> int:
    """Where the relative part of a name _walk gives under `folder` starts."""
    if folder == os.curdir:
        return 0
    return len(folder) if folder.endswith(os.sep) else len(folder) + len(os.sep)


def suffix_of(path: str | os.PathLike[str]) -> str:
    """The lower-case extension, as Path.suffix has it ("" for ".bashrc" and for "name.").

    An import asks this four times per file; the usual "folder/name.txt" is answered without
    os.path.splitext, which was a third of the time of walking a large folder.
    """
    name = os.fspath(path)
    dot = name.rfind(".")
    if dot > 0 and name[dot - 1] not in _DOT_OR_SEPARATOR:
        suffix = name[dot:]
        if _SEP not in suffix and (_ALTSEP is None or _ALTSEP not in suffix):
            return suffix.lower() if len(suffix) > 1 else ""
    suffix = os.path.splitext(name)[1].lower()
    return "" if suffix == "." else suffix


_SEP, _ALTSEP = os.sep, os.altsep
_DOT_OR_SEPARATOR = frozenset({".", _SEP, _ALTSEP} - {None})


def unsupported_problem(path: str | os.PathLike[str]) -> ImportProblem | None:
    """None when we can read files like `path`; else the problem that says what to do instead."""
    suffix = suffix_of(path)
    if suffix in SUPPORTED_SUFFIXES:
        return None
    supported = " ".join(sorted(SUPPORTED_SUFFIXES))
    if suffix in _CONVERT_HINTS:
        return ImportProblem(
            str(path), f"{suffix} files are not supported: {_CONVERT_HINTS[suffix]}"
        )
    kind = f"file type {suffix!r}" if suffix else "file without an extension"
    return ImportProblem(str(path), f"unsupported {kind} (supported: {supported})")


_HIDDEN = (".", "~$")  # hidden files and folders; Office's lock files


def _walk(folder: Path, problems: list[ImportProblem]) -> Iterator[tuple[str, int]]:
    """Regular files under `folder` with their sizes, depth first in name order (the order of
    their relative paths' parts); symlinked folders are not followed (no loops)."""
    # Names as pathlib writes them: "a.txt", not scandir's "./a.txt", when the folder is ".".
    strip = len(os.curdir + os.sep) if str(folder) == os.curdir else 0
    # A stack of folder listings, each sorted in reverse so pop() gives the next name.
    stack: list[list[os.DirEntry[str]]] = [_listing(str(folder), problems)]
    while stack:
        if not stack[-1]:
            stack.pop()
            continue
        entry = stack[-1].pop()
        try:
            if entry.is_dir(follow_symlinks=False):
                stack.append(_listing(entry.path, problems))
                continue
            if entry.is_dir():
                continue  # a link to a folder: not followed
            info = entry.stat()  # follows a link to a file, as opening it would
        except OSError as error:
            problems.append(ImportProblem(entry.path, f"cannot open: {error.strerror or error}"))
            continue
        if stat.S_ISREG(info.st_mode):
            yield entry.path[strip:], info.st_size


def _listing(directory: str, problems: list[ImportProblem]) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as entries:
            visible = [entry for entry in entries if not entry.name.startswith(_HIDDEN)]
    except OSError as error:
        problems.append(
            ImportProblem(
                str(error.filename or directory), f"cannot open: {error.strerror or error}"
            )
        )
        return []
    return sorted(visible, key=lambda entry: entry.name, reverse=True)
