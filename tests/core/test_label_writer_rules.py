"""The one label writer: its small path (write_changes: a coder's own changes) and its bulk path
(add_labels: a merge, a label import, a REFI-QDA import) apply the same rules.

* a sentence never holds two codes of a single-choice group for one coder. What happens to the
  code already there is the one explicit choice (OnConflict): REPLACE -- a coder's own key press
  replaces it -- or KEEP -- a label from another file is refused and reported, the project's
  stays. Either path can be asked for either, and they then agree exactly;
* every change appends one event row (coder, sentence, code, add/remove, batch);
* a coder whose labels on an article changed and who had not started it has it in progress;
  a status further on is left alone;
* adding a label that is there changes nothing (no event, no status).

Each case runs both paths on two copies of one real project file and compares what they wrote;
every test runs on project files and on a PostgreSQL server (``backend``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import String, select, type_coerce

from annotator.codebook import Code, Codebook, CodeGroup
from annotator.exchange.labels import import_labels
from annotator.project import Project
from annotator.records import LabelChange, Status
from annotator.storage import tables as t
from annotator.storage.exchange_queries import stored_time
from annotator.storage.label_writes import (
    CONFLICT_REASON,
    OnConflict,
    add_labels,
    write_changes,
)
from annotator.storage.unit_of_work import read_session, write_session
from tests.core.helpers.backends import where

BOOK = Codebook(
    name="rules",
    version="1",
    groups=(
        CodeGroup(
            id="tone",
            name="Tone",
            multiple=False,
            codes=(
                Code(id="pos", name="Positive", key="p", color="#00aa00"),
                Code(id="neg", name="Negative", key="n", color="#aa0000"),
            ),
        ),
        CodeGroup(
            id="topic",
            name="Topic",
            multiple=True,
            codes=(
                Code(id="war", name="War", key="w", color="#0000aa"),
                Code(id="aid", name="Aid", key="a", color="#aaaa00"),
            ),
        ),
    ),
)

# (sentence index, code uid, add?)
Op = tuple[int, str, bool]
TIME = "2024-05-06 07:08:09.000010"
TEXTS = (
    "The army advanced near the river. Officials denied the reports. Talks resume next week.",
    "Analysts expected a long winter. Aid convoys waited at the border.",
)


class Copy:
    """One copy of the project: ids by name, and what its tables hold."""

    def __init__(self, path: str | Path) -> None:
        self.project = Project.open(path)
        p = self.project
        self.anna = p.coder_id("anna")
        self.code = {c.uid: c.id for c in p.codebook.codes}
        aids = p.article_ids()
        self.article = aids[0]
        first = [s.id for s in p.sentences(aids[0])]
        assert len(first) == 3 and len(aids) == 2
        self.sentence = first + [s.id for s in p.sentences(aids[1])]

    def given(self, labels: list[tuple[int, str]]) -> None:
        """Labels anna has before the case runs (written as her own changes)."""
        with write_session(self.project.engine) as s:
            write_changes(
                s,
                [LabelChange(self.sentence[i], self.code[c], self.anna, True) for i, c in labels],
                "before",
            )

    def labels(self) -> set[tuple[int, str]]:
        by_id = {v: k for k, v in self.code.items()}
        index = {sid: i for i, sid in enumerate(self.sentence)}
        with read_session(self.project.engine) as s:
            return {
                (index[sid], by_id[code])
                for sid, code in s.execute(select(t.label.c.sentence_id, t.label.c.code_id))
            }

    def events(self, batch: str) -> list[tuple[int, str, str]]:
        by_id = {v: k for k, v in self.code.items()}
        index = {sid: i for i, sid in enumerate(self.sentence)}
        e = t.label_event.c
        with read_session(self.project.engine) as s:
            return [
                (index[sid], by_id[code], action)
                for sid, code, action in s.execute(
                    select(e.sentence_id, e.code_id, e.action)
                    .where(e.batch == batch)
                    .order_by(e.id)
                )
            ]

    def statuses(self) -> dict[int, int]:
        st = t.article_status.c
        with read_session(self.project.engine) as s:
            return {
                int(a): int(v)
                for a, v in s.execute(
                    select(st.article_id, st.status).where(st.coder_id == self.anna)
                )
            }

    def small(self, ops: list[Op], on_conflict: OnConflict) -> list[LabelChange]:
        changes = [LabelChange(self.sentence[i], self.code[c], self.anna, add) for i, c, add in ops]
        with write_session(self.project.engine) as s:
            return write_changes(s, changes, "case", on_conflict)

    def bulk(self, ops: list[Op], on_conflict: OnConflict) -> tuple[int, int, list[int]]:
        assert all(add for _i, _c, add in ops), "the bulk path only adds"
        rows = [(self.sentence[i], self.code[c], self.anna, TIME) for i, c, _add in ops]
        with write_session(self.project.engine) as s:
            out = add_labels(s, rows, "case", on_conflict=on_conflict)
        assert all(reason == CONFLICT_REASON for _n, reason in out.refused)
        return out.added, out.already, [n for n, _reason in out.refused]


@pytest.fixture
def copies(
    tmp_path: Path, backend: str, make_project: Callable[..., Project]
) -> Iterator[Callable[[], tuple[Copy, Copy]]]:
    """Two copies of one project: files copied byte for byte, or two server databases into which
    the same articles were imported (the same ids either way)."""
    texts = [tmp_path / f"article{n}.txt" for n in range(len(TEXTS))]
    for path, text in zip(texts, TEXTS, strict=True):
        path.write_text(text, encoding="utf-8")

    def fresh(name: str) -> str | Path:
        p = make_project(name, codebook=BOOK)
        p.import_paths(texts)
        p.close()  # a file is copied whole only once closed (its WAL folded in)
        return where(p)

    source = fresh("source") if backend == "sqlite" else None
    opened: list[Copy] = []

    def make() -> tuple[Copy, Copy]:
        pair = []
        for name in ("small", "bulk"):
            if isinstance(source, Path):
                path: str | Path = tmp_path / f"{name}{len(opened)}.annotator"
                Path(path).write_bytes(source.read_bytes())
            else:
                path = fresh(name)
            pair.append(Copy(path))
        opened.extend(pair)
        return pair[0], pair[1]

    yield make
    for c in opened:
        c.project.close()


def same_outcome(small: Copy, bulk: Copy) -> None:
    assert small.labels() == bulk.labels()
    assert small.events("case") == bulk.events("case")
    assert small.statuses() == bulk.statuses()


CASES: dict[str, tuple[list[tuple[int, str]], list[Op]]] = {
    "a code beside another of its single-choice group": ([(0, "pos")], [(0, "neg", True)]),
    "two codes of one single-choice group in one run": ([], [(1, "pos", True), (1, "neg", True)]),
    "codes of a group that allows several": ([(0, "war")], [(0, "aid", True), (2, "war", True)]),
    "a label that is already there": ([(0, "pos")], [(0, "pos", True)]),
    "labels on two articles": ([], [(0, "pos", True), (3, "neg", True)]),
}


@pytest.mark.parametrize("on_conflict", list(OnConflict))
@pytest.mark.parametrize("case", sorted(CASES))
def test_both_paths_write_the_same_labels_events_and_statuses(
    copies: Callable[[], tuple[Copy, Copy]], case: str, on_conflict: OnConflict
) -> None:
    given, ops = CASES[case]
    small, bulk = copies()
    small.given(given)
    bulk.given(given)
    small.small(ops, on_conflict)
    bulk.bulk(ops, on_conflict)
    same_outcome(small, bulk)


def test_keep_refuses_the_incoming_code_and_keeps_the_one_there(
    copies: Callable[[], tuple[Copy, Copy]],
) -> None:
    small, bulk = copies()
    for c in (small, bulk):
        c.given([(0, "pos")])
    assert small.small([(0, "neg", True)], OnConflict.KEEP) == []
    assert bulk.bulk([(0, "neg", True)], OnConflict.KEEP) == (0, 0, [0])
    for c in (small, bulk):
        assert c.labels() == {(0, "pos")}
        assert c.events("case") == []


def test_replace_removes_the_code_there_and_logs_the_removal(
    copies: Callable[[], tuple[Copy, Copy]],
) -> None:
    small, bulk = copies()
    for c in (small, bulk):
        c.given([(0, "pos")])
    small.small([(0, "neg", True)], OnConflict.REPLACE)
    assert bulk.bulk([(0, "neg", True)], OnConflict.REPLACE) == (1, 0, [])
    for c in (small, bulk):
        assert c.labels() == {(0, "neg")}
        assert c.events("case") == [(0, "pos", "remove"), (0, "neg", "add")]


def test_in_one_run_keep_keeps_the_first_code_and_replace_the_last(
    copies: Callable[[], tuple[Copy, Copy]],
) -> None:
    ops: list[Op] = [(1, "pos", True), (1, "neg", True)]
    small, bulk = copies()
    assert bulk.bulk(ops, OnConflict.KEEP) == (1, 0, [1])
    assert bulk.labels() == {(1, "pos")}
    small.small(ops, OnConflict.REPLACE)
    assert small.labels() == {(1, "neg")}


def test_the_small_path_replaces_by_default_and_the_bulk_path_keeps(
    copies: Callable[[], tuple[Copy, Copy]],
) -> None:
    """The defaults are the product's rule: a coder's own change is the latest word, labels
    from another file never overwrite the project's."""
    small, bulk = copies()
    for c in (small, bulk):
        c.given([(0, "pos")])
    with write_session(small.project.engine) as s:
        write_changes(s, [LabelChange(small.sentence[0], small.code["neg"], small.anna, True)])
    with write_session(bulk.project.engine) as s:
        add_labels(s, [(bulk.sentence[0], bulk.code["neg"], bulk.anna, TIME)], "case")
    assert small.labels() == {(0, "neg")}
    assert bulk.labels() == {(0, "pos")}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (None, Status.IN_PROGRESS),
        (Status.NOT_STARTED, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, Status.IN_PROGRESS),
        (Status.DONE, Status.DONE),
    ],
)
def test_a_label_puts_an_article_not_started_in_progress_on_both_paths(
    copies: Callable[[], tuple[Copy, Copy]], before: Status | None, after: Status
) -> None:
    small, bulk = copies()
    for c in (small, bulk):
        if before is not None:
            c.project.set_status(c.article, "anna", before)
    small.small([(0, "war", True)], OnConflict.KEEP)
    bulk.bulk([(0, "war", True)], OnConflict.KEEP)
    for c in (small, bulk):
        assert c.statuses()[c.article] == after


def test_a_label_already_there_touches_neither_log_nor_status(
    copies: Callable[[], tuple[Copy, Copy]],
) -> None:
    small, bulk = copies()
    for c in (small, bulk):
        c.given([(0, "war")])
        c.project.set_status(c.article, "anna", Status.NOT_STARTED)
    assert small.small([(0, "war", True)], OnConflict.KEEP) == []
    assert bulk.bulk([(0, "war", True)], OnConflict.KEEP) == (0, 1, [])
    for c in (small, bulk):
        assert c.events("case") == []
        assert c.statuses()[c.article] == Status.NOT_STARTED


def test_the_bulk_path_keeps_the_time_it_was_given_in_label_and_event(
    copies: Callable[[], tuple[Copy, Copy]],
) -> None:
    _small, bulk = copies()
    bulk.bulk([(0, "war", True)], OnConflict.KEEP)
    with read_session(bulk.project.engine) as s:
        created = s.execute(select(type_coerce(t.label.c.created_at, String))).scalar()
        at, batch, coder = s.execute(
            select(
                type_coerce(t.label_event.c.at, String),
                t.label_event.c.batch,
                t.label_event.c.coder_id,
            )
        ).one()
    assert _as_text(created) == _as_text(at) == TIME
    assert (batch, coder) == ("case", bulk.anna)


def _as_text(value: object) -> str:
    """A stored time as SQLite holds it (PostgreSQL returns a timestamp whatever the cast)."""
    return value if isinstance(value, str) else value.isoformat(" ")  # type: ignore[attr-defined]


def test_a_label_import_is_refused_a_contradicting_code_and_reports_the_row(
    copies: Callable[[], tuple[Copy, Copy]], tmp_path: Path
) -> None:
    """The rule as a researcher meets it: the imported row is listed, the project's code kept,
    and the article the import did label is in progress for that coder."""
    target, _other = copies()
    target.given([(0, "pos")])
    p = target.project
    sentences = p.sentences(p.article_ids()[0])
    uid = p.article(p.article_ids()[0]).uid
    lines = ["article_id,sentence_start,sentence_end,coder,group,code,labelled_at"]
    for s, code in ((sentences[0], "Negative"), (sentences[1], "Negative")):
        lines.append(f"{uid},{s.start},{s.end},anna,Tone,{code},2024-05-06T07:08:09Z")
    (tmp_path / "in.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_labels(p.engine, tmp_path / "in.csv")
    assert report.imported == 1
    assert report.problems == [(2, CONFLICT_REASON)]
    assert target.labels() == {(0, "pos"), (1, "neg")}
    assert target.events("import-labels") == [(1, "neg", "add")]
    assert target.statuses()[target.article] == Status.IN_PROGRESS


def test_stored_time_is_utc_text_as_sqlite_holds_it() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    moment = datetime(2024, 5, 6, 9, 8, 9, 10, tzinfo=timezone(timedelta(hours=2)))
    assert stored_time(moment) == TIME
    assert stored_time(moment.astimezone(UTC).replace(tzinfo=None)) == TIME


def test_a_merge_keeps_the_leads_code_and_reports_the_contradicting_label(
    copies: Callable[[], tuple[Copy, Copy]],
) -> None:
    """The rule as a merge applies it: the lead's single-choice code stays, the other file's
    contradicting label is skipped and reported, its other labels come across with their
    events, and the lead's coder has the article in progress."""
    lead, other = copies()
    lead.given([(0, "pos")])
    other.given([(0, "neg"), (1, "war")])
    other_path = where(other.project)
    other_name = other.project.name
    other.project.close()
    with write_session(lead.project.engine) as s:
        s.execute(t.label_event.delete())
        s.execute(t.article_status.delete())
    report = lead.project.merge([other_path])
    other.project = Project.open(other_path)  # closed again by the fixture
    assert (report.labels_added, report.skipped) == (1, 1)
    assert any("single-choice group; kept the lead's" in line for line in report.conflicts)
    assert lead.labels() == {(0, "pos"), (1, "war")}
    assert lead.events(f"merge:{other_name}") == [(1, "war", "add")]
    assert lead.statuses()[lead.article] == Status.IN_PROGRESS
