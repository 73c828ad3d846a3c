"""A label the program said was saved survives the process being killed at any moment.

A child process labels sentences through the same calls the UI makes and prints each sentence id
only after the call returned; the test kills it with SIGKILL at random moments, many times, and
then checks the file: every reported label is there, with its event row, and SQLite's
integrity_check passes. SIGKILL cannot be caught, so nothing in the child gets to tidy up.

The same holds on a PostgreSQL server (``backend``): a label is durable when the call returns,
counted on the server after the child was killed (fewer rounds: the server is not the file).
"""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from annotator.codebook import default_codebook
from annotator.imports import ParsedArticle
from annotator.project import Project

REPO = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).parent / "helpers" / "label_writer.py"
ROUNDS = 12
PER_ROUND = 800  # more than a child can write before it is killed, so it is always mid-work
AFTER = (50, 250)  # kill after this many labels were reported (then a random 0-20 ms later)


def build_project(path: Any, articles: int, n: int) -> None:
    with Project.create(path, codebook=default_codebook()) as project:
        project.import_articles(
            ParsedArticle(
                text=" ".join(f"Reporters counted item {i} in report {a}." for i in range(n)),
                origin=f"report-{a}",
            )
            for a in range(articles)
        )


def start_writer(path: Any, coder: str, start: int, step: int, count: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(path), coder, str(start), str(step), str(count)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )


def read_line(proc: subprocess.Popen[str], timeout: float) -> str:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, "the label writer did not answer in time"
    return proc.stdout.readline()


LABELLED = (
    "SELECT sentence_id FROM label JOIN coder ON coder.id = label.coder_id WHERE coder.name = %s"
)
ADDED = (
    "SELECT count(*) FROM label_event JOIN coder ON coder.id = label_event.coder_id "
    "WHERE coder.name = %s AND action = 'add'"
)


def stored_labels(path: Any, coder: str) -> tuple[str, set[int], int]:
    """(integrity_check answer, labelled sentence ids, 'add' events) straight from SQLite, or
    from the server over a connection of its own ('ok': the server checks its own pages)."""
    if isinstance(path, str):
        with psycopg.connect(path) as server:
            ids = {row[0] for row in server.execute(LABELLED, (coder,))}
            events = server.execute(ADDED, (coder,)).fetchone()
            return "ok", ids, int(events[0]) if events else 0
    conn = sqlite3.connect(path)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        ids = {
            row[0]
            for row in conn.execute(
                "SELECT sentence_id FROM label JOIN coder ON coder.id = label.coder_id "
                "WHERE coder.name = ?",
                (coder,),
            )
        }
        events = conn.execute(
            "SELECT count(*) FROM label_event JOIN coder ON coder.id = label_event.coder_id "
            "WHERE coder.name = ? AND action = 'add'",
            (coder,),
        ).fetchone()[0]
    finally:
        conn.close()
    return check, ids, events


def test_every_reported_label_survives_sigkill_at_random_moments(
    backend: str, project_location: Callable[[str], Any]
) -> None:
    path = project_location("crash")
    rounds = ROUNDS if backend == "sqlite" else ROUNDS // 4
    build_project(path, articles=200, n=60)  # 12,000 sentences
    rng = random.Random(int(os.environ.get("CRASH_SEED", time.time_ns())))
    reported: set[int] = set()
    killed_mid_work = 0
    for round_no in range(rounds):
        proc = start_writer(path, "anna", round_no * PER_ROUND, 1, PER_ROUND)
        try:
            assert read_line(proc, 30) == "ready\n"
            # Kill by progress, not by clock: on a loaded machine the child may be slow, and a
            # kill that lands before any write proves nothing.
            seen = [read_line(proc, 30) for _ in range(rng.randint(*AFTER))]
            time.sleep(rng.uniform(0, 0.02))
            proc.send_signal(signal.SIGKILL)
            assert proc.stdout is not None
            rest = "".join(seen) + proc.stdout.read()
        finally:
            proc.kill()
            proc.wait()
        lines = rest.split("\n")[:-1]  # a line cut by the kill has no "\n"
        killed_mid_work += "done" not in lines
        reported |= {int(x) for x in lines if x.isdigit()}

        check, stored, events = stored_labels(path, "anna")
        assert check == "ok", f"round {round_no}: integrity_check says {check}"
        missing = reported - stored
        assert not missing, f"round {round_no}: {len(missing)} reported labels lost"
        # At most the one call that was in flight when the kill came may be stored unreported.
        assert len(stored - reported) <= round_no + 1
        assert events == len(stored), "a label and its event row are committed together"
    assert killed_mid_work >= rounds // 2, "the kills should land while labels are being written"
    assert len(reported) >= rounds * AFTER[0], f"only {len(reported)} labels: proves little"


def test_the_project_opens_and_takes_labels_after_a_kill(
    backend: str, project_location: Callable[[str], Any]
) -> None:
    path = project_location("again")
    build_project(path, articles=5, n=20)
    proc = start_writer(path, "ben", 0, 1, 100)
    try:
        assert read_line(proc, 30) == "ready\n"
        read_line(proc, 30)  # at least one label written
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    with Project.open(path) as project:
        sid = project.sentences(project.article_ids()[-1])[-1].id
        project.add_label(sid, project.codebook.codes[0].id, "ben")
        assert any(sid == s for s in project.labels(project.article_ids()[-1], ["ben"]))


def test_a_commit_is_flushed_to_disk_before_the_call_returns(tmp_path: Path) -> None:
    """SIGKILL spares the OS cache; a power cut does not. synchronous=FULL in WAL mode is
    what makes a returned label durable then too (SQLite fsyncs the log on every commit)."""
    path = tmp_path / "sync.annotator"
    build_project(path, articles=1, n=3)
    with Project.open(path) as project, project.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
