"""How an import cuts its work: chunks of files (and parts of big tables) for the worker
processes, batches of articles for the writer, both shrinking towards the end of the import.

``ImportTuning`` holds the sizes; ``annotator.importer.import_paths`` takes one, so a test or a
benchmark can turn the sizes down and watch the same cuts on a few kilobytes of files.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.imports import ImportProblem, ParsedArticle, TableOptions, read_path
from annotator.imports.discovery import JSON_LINES_SUFFIXES, TABLE_SUFFIXES, suffix_of
from annotator.imports.reading import jsonl_parts

#: How much more reading a byte of these formats costs than a byte of plain text (measured with
#: bench/bench_news_import.py): an import and its chunks weigh files by it, so a folder of a few
#: MB of .docx or .pdf exports goes to the workers like the 8 MB of text it costs as much as.
PARSE_COST = {".docx": 6, ".odt": 6, ".pdf": 8, ".rtf": 6, ".xlsx": 4, ".ods": 4}


@dataclass(frozen=True)
class ImportTuning:
    """The sizes an import works in (the defaults are what the app and the CLI use)."""

    #: commit about every 4 MB of text: short write locks, few transactions
    batch_chars: int = 4_000_000
    #: files are handed to workers in chunks of about this much text
    chunk_bytes: int = 1_000_000
    #: below this, starting worker processes costs more than it saves
    parallel_min_bytes: int = 8_000_000
    #: chunks queued per worker: enough that workers never wait while the writer writes a batch
    in_flight_per_worker: int = 8

    def chunk_size(self, left: int | None, workers: int) -> int:
        """Chunks shrink towards the end of the files, so that the workers finish together: with
        whole chunks to the end, one worker sat idle while the other read the last megabyte.
        ``left``: bytes not yet handed out, None while the walk of the folders goes on."""
        if left is None:
            return self.chunk_bytes
        return max(self.chunk_bytes // 8, min(self.chunk_bytes, left // (2 * workers)))

    def batch_size(self, total: int, done: int) -> int:
        """Batches shrink towards the end too: what is still pending when the last result comes
        in is written while the workers have nothing left to do. ``total`` 0: not known."""
        if not total:
            return self.batch_chars
        return max(self.batch_chars // 16, min(self.batch_chars, (total - done) // 2))


DEFAULT_TUNING = ImportTuning()

#: A unit of work for a worker, and the table it belongs to with the bytes it is credited for
#: progress (None for whole files, which carry their own sizes):
#: ("files", [(path, size), ...]) -- read, segment and hash whole files;
#: ("jsonl", JsonlPart) -- read a run of lines of a JSON Lines file there;
#: ("rows", [ParsedArticle | ImportProblem, ...]) -- rows of a CSV read here, segmented there.
Task = tuple[str, Any, tuple[str, int] | None]


def plan_work(
    files: Iterable[tuple[str, int]],
    options: TableOptions,
    workers: int = 1,
    left: Callable[[], int | None] = lambda: None,
    tuning: ImportTuning = DEFAULT_TUNING,
) -> Iterator[Task]:
    """The work for the workers, in chunks that shrink towards the end (see chunk_size);
    `left()` is the bytes of the files not yet iterated over, None until the walk is done."""

    def chunk_bytes(more: int = 0) -> int:  # `more`: what is left of a big table being cut
        rest = left()
        return tuning.chunk_size(None if rest is None else rest + more, workers)

    chunk: list[tuple[str, int]] = []
    acc = target = 0
    for f, size in files:
        suffix = suffix_of(f)
        if suffix not in TABLE_SUFFIXES:
            if not chunk:
                target = chunk_bytes()  # asked as each chunk starts: the end may be in sight
            chunk.append((f, size))
            acc += size * PARSE_COST.get(suffix, 1)
            if acc >= target:
                yield "files", chunk, None
                chunk, acc = [], 0
            continue
        if chunk:
            yield "files", chunk, None
            chunk, acc = [], 0
        # One big table is many articles: its rows are spread over the workers too. Each part
        # is credited its share of the file's bytes (its characters, about), so the progress
        # bar moves through one big table too.
        parts = jsonl_parts(f, options, chunk_bytes) if suffix in JSON_LINES_SUFFIXES else None
        if parts is not None:
            for part, share in zip(parts, _shares(size, [len(p.text) for p in parts]), strict=True):
                yield "jsonl", part, (f, share)
            continue
        rows: list[ParsedArticle | ImportProblem] = []
        chars = credited = 0
        for item in read_path(f, options):
            rows.append(item)
            chars += len(item.text) if isinstance(item, ParsedArticle) else 0
            if chars >= tuning.chunk_bytes:
                share = min(chars, size - credited)
                credited += share
                yield "rows", rows, (f, share)
                rows, chars = [], 0
        yield "rows", rows, (f, size - credited)
    if chunk:
        yield "files", chunk, None


def _shares(size: int, weights: Sequence[int]) -> list[int]:
    """`size` split in proportion to `weights`, in whole numbers that add up to it."""
    total = sum(weights) or 1
    cuts = [size * running // total for running in itertools.accumulate(weights)]
    return [b - a for a, b in zip([0, *cuts[:-1]], cuts, strict=True)]
