"""Coding-time analytics on a synthetic event log of known durations (issue 14).

Every key press goes through the real label writer (``toggle_command(...).apply``, the UI's
path) into a real project file; the test then sets the time of the events that press wrote
(tests/core/helpers/event_times.py), so each figure below is worked out by hand.

anna's day (seconds after 09:00 UTC; Type is single-choice M/D, Tone multiple-choice X):

    press  t     what                              duration  session
    1      0     M on s0                           -         1
    2      10    D on s1                           10        1
    3      30    M on s2                           20        1
    4      60    X on s2 (a second code: no fix)   30        1
    5      100   D on s0 (replaces M: correction)  40        1
    6      340   M on s3 (after a 4-minute pause)  240       1
    7      700   D on s4 (after a 6-minute pause)  -         2
    8      712   X off s2 (correction)             12        2
    9      730   M on s5                           18        2

ben: M on s0 at 50, D on s1 at 350 (a pause of exactly 300 s does not end a session).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from annotator import Project
from annotator.cli import main
from annotator.codebook import default_codebook
from annotator.coding_time import (
    SESSION_PAUSE_S,
    CoderStats,
    CodeStats,
    CodingStats,
    EventRow,
    coding_stats,
    spread,
)
from annotator.errors import NotFoundError
from annotator.imports import ParsedArticle
from annotator.records import Status
from tests.core.helpers.event_times import last_event_id, stamp_events_after, stamp_status

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

CODEBOOK = """\
name: Timing book
groups:
  - name: Type
    codes:
      - name: M
        key: m
      - name: D
        key: d
  - name: Tone
    choice: multiple
    codes:
      - name: X
        key: x
"""

ANNA = [(0, "M", 0), (10, "D", 1), (30, "M", 2), (60, "X", 2), (100, "D", 0)]
ANNA += [(340, "M", 3), (700, "D", 4), (712, "X", 2), (730, "M", 5)]
BEN = [(50, "M", 0), (350, "D", 1)]


def _press(project: Project, coder: str, sentence: int, code: str, seconds: float) -> None:
    """One key press through the real writer, then stamped ``seconds`` after T0."""
    before = last_event_id(project)
    project.toggle_command([sentence], code, coder).apply(project)
    assert stamp_events_after(project, before, T0 + timedelta(seconds=seconds)) >= 1


@pytest.fixture
def timed(tmp_path: Path) -> Path:
    """The project of the module docstring, closed, with three articles done by anna."""
    book = tmp_path / "book.yaml"
    book.write_text(CODEBOOK, encoding="utf-8")
    path = tmp_path / "timed.annotator"
    text = " ".join(f"Sentence number {n} is here." for n in range(8))
    with Project.create(path, codebook=book) as p:
        articles = [ParsedArticle(text=f"{text} Article {k}.", origin="t") for k in range(3)]
        report = p.import_articles(articles)
        first = report.article_ids[0]
        s = [x.id for x in p.sentences(first)]
        presses = [(t, "anna", code, s[i]) for t, code, i in ANNA]
        presses += [(t, "ben", code, s[i]) for t, code, i in BEN]
        for t, coder, code, sid in sorted(presses):
            _press(p, coder, sid, code, t)
        days = [datetime(2026, 3, 2, 10, tzinfo=UTC), datetime(2026, 3, 2, 23, 59, tzinfo=UTC)]
        days.append(datetime(2026, 3, 3, 0, 1, tzinfo=UTC))
        for aid, at in zip(report.article_ids, days, strict=True):
            p.set_status(aid, "anna", Status.DONE)
            stamp_status(p, aid, "anna", at)
        p.set_status(first, "ben", Status.IN_PROGRESS)  # not done: not counted
    return path


def _stats(path: Path, **kw: object) -> CodingStats:
    with Project.open(path, read_only=True) as p:
        return p.coding_stats(**kw)  # type: ignore[arg-type]


def _coder(stats: CodingStats, name: str) -> CoderStats:
    return next(c for c in stats.coders if c.coder == name)


def _code(stats: CodingStats, coder: str, code: str) -> CodeStats:
    return next(c for c in stats.codes if c.coder == coder and c.code == code)


def test_a_six_minute_pause_ends_a_session_and_a_four_minute_one_does_not(timed: Path) -> None:
    anna = _coder(_stats(timed), "anna")
    assert anna.sessions == 2
    assert anna.coding_hours == pytest.approx((340 + 30) / 3600)


def test_a_pause_of_exactly_the_limit_stays_in_the_session(timed: Path) -> None:
    ben = _coder(_stats(timed), "ben")
    assert (ben.sessions, ben.presses, ben.seconds.n) == (1, 2, 1)
    assert ben.seconds.median == 300
    assert ben.labels_per_hour == pytest.approx(2 / (300 / 3600))


def test_seconds_per_sentence_are_the_gaps_between_presses_within_a_session(timed: Path) -> None:
    anna = _coder(_stats(timed), "anna")
    # [10, 12, 18, 20, 30, 40, 240]: first presses of sessions are untimed
    assert anna.presses == 9
    assert anna.sentences == 6
    assert anna.seconds.n == 7
    assert anna.seconds.median == 20
    assert (anna.seconds.q1, anna.seconds.q3, anna.seconds.iqr) == (15, 35, 20)


def test_labels_per_hour_are_adds_over_the_sum_of_session_durations(timed: Path) -> None:
    anna = _coder(_stats(timed), "anna")
    assert anna.labels == 8
    assert anna.labels_per_hour == pytest.approx(8 * 3600 / 370)


def test_corrections_are_removals_of_a_label_already_made(timed: Path) -> None:
    stats = _stats(timed)
    # press 5 replaced M on s0 (single choice), press 8 took X off s2; press 4 added a
    # second code (multiple choice) and is no correction
    assert _coder(stats, "anna").corrections == 2
    assert _code(stats, "anna", "M").corrections == 1
    assert _code(stats, "anna", "X").corrections == 1
    assert _code(stats, "anna", "D").corrections == 0
    assert _coder(stats, "ben").corrections == 0


def test_each_press_counts_for_the_code_it_added_or_else_removed(timed: Path) -> None:
    stats = _stats(timed)
    m, d, x = (_code(stats, "anna", c) for c in ("M", "D", "X"))
    assert (m.seconds.n, m.seconds.median, m.seconds.q1, m.seconds.q3) == (3, 20, 19, 130)
    assert (d.seconds.n, d.seconds.median) == (2, 25)  # 10 and 40 (press 7 is untimed)
    assert (x.seconds.n, x.seconds.median) == (2, 21)  # 30 (added) and 12 (only removed)
    assert (m.labels, d.labels, x.labels) == (4, 3, 1)
    assert (m.sessions, d.sessions, x.sessions) == (2, 2, 2)
    assert m.group == "Type" and x.group == "Tone"
    assert m.labels_per_hour == pytest.approx(4 * 3600 / 370)


def test_done_articles_are_counted_per_coder_and_utc_day(timed: Path) -> None:
    days = [(d.coder, d.day, d.done) for d in _stats(timed).done_per_day]
    assert days == [("anna", date(2026, 3, 2), 2), ("anna", date(2026, 3, 3), 1)]


def test_a_shorter_pause_splits_more_sessions(timed: Path) -> None:
    anna = _coder(_stats(timed, pause_s=35), "anna")
    # gaps over 35 s end a session: 40 (press 5), 240 and 360
    assert anna.sessions == 4
    assert anna.seconds.n == 5  # 10, 20, 30, 12, 18
    assert anna.coding_hours == pytest.approx((60 + 30) / 3600)


def test_only_the_named_coders_are_read(timed: Path) -> None:
    stats = _stats(timed, coders=["ben"])
    assert [c.coder for c in stats.coders] == ["ben"]
    assert {c.coder for c in stats.codes} == {"ben"}
    assert stats.done_per_day == ()
    with pytest.raises(NotFoundError, match="no coder named 'carl'"):
        _stats(timed, coders=["carl"])


def test_an_undo_is_a_press_of_its_own_and_a_correction(tmp_path: Path) -> None:
    with Project.create(tmp_path / "u.annotator", codebook=default_codebook()) as p:
        aid = p.import_articles([ParsedArticle(text="One. Two.", origin="t")]).article_ids[0]
        sid = p.sentences(aid)[0].id
        code = p.codebook.codes[0].id
        before = last_event_id(p)
        cmd = p.toggle_command([sid], code, "anna")
        cmd.apply(p)
        stamp_events_after(p, before, T0)
        before = last_event_id(p)
        cmd.revert(p)
        stamp_events_after(p, before, T0 + timedelta(seconds=7))
        anna = _coder(p.coding_stats(), "anna")
    assert (anna.presses, anna.seconds.median, anna.corrections, anna.labels) == (2, 7, 1, 1)


def test_an_empty_log_gives_empty_tables(tmp_path: Path) -> None:
    with Project.create(tmp_path / "e.annotator") as p:
        stats = p.coding_stats()
    assert (stats.coders, stats.codes, stats.done_per_day) == ((), (), ())
    assert stats.pause_s == SESSION_PAUSE_S


def test_events_of_one_press_share_its_duration() -> None:
    at = [T0, T0 + timedelta(seconds=5)]
    rows = [
        EventRow("a", at[0], 1, 1, "M", "Type", "add", "b1"),
        EventRow("a", at[1], 1, 1, "M", "Type", "remove", "b2"),
        EventRow("a", at[1], 1, 2, "D", "Type", "add", "b2"),
    ]
    stats = coding_stats(rows[::-1])  # in any order
    (a,) = stats.coders
    assert (a.presses, a.seconds.n, a.seconds.median, a.corrections) == (2, 1, 5, 1)
    d = next(c for c in stats.codes if c.code == "D")
    m = next(c for c in stats.codes if c.code == "M")
    assert (d.seconds.n, m.seconds.n) == (1, 0)  # the replacing press counts for what it added


def test_spread_of_nothing_is_none() -> None:
    s = spread([])
    assert (s.n, s.median, s.iqr) == (0, None, None)
    assert spread([4.0]).iqr == 0


# --- the command line ---------------------------------------------------------------------------


def test_the_stats_command_prints_the_three_tables(
    timed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stats", str(timed)]) == 0
    out = capsys.readouterr().out
    assert "a pause over 300 s ends a session" in out
    for title in ("Per coder\n", "Per coder and code\n", "Done articles per day"):
        assert title in out
    anna = next(line.split() for line in out.splitlines() if line.split()[:2] == ["anna", "9"])
    # coder presses sentences n_timed median q1 q3 iqr sessions hours labels per_hour corr.
    want = ["anna", "9", "6", "7", "20.0", "15.0", "35.0", "20.0", "2", "0.103", "8", "77.8", "2"]
    assert anna == want


def test_the_stats_command_writes_one_csv_with_a_table_column(
    timed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "stats.csv"
    args = ["stats", str(timed), "--format", "csv", "--coder", "anna", "--output", str(out)]
    assert main(args) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0])[:5] == ["table", "coder", "group", "code", "day"]
    assert {r["table"] for r in rows} == {"coders", "codes", "done_per_day"}
    (anna,) = [r for r in rows if r["table"] == "coders"]
    assert (anna["median_s"], anna["iqr_s"], anna["sessions"], anna["corrections"]) == (
        "20.0",
        "20.0",
        "2",
        "2",
    )
    m = next(r for r in rows if r["table"] == "codes" and r["code"] == "M")
    assert (m["group"], m["median_s"], m["labels"], m["corrections"]) == ("Type", "20.0", "4", "1")
    done = [(r["day"], r["done"]) for r in rows if r["table"] == "done_per_day"]
    assert done == [("2026-03-02", "2"), ("2026-03-03", "1")]
    assert main(args) == 1  # exists: no overwrite without --force
    assert "--force" in capsys.readouterr().err


def test_the_stats_command_takes_coders_as_agreement_and_export_do(
    timed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stats", str(timed), "--coders", "ben"]) == 0
    only_ben = capsys.readouterr().out
    assert main(["stats", "--coder", "ben", str(timed)]) == 0  # before the project, too
    assert capsys.readouterr().out == only_ben
    assert "  ben " in only_ben and "  anna " not in only_ben


def test_the_stats_command_names_an_unknown_coder(
    timed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stats", str(timed), "--coder", "carl"]) == 1
    assert "no coder named 'carl'" in capsys.readouterr().err


def test_the_adjudicated_coder_is_left_out_unless_named(tmp_path: Path) -> None:
    """Its labels are the lead's decisions (bulk-accepted agreements among them), not coding."""
    from annotator.adjudication import accept_agreements
    from annotator.demo import build_demo

    with build_demo(tmp_path / "demo.annotator") as p:
        accepted = accept_agreements(p, ["anna", "ben"])
        assert accepted
        everyone = p.coding_stats()
        named = p.coding_stats(coders=["adjudicated"])
    assert {c.coder for c in everyone.coders} == {"anna", "ben"}
    assert {d.coder for d in everyone.done_per_day} == {"anna", "ben"}
    assert [c.coder for c in named.coders] == ["adjudicated"]
    assert named.coders[0].labels > 0


@pytest.mark.parametrize("pause", ["-1", "0", "nan", "inf"])
def test_the_stats_command_refuses_a_pause_that_is_not_a_length(
    timed: Path, capsys: pytest.CaptureFixture[str], pause: str
) -> None:
    assert main(["stats", str(timed), f"--pause={pause}"]) == 1
    assert "--pause must be a length in seconds, more than 0" in capsys.readouterr().err


def test_the_stats_command_names_a_missing_output_folder(
    timed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "absent" / "stats.csv"
    assert main(["stats", str(timed), "--output", str(target)]) == 1
    err = capsys.readouterr().err
    assert f"folder {target.parent} does not exist" in err
    assert ".partial" not in err
