"""Near-duplicate search at import: its cost beside the import itself. Target: an import with the
search takes under 2x the import without it (the issue's "detection on 100,000 articles stays
under 2x the import time without it").

The corpus: BENCH_DUP_ARTICLES articles (default 20,000; 100,000 for the issue's figure) of
about 1.3 KB, like bench_import's, but written from a Zipf-distributed vocabulary of 30,000
made-up words, so that unrelated articles share few word 3-grams as real news does
(bench/corpus.py's wire sentences come from 600 phrases: every article there is a near-duplicate
of every other). One article in 20 is a reprint of an earlier one: an outlet's headline and
byline above, a line below, a word changed. Recall on those is reported beside the time.

Each measure is the median of BENCH_DUP_REPEATS (default 3) runs, the two imports taking turns
into fresh projects, each starting with no disk writes pending.

What the search costs (2 cores): signing (word 3-grams, 128 permutations) in two worker
processes, about as much CPU per article as the import's segmenting; banding and confirming
candidates in this process, ~1.4 s per 100,000 articles; ~1 s to start the workers (each
imports datasketch, which imports scipy), which weighs on small imports only (20,000 articles:
1.3-2.2x, run to run, on this shared machine; 100,000: 1.61x and 1.90x in two runs, the search
itself 7.5-8.4 s).
Below 4,000 articles signing stays in this process.
"""

from __future__ import annotations

import itertools
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator import Project

VOCABULARY = 30_000
REPRINT_EVERY = 20


def _words(rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    seen: set[str] = set()
    while len(seen) < VOCABULARY:
        seen.add("".join(rng.choice(letters) for _ in range(rng.randint(2, 10))))
    return sorted(seen)


def corpus(n: int, seed: int = 11) -> tuple[list[str], set[tuple[int, int]]]:
    """n texts and the (original, reprint) index pairs planted among them."""
    rng = random.Random(seed)
    words = _words(rng)
    weights = list(itertools.accumulate(1 / (r + 1) for r in range(len(words))))
    texts: list[str] = []
    pairs: set[tuple[int, int]] = set()
    while len(texts) < n:
        i = len(texts)
        if i >= REPRINT_EVERY and i % REPRINT_EVERY == 0:
            j = rng.randrange(i)
            body = texts[j].split(" ")
            body[rng.randrange(len(body))] = rng.choice(words)
            texts.append(
                f"Outlet {i} reprint\nBy staff and agencies\n\n"
                + " ".join(body)
                + "\nCopyright the outlet."
            )
            pairs.add((j, i))
            continue
        sentences = []
        size = 0
        while size < 1300:
            k = rng.randint(8, 24)
            sentence = " ".join(rng.choices(words, cum_weights=weights, k=k)).capitalize() + "."
            sentences.append(sentence)
            size += len(sentence) + 1
        texts.append(" ".join(sentences))
    return texts, pairs


def run() -> list[dict[str, object]]:
    n = int(os.environ.get("BENCH_DUP_ARTICLES", "20000"))
    repeats = int(os.environ.get("BENCH_DUP_REPEATS", "3"))
    texts, pairs = corpus(n)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    without: list[float] = []
    with_search: list[float] = []
    recall = 0.0
    groups = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        for i in range(0, n, 1000):
            sub = folder / f"part{i // 1000:04d}"
            sub.mkdir(parents=True)
            for j, text in enumerate(texts[i : i + 1000]):
                (sub / f"a{i + j:07d}.txt").write_text(text, encoding="utf-8")
        for run_no in range(repeats):
            _settle()
            without.append(_timed(Path(tmp) / f"off{run_no}.annotator", folder, False, texts)[0])
            _settle()
            on_path = Path(tmp) / f"on{run_no}.annotator"
            elapsed, found, n_groups = _timed(on_path, folder, True, texts)
            with_search.append(elapsed)
            recall = len(found & pairs) / len(pairs)
            groups = n_groups
    off, on = statistics.median(without), statistics.median(with_search)
    runs = f"median of {repeats}"
    return [
        {
            "benchmark": "near_duplicates",
            "metric": f"corpus ({n:,} articles, {len(pairs):,} reprints)",
            "value": round(mb, 1),
            "unit": "MB",
            "target": "",
        },
        {
            "benchmark": "near_duplicates",
            "metric": f"import without the search ({runs})",
            "value": round(off, 2),
            "unit": "s",
            "target": "",
        },
        {
            "benchmark": "near_duplicates",
            "metric": f"import with the search ({runs})",
            "value": round(on, 2),
            "unit": "s",
            "target": "",
        },
        {
            "benchmark": "near_duplicates",
            "metric": "with / without",
            "value": round(on / off, 2),
            "unit": "x",
            "target": "< 2",
        },
        {
            "benchmark": "near_duplicates",
            "metric": f"reprints found ({groups:,} groups)",
            "value": round(100 * recall, 1),
            "unit": "%",
            "target": ">= 95",
        },
    ]


def _settle() -> None:
    if hasattr(os, "sync"):
        os.sync()


def _timed(
    path: Path, folder: Path, search: bool, texts: list[str]
) -> tuple[float, set[tuple[int, int]], int]:
    """Seconds to import the folder, and the pairs found in groups (as corpus indexes)."""
    with Project.create(path) as project:
        t0 = time.perf_counter()
        report = project.import_paths([folder], near_duplicates=search)
        elapsed = time.perf_counter() - t0
        assert report.imported == len(texts), report.summary()
        found: set[tuple[int, int]] = set()
        if search:
            index = {t.strip(): i for i, t in enumerate(texts)}
            where = {a.id: index[a.text.strip()] for a in project.articles()}
            for g in report.near_duplicates:
                ids = sorted(where[a] for a in g.article_ids)
                found.update(itertools.combinations(ids, 2))
    path.unlink()
    return elapsed, found, len(report.near_duplicates)


if __name__ == "__main__":
    for row in run():
        print(row)
