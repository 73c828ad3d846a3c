"""The import pipeline: files -> parsed articles -> sentences -> project, in committed batches.

Reading and segmenting run in worker processes when there is enough text to pay for starting
them (segmentation is CPU-bound and holds the GIL); this process only writes, so there is one
writer. A bad file never stops the batch and never leaves half an article; a cancelled import
removes what it had added, so cancelling changes nothing.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import itertools
import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from annotator.import_plan import DEFAULT_TUNING, PARSE_COST, ImportTuning, Task, plan_work
from annotator.imports import ImportProblem, ParsedArticle, TableOptions, read_path
from annotator.imports.discovery import ARTICLE_SUFFIXES, iter_files, suffix_of
from annotator.imports.file_names import (
    escaped_bytes,
    has_bad_bytes,
    readable_name,
    title_from_name,
)
from annotator.imports.reading import load, read_loaded, read_part
from annotator.imports.tables import JsonlPart
from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.records import ImportReport
from annotator.segmentation import segment
from annotator.storage import queries
from annotator.storage.article_writes import (
    NewArticle,
    content_hash,
    insert_articles,
    meta_json,
    remove_new_articles,
    uid_for,
)
from annotator.storage.engine import bulk_connection
from annotator.storage.unit_of_work import Connection, Engine, write_session

log = logging.getLogger(__name__)

#: The garbage collector's pace while an import runs, in its workers and in this process: Python's
#: defaults (700, 10, 10) rescan the tens of thousands of articles in flight so often that, in this
#: process, receiving the workers' results cost three times what it does at this pace.
IMPORT_GC_THRESHOLDS = (100_000, 50, 50)
#: How much lower the workers' priority is than the writer's (see start_worker).
WORKER_NICENESS = 5

Parsed = NewArticle | ImportProblem
#: (origin, file size, what the file gave)
FileResult = tuple[str, int, Iterable[tuple[str, Parsed]]]


def to_new_article(parsed: ParsedArticle) -> NewArticle:
    """Segment and hash; an article keeps the file it came from (meta "file"), and a file with
    no headline takes its file name as title, so the article list never shows "(untitled)".

    Everything the writer would otherwise work out per article (uid, meta as JSON) is made here,
    in a worker: the one writer is the part of an import that does not run in parallel.
    """
    title = parsed.title
    meta = dict(parsed.meta)
    origin = parsed.origin
    name = os.path.basename(origin)
    stem, suffix = os.path.splitext(name)
    if suffix.lower() in ARTICLE_SUFFIXES:
        _note_file(meta, name)
        if not title:
            title = title_from_name(stem)
    elif origin and origin != "<api>":
        _note_file(meta, origin)
    text = parsed.text
    digest = content_hash(text)
    return NewArticle(
        text=text,
        spans=segment(text, language=_language(parsed.language)),
        content_hash=digest,
        uid=uid_for(digest),
        title=title,
        source=parsed.source,
        date=parsed.date,
        url=parsed.url,
        language=parsed.language,
        meta_json=meta_json(meta),
    )


def _note_file(meta: dict[str, str], name: str) -> None:
    """meta "file": the name as it reads; a name that is not valid UTF-8 is stored repaired,
    with its original bytes, escaped, in "file_bytes" (so the file can still be found)."""
    if "file" in meta:
        return
    meta["file"] = readable_name(name)
    if has_bad_bytes(name):
        meta["file_bytes"] = escaped_bytes(name)


def _language(tag: str) -> str:
    """'en-GB' -> 'en'; sentencex knows ~300 languages by their ISO 639 code; default English."""
    if not tag:
        return "en"
    code = tag.strip().lower().replace("_", "-").split("-")[0]
    return code if code.isalpha() and 2 <= len(code) <= 3 else "en"


def _parse(items: Iterable[ParsedArticle | ImportProblem]) -> Iterator[tuple[str, Parsed]]:
    for item in items:
        if isinstance(item, ImportProblem):
            yield item.origin, item
        elif not item.text or item.text.isspace():
            yield item.origin, ImportProblem(item.origin, "no text")
        else:
            yield item.origin, to_new_article(item)


def parse_files(files: Sequence[tuple[str, int]], options: TableOptions) -> list[FileResult]:
    """Worker task: read and segment a chunk of (file, size) (runs in a worker process).

    All the chunk's files are read first, in one loop (see imports.reading.load)."""
    loaded = [load(path) for path, _size in files]
    return [
        (path, size, list(_parse(read_loaded(path, data, options))))
        for (path, size), data in zip(files, loaded, strict=True)
    ]


class _Batcher:
    def __init__(self, bind: Connection, report: ImportReport, limit: int) -> None:
        self.bind = bind
        self.report = report
        self.limit = limit  # characters that make a batch (see ImportTuning.batch_size)
        self.pending: list[NewArticle] = []
        self.pending_origins: list[str] = []
        self.pending_chars = 0
        self.pending_hashes: set[str] = set()

    def add(self, article: NewArticle, origin: str) -> None:
        if article.content_hash in self.pending_hashes:
            self.report.skipped_duplicates.append(readable_name(origin))
            return
        self.pending.append(article)
        self.pending_origins.append(origin)
        self.pending_hashes.add(article.content_hash)
        self.pending_chars += len(article.text)
        if self.pending_chars >= self.limit:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        with write_session(self.bind) as session:
            existing = queries.content_hashes(session, [a.content_hash for a in self.pending])
            fresh = [a for a in self.pending if a.content_hash not in existing]
            for a, origin in zip(self.pending, self.pending_origins, strict=True):
                if a.content_hash in existing:
                    self.report.skipped_duplicates.append(readable_name(origin))
            ids = insert_articles(session, fresh)
        self.report.article_ids.extend(ids)
        self.report.imported += len(fresh)
        self.report.sentences += sum(len(a.spans) for a in fresh)
        self.pending, self.pending_origins = [], []
        self.pending_chars = 0
        self.pending_hashes = set()


def import_paths(
    engine: Engine,
    paths: Sequence[Path],
    options: TableOptions | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    workers: int | None = None,
    tuning: ImportTuning = DEFAULT_TUNING,
) -> ImportReport:
    """Import files and folders (recursively) into the project behind ``engine``. ``workers``
    None: worker processes when there is enough to read (``tuning.parallel_min_bytes``)."""
    options = options or TableOptions()
    walk_problems: list[ImportProblem] = []
    walk = _Walk(iter_files([Path(p) for p in paths], walk_problems))
    # Walk only as far as it takes to choose; a large import hands its first chunks to the
    # workers before it walks on (the walk costs about a tenth of the import on 100,000 files).
    walk.prefetch(tuning.parallel_min_bytes)
    if workers is None:
        large = not walk.finished or walk.weight >= tuning.parallel_min_bytes
        workers = min(2, os.cpu_count() or 1) if large else 1
    if workers > 1:
        results: Iterator[FileResult] = parallel_results(
            iter(walk),
            options,
            workers,
            cancel,
            started=walk.finish,
            left=walk.left,
            tuning=tuning,
        )
    else:
        walk.finish()
        results = ((f, size, _parse(read_path(f, options))) for f, size in walk)
    report = _store(
        engine, results, walk.known_total, ImportReport(), progress, cancel, workers > 1, tuning
    )
    report.problems[:0] = [(p.origin, p.message) for p in walk_problems]
    return report


_pacing_lock = threading.Lock()
_pacing_depth = 0
_thresholds_before: tuple[int, int, int] = (700, 10, 10)


@contextlib.contextmanager
def paced_gc() -> Iterator[None]:
    """The collector at the import's pace for the duration, then as it was (imports may overlap:
    the last one to end puts it back)."""
    global _pacing_depth, _thresholds_before
    with _pacing_lock:
        if _pacing_depth == 0:
            _thresholds_before = gc.get_threshold()
            gc.set_threshold(*IMPORT_GC_THRESHOLDS)
        _pacing_depth += 1
    try:
        yield
    finally:
        with _pacing_lock:
            _pacing_depth -= 1
            if _pacing_depth == 0:
                gc.set_threshold(*_thresholds_before)


class _Walk:
    """The files of an import, found ahead of being read: a part (prefetch) or all (finish);
    the total size is known once the walk is finished."""

    def __init__(self, files: Iterator[tuple[str, int]]) -> None:
        self._files = files
        self._found: collections.deque[tuple[str, int]] = collections.deque()
        self.total = 0
        self.weight = 0  # bytes weighed by PARSE_COST: what reading them costs
        self.handed = 0  # bytes of the files iterated over so far
        self.finished = False

    def _find_one(self) -> bool:
        found = next(self._files, None)
        if found is None:
            self.finished = True
            return False
        self._found.append(found)
        self.total += found[1]
        self.weight += found[1] * PARSE_COST.get(suffix_of(found[0]), 1)
        return True

    def __iter__(self) -> Iterator[tuple[str, int]]:
        while self._found or self._find_one():
            found = self._found.popleft()
            self.handed += found[1]
            yield found

    def prefetch(self, size: int) -> None:
        """Walk until the files found weigh `size` bytes, or the walk ends."""
        while self.weight < size and self._find_one():
            pass

    def finish(self) -> None:
        while self._find_one():
            pass

    def known_total(self) -> int:
        """Bytes to import, for progress; 0 (unknown) while the walk goes on."""
        return self.total if self.finished else 0

    def left(self) -> int | None:
        """Bytes not yet iterated over; None (unknown) while the walk goes on."""
        return self.total - self.handed if self.finished else None


def import_parsed(
    engine: Engine,
    articles: Iterable[ParsedArticle],
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ImportReport:
    """Import articles a script has already built (the Python API's import_articles)."""
    results = iter([("<api>", 0, _parse(articles))])
    return _store(engine, results, lambda: 0, ImportReport(), progress, cancel)


def parse_rows(rows: list[ParsedArticle | ImportProblem]) -> list[tuple[str, Parsed]]:
    """Worker task: segment rows a table gave (runs in a worker process)."""
    return list(_parse(rows))


def parse_part(part: JsonlPart, options: TableOptions) -> list[tuple[str, Parsed]]:
    """Worker task: read and segment a run of lines of a JSON Lines file."""
    return list(_parse(read_part(part, options)))


def start_worker() -> None:
    """A worker turns files into articles and sends them on, making millions of short-lived
    objects and few reference cycles; the collector at its default pace cost it about a tenth of
    its time. It still runs, rarely, and never rescans the modules loaded before the work.

    Workers also run at a lower priority than the process that writes (and, in the app, draws
    the window): at equal priority the writer fell behind, and the import ended with a backlog
    written on one core while the other sat idle (0.3-0.6 s of a 6 s import).
    """
    gc.freeze()
    gc.set_threshold(*IMPORT_GC_THRESHOLDS)
    if hasattr(os, "nice"):  # POSIX
        with contextlib.suppress(OSError):
            os.nice(WORKER_NICENESS)


#: names a start method for the import's workers instead of the choice below: the smoke test of
#: the built app sets "spawn" to run, from the command line, the start the app itself uses.
START_METHOD_VARIABLE = "ANNOTATOR_IMPORT_START_METHOD"


def start_method() -> str:
    """fork where it is safe (no Qt loaded: the CLI and scripts), as it skips re-importing
    everything in each worker; spawn in the app, whose Qt threads make forking unsafe."""
    chosen = os.environ.get(START_METHOD_VARIABLE)
    if chosen is not None and chosen in multiprocessing.get_all_start_methods():
        return chosen
    if sys.platform.startswith("linux") and "PySide6" not in sys.modules:
        return "fork"
    return "spawn"


def parallel_results(
    files: Iterable[tuple[str, int]],
    options: TableOptions,
    workers: int,
    cancel: CancelToken | None,
    started: Callable[[], None] = lambda: None,
    left: Callable[[], int | None] = lambda: None,
    tuning: ImportTuning = DEFAULT_TUNING,
) -> Iterator[FileResult]:
    """The files read in worker processes, results in file order; `started` runs once the first
    chunks are with the workers, `left` says how many bytes the walk has still to give (see
    import_plan.plan_work)."""
    ctx = multiprocessing.get_context(start_method())
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=start_worker) as pool:

        def submit(task: Task) -> tuple[Future[Any], tuple[str, int] | None]:
            kind, work, table = task
            if kind == "files":
                return pool.submit(parse_files, work, options), table
            if kind == "jsonl":
                return pool.submit(parse_part, work, options), table
            return pool.submit(parse_rows, work), table

        tasks = plan_work(files, options, workers, left, tuning)
        # The whole window first: a worker left with one chunk while the walk goes on idles.
        window = workers * tuning.in_flight_per_worker
        pending = [submit(task) for task in itertools.islice(tasks, window)]
        started()  # e.g. finish the walk while the workers read the first chunks
        try:
            while pending:
                future, table = pending.pop(0)
                if table is None:
                    yield from future.result()
                else:
                    yield table[0], table[1], future.result()
                if cancel is not None and cancel.cancelled:
                    break
                nxt = next(tasks, None)
                if nxt is not None:
                    pending.append(submit(nxt))
        finally:
            for f, _ in pending:
                f.cancel()


def _store(
    engine: Engine,
    results: Iterator[FileResult],
    total: Callable[[], int],
    report: ImportReport,
    progress: ProgressCallback,
    cancel: CancelToken | None,
    parallel: bool = False,
    tuning: ImportTuning = DEFAULT_TUNING,
) -> ImportReport:
    """Write what `results` give in batches; `total()` is the bytes to import, 0 if unknown.

    With workers (`parallel`), batches shrink towards the end (see ImportTuning.batch_size);
    without, the reading waits for the writing anyway, and smaller batches would only cost more
    commits."""
    done = 0
    try:
        with bulk_connection(engine) as bind, paced_gc():
            batcher = _Batcher(bind, report, tuning.batch_chars)
            for file_origin, size, items in results:
                text_in_file = articles_in_file = 0
                for origin, item in items:
                    if cancel is not None:
                        cancel.check()
                    if isinstance(item, ImportProblem):
                        report.problems.append((item.origin, item.message))
                        continue
                    batcher.add(item, origin)
                    articles_in_file += 1
                    text_in_file += len(item.text)
                    if size > tuning.chunk_bytes:  # a big table: progress within it
                        progress(done + min(size, text_in_file), total())
                if articles_in_file > 1 or file_origin in report.articles_per_file:
                    held = report.articles_per_file.get(file_origin, 0) + articles_in_file
                    report.articles_per_file[file_origin] = held
                done += size
                report.bytes_read = done
                progress(done, total())
                if parallel:
                    batcher.limit = tuning.batch_size(total(), done)
            if cancel is not None:
                cancel.check()
            batcher.flush()
    except BaseException:
        # Cancelled, or failed part-way (a worker died, the disk filled): take back what this
        # import added, so it changed nothing -- except articles a coder labelled meanwhile.
        # The bulk connection has rolled back its open batch by now (so it holds no write lock)
        # and checks no foreign keys, so this runs on an ordinary connection.
        with write_session(engine) as session:
            kept = remove_new_articles(session, report.article_ids)
        log.info(
            "import stopped; removed %d articles it had added, kept %d with labels",
            len(report.article_ids) - len(kept),
            len(kept),
        )
        raise
    return report


__all__ = [
    "PARSE_COST",
    "ImportTuning",
    "import_parsed",
    "import_paths",
    "paced_gc",
    "parallel_results",
    "parse_files",
    "start_method",
    "start_worker",
    "to_new_article",
]
