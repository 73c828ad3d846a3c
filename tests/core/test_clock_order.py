"""The clock set back between two labels: the event log and the times still put them in order.

A label given after the wall clock went back an hour was stamped before the label that came
first: sorted by time, the event log, an export's labelled_at and the article's status time put
the later change first. Times written for a coder now never go before the coder's last event.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from annotator.codebook import default_codebook
from annotator.imports import ParsedArticle
from annotator.project import Project

REPO = Path(__file__).resolve().parents[2]
FAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")


def build(path: Path) -> None:
    with Project.create(path, codebook=default_codebook()) as project:
        text = " ".join(f"Envoys met in hall {i}." for i in range(6))
        project.import_articles([ParsedArticle(text=text, origin="x")])


def timeline(path: Path) -> tuple[list[tuple[int, str]], list[tuple[int, str]], str]:
    """(events as (sentence, at) in log order, labels as (sentence, created_at) sorted by time,
    the status time) of coder anna."""
    conn = sqlite3.connect(path)
    try:
        events = conn.execute(
            "SELECT sentence_id, at FROM label_event WHERE coder_id = "
            "(SELECT id FROM coder WHERE name = 'anna') ORDER BY id"
        ).fetchall()
        labels = conn.execute(
            "SELECT sentence_id, created_at FROM label ORDER BY created_at, id"
        ).fetchall()
        status = conn.execute("SELECT updated_at FROM article_status").fetchone()[0]
    finally:
        conn.close()
    return events, labels, status


def test_a_label_after_the_clock_went_back_is_still_stamped_after_the_one_before(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.annotator"
    build(path)
    with Project.open(path) as project:
        aid = project.article_ids()[0]
        first, second = (s.id for s in project.sentences(aid)[:2])
        project.add_label(first, "Denial", "anna")
    # The file as a clock one hour ahead left it: the first label was given "an hour from now".
    ahead = (datetime.now(UTC) + timedelta(hours=1)).replace(tzinfo=None).isoformat(" ")
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE label_event SET at = ?", (ahead,))
        conn.execute("UPDATE label SET created_at = ?", (ahead,))
        conn.execute("UPDATE article_status SET updated_at = ?", (ahead,))
    conn.close()
    with Project.open(path) as project:
        project.add_label(second, "Denial", "anna")
        project.set_status(aid, "anna", "done")
    events, labels, status = timeline(path)
    assert [sid for sid, _ in events] == [first, second]
    assert events[0][1] < events[1][1], "the log's times follow its order"
    assert [sid for sid, _ in labels] == [first, second]
    assert status > events[1][1], "marked done after its last label"
    gap = datetime.fromisoformat(events[1][1]) - datetime.fromisoformat(ahead)
    assert timedelta(0) < gap < timedelta(seconds=1), "a tick after the first, not an hour back"


@pytest.mark.skipif(not FAKETIME.exists(), reason="libfaketime absent (apt-get install faketime)")
def test_with_the_process_clock_really_set_back_an_hour(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    build(path)
    offset = tmp_path / "faketime.rc"
    offset.write_text("+0\n", encoding="utf-8")
    script = (
        "import sys\nfrom annotator.project import Project\n"
        f"p = Project.open({str(path)!r}); aid = p.article_ids()[0]; s = p.sentences(aid)\n"
        "p.add_label(s[0].id, 'Denial', 'anna'); print('one', flush=True); sys.stdin.readline()\n"
        "p.add_label(s[1].id, 'Denial', 'anna'); p.set_status(aid, 'anna', 'done')\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={
            **os.environ,
            "PYTHONPATH": str(REPO),
            "LD_PRELOAD": str(FAKETIME),
            "FAKETIME_TIMESTAMP_FILE": str(offset),
            "FAKETIME_NO_CACHE": "1",
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        },
    )
    assert proc.stdout is not None and proc.stdin is not None
    assert proc.stdout.readline() == "one\n"
    offset.write_text("-1h\n", encoding="utf-8")
    proc.communicate("go\n", timeout=60)
    assert proc.returncode == 0
    events, labels, status = timeline(path)
    assert events[0][1] < events[1][1] <= status
    assert [sid for sid, _ in labels] == [sid for sid, _ in events]
