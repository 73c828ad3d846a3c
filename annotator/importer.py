"""The import pipeline: files -> parsed articles -> sentences -> project, in committed batches.

A bad file never stops the batch and never leaves half an article; a cancelled import removes
what it had added, so cancelling changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from sqlalchemy import Engine, delete

from annotator.errors import Cancelled
from annotator.imports import ImportProblem, ParsedArticle, TableOptions, expand_paths, read_path
from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.records import ImportReport
from annotator.segmentation import segment
from annotator.storage import queries
from annotator.storage import tables as t
from annotator.storage.article_writes import NewArticle, content_hash, insert_articles
from annotator.storage.unit_of_work import write_session

log = logging.getLogger(__name__)

BATCH_CHARS = 4_000_000  # commit about every 4 MB of text: short write locks, few transactions


def to_new_article(parsed: ParsedArticle) -> NewArticle:
    return NewArticle(
        text=parsed.text, spans=segment(parsed.text), content_hash=content_hash(parsed.text),
        title=parsed.title, source=parsed.source, date=parsed.date, url=parsed.url,
        language=parsed.language, meta=parsed.meta,
    )


class _Batcher:
    def __init__(self, engine: Engine, report: ImportReport) -> None:
        self.engine = engine
        self.report = report
        self.pending: list[NewArticle] = []
        self.pending_chars = 0
        self.pending_hashes: set[str] = set()

    def add(self, article: NewArticle, origin: str) -> None:
        if article.content_hash in self.pending_hashes:
            self.report.skipped_duplicates.append(origin)
            return
        self.pending.append(article)
        self.pending_hashes.add(article.content_hash)
        self.pending_chars += len(article.text)
        if self.pending_chars >= BATCH_CHARS:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        with write_session(self.engine) as session:
            existing = queries.content_hashes(session, [a.content_hash for a in self.pending])
            fresh = [a for a in self.pending if a.content_hash not in existing]
            for a in self.pending:
                if a.content_hash in existing:
                    self.report.skipped_duplicates.append(a.title or a.content_hash[:12])
            ids = insert_articles(session, fresh)
        self.report.article_ids.extend(ids)
        self.report.imported += len(fresh)
        self.report.sentences += sum(len(a.spans) for a in fresh)
        self.pending = []
        self.pending_chars = 0
        self.pending_hashes = set()


def import_paths(
    engine: Engine,
    paths: Sequence[Path],
    options: TableOptions | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ImportReport:
    options = options or TableOptions()
    files, problems = expand_paths([Path(p) for p in paths])
    report = ImportReport(problems=[(p.origin, p.message) for p in problems])
    return _run(engine, files, lambda f: read_path(f, options), report, progress, cancel)


def import_parsed(
    engine: Engine,
    articles: Iterable[ParsedArticle],
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ImportReport:
    """Import articles a script has already built (the Python API's import_articles)."""
    report = ImportReport()
    return _run(engine, [Path("<api>")], lambda _f: iter(articles), report, progress, cancel)


def _run(
    engine: Engine,
    files: Sequence[Path],
    reader: Callable[[Path], Iterable[ParsedArticle | ImportProblem]],
    report: ImportReport,
    progress: ProgressCallback,
    cancel: CancelToken | None,
) -> ImportReport:
    sizes = [_size(f) for f in files]
    total = sum(sizes)
    done = 0
    batcher = _Batcher(engine, report)
    try:
        for path, size in zip(files, sizes, strict=True):
            text_in_file = 0
            for item in reader(path):
                if cancel is not None:
                    cancel.check()
                if isinstance(item, ImportProblem):
                    report.problems.append((item.origin, item.message))
                    continue
                if not item.text.strip():
                    report.problems.append((item.origin, "no text"))
                    continue
                batcher.add(to_new_article(item), item.origin)
                text_in_file += len(item.text)
                progress(done + min(size, text_in_file), total)
            done += size
            report.bytes_read = done
            progress(done, total)
        if cancel is not None:
            cancel.check()
        batcher.flush()
    except Cancelled:
        _remove(engine, report.article_ids)
        log.info("import cancelled; removed %d articles it had added", len(report.article_ids))
        raise
    return report


def _remove(engine: Engine, article_ids: list[int]) -> None:
    with write_session(engine) as session:
        for i in range(0, len(article_ids), 900):
            chunk = article_ids[i : i + 900]
            session.execute(delete(t.sentence).where(t.sentence.c.article_id.in_(chunk)))
            session.execute(delete(t.article).where(t.article.c.id.in_(chunk)))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:
        return 0
