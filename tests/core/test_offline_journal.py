"""The offline journal: what a coder does while the server is away is on their disk at once,
in order, and is sent once when the server is back.

The journal file and the offline planning are tested here on real files and a real project;
the server going away and coming back (a real PostgreSQL server stopped and started) is in
tests/core/test_server_outage.py.
"""

from __future__ import annotations

import random
from pathlib import Path

from annotator import Project
from annotator.offline_journal import Journal, journal_path, toggle_command_offline


def test_each_append_is_on_disk_in_order_and_survives_a_new_reader(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j" / "x.jsonl")
    journal.append({"kind": "status", "article": 1, "coder": "anna", "status": 2})
    journal.append({"kind": "labels", "batch": "b", "changes": [[1, 2, 3, 1]]})
    again = Journal(journal.path)
    assert [e["kind"] for e in again.entries()] == ["status", "labels"]
    assert len(again) == 2


def test_a_last_line_cut_short_by_a_crash_is_left_out(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "x.jsonl")
    journal.append({"kind": "labels", "batch": "", "changes": [[1, 2, 3, 1]]})
    with journal.path.open("a", encoding="utf-8") as fh:
        fh.write('{"kind": "labels", "chan')  # the append that never returned
    assert len(journal.entries()) == 1


def test_keeping_only_the_unsent_rewrites_the_file_and_nothing_left_removes_it(
    tmp_path: Path,
) -> None:
    journal = Journal(tmp_path / "x.jsonl")
    for n in range(3):
        journal.append({"kind": "status", "article": n, "coder": "anna", "status": 1})
    journal.keep_only(journal.entries()[2:])
    assert [e["article"] for e in journal.entries()] == [2]
    journal.keep_only([])
    assert not journal.path.exists() and journal.entries() == []


def test_each_project_and_coder_has_its_own_journal(tmp_path: Path) -> None:
    a = journal_path("postgresql://anna@lab/study", "anna", tmp_path)
    assert a == journal_path("postgresql://anna@lab/study", "anna", tmp_path)
    assert a != journal_path("postgresql://anna@lab/study", "ben", tmp_path)
    assert a != journal_path("postgresql://anna@lab/pilot", "anna", tmp_path)


def test_a_key_press_planned_offline_is_the_one_the_project_would_plan(
    make_project: object,
) -> None:
    """Offline the window plans from what it shows; the plan must equal the server's own, for
    single-choice replacement, removal when all have the code, and mixed selections."""
    project: Project = make_project(demo=True)  # type: ignore[operator]
    rng = random.Random(7)
    aid = project.article_ids()[0]
    sentences = [s.id for s in project.sentences(aid)]
    coder = project.coder_id("anna")
    codes = list(project.codebook.codes)
    for _ in range(60):
        chosen = rng.sample(sentences, rng.randint(1, 4))
        code = rng.choice(codes)
        online = project.toggle_command(chosen, code.id, "anna")
        mine = project.label_ids(aid, [coder])
        have = {s: {c for _, c in mine.get(s, [])} for s in chosen}
        offline = toggle_command_offline(project.codebook, have, code, coder)
        assert offline.changes == online.changes and offline.text == online.text
        online.apply(project)
