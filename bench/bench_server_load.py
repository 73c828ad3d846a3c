"""Load test of a shared server project: coder processes, each logged in as their own role,
label at full speed while the lead polls progress; then the same with the server restarted in
the middle; then at a fast person's pace (BENCH_RATE labels a second each, default 2), where
latency measures the server rather than 20 processes queueing for 2 cores.

Counts every acknowledged write (committed on the server, or fsynced to the coder's offline
journal and sent later): 0 lost (a label acknowledged but not on the server) and 0 doubled (more
"add" events on the server than acknowledged adds) are the requirement; key-to-durable latency
percentiles are reported against the 50 ms p99 target. The server is the benchmark's own
(.ci/postgres, a private port), so it can be restarted. BENCH_CODERS (20), BENCH_SECONDS (60).

    python bench/run_all.py server_load
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "core" / "helpers"))

from private_server import PrivateServer, private_server  # noqa: E402

from annotator import server  # noqa: E402
from annotator.imports import ParsedArticle  # noqa: E402
from annotator.paths import default_codebook_path  # noqa: E402
from annotator.project import Project  # noqa: E402

SENTENCES_PER_ARTICLE = 20
ACTIVITY_SQL = (
    "SELECT pid, usename, state, wait_event_type, wait_event, left(query, 80), "
    "pg_blocking_pids(pid) FROM pg_stat_activity WHERE datname = 'load'"
)


def _articles(n: int) -> list[ParsedArticle]:
    import random

    from corpus import sentence

    rng = random.Random(11)
    return [
        ParsedArticle(
            text=" ".join(sentence(rng) for _ in range(SENTENCES_PER_ARTICLE)) + f" (No. {i}.)",
            origin=f"load-{i}",
            title=f"Load article {i}",
            source=("Wire A", "Wire B")[i % 2],
        )
        for i in range(n)
    ]


def acknowledged_check(lead_url: str, results: list[dict[str, Any]]) -> tuple[int, int]:
    """(lost, doubled) over every coder: a sentence whose acknowledged code is not the coder's
    label there, and add events beyond the acknowledged adds. Plain SQL, as the lead."""
    import psycopg

    lost = doubled = 0
    with psycopg.connect(lead_url) as conn:
        for r in results:
            rows = conn.execute(
                "SELECT sentence_id, code_id FROM label WHERE coder_id = %s", (r["coder_id"],)
            ).fetchall()
            have = {int(s): int(c) for s, c in rows}
            want = {int(s): int(c) for s, c in r["acked"].items()}
            lost += sum(1 for s, c in want.items() if have.get(s) != c)
            lost += len(set(have) - set(want))  # a label no write acknowledged
            (adds,) = conn.execute(
                "SELECT count(*) FROM label_event WHERE coder_id = %s AND action = 'add'",
                (r["coder_id"],),
            ).fetchone()
            doubled += max(0, int(adds) - int(r["adds"]))
            lost += max(0, int(r["adds"]) - int(adds))
    return lost, doubled


def set_up(srv: PrivateServer, database: str, coders: list[str], articles: int) -> str:
    subprocess.run(
        ["psql", srv.superuser_url, "-qc", f'CREATE DATABASE "{database}"'],
        check=True,
        capture_output=True,
    )
    lead_url = srv.database_url(database)
    server.init(lead_url, codebook=default_codebook_path())
    with Project.open(lead_url) as p:
        p.import_articles(_articles(articles), near_duplicates=False)
    for c in coders:
        server.add_coder(lead_url, c, f"pw-{c}")
    return lead_url


def one_run(seconds: float, n_coders: int, restart: bool, rate: float = 0.0) -> dict[str, Any]:
    coders = [f"coder{i:02d}" for i in range(n_coders)]
    with private_server() as srv, tempfile.TemporaryDirectory() as tmp:
        lead_url = set_up(srv, "load", coders, articles=max(60, n_coders * 8))
        go = Path(tmp) / "go"
        procs = []
        for c in coders:
            env = {**os.environ, "PGPASSWORD": f"pw-{c}"}
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        str(HERE / "server_load_child.py"),
                        srv.database_url("load", c),
                        c,
                        str(seconds),
                        str(Path(tmp) / "journals"),
                        str(Path(tmp) / f"{c}.json"),
                        str(go),
                        str(rate),
                    ],
                    env=env,
                    stderr=(Path(tmp) / f"{c}.log").open("w"),
                )
            )
        polls: list[float] = []
        stop = threading.Event()

        def poll() -> None:
            while not stop.is_set():
                t0 = time.perf_counter()
                try:
                    server.coders(lead_url)
                    polls.append(time.perf_counter() - t0)
                except Exception:  # the server is being restarted
                    pass
                stop.wait(1.0)

        poller = threading.Thread(target=poll, daemon=True)
        ready = [Path(tmp) / f"{c}.json.ready" for c in coders]
        give_up = time.time() + 300
        while not all(r.exists() for r in ready):
            if time.time() > give_up or any(p.poll() is not None for p in procs):
                raise RuntimeError("a coder process could not connect")
            time.sleep(0.1)
        start_at = time.time() + 1
        tmp_go = go.with_suffix(".tmp")
        tmp_go.write_text(str(start_at))
        tmp_go.replace(go)
        while time.time() < start_at:
            time.sleep(0.01)
        poller.start()
        outage = 0.0
        if restart:
            time.sleep(seconds / 2)
            t0 = time.perf_counter()
            srv.stop()
            time.sleep(2)
            srv.start()
            outage = time.perf_counter() - t0
        for c, p in zip(coders, procs, strict=True):
            try:
                p.wait(timeout=seconds + 300)
            except subprocess.TimeoutExpired:
                activity = subprocess.run(
                    ["psql", srv.superuser_url, "-c", ACTIVITY_SQL],
                    capture_output=True,
                    text=True,
                ).stdout
                (Path(tmp) / f"{c}.log").open("a").write(f"\nserver activity:\n{activity}")
                p.send_signal(signal.SIGUSR2)  # its stack, into its log
                time.sleep(1)
                p.kill()
                p.wait()
            if p.returncode != 0:
                log = (Path(tmp) / f"{c}.log").read_text()[-3000:]
                raise RuntimeError(f"coder {c} failed (exit {p.returncode}):\n{log}")
        stop.set()
        poller.join()
        results = [json.loads((Path(tmp) / f"{c}.json").read_text()) for c in coders]
        lost, doubled = acknowledged_check(lead_url, results)
    latencies = sorted(x for r in results for x in r["latencies"])
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "writes": len(latencies),
        "journaled": sum(r["journaled"] for r in results),
        "unsent": sum(r["unsent"] for r in results),
        "lost": lost,
        "doubled": doubled,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * q[98],
        "poll_p50_ms": 1000 * statistics.median(polls) if polls else float("nan"),
        "outage_s": outage,
    }


def run() -> list[dict[str, object]]:
    seconds = float(os.environ.get("BENCH_SECONDS", "60"))
    n = int(os.environ.get("BENCH_CODERS", "20"))
    rows: list[dict[str, object]] = []
    rate = float(os.environ.get("BENCH_RATE", "2"))
    runs = [(False, 0.0), (True, 0.0), (False, rate)]
    for restart, pace in runs:
        name = f"server load, {n} coders, {seconds:g} s" + (", restart" if restart else "")
        name += f", {pace:g} labels/s each" if pace else ", full speed"
        r = one_run(seconds, n, restart, pace)
        rows += [
            {"benchmark": name, "metric": "acknowledged writes", "value": r["writes"], "unit": ""},
            {"benchmark": name, "metric": "lost", "value": r["lost"], "unit": "", "target": "0"},
            {
                "benchmark": name,
                "metric": "doubled",
                "value": r["doubled"],
                "unit": "",
                "target": "0",
            },
            {
                "benchmark": name,
                "metric": "key to durable p50",
                "value": f"{r['p50_ms']:.1f}",
                "unit": "ms",
            },
            {
                "benchmark": name,
                "metric": "key to durable p99",
                "value": f"{r['p99_ms']:.1f}",
                "unit": "ms",
                "target": "< 50",
            },
            {
                "benchmark": name,
                "metric": "lead progress poll p50",
                "value": f"{r['poll_p50_ms']:.1f}",
                "unit": "ms",
            },
            {
                "benchmark": name,
                "metric": "journaled while away",
                "value": r["journaled"],
                "unit": "",
            },
        ]
        if restart:
            rows.append(
                {
                    "benchmark": name,
                    "metric": "server away",
                    "value": f"{r['outage_s']:.1f}",
                    "unit": "s",
                }
            )
    return rows
