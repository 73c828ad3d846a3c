"""The import pipeline around the readers: cancelling and failing take back what was added, the
work is cut so that the workers finish together, progress moves and ends at the total.

Real files in, projects out: the sizes the import works in are turned down through its public
``ImportTuning`` (never by patching the importer), and what a batch committed is seen the way
any reader sees it, through the project.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from annotator import Project
from annotator.errors import Cancelled
from annotator.import_plan import ImportTuning, plan_work
from annotator.importer import (
    IMPORT_GC_THRESHOLDS,
    START_METHOD_VARIABLE,
    WORKER_NICENESS,
    import_paths,
    paced_gc,
    parallel_results,
    start_method,
    start_worker,
)
from annotator.imports import TableOptions

#: Every test that makes its project with make_project runs on a file and on a server.
BOTH_BACKENDS = True


def _files(folder: Path, n: int, tag: str = "") -> list[Path]:
    folder.mkdir(parents=True)
    paths = []
    for i in range(n):
        path = folder / f"a{i:03d}.txt"
        path.write_text(f"Report {tag}{i}.\n\nTroops moved near town {i}. Officials denied it.")
        paths.append(path)
    return paths


def _progress_recorder() -> tuple[list[tuple[int, int]], object]:
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))

    return calls, progress


# --- nothing half-done ------------------------------------------------------------------------


def test_a_cancelled_import_takes_back_the_batches_it_had_committed(
    make_project, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    p: Project = make_project()
    files = _files(tmp_path / "in", 30)
    from annotator.progress import CancelToken

    token = CancelToken()
    committed: list[int] = []

    def progress(done: int, total: int) -> None:
        committed.append(p.info()["articles"])  # what another reader sees meanwhile
        if done > total // 2:
            token.cancel()

    with pytest.raises(Cancelled):
        import_paths(
            p.engine, files, progress=progress, cancel=token, workers=1,
            tuning=ImportTuning(batch_chars=200),  # commit often: some batches land
        )  # fmt: skip
    assert max(committed) > 0  # batches were written before the cancel ...
    assert p.info()["articles"] == 0  # ... and taken back
    assert p.info()["sentences"] == 0


def test_an_import_that_fails_half_way_takes_back_its_batches(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p: Project = make_project()
    files = _files(tmp_path / "in", 10)
    committed: list[int] = []

    def failing(done: int, total: int) -> None:
        committed.append(p.info()["articles"])
        if len(committed) == 8:
            raise MemoryError("simulated")

    with pytest.raises(MemoryError):
        import_paths(
            p.engine, files, progress=failing, workers=1, tuning=ImportTuning(batch_chars=100)
        )
    assert max(committed) > 0
    assert p.info()["articles"] == 0


# --- what an article keeps ----------------------------------------------------------------------


def test_an_article_keeps_its_file_name_and_takes_it_as_title_when_it_has_none(
    make_project,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    p: Project = make_project()
    path = tmp_path / "kovar_shelling-report.txt"
    path.write_text("Artillery fire struck Kovar on Tuesday. Officials denied it.")
    p.import_paths([path])
    (article,) = p.articles()
    assert article.title == "kovar shelling report"
    p.export(tmp_path / "wide.csv", layout="wide")
    with (tmp_path / "wide.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and {r["meta:file"] for r in rows} == {"kovar_shelling-report.txt"}


def test_an_imported_article_records_when_it_was_imported_in_utc(
    make_project,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    p: Project = make_project()
    path = tmp_path / "a.txt"
    path.write_text("Artillery fire struck Kovar on Tuesday. Officials denied it.")
    before = datetime.now(UTC).replace(microsecond=0)
    p.import_paths([path])
    p.export(tmp_path / "p.qdpx")  # REFI-QDA gives each source its creation time
    with zipfile.ZipFile(tmp_path / "p.qdpx") as zf:
        root = ET.fromstring(zf.read("project.qde"))
    (source,) = [e for e in root.iter() if e.tag.endswith("TextSource")]
    stamp = source.attrib["creationDateTime"]
    assert stamp.endswith("Z")
    imported = datetime.fromisoformat(stamp.removesuffix("Z")).replace(tzinfo=UTC)
    assert before - timedelta(seconds=1) <= imported <= datetime.now(UTC)


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


# --- worker processes ---------------------------------------------------------------------------


def test_worker_processes_import_exactly_what_one_process_does(
    make_project,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    folder = tmp_path / "mixed"
    _files(folder, 12)
    (folder / "empty.txt").write_text("")
    rows = "\n".join(
        f'{{"title": "Row {i}", "text": "Row {i} says troops moved. Officials denied it."}}'
        for i in range(40)
    )
    (folder / "table.jsonl").write_text(rows + '\n{"title": "no text"}\n[1, 2]\n{broken\n')
    small = ImportTuning(chunk_bytes=300)  # many small tasks
    one: Project = make_project("one")
    two: Project = make_project("two")
    sequential = import_paths(one.engine, [folder], workers=1, tuning=small)
    parallel = import_paths(two.engine, [folder], workers=2, tuning=small)
    assert parallel.imported == sequential.imported == 52
    assert parallel.problems == sequential.problems
    assert [(a.title, a.text) for a in two.articles()] == [
        (a.title, a.text) for a in one.articles()
    ]
    assert [len(two.sentences(a)) for a in two.articles()] == [
        len(one.sentences(a)) for a in one.articles()
    ]


def test_a_large_import_reports_monotonic_progress_that_ends_at_the_total(
    make_project,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    folder = tmp_path / "in"
    _files(folder / "a", 200, tag="a")
    _files(folder / "b", 200, tag="b")
    total = sum(f.stat().st_size for f in folder.rglob("*.txt"))
    calls, progress = _progress_recorder()
    p: Project = make_project()
    # parallel_min_bytes small: the walk goes on while the workers start
    tuning = ImportTuning(parallel_min_bytes=500, chunk_bytes=400)
    report = import_paths(p.engine, [folder], progress=progress, workers=2, tuning=tuning)  # type: ignore[arg-type]
    assert report.imported == 400
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert calls[-1] == (total, total)
    # The walk is finished while the workers read the first chunks: the total is known from
    # the first result on.
    assert {t for _, t in calls} == {total}


def test_progress_moves_through_one_big_table(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
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
    import_paths(
        p.engine,
        [table],
        progress=progress,
        workers=2,
        tuning=ImportTuning(chunk_bytes=500),  # type: ignore[arg-type]
    )
    steps = sorted({d for d, t in calls if t == size})
    assert len(steps) > 3 and steps[-1] == size


def test_problems_found_by_the_walk_come_first_in_the_report(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "in"
    _files(folder / "a", 10)
    (folder / "a" / "empty.txt").write_text("")
    (folder / "z").mkdir()
    (folder / "z" / "photo.jpg").write_bytes(b"\xff\xd8")
    p: Project = make_project()
    tuning = ImportTuning(parallel_min_bytes=200, chunk_bytes=200)
    report = import_paths(p.engine, [folder], workers=2, tuning=tuning)
    assert [Path(origin).name for origin, _ in report.problems] == ["photo.jpg", "empty.txt"]


def test_spawned_workers_as_in_the_app_import_files_and_table_parts(
    make_project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    # The app cannot fork (Qt's threads): its workers start fresh and get every task pickled.
    monkeypatch.setenv(START_METHOD_VARIABLE, "spawn")
    folder = tmp_path / "in"
    _files(folder, 8)
    rows = (f'{{"text": "Row {i} says troops moved. Officials denied it."}}' for i in range(20))
    (folder / "table.jsonl").write_text("\n".join(rows) + "\n")
    p: Project = make_project()
    report = import_paths(p.engine, [folder], workers=2, tuning=ImportTuning(chunk_bytes=300))
    assert report.imported == 28 and report.problems == []


def test_workers_run_at_a_lower_priority_than_the_writer() -> None:
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    if not hasattr(os, "nice"):
        pytest.skip("no process priorities on this system")
    ctx = multiprocessing.get_context(start_method())
    with ProcessPoolExecutor(1, mp_context=ctx, initializer=start_worker) as pool:
        theirs = pool.submit(os.nice, 0).result()
    assert theirs == min(19, os.nice(0) + WORKER_NICENESS)


def test_the_workers_get_their_whole_window_of_chunks_before_the_walk_goes_on() -> None:
    tuning = ImportTuning(chunk_bytes=100)
    taken: list[int] = []
    files = ((f"missing{i}.txt", 100) for i in range(200))  # one chunk each; unreadable is fine

    def walked() -> Iterator[tuple[str, int]]:
        for n, found in enumerate(files):
            taken.append(n)
            yield found

    at_start: list[int] = []
    results = parallel_results(
        walked(), TableOptions(), 2, None, started=lambda: at_start.append(len(taken)),
        tuning=tuning,
    )  # fmt: skip
    assert len(list(results)) == 200
    assert at_start == [2 * tuning.in_flight_per_worker]


# --- the garbage collector's pace -------------------------------------------------------------


def test_the_collector_runs_at_the_import_pace_while_an_import_runs_and_as_before_after(
    make_project,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    import gc

    p: Project = make_project()
    files = _files(tmp_path / "in", 3)
    before = gc.get_threshold()
    seen: list[tuple[int, ...]] = []
    p.import_paths(files, progress=lambda done, total: seen.append(gc.get_threshold()))
    assert seen and set(seen) == {IMPORT_GC_THRESHOLDS}
    assert gc.get_threshold() == before


def test_a_cancelled_import_also_gives_the_collector_its_pace_back(
    make_project,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    import gc

    from annotator.progress import CancelToken

    p: Project = make_project()
    token = CancelToken()
    token.cancel()
    before = gc.get_threshold()
    with pytest.raises(Cancelled):
        p.import_paths(_files(tmp_path / "in", 3), cancel=token)
    assert gc.get_threshold() == before


def test_overlapping_imports_put_the_pace_back_when_the_last_one_ends() -> None:
    import gc

    before = gc.get_threshold()
    first, second = paced_gc(), paced_gc()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold() == IMPORT_GC_THRESHOLDS  # the second import still runs
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before


# --- how the work is cut ------------------------------------------------------------------------


def test_chunks_and_batches_shrink_towards_the_end_of_an_import() -> None:
    tuning = ImportTuning()
    chunk, batch = tuning.chunk_bytes, tuning.batch_chars
    assert tuning.chunk_size(None, 2) == chunk  # the walk goes on: the end is not in sight
    assert tuning.chunk_size(100 * chunk, 2) == chunk
    sizes = [tuning.chunk_size(left, 2) for left in (4 * chunk, 2 * chunk, chunk, 0)]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1] == chunk // 8
    assert tuning.batch_size(0, 0) == batch  # total unknown
    assert tuning.batch_size(100 * batch, 0) == batch
    total = 10 * batch
    limits = [tuning.batch_size(total, total - left) for left in (2 * batch, batch, 0)]
    assert limits == sorted(limits, reverse=True) and limits[-1] == batch // 16


def _walk_of(work: list[tuple[str, int]]) -> tuple[Iterator[tuple[str, int]], object]:
    """The files as the import's walk gives them, and `left()`: the bytes not yet given (the
    walk is over from the start, as after a folder was walked while the first chunks ran)."""
    given = [0]

    def walk() -> Iterator[tuple[str, int]]:
        for item in work:
            given[0] += 1
            yield item

    return walk(), lambda: sum(size for _f, size in work[given[0] :])


def test_a_large_import_splits_its_last_files_into_smaller_chunks(tmp_path: Path) -> None:
    files = [(str(f), f.stat().st_size) for f in _files(tmp_path / "in", 300)]
    walk, left = _walk_of(files)
    tasks = list(plan_work(walk, TableOptions(), 2, left, ImportTuning(chunk_bytes=800)))  # type: ignore[arg-type]
    chunks = [sum(size for _path, size in task[1]) for task in tasks]
    assert sum(len(task[1]) for task in tasks) == 300  # every file once
    assert chunks[0] >= 800 and chunks[-2] < 800  # (the very last one is what is left)


def test_a_big_table_is_cut_into_parts_that_shrink_towards_its_end(tmp_path: Path) -> None:
    table = tmp_path / "big.jsonl"
    lines = [f'{{"text": "Row {i} says troops moved. Officials denied it."}}' for i in range(300)]
    table.write_text("\n".join(lines) + "\n")
    size = table.stat().st_size
    # The walk is done (nothing left after this table), as when one table is imported.
    work = iter([(str(table), size)])
    tasks = list(plan_work(work, TableOptions(), 2, lambda: 0, ImportTuning(chunk_bytes=800)))
    texts = [part.text for kind, part, _credit in tasks if kind == "jsonl"]
    assert len(texts) == len(tasks) and "\n".join(texts).split("\n") == lines
    assert len(texts[0]) >= 800 > len(texts[-2])
    assert sum(credit[1] for _kind, _part, credit in tasks) == size


def test_files_after_a_table_get_the_chunk_size_of_the_end_of_the_import(tmp_path: Path) -> None:
    table = tmp_path / "a.jsonl"
    table.write_text('{"text": "Troops moved."}\n')
    files = [(str(f), f.stat().st_size) for f in _files(tmp_path / "in", 30)]
    work = [(str(table), table.stat().st_size), *files]
    walking = iter([None])  # the walk is still going when the import starts, done after that
    tuning = ImportTuning(chunk_bytes=800)
    tasks = list(plan_work(iter(work), TableOptions(), 2, lambda: next(walking, 0), tuning))
    chunks = [sum(size for _path, size in task[1]) for task in tasks if task[0] == "files"]
    assert chunks and max(chunks) < 800


def test_an_import_without_workers_commits_whole_batches_to_the_end(
    make_project,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    p: Project = make_project()
    seen: set[int] = set()
    commits: list[int] = []  # characters of text each commit brought, as a reader sees them

    def progress(done: int, total: int) -> None:
        articles = p.articles()
        fresh = [a for a in articles if a.id not in seen]
        if fresh:
            commits.append(sum(len(a.text) for a in fresh))
            seen.update(a.id for a in fresh)

    files = _files(tmp_path / "in", 60)
    report = import_paths(
        p.engine, files, progress=progress, workers=1, tuning=ImportTuning(batch_chars=1000)
    )
    assert report.imported == 60
    assert len(commits) > 2
    assert all(chars >= 1000 for chars in commits)  # shrinking would only add commits
