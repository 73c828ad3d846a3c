"""Agreement engine speed: 3 coders x 1,000,000 units, 5 nominal categories.

Rows: all coefficients together (target < 1 s), the full report with a 1000-draw bootstrap,
building the data from long format, and alpha alone against the ``krippendorff`` package with
and without missing values (target: ours >= 5x faster).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable as python bench/NAME.py

from annotator.agreement import (
    ReliabilityData,
    compute_report,
    krippendorff_alpha,
)

N_UNITS = 1_000_000
N_CODERS = 3
N_CATEGORIES = 5
SEED = 42


def make_codes(missing: float) -> np.ndarray:
    """Coders agree with a latent truth 70% of the time; ``missing`` share of cells empty."""
    rng = np.random.default_rng(SEED)
    truth = rng.integers(0, N_CATEGORIES, N_UNITS)
    noise = rng.integers(0, N_CATEGORIES, (N_UNITS, N_CODERS))
    codes = np.where(rng.random((N_UNITS, N_CODERS)) < 0.7, truth[:, None], noise)
    codes[rng.random((N_UNITS, N_CODERS)) < missing] = -1
    return codes.astype(np.int32)


def as_data(codes: np.ndarray, level: str = "nominal") -> ReliabilityData:
    """A fresh object each time, so nothing computed earlier is reused."""
    return ReliabilityData(
        codes=codes,
        units=tuple(range(codes.shape[0])),
        coders=tuple(f"coder{j}" for j in range(codes.shape[1])),
        domain=tuple(f"cat{k}" for k in range(N_CATEGORIES)),
        categories=tuple(f"cat{k}" for k in range(N_CATEGORIES)),
        level=level,
    )


def best_of(fn: Callable[[], Any], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def row(metric: str, value: float, unit: str, target: str) -> dict[str, Any]:
    return {
        "benchmark": "agreement",
        "metric": metric,
        "value": round(value, 4),
        "unit": unit,
        "target": target,
    }


def project_extraction_seconds(n_sentences: int = 340_000, n_coders: int = 3) -> float:
    """reliability_from_project on a real SQLite file with ~1,000,000 labels (every sentence
    labelled by every coder, 100 sentences per article)."""
    import tempfile
    from datetime import UTC, datetime

    from sqlalchemy import create_engine, insert
    from sqlmodel import Session, SQLModel

    from annotator.storage import tables
    from annotator.storage.reliability_queries import reliability_from_project

    now = datetime.now(UTC)
    rng = np.random.default_rng(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{tmp}/bench.annotator")
        SQLModel.metadata.create_all(engine)
        n_articles = n_sentences // 100
        with engine.begin() as conn:
            conn.execute(insert(tables.codebook).values(id=1, uid="cb", name="b"))
            conn.execute(insert(tables.code_group).values(id=1, uid="g", codebook_id=1, name="g"))
            conn.execute(
                insert(tables.code),
                [{"id": k + 1, "uid": f"c{k}", "group_id": 1, "name": f"code{k}", "position": k}
                 for k in range(N_CATEGORIES)],
            )  # fmt: skip
            conn.execute(
                insert(tables.coder),
                [{"id": c + 1, "name": f"coder{c}", "created_at": now} for c in range(n_coders)],
            )
            conn.execute(
                insert(tables.article),
                [{"id": a + 1, "uid": f"a{a}", "text": "x" * 100, "content_hash": f"h{a}",
                  "imported_at": now} for a in range(n_articles)],
            )  # fmt: skip
            conn.execute(
                insert(tables.article_status),
                [{"article_id": a + 1, "coder_id": c + 1, "status": 2, "updated_at": now}
                 for a in range(n_articles) for c in range(n_coders)],
            )  # fmt: skip
            conn.execute(
                insert(tables.sentence),
                [{"id": s + 1, "article_id": s // 100 + 1, "index": s % 100, "start": s % 100,
                  "end": s % 100 + 1} for s in range(n_sentences)],
            )  # fmt: skip
            codes = rng.integers(1, N_CATEGORIES + 1, (n_sentences, n_coders)).tolist()
            conn.execute(
                insert(tables.label),
                [{"sentence_id": s + 1, "code_id": codes[s][c], "coder_id": c + 1,
                  "created_at": now} for s in range(n_sentences) for c in range(n_coders)],
            )  # fmt: skip
        with Session(engine) as session:
            t0 = time.perf_counter()
            data = reliability_from_project(session)
            elapsed = time.perf_counter() - t0
        assert data.n_units == n_sentences
        engine.dispose()
    return elapsed


def run() -> list[dict[str, Any]]:
    import krippendorff

    rows = []
    complete = make_codes(0.0)
    with_missing = make_codes(0.2)

    def all_coefficients() -> None:
        compute_report(as_data(complete), bootstrap=0, per_code=True)

    rows.append(
        row("3x1M nominal: all coefficients + per code + pairwise (s)",
            best_of(all_coefficients), "s", "< 1")
    )  # fmt: skip
    for label, codes in (("complete", complete), ("20% missing", with_missing)):
        rows.append(
            row(f"3x1M ordinal, {label}: all 15 coefficients incl. weighted (s)",
                best_of(lambda c=codes: compute_report(  # type: ignore[misc]
                    as_data(c, "ordinal"), bootstrap=0, per_code=True, weights="quadratic")),
                "s", "< 1")
        )  # fmt: skip
    rows.append(
        row("3x1M nominal: full report incl. 1000-draw bootstrap (s)",
            best_of(lambda: compute_report(as_data(complete), bootstrap=1000), 1), "s", "info")
    )  # fmt: skip

    long_units = np.repeat(np.arange(N_UNITS), N_CODERS)
    long_coders = np.tile(np.arange(N_CODERS), N_UNITS)
    long_values = complete.ravel().astype(float)
    rows.append(
        row("3x1M: ReliabilityData.from_long on 3M numeric rows (s)",
            best_of(lambda: ReliabilityData.from_long(long_units, long_coders, long_values), 1),
            "s", "info")
    )  # fmt: skip

    for label, codes in (("complete", complete), ("20% missing", with_missing)):
        ours = best_of(lambda c=codes: krippendorff_alpha(as_data(c)))
        matrix = np.where(codes < 0, np.nan, codes).astype(float).T
        theirs = best_of(
            lambda m=matrix: krippendorff.alpha(reliability_data=m, level_of_measurement="nominal"),
            1,
        )
        a = krippendorff_alpha(as_data(codes)).value
        b = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
        assert a is not None and abs(a - b) < 1e-9, (a, b)
        rows.append(row(f"alpha alone, {label} (s)", ours, "s", "info"))
        rows.append(row(f"krippendorff package alpha, {label} (s)", theirs, "s", "info"))
        rows.append(
            row(f"speed ratio vs krippendorff package, {label}", theirs / ours, "x", ">= 5")
        )
    rows.append(
        row("reliability_from_project, 1,020,000 labels (s)", project_extraction_seconds(),
            "s", "info")
    )  # fmt: skip
    return rows


if __name__ == "__main__":
    for r in run():
        print(f"{r['metric']:<62} {r['value']:>10} {r['unit']:<3} target {r['target']}")
