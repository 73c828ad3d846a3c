"""A folder of news-database exports, 1,000 articles in all, imported end to end (files ->
articles -> sentences -> SQLite), beside the same articles as 1,000 .txt files in the same run.
Target: >= 3 MB of article text per second.

The folder holds what a researcher downloads: Nexis Uni as .docx (100 articles a file, Nexis's
limit), .rtf and .pdf; Factiva as field-coded .rtf and .html. The writers are the tests' own
(tests/core/helpers/news_files.py), fed with the benchmark corpus's wire-style text.
Size: BENCH_NEWS_ARTICLES (default 1000); median of BENCH_NEWS_REPEATS runs (default 3).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import article

from annotator import Project
from annotator.imports import ImportProblem, ParsedArticle, read_path
from tests.core.helpers.news_files import (
    Story,
    write_factiva_html,
    write_factiva_rtf,
    write_nexis_docx,
    write_nexis_pdf,
    write_nexis_rtf,
)

#: (writer, suffix, share of the articles)
LAYOUTS: list[tuple[Callable[[Path, tuple[Story, ...]], Path], str, float]] = [
    (write_nexis_docx, "docx", 0.4),
    (write_nexis_rtf, "rtf", 0.2),
    (write_nexis_pdf, "pdf", 0.1),
    (write_factiva_rtf, "factiva.rtf", 0.2),
    (write_factiva_html, "html", 0.1),
]


def stories(count: int, seed: int = 5) -> list[Story]:
    rng = random.Random(seed)
    made = []
    for number in range(count):
        headline, *paragraphs = article(rng, paragraphs=12).strip().split("\n\n")
        day = 1 + number % 28
        made.append(
            Story(
                headline=headline,
                outlet=rng.choice(["The Daily Ledger", "Harbour Times", "Evening Courier"]),
                date_line=f"March {day}, 2025 Monday",
                iso_date=f"2025-03-{day:02d}",
                byline=rng.choice(["Anna Berg", "Tom Reyes", "Mira Chen"]),
                section="WORLD",
                words=sum(len(p.split()) for p in paragraphs),
                language="ENGLISH",
                paragraphs=tuple(paragraphs),
                copyright="Copyright 2025 The Daily Ledger Ltd.",
            )
        )
    return made


def build(folder: Path, made: list[Story]) -> None:
    start = 0
    for writer, suffix, share in LAYOUTS:
        count = round(share * len(made))
        for first in range(start, start + count, 100):
            part = tuple(made[first : min(first + 100, start + count)])
            writer(folder / f"export{first:05d}.{suffix}", part)
        start += count


def run() -> list[dict[str, object]]:
    count = int(os.environ.get("BENCH_NEWS_ARTICLES", "1000"))
    repeats = int(os.environ.get("BENCH_NEWS_REPEATS", "3"))
    made = stories(count)
    text_mb = sum(len(s.text.encode("utf-8")) for s in made) / 1e6
    news_s: list[float] = []
    txt_s: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        exports = Path(tmp) / "exports"
        exports.mkdir()
        build(exports, made)
        files_mb = sum(p.stat().st_size for p in exports.iterdir()) / 1e6
        found = [item for path in sorted(exports.iterdir()) for item in read_path(path)]
        problems = [item for item in found if isinstance(item, ImportProblem)]
        assert not problems, problems[:3]
        assert sum(isinstance(item, ParsedArticle) for item in found) == count
        plain = Path(tmp) / "plain"
        plain.mkdir()
        for number, story in enumerate(made):
            (plain / f"a{number:05d}.txt").write_text(story.text, encoding="utf-8")
        news_cpu: list[float] = []
        txt_cpu: list[float] = []
        for run_no in range(repeats):
            news_s.append(_timed(Path(tmp) / f"news{run_no}.annotator", exports, count))
            txt_s.append(_timed(Path(tmp) / f"txt{run_no}.annotator", plain, count))
            news_cpu.append(_cpu(Path(tmp) / f"news_cpu{run_no}.annotator", exports, count))
            txt_cpu.append(_cpu(Path(tmp) / f"txt_cpu{run_no}.annotator", plain, count))
    news, txt = statistics.median(news_s), statistics.median(txt_s)
    news_c, txt_c = statistics.median(news_cpu), statistics.median(txt_cpu)
    runs = f"median of {repeats}"
    return [
        {"benchmark": "news_import", "metric": f"{count:,} articles in exports",
         "value": round(text_mb, 2), "unit": "MB text", "target": ""},
        {"benchmark": "news_import", "metric": "export files on disk",
         "value": round(files_mb, 2), "unit": "MB", "target": ""},
        {"benchmark": "news_import", "metric": f"exports, end to end ({runs})",
         "value": round(text_mb / news, 2), "unit": "MB text/s", "target": ">= 3"},
        {"benchmark": "news_import", "metric": f"same articles as .txt files ({runs})",
         "value": round(text_mb / txt, 2), "unit": "MB text/s", "target": ""},
        {"benchmark": "news_import", "metric": "exports time / .txt time",
         "value": round(news / txt, 2), "unit": "x", "target": ""},
        {"benchmark": "news_import", "metric": f"exports, one process, per CPU second ({runs})",
         "value": round(text_mb / news_c, 2), "unit": "MB text/s", "target": ""},
        {"benchmark": "news_import", "metric": f".txt files, one process, per CPU second ({runs})",
         "value": round(text_mb / txt_c, 2), "unit": "MB text/s", "target": ""},
        {"benchmark": "news_import", "metric": "exports CPU / .txt CPU",
         "value": round(news_c / txt_c, 2), "unit": "x", "target": ""},
    ]  # fmt: skip


def _cpu(project_path: Path, folder: Path, count: int) -> float:
    """CPU seconds of an import in this one process: on a shared machine whose other jobs
    make wall-clock times swing threefold, what the import itself costs."""
    from annotator.importer import import_paths

    with Project.create(project_path) as project:
        t0 = time.process_time()
        report = import_paths(project.engine, [folder], workers=1)
        elapsed = time.process_time() - t0
    assert report.imported == count, report.summary()
    project_path.unlink()
    return elapsed


def _timed(project_path: Path, folder: Path, count: int) -> float:
    with Project.create(project_path) as project:
        t0 = time.perf_counter()
        report = project.import_paths([folder])
        elapsed = time.perf_counter() - t0
    assert report.imported == count, report.summary()
    project_path.unlink()
    return elapsed


if __name__ == "__main__":
    for row in run():
        print(f"{row['metric']:<50} {row['value']:>8} {row['unit']}  {row['target']}")
