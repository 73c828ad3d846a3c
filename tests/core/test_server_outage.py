"""A server that goes away loses nothing: what the coder did meanwhile is in the journal on
their disk the moment the call returns, and reaches the server once it is back, once.

Each test runs its own PostgreSQL server (stopped and started in the middle), so the shared test
server of the other tests is never disturbed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator import server
from annotator.imports import ParsedArticle
from annotator.offline_journal import Journal, JournaledTarget
from annotator.paths import default_codebook_path
from annotator.project import Project
from annotator.records import LabelChange, Status
from tests.core.helpers.private_server import PrivateServer, private_server

HELPERS = Path(__file__).parent / "helpers"


def _server_available() -> str | None:
    script = Path(__file__).resolve().parents[2] / ".ci" / "postgres"
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        return "no PostgreSQL server installed (Debian: apt-get install postgresql)"
    if not script.exists():
        return ".ci/postgres is missing"
    return None


@pytest.fixture
def outage_server() -> Iterator[PrivateServer]:
    why = _server_available()
    if why is not None:
        if os.environ.get("ANNOTATOR_REQUIRE_PG") == "1":
            pytest.fail(f"CI must run the server tests: {why}")
        pytest.skip(why)
    with private_server() as srv:
        yield srv


def _project(srv: PrivateServer, monkeypatch: pytest.MonkeyPatch) -> str:
    subprocess.run(
        ["psql", srv.superuser_url, "-qc", "CREATE DATABASE study"], check=True, capture_output=True
    )
    lead = srv.database_url("study")
    server.init(lead, codebook=default_codebook_path())
    with Project.open(lead) as p:
        text = " ".join(f"Sentence number {i} of the report was said." for i in range(30))
        p.import_articles([ParsedArticle(text=text, origin="a.txt", title="A")])
    server.add_coder(lead, "anna", "secret-anna")
    monkeypatch.setenv("PGPASSWORD", "secret-anna")
    return srv.database_url("study", "anna")


def _labels_and_adds(srv: PrivateServer) -> tuple[set[tuple[int, int]], int]:
    import psycopg

    with psycopg.connect(srv.database_url("study")) as conn:
        labels = set(conn.execute("SELECT sentence_id, code_id FROM label").fetchall())
        (adds,) = conn.execute("SELECT count(*) FROM label_event WHERE action='add'").fetchone()
    return {(int(s), int(c)) for s, c in labels}, int(adds)


def test_labels_made_while_the_server_is_away_reach_it_once_when_it_is_back(
    outage_server: PrivateServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = _project(outage_server, monkeypatch)
    with Project.open(url) as p:
        me = p.coder_id("anna")
        code = p.codebook.codes[0].id
        ids = [s.id for s in p.sentences(p.article_ids()[0])]
        target = JournaledTarget(p, Journal(tmp_path / "j.jsonl"), lambda *_: Status.NOT_STARTED)
        for sid in ids[:5]:
            target.write_changes([LabelChange(sid, code, me, add=True)])
        assert not target.offline

        outage_server.stop()
        for sid in ids[5:12]:
            done = target.write_changes([LabelChange(sid, code, me, add=True)])
            assert done == [LabelChange(sid, code, me, add=True)]  # shown as saved
        assert target.offline and target.pending == 7
        assert len(Journal(tmp_path / "j.jsonl")) == 7  # on disk, not in memory only
        assert target.send() == 0 and target.pending == 7  # still away: all kept

        outage_server.start()
        assert target.send() == 7 and target.pending == 0
        assert target.send() == 0
        target.write_changes([LabelChange(ids[12], code, me, add=True)])  # online again
        assert not target.offline
    labels, adds = _labels_and_adds(outage_server)
    assert labels == {(sid, code) for sid in ids[:13]}
    assert adds == 13  # nothing doubled
    assert not (tmp_path / "j.jsonl").exists()


def test_an_app_killed_while_offline_loses_nothing_it_showed_as_saved(
    outage_server: PrivateServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = _project(outage_server, monkeypatch)
    journal = tmp_path / "j.jsonl"
    child = subprocess.Popen(
        [sys.executable, str(HELPERS / "offline_coder.py"), url, str(journal)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    outage_server.stop()
    child.send_signal(signal.SIGUSR1)  # the server is gone: go on labelling
    saved: list[int] = []
    deadline = time.monotonic() + 30
    while len(saved) < 20 and time.monotonic() < deadline:
        line = child.stdout.readline()
        if line.strip().isdigit():
            saved.append(int(line))
    child.kill()  # mid-write, as a crash would
    child.wait()
    assert len(saved) >= 20

    outage_server.start()
    with Project.open(url) as p:
        target = JournaledTarget(p, Journal(journal), lambda *_: Status.NOT_STARTED)
        target.send()
        assert target.pending == 0
        code = p.codebook.codes[0].id
    labels, _ = _labels_and_adds(outage_server)
    assert {(sid, code) for sid in saved} <= labels
