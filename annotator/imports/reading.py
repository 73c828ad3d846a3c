"""One file -> its articles and problems, whatever the format; never raises for bad input."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable, Iterator

from annotator.imports.base import (
    MAX_ARTICLE_CHARS,
    MAX_ARTICLE_FILE_BYTES,
    MAX_FILE_BYTES,
    ImportProblem,
    ParsedArticle,
    TableOptions,
    UnreadableFile,
)
from annotator.imports.decoding import decode_text
from annotator.imports.delimited import read_delimited, read_delimited_stream
from annotator.imports.discovery import (
    JSON_LINES_SUFFIXES,
    SUPPORTED_SUFFIXES,
    suffix_of,
    unsupported_problem,
)
from annotator.imports.news_exports import articles_from_lines, may_be_export, read_html_articles
from annotator.imports.odf_documents import read_odt_articles
from annotator.imports.pdf_documents import read_pdf_articles
from annotator.imports.rtf_documents import read_rtf_articles
from annotator.imports.spreadsheets import read_ods, read_xlsx
from annotator.imports.tables import (
    JsonlPart,
    read_jsonl,
    read_jsonl_part,
    split_jsonl,
)
from annotator.imports.text_files import read_markdown, read_plain_text
from annotator.imports.word_documents import read_docx_articles

logger = logging.getLogger(__name__)


def read_text_articles(data: bytes, origin: str) -> list[ParsedArticle | ImportProblem]:
    """A .txt file: a news export's articles (Factiva and LexisNexis write .txt too), or the
    file as one article (text_files.read_plain_text). An RTF or PDF file saved as .txt (a
    download renamed) is read as what it is (here, beside every reader, so that the news-export
    parsers the RTF and PDF readers use need not know those readers)."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{\\rtf"):
        return read_rtf_articles(data, origin)
    if head.startswith(b"%PDF-"):
        return read_pdf_articles(data, origin)
    if may_be_export(data):
        decoded = decode_text(data).text
        found = articles_from_lines(decoded.replace("\r\n", "\n").split("\n"), origin)
        if found is not None:
            return found
    return [read_plain_text(data, origin)]


_SINGLE_ARTICLE: dict[str, Callable[[bytes, str], ParsedArticle]] = {
    ".md": read_markdown,
    ".markdown": read_markdown,
}
#: Formats a news database exports many articles in (see news_exports): one file, one or more.
_DOCUMENTS: dict[str, Callable[[bytes, str], list[ParsedArticle | ImportProblem]]] = {
    ".txt": read_text_articles,
    ".html": read_html_articles,
    ".htm": read_html_articles,
    ".docx": read_docx_articles,
    ".pdf": read_pdf_articles,
    ".rtf": read_rtf_articles,
    ".odt": read_odt_articles,
}
_SPREADSHEETS = {".xlsx": read_xlsx, ".ods": read_ods}
_MIB = 1024 * 1024
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # POSIX only
_BINARY = getattr(os, "O_BINARY", 0)  # Windows only
_DEFAULT_OPTIONS = TableOptions()  # frozen, so one shared default is safe


def read_path(
    path: str | os.PathLike[str], options: TableOptions = _DEFAULT_OPTIONS
) -> Iterator[ParsedArticle | ImportProblem]:
    """Articles and problems from one file, in file order.

    A file that is bad as a whole yields exactly one ImportProblem and no article. A table may
    yield articles and problems for single rows. `options` only matter for tables.
    """
    suffix = suffix_of(os.fspath(path))
    if suffix in _DELIMITED:
        yield from _read_delimited_file(path, options, _DELIMITED[suffix])
    else:
        yield from read_loaded(path, load(path), options)


_DELIMITED = {".csv": None, ".tsv": "\t"}


def _read_delimited_file(
    path: str | os.PathLike[str], options: TableOptions, delimiter: str | None
) -> Iterator[ParsedArticle | ImportProblem]:
    """A CSV/TSV file read as a stream (see delimited.py), never held whole in memory."""
    origin = os.fspath(path)
    try:
        fd = _open_regular(path, MAX_FILE_BYTES)
    except UnreadableFile as problem:
        yield _unreadable(origin, problem)
        return
    with os.fdopen(fd, "rb") as stream:
        try:
            rows = read_delimited_stream(stream, origin, options, delimiter, MAX_FILE_BYTES)
            yield from map(_checked_length, rows)
        except UnreadableFile as problem:
            yield _unreadable(origin, problem)
        except OSError as error:
            message = f"cannot read the file: {error.strerror or error}"
            yield _unreadable(origin, UnreadableFile(message))


def load(path: str | os.PathLike[str]) -> bytes | ImportProblem:
    """A file's bytes, or the problem that keeps it from being read (its type, size, ...).

    Apart from parsing so that a worker reads a whole chunk of small files in one tight loop:
    reads interleaved with segmenting cost about three times the CPU (measured in an import).
    """
    origin = os.fspath(path)
    suffix = suffix_of(origin)
    unsupported = None if suffix in SUPPORTED_SUFFIXES else unsupported_problem(path)
    if unsupported is not None:
        return unsupported
    try:
        return _read_bounded(
            path, MAX_ARTICLE_FILE_BYTES if suffix in _PLAIN_ARTICLE else MAX_FILE_BYTES
        )
    except UnreadableFile as problem:
        return _unreadable(origin, problem)


def read_loaded(
    path: str | os.PathLike[str],
    loaded: bytes | ImportProblem,
    options: TableOptions = _DEFAULT_OPTIONS,
) -> Iterator[ParsedArticle | ImportProblem]:
    """read_path for a file `load` has read."""
    if isinstance(loaded, ImportProblem):
        yield loaded
        return
    origin = os.fspath(path)
    suffix = suffix_of(origin)
    try:
        document = _DOCUMENTS.get(suffix)
        single = _SINGLE_ARTICLE.get(suffix)
        if document is not None:
            # All of a file's articles are built before the first is yielded: never half a file.
            yield from map(_checked_length, document(loaded, origin))
        elif single is not None:
            # The whole article is built before it is yielded: never half a file.
            yield _checked_length(single(loaded, origin))
        elif suffix in _SPREADSHEETS:
            yield from map(_checked_length, _SPREADSHEETS[suffix](loaded, origin, options))
        elif suffix in JSON_LINES_SUFFIXES:
            yield from map(_checked_length, read_jsonl(loaded, origin, options))
        else:
            rows = read_delimited(loaded, origin, options, "\t" if suffix == ".tsv" else None)
            yield from map(_checked_length, rows)
    except UnreadableFile as problem:
        yield _unreadable(origin, problem)


def _unreadable(origin: str, problem: UnreadableFile) -> ImportProblem:
    found = ImportProblem(origin, problem.message)  # its origin can be logged (file_names)
    logger.info("not imported: %s: %s", found.origin, found.message)
    return found


def jsonl_parts(
    path: str,
    options: TableOptions = _DEFAULT_OPTIONS,
    chars: int | Callable[[int], int] = 1_000_000,
) -> list[JsonlPart] | None:
    """A JSON Lines file cut into parts of about `chars` characters (see split_jsonl) that
    worker processes can read on their own (read_part), so one big file is shared out; None when
    the file is bad as a whole or its text key is wrong: read_path then reads and reports it."""
    try:
        return split_jsonl(_read_bounded(path, MAX_FILE_BYTES), path, options, chars)
    except UnreadableFile:
        return None


def read_part(
    part: JsonlPart, options: TableOptions = _DEFAULT_OPTIONS
) -> Iterator[ParsedArticle | ImportProblem]:
    """The articles and problems of one part of a JSON Lines file (see jsonl_parts)."""
    return map(_checked_length, read_jsonl_part(part, options))


_PLAIN_ARTICLE = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})


def _checked_length(item: ParsedArticle | ImportProblem) -> ParsedArticle | ImportProblem:
    if isinstance(item, ParsedArticle) and len(item.text) > MAX_ARTICLE_CHARS:
        return ImportProblem(
            item.origin,
            f"text of {len(item.text):,} characters is longer than the limit for one article "
            f"({MAX_ARTICLE_CHARS:,}): split it into several files",
        )
    return item


def _read_bounded(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, refusing big, special and empty files before reading them whole."""
    if limit == MAX_FILE_BYTES:
        too_big = f"file is larger than the {MAX_FILE_BYTES // _MIB} MiB limit"
    else:
        too_big = (
            f"file is larger than the {limit // _MIB} MiB limit for one article: split it into "
            "several files, or import it as a table (.csv/.jsonl) of articles"
        )
    fd = _open_regular(path, limit, too_big)
    try:
        data = _read_all(fd, os.fstat(fd).st_size, limit + 1)
    except OSError as error:
        raise UnreadableFile(f"cannot read the file: {error.strerror or error}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise UnreadableFile(too_big)  # it grew while we looked
    if not data or data.isspace():
        raise UnreadableFile("empty file")
    return data


def _open_regular(path: str | os.PathLike[str], limit: int, too_big: str = "") -> int:
    """A descriptor of a regular file of at most `limit` bytes, opened for reading."""
    try:
        # Non-blocking, so opening a FIFO does not wait for a writer; then one fstat says what
        # was opened (no race between a stat and the open).
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | _BINARY)
    except OSError as error:
        raise UnreadableFile(f"cannot read the file: {error.strerror or error}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile("not a regular file")
        if info.st_size > limit:
            raise UnreadableFile(too_big or f"file is larger than the {limit // _MIB} MiB limit")
    except BaseException as error:
        os.close(fd)
        if isinstance(error, OSError):
            raise UnreadableFile(f"cannot read the file: {error.strerror or error}") from None
        raise
    return fd


def _read_all(fd: int, expected: int, most: int) -> bytes:
    """Up to `most` bytes: one read for a file whose size we know, more if it grew meanwhile."""
    chunks = [os.read(fd, min(most, expected + 1))]
    got = len(chunks[0])
    while chunks[-1] and got < most:
        chunks.append(os.read(fd, min(most - got, 1 << 20)))
        got += len(chunks[-1])
    return b"".join(chunks) if len(chunks) > 1 else chunks[0]
