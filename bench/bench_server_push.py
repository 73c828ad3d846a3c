"""push of a 1,000,000-label project to a server, and merge of one into a project file, each
against a bare bulk write of the same rows in the same run (the floor a real write can reach):

- push (``Project.open(url).merge([file])``) vs PostgreSQL ``COPY`` of the file's article,
  sentence, label and status rows into an empty database of the same schema;
- merge into an empty project file vs ``executemany`` of the same rows into an empty file.

The issue's target is a ratio within 2x. The project is bench_exchange's (35,000 articles x 30
sentences, two coders, 1M labels); the server is the benchmark's own (.ci/postgres).

    python bench/run_all.py server_push
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for p in (str(REPO), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

from bench_exchange import build  # noqa: E402

from annotator.project import Project  # noqa: E402
from tests.core.helpers.private_server import private_server  # noqa: E402

#: (table, columns) of the rows a push writes, in foreign-key order
ROWS = (
    ("article", "id, uid, title, source, date, url, language, text, content_hash, meta_json, "
     "n_sentences, imported_at"),
    ("sentence", 'id, article_id, "index", start, "end"'),
    ("coder", "id, name, created_at"),
    ("label", "id, sentence_id, code_id, coder_id, created_at, codebook_version"),
    ("article_status", "article_id, coder_id, status, updated_at"),
)  # fmt: skip


def _createdb(superuser_url: str, name: str) -> None:
    subprocess.run(
        ["psql", superuser_url, "-qc", f'CREATE DATABASE "{name}"'], check=True, capture_output=True
    )


def bare_copy(source: Path, url: str) -> float:
    """Seconds to COPY the rows into a fresh schema (codebook rows first, untimed)."""
    import psycopg

    with Project.create(url):  # the same schema and its codebook version
        pass
    src = sqlite3.connect(source)
    try:
        with psycopg.connect(url) as conn:
            for table in ("codebook", "code_group", "code"):
                cols = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
                rows = src.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
                quoted = ", ".join(f'"{c}"' for c in cols)
                with conn.cursor().copy(f"COPY {table} ({quoted}) FROM STDIN") as cp:
                    for r in rows:
                        cp.write_row(r)
            conn.commit()
            t0 = time.perf_counter()
            for table, cols in ROWS:
                with conn.cursor().copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
                    for r in src.execute(f"SELECT {cols} FROM {table}"):
                        cp.write_row(r)
            conn.commit()
            return time.perf_counter() - t0
    finally:
        src.close()


def bare_executemany(source: Path, target: Path) -> float:
    with Project.create(target):
        pass
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        for table in ("codebook", "code_group", "code"):
            dst.execute(f"DELETE FROM {table}")
            rows = src.execute(f"SELECT * FROM {table}").fetchall()
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                dst.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        dst.commit()
        t0 = time.perf_counter()
        for table, cols in ROWS:
            rows = src.execute(f"SELECT {cols} FROM {table}")
            marks = ", ".join("?" * (cols.count(",") + 1))
            dst.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)
        dst.commit()
        return time.perf_counter() - t0
    finally:
        src.close()
        dst.close()


def run() -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory() as tmp, private_server() as srv:
        folder = Path(tmp)
        source = folder / "big.annotator"
        labels = build(source)
        _createdb(srv.superuser_url, "pushed")
        _createdb(srv.superuser_url, "bare")
        pushed_url, bare_url = srv.database_url("pushed"), srv.database_url("bare")
        with Project.create(pushed_url) as server_project:
            t0 = time.perf_counter()
            report = server_project.merge([source])
            push_s = time.perf_counter() - t0
        assert report.labels_added == labels, report.summary()
        copy_s = bare_copy(source, bare_url)
        lead = Project.create(folder / "lead.annotator")
        t0 = time.perf_counter()
        merged = lead.merge([source])
        merge_s = time.perf_counter() - t0
        lead.close()
        assert merged.labels_added == labels
        many_s = bare_executemany(source, folder / "bare.annotator")
    name = "push and merge, 1M labels"
    return [
        {"benchmark": name, "metric": "push to a server", "value": round(push_s, 1), "unit": "s"},
        {"benchmark": name, "metric": "bare COPY of the same rows", "value": round(copy_s, 1),
         "unit": "s"},
        {"benchmark": name, "metric": "push / COPY", "value": round(push_s / copy_s, 2),
         "unit": "x", "target": "<= 2"},
        {"benchmark": name, "metric": "merge into a file", "value": round(merge_s, 1), "unit": "s"},
        {"benchmark": name, "metric": "bare executemany of the same rows",
         "value": round(many_s, 1), "unit": "s"},
        {"benchmark": name, "metric": "merge / executemany", "value": round(merge_s / many_s, 2),
         "unit": "x", "target": "<= 2"},
    ]  # fmt: skip


if __name__ == "__main__":
    for row in run():
        print(f"{row['metric']:<40} {row['value']:>8} {row['unit']} {row.get('target', '')}")
