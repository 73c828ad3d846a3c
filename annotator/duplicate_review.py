"""Finding near-duplicate articles in a project and recording the researcher's decisions.

The rules are in ``annotator.near_duplicates``; this module runs them over the project: make
the signatures the articles lack (read in one short session, hashed outside any transaction,
written in another), compare the new articles with every signed article, and store the groups
they form. Decisions ("kept" / "duplicate") are stored per article; agreement and exports leave
the duplicates out (``storage.duplicate_store.duplicate_ids_select``).
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from annotator.errors import AnnotatorError, NotFoundError
from annotator.near_duplicates import (
    Group,
    Member,
    find_groups,
    from_bytes,
    keep_marks,
    signatures,
    to_bytes,
)
from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.storage import duplicate_store
from annotator.storage.unit_of_work import Engine, read_session, write_session

log = logging.getLogger(__name__)


class DuplicateDecisionError(AnnotatorError):
    """A decision on a group that names no article of it to keep (or one outside it)."""


#: below this many articles signing stays in this process (a worker costs ~1 s to start)
PARALLEL_MIN = 4000
BATCH = 900  # ids per IN (...) of one read
IN_FLIGHT = 4


def signature_rows(batch: list[tuple[int, str]]) -> list[tuple[int, bytes]]:
    """(article id, signature bytes) for a batch of (id, text): the unit of work of a worker."""
    sigs = signatures([text for _aid, text in batch])
    return [(aid, to_bytes(sig)) for (aid, _t), sig in zip(batch, sigs, strict=True)]


def sign_articles(
    engine: Engine,
    article_ids: Sequence[int] | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    workers: int | None = None,
) -> int:
    """Store MinHash signatures for the articles (all if None) that have none; returns how many.

    Texts are read a batch at a time in short sessions and hashed outside any transaction; a
    large import (PARALLEL_MIN articles or more) is hashed by two worker processes after the import
    has committed, this process reading texts and writing signatures.
    """
    with read_session(engine) as session:
        ids = duplicate_store.unsigned_ids(session, article_ids)
    total = len(ids)
    chunks = [ids[i : i + BATCH] for i in range(0, total, BATCH)]

    def texts(chunk: list[int]) -> list[tuple[int, str]]:
        with read_session(engine) as session:
            return duplicate_store.texts_of(session, chunk)

    if workers is None:
        workers = min(2, os.cpu_count() or 1) if total >= PARALLEL_MIN else 1
    done = 0
    for rows in _signed(chunks, texts, workers, cancel):
        with write_session(engine) as session:
            duplicate_store.save_signatures(session, rows)
        done += len(rows)
        progress(done, total)
    return done


def _signed(
    chunks: list[list[int]],
    texts: Callable[[list[int]], list[tuple[int, str]]],
    workers: int,
    cancel: CancelToken | None,
) -> Iterator[list[tuple[int, bytes]]]:
    if workers <= 1:
        for chunk in chunks:
            if cancel is not None:
                cancel.check()
            yield signature_rows(texts(chunk))
        return
    from annotator.importer import start_method

    # Not the import's worker set-up: its workers run at a lower priority so that the writer
    # keeps up, but here the workers do all the work while this process waits, and at a lower
    # priority a busy machine starved them (the search took 1.3-2.4x the import, run to run).
    ctx = multiprocessing.get_context(start_method())
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        todo = iter(chunks)
        pending: list[Future[list[tuple[int, bytes]]]] = [
            pool.submit(signature_rows, texts(c)) for c in itertools.islice(todo, IN_FLIGHT)
        ]
        try:
            while pending:
                rows = pending.pop(0).result()
                if cancel is not None:
                    cancel.check()
                nxt = next(todo, None)
                if nxt is not None:
                    pending.append(pool.submit(signature_rows, texts(nxt)))
                yield rows
        finally:
            for f in pending:
                f.cancel()


def find_near_duplicates(
    engine: Engine,
    article_ids: Sequence[int] | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> list[Group]:
    """Sign the articles, compare them with every article of the project and store the groups
    they are in. ``article_ids`` None: every article (a project imported before schema 3, or
    to look again). Returns the groups that hold at least one of the articles."""
    sign_articles(engine, article_ids, progress, cancel)
    with read_session(engine) as session:
        sigs = {aid: from_bytes(data) for aid, data in duplicate_store.signatures(session)}
        stored = duplicate_store.memberships(session)
    new = list(sigs) if article_ids is None else list(article_ids)
    if cancel is not None:
        cancel.check()
    groups = find_groups(
        sigs,
        new,
        {aid: gid for aid, (gid, _s, _m) in stored.items()},
        {aid: mark for aid, (_g, _s, mark) in stored.items()},
    )
    rows = [(m.article_id, g.group_id, m.similarity, m.mark) for g in groups for m in g.members]
    with write_session(engine) as session:
        duplicate_store.save_members(session, rows)
    if groups:
        log.info("near-duplicates: %d groups among %d articles", len(groups), len(new))
    return groups


def near_duplicate_groups(engine: Engine) -> list[Group]:
    """Every stored group, by group id, members by article id."""
    with read_session(engine) as session:
        stored = duplicate_store.memberships(session)
    members: dict[int, list[Member]] = {}
    for aid, (gid, sim, mark) in sorted(stored.items()):
        members.setdefault(gid, []).append(Member(aid, sim, mark))
    return [Group(gid, tuple(ms)) for gid, ms in sorted(members.items())]


def resolve_group(engine: Engine, group_id: int, keep: Sequence[int] | None) -> dict[int, str]:
    """Record a decision on a group: ``keep`` None keeps every article; else the articles kept,
    the others are marked "duplicate". Returns article id -> mark."""
    group = next((g for g in near_duplicate_groups(engine) if g.group_id == group_id), None)
    if group is None:
        raise NotFoundError(f"no group of near-duplicates with id {group_id}")
    try:
        marks = keep_marks(group, keep)
    except ValueError as exc:
        raise DuplicateDecisionError(str(exc)) from None
    with write_session(engine) as session:
        duplicate_store.set_marks(session, marks)
    return marks


def duplicate_article_ids(engine: Engine) -> set[int]:
    with read_session(engine) as session:
        return duplicate_store.duplicate_ids(session)
