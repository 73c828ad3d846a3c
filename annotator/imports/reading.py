"""One file -> its articles and problems, whatever the format; never raises for bad input."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from annotator.imports.base import (
    MAX_FILE_BYTES,
    ImportProblem,
    ParsedArticle,
    TableOptions,
    UnreadableFile,
)
from annotator.imports.discovery import unsupported_problem
from annotator.imports.pdf_documents import read_pdf
from annotator.imports.tables import read_delimited, read_jsonl
from annotator.imports.text_files import read_markdown, read_plain_text
from annotator.imports.web_pages import read_html
from annotator.imports.word_documents import read_docx

logger = logging.getLogger(__name__)

_SINGLE_ARTICLE: dict[str, Callable[[bytes, str], ParsedArticle]] = {
    ".txt": read_plain_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".docx": read_docx,
    ".pdf": read_pdf,
}
_MIB = 1024 * 1024
_DEFAULT_OPTIONS = TableOptions()  # frozen, so one shared default is safe


def read_path(
    path: Path, options: TableOptions = _DEFAULT_OPTIONS
) -> Iterator[ParsedArticle | ImportProblem]:
    """Articles and problems from one file, in file order.

    A file that is bad as a whole yields exactly one ImportProblem and no article. A table may
    yield articles and problems for single rows. `options` only matter for tables.
    """
    origin = str(path)
    unsupported = unsupported_problem(path)
    if unsupported is not None:
        yield unsupported
        return
    try:
        data = _read_bounded(path)
        suffix = path.suffix.lower()
        single = _SINGLE_ARTICLE.get(suffix)
        if single is not None:
            # The whole article is built before it is yielded: never half a file.
            yield single(data, origin)
        elif suffix in (".jsonl", ".ndjson"):
            yield from read_jsonl(data, origin, options)
        else:
            yield from read_delimited(data, origin, options, "\t" if suffix == ".tsv" else None)
    except UnreadableFile as problem:
        logger.info("not imported: %s: %s", origin, problem.message)
        yield ImportProblem(origin, problem.message)


def _read_bounded(path: Path) -> bytes:
    """The file's bytes, refusing big, special and empty files before reading them whole."""
    too_big = f"file is larger than the {MAX_FILE_BYTES // _MIB} MiB limit"
    try:
        # Stat before opening: opening a FIFO would block until someone writes to it.
        if not stat.S_ISREG(path.stat().st_mode):
            raise UnreadableFile("not a regular file")
        with path.open("rb") as handle:
            if os.fstat(handle.fileno()).st_size > MAX_FILE_BYTES:
                raise UnreadableFile(too_big)
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise UnreadableFile(f"cannot read the file: {error.strerror or error}") from None
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(too_big)  # it grew while we looked
    if not data or data.isspace():
        raise UnreadableFile("empty file")
    return data
