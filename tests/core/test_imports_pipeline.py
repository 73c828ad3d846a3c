"""The import pipeline around the readers: cancelling and failing take back what was added."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator import Project
from annotator.errors import Cancelled
from annotator.imports import TableOptions
from annotator.progress import CancelToken


def _files(folder: Path, n: int, tag: str = "") -> list[Path]:
    folder.mkdir(parents=True)
    paths = []
    for i in range(n):
        path = folder / f"a{i:03d}.txt"
        path.write_text(f"Report {tag}{i}.\n\nTroops moved near town {i}. Officials denied it.")
        paths.append(path)
    return paths


def test_a_cancelled_import_changes_nothing(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p: Project = make_project()
    files = _files(tmp_path / "in", 30)
    token = CancelToken()

    def progress(done: int, total: int) -> None:
        if done > total // 2:
            token.cancel()

    import annotator.importer as importer

    importer.BATCH_CHARS, old = 200, importer.BATCH_CHARS  # commit often: some batches land
    try:
        with pytest.raises(Cancelled):
            p.import_paths(files, progress=progress, cancel=token)
    finally:
        importer.BATCH_CHARS = old
    assert p.info()["articles"] == 0
    assert p.info()["sentences"] == 0


def test_an_import_that_fails_half_way_takes_back_its_batches(
    make_project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    import annotator.importer as importer

    p: Project = make_project()
    files = _files(tmp_path / "in", 10)
    monkeypatch.setattr(importer, "BATCH_CHARS", 100)
    real = importer.to_new_article
    calls = {"n": 0}

    def flaky(parsed):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 8:
            raise MemoryError("simulated")
        return real(parsed)

    monkeypatch.setattr(importer, "to_new_article", flaky)
    with pytest.raises(MemoryError):
        p.import_paths(files)
    assert p.info()["articles"] == 0


def test_an_article_keeps_its_file_name_and_takes_it_as_title_when_it_has_none(
    make_project,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    import json

    from sqlalchemy import select

    from annotator.storage import tables as t

    p: Project = make_project()
    path = tmp_path / "kovar_shelling-report.txt"
    path.write_text("Artillery fire struck Kovar on Tuesday. Officials denied it.")
    p.import_paths([path])
    (article,) = p.articles()
    assert article.title == "kovar shelling report"
    with p.engine.connect() as conn:
        meta = json.loads(conn.execute(select(t.article.c.meta_json)).scalar_one())
    assert meta["file"] == "kovar_shelling-report.txt"


def test_an_imported_article_records_when_it_was_imported_in_utc(
    make_project,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlmodel import Session

    from annotator.storage.models import Article

    p: Project = make_project()
    path = tmp_path / "a.txt"
    path.write_text("Artillery fire struck Kovar on Tuesday. Officials denied it.")
    before = datetime.now(UTC)
    p.import_paths([path])
    (summary,) = p.articles()
    with Session(p.engine) as session:
        article = session.get(Article, summary.id)
        assert article is not None
        assert article.imported_at.tzinfo is not None
        assert before - timedelta(seconds=1) <= article.imported_at <= datetime.now(UTC)


def test_the_shared_war_report_imports_with_spans_that_reproduce_its_text(
    make_project,  # type: ignore[no-untyped-def]
) -> None:
    corpus = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
    if not corpus.is_dir():
        pytest.skip(f"{corpus} is absent (shared test material is only beside the main checkout)")
    p: Project = make_project()
    report = p.import_paths([corpus])
    assert report.imported >= 1 and report.problems == []
    for article in p.articles():
        sentences = p.sentences(article)
        assert len(sentences) > 10
        assert all(s.text == article.text[s.start : s.end] for s in sentences)
        covered = "".join(article.text[s.start : s.end] for s in sentences)
        assert "".join(covered.split()) == "".join(article.text.split())


def test_worker_processes_import_exactly_what_one_process_does(
    make_project,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    import annotator.importer as importer

    folder = tmp_path / "mixed"
    _files(folder, 12)
    (folder / "empty.txt").write_text("")
    rows = "\n".join(
        f'{{"title": "Row {i}", "text": "Row {i} says troops moved. Officials denied it."}}'
        for i in range(40)
    )
    (folder / "table.jsonl").write_text(rows + '\n{"title": "no text"}\n[1, 2]\n{broken\n')
    importer.CHUNK_BYTES, old = 300, importer.CHUNK_BYTES  # many small tasks
    try:
        one: Project = make_project("one")
        two: Project = make_project("two")
        sequential = importer.import_paths(one.engine, [folder], workers=1)
        parallel = importer.import_paths(two.engine, [folder], workers=2)
    finally:
        importer.CHUNK_BYTES = old
    assert parallel.imported == sequential.imported == 52
    assert parallel.problems == sequential.problems
    assert [(a.title, a.text) for a in two.articles()] == [
        (a.title, a.text) for a in one.articles()
    ]
    assert [len(two.sentences(a)) for a in two.articles()] == [
        len(one.sentences(a)) for a in one.articles()
    ]


def _progress_recorder() -> tuple[list[tuple[int, int]], object]:
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))

    return calls, progress


def test_a_large_import_reports_monotonic_progress_that_ends_at_the_total(
    make_project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    import annotator.importer as importer

    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 500)  # walk on while workers start
    monkeypatch.setattr(importer, "CHUNK_BYTES", 400)
    folder = tmp_path / "in"
    _files(folder / "a", 200, tag="a")
    _files(folder / "b", 200, tag="b")
    total = sum(f.stat().st_size for f in folder.rglob("*.txt"))
    calls, progress = _progress_recorder()
    p: Project = make_project()
    report = importer.import_paths(p.engine, [folder], progress=progress, workers=2)  # type: ignore[arg-type]
    assert report.imported == 400
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert calls[-1] == (total, total)
    # The walk is finished while the workers read the first chunks: the total is known from
    # the first result on.
    assert {t for _, t in calls} == {total}


def test_progress_moves_through_one_big_table(
    make_project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    import annotator.importer as importer

    monkeypatch.setattr(importer, "CHUNK_BYTES", 500)
    table = tmp_path / "big.jsonl"
    table.write_text(
        "\n".join(
            f'{{"text": "Row {i} says troops moved. Officials denied it."}}' for i in range(60)
        )
        + "\n"
    )
    size = table.stat().st_size
    calls, progress = _progress_recorder()
    p: Project = make_project()
    importer.import_paths(p.engine, [table], progress=progress, workers=2)  # type: ignore[arg-type]
    steps = sorted({d for d, t in calls if t == size})
    assert len(steps) > 3 and steps[-1] == size


def test_problems_found_by_the_walk_come_first_in_the_report(
    make_project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    import annotator.importer as importer

    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 200)
    monkeypatch.setattr(importer, "CHUNK_BYTES", 200)
    folder = tmp_path / "in"
    _files(folder / "a", 10)
    (folder / "a" / "empty.txt").write_text("")
    (folder / "z").mkdir()
    (folder / "z" / "photo.jpg").write_bytes(b"\xff\xd8")
    p: Project = make_project()
    report = importer.import_paths(p.engine, [folder], workers=2)
    assert [Path(origin).name for origin, _ in report.problems] == ["photo.jpg", "empty.txt"]


def test_spawned_workers_as_in_the_app_import_files_and_table_parts(
    make_project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    # The app cannot fork (Qt's threads): its workers start fresh and get every task pickled.
    import annotator.importer as importer

    monkeypatch.setattr(importer, "_start_method", lambda: "spawn")
    monkeypatch.setattr(importer, "CHUNK_BYTES", 300)
    folder = tmp_path / "in"
    _files(folder, 8)
    rows = (f'{{"text": "Row {i} says troops moved. Officials denied it."}}' for i in range(20))
    (folder / "table.jsonl").write_text("\n".join(rows) + "\n")
    p: Project = make_project()
    report = importer.import_paths(p.engine, [folder], workers=2)
    assert report.imported == 28 and report.problems == []


def test_the_collector_runs_at_the_import_pace_while_an_import_runs_and_as_before_after(
    make_project,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    import gc

    import annotator.importer as importer

    p: Project = make_project()
    files = _files(tmp_path / "in", 3)
    before = gc.get_threshold()
    seen: list[tuple[int, ...]] = []
    p.import_paths(files, progress=lambda done, total: seen.append(gc.get_threshold()))
    assert seen and set(seen) == {importer.IMPORT_GC_THRESHOLDS}
    assert gc.get_threshold() == before


def test_a_cancelled_import_also_gives_the_collector_its_pace_back(
    make_project,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    import gc

    p: Project = make_project()
    token = CancelToken()
    token.cancel()
    before = gc.get_threshold()
    with pytest.raises(Cancelled):
        p.import_paths(_files(tmp_path / "in", 3), cancel=token)
    assert gc.get_threshold() == before


def test_overlapping_imports_put_the_pace_back_when_the_last_one_ends() -> None:
    import gc

    from annotator.importer import IMPORT_GC_THRESHOLDS, paced_gc

    before = gc.get_threshold()
    first, second = paced_gc(), paced_gc()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold() == IMPORT_GC_THRESHOLDS  # the second import still runs
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before


def test_the_workers_get_their_whole_window_of_chunks_before_the_walk_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import annotator.importer as importer

    monkeypatch.setattr(importer, "CHUNK_BYTES", 100)
    taken: list[int] = []
    files = ((f"missing{i}.txt", 100) for i in range(200))  # one chunk each; unreadable is fine

    def walked() -> Iterator[tuple[str, int]]:
        for n, found in enumerate(files):
            taken.append(n)
            yield found

    at_start: list[int] = []
    results = importer._parallel(
        walked(), TableOptions(), 2, None, started=lambda: at_start.append(len(taken))
    )
    assert len(list(results)) == 200
    assert at_start == [2 * importer.IN_FLIGHT_PER_WORKER]


def test_chunks_and_batches_shrink_towards_the_end_of_an_import() -> None:
    from annotator.importer import BATCH_CHARS, CHUNK_BYTES, _batch_chars, _chunk_bytes

    assert _chunk_bytes(None, 2) == CHUNK_BYTES  # the walk goes on: the end is not in sight
    assert _chunk_bytes(100 * CHUNK_BYTES, 2) == CHUNK_BYTES
    sizes = [_chunk_bytes(left, 2) for left in (4 * CHUNK_BYTES, 2 * CHUNK_BYTES, CHUNK_BYTES, 0)]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1] == CHUNK_BYTES // 8
    assert _batch_chars(0, 0) == BATCH_CHARS  # total unknown
    assert _batch_chars(100 * BATCH_CHARS, 0) == BATCH_CHARS
    total = 10 * BATCH_CHARS
    limits = [_batch_chars(total, total - left) for left in (2 * BATCH_CHARS, BATCH_CHARS, 0)]
    assert limits == sorted(limits, reverse=True) and limits[-1] == BATCH_CHARS // 16


def test_a_large_import_splits_its_last_files_into_smaller_chunks(
    make_project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    import annotator.importer as importer

    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 500)
    monkeypatch.setattr(importer, "CHUNK_BYTES", 800)
    chunks: list[int] = []
    real = importer._tasks

    def recorded(*args, **kwargs):  # type: ignore[no-untyped-def]
        for task in real(*args, **kwargs):
            chunks.append(sum(size for _path, size in task[1]))
            yield task

    monkeypatch.setattr(importer, "_tasks", recorded)
    _files(tmp_path / "in", 300)
    p: Project = make_project()
    report = importer.import_paths(p.engine, [tmp_path / "in"], workers=2)
    assert report.imported == 300
    assert chunks[0] >= 800 and chunks[-2] < 800  # (the very last one is what is left)


def test_workers_run_at_a_lower_priority_than_the_writer() -> None:
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    import annotator.importer as importer

    if not hasattr(os, "nice"):
        pytest.skip("no process priorities on this system")
    ctx = multiprocessing.get_context(importer._start_method())
    with ProcessPoolExecutor(1, mp_context=ctx, initializer=importer._start_worker) as pool:
        theirs = pool.submit(os.nice, 0).result()
    assert theirs == min(19, os.nice(0) + importer.WORKER_NICENESS)


def test_a_big_table_is_cut_into_parts_that_shrink_towards_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import annotator.importer as importer

    monkeypatch.setattr(importer, "CHUNK_BYTES", 800)
    table = tmp_path / "big.jsonl"
    lines = [f'{{"text": "Row {i} says troops moved. Officials denied it."}}' for i in range(300)]
    table.write_text("\n".join(lines) + "\n")
    size = table.stat().st_size
    # The walk is done (nothing left after this table), as when one table is imported.
    tasks = list(importer._tasks(iter([(str(table), size)]), TableOptions(), 2, lambda: 0))
    texts = [part.text for kind, part, _credit in tasks if kind == "jsonl"]
    assert len(texts) == len(tasks) and "\n".join(texts).split("\n") == lines
    assert len(texts[0]) >= 800 > len(texts[-2])
    assert sum(credit[1] for _kind, _part, credit in tasks) == size


def test_an_import_without_workers_keeps_whole_batches_to_the_end(
    make_project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    import annotator.importer as importer

    monkeypatch.setattr(importer, "BATCH_CHARS", 1000)
    flushes: list[int] = []
    real = importer._Batcher.flush

    def counted(self):  # type: ignore[no-untyped-def]
        if self.pending:
            flushes.append(self.pending_chars)
        real(self)

    monkeypatch.setattr(importer._Batcher, "flush", counted)
    files = _files(tmp_path / "in", 60)
    p: Project = make_project()
    report = importer.import_paths(p.engine, files, workers=1)
    assert report.imported == 60
    assert all(chars >= 1000 for chars in flushes[:-1])  # shrinking would only add commits


def test_files_after_a_table_get_the_chunk_size_of_the_end_of_the_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import annotator.importer as importer

    monkeypatch.setattr(importer, "CHUNK_BYTES", 800)
    table = tmp_path / "a.jsonl"
    table.write_text('{"text": "Troops moved."}\n')
    files = [(str(f), f.stat().st_size) for f in _files(tmp_path / "in", 30)]
    work = [(str(table), table.stat().st_size), *files]
    walking = iter([None])  # the walk is still going when the import starts, done after that
    tasks = list(importer._tasks(iter(work), TableOptions(), 2, lambda: next(walking, 0)))
    chunks = [sum(size for _path, size in task[1]) for task in tasks if task[0] == "files"]
    assert chunks and max(chunks) < 800
