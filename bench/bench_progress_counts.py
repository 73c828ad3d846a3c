"""The article list's progress counts when the codebook hides codes (issue 19 §3).

A label whose code left the codebook must not make a sentence "coded". The query that counts
coded sentences per article filters those labels out only when some code is hidden (with none
hidden it is the query it always was, plus a look at the few code rows). This measures the
article list of a coder on a project with BENCH_PROGRESS_ARTICLES articles (default 20,000) and a
label on every other sentence, first with no code hidden, then with one hidden, in the same run.

Target: one hidden code costs < 1.5x the list with none hidden.

Run: python bench/bench_progress_counts.py
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

HERE = Path(__file__).resolve().parent
for p in (str(HERE.parent), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

from make_large_project import make_large_project  # noqa: E402

from annotator.codebook import default_codebook  # noqa: E402
from annotator.project import Project  # noqa: E402
from annotator.records import LabelChange  # noqa: E402
from annotator.storage import queries  # noqa: E402
from annotator.storage import tables as t  # noqa: E402
from annotator.storage.unit_of_work import read_session  # noqa: E402

ROUNDS = 5


def _median_seconds(project: Project, coder: int) -> float:
    times = []
    with read_session(project.engine) as s:
        queries.article_summaries(s, coder)  # warm the page cache: both runs start alike
        for _ in range(ROUNDS):
            a = time.perf_counter()
            queries.article_summaries(s, coder)
            times.append(time.perf_counter() - a)
    return statistics.median(times)


def run() -> list[dict[str, Any]]:
    n = int(os.environ.get("BENCH_PROGRESS_ARTICLES", "20000"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "progress.annotator"
        make_large_project(path, n)
        with Project.open(path) as p:
            coder = p.coder_id("bencher")
            codes = [c.id for c in p.codebook.codes]
            rng = random.Random(1)
            with read_session(p.engine) as s:
                sids = [r[0] for r in s.execute(select(t.sentence.c.id))]
            p.apply_changes([LabelChange(i, rng.choice(codes), coder, True) for i in sids[::2]])
            none_hidden = _median_seconds(p, coder)
            cb = default_codebook()
            group = cb.groups[0].model_copy(update={"codes": cb.groups[0].codes[1:]})
            p.load_codebook(cb.model_copy(update={"groups": (group,)}))
            one_hidden = _median_seconds(p, coder)
    rows = [
        ("article list, no code hidden", round(none_hidden, 3), "s", ""),
        ("article list, one code hidden", round(one_hidden, 3), "s", ""),
        ("one hidden / none hidden", round(one_hidden / none_hidden, 2), "x", "< 1.5"),
    ]
    return [
        {"benchmark": "progress_counts", "metric": m, "value": v, "unit": u, "target": target}
        for m, v, u, target in rows
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
