"""Coding-time analytics from the event log: how long coders take, how much they correct.

Pure functions on plain rows (``EventRow``, ``DoneRow``, read by
``annotator.storage.analytics_queries``); no database, no Qt. What is measured, exactly:

* A **key press** (a *step*) is one write of the label writer: the events of one coder that share
  their time and their ``batch`` (a command's uid; a toggle that replaces a single-choice code
  writes a remove and an add in one press; a bulk apply writes many sentences in one press; an
  undo has a batch of its own, so it is a press of its own).
* A **session** is a run of one coder's presses with no pause longer than ``pause_s`` (default
  :data:`SESSION_PAUSE_S`, 5 minutes) between consecutive presses: a lunch break ends a session
  and does not count as coding time. A session lasts from its first press to its last.
* The **duration** of a press is the time since the coder's previous press in the same session:
  the time spent reading the sentence and deciding, which ends with the press. The first press
  of a session has no measured duration (nothing shows when its reading began), so a session of
  one press adds no coding time. A sentence given two codes by two presses is two durations;
  a bulk press over many sentences is one.
* **Seconds per sentence** are the median and the interquartile range (``q3 - q1``, linear
  interpolation as numpy's default) of those durations. Per code, a press's duration counts for
  each code it added, or, if it added none, for each code it removed.
* **Coding hours** are the sum of a coder's session durations (equally: of the press durations);
  **labels per hour** are the coder's "add" events over those hours (per code: that code's adds
  over the coder's hours), None while no time was measured.
* A **correction** is a change to a label the coder had already made: a press that removes one
  of the coder's labels from a sentence, counted once per sentence (taking a code off, clearing,
  undoing an add, or an add that replaces the coder's other code of a single-choice group; a
  label can only be removed after the sentence's first labelling). Per code: the removals of
  that code. Adding a further code of a multiple-choice group is not a correction.
* **Done articles per day** count, per coder and UTC day, the articles whose status is done, on
  the day of the status's time. Only the latest status time of an article is stored: an article
  marked done, reopened and marked done again counts on the last day; one reopened and not yet
  done again does not count at all.

A merge, a label import or a REFI-QDA import does not copy another file's event log: it writes
one "add" event per label it brings in, at that label's time, and never replaces a label already
there. So in a lead file the merged coders' figures describe their surviving labels only (no
removals, no corrections, and the gaps between surviving labels); a coder's coding time is read
on the coder's own file. The "adjudicated" coder (the lead's final codes) is left out unless
named.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import NamedTuple

import numpy as np
import pandas as pd

SESSION_PAUSE_S = 300.0  # a pause longer than this (seconds) ends a coding session


class EventRow(NamedTuple):
    """One row of the event log, as read for analytics (ordered by coder, time, id)."""

    coder: str
    at: datetime
    sentence_id: int
    code_id: int
    code: str  # the code's name ("" if the code is gone from the file)
    group: str  # its group's name
    action: str  # "add" | "remove"
    batch: str


class DoneRow(NamedTuple):
    """An article a coder has marked done, with the time of that (its latest) status change."""

    coder: str
    article_id: int
    at: datetime


@dataclass(frozen=True)
class Spread:
    """Median and interquartile range of durations in seconds (None when nothing was timed)."""

    n: int
    median: float | None
    q1: float | None
    q3: float | None

    @property
    def iqr(self) -> float | None:
        return None if self.q1 is None or self.q3 is None else self.q3 - self.q1


@dataclass(frozen=True)
class CoderStats:
    coder: str
    presses: int
    sentences: int  # distinct sentences the coder's events touched
    seconds: Spread  # seconds per press (per sentence, for one sentence a press)
    sessions: int
    coding_hours: float
    labels: int  # "add" events
    labels_per_hour: float | None
    corrections: int


@dataclass(frozen=True)
class CodeStats:
    coder: str
    group: str
    code: str
    code_id: int
    seconds: Spread  # durations of the presses attributed to this code
    sessions: int  # sessions in which the coder added or removed this code
    labels: int
    labels_per_hour: float | None  # this code's adds over the coder's coding hours
    corrections: int  # removals of this code


@dataclass(frozen=True)
class DoneDay:
    coder: str
    day: date  # UTC
    done: int


@dataclass(frozen=True)
class CodingStats:
    """Everything ``annotator stats`` shows; ``pause_s`` is the session split it used."""

    coders: tuple[CoderStats, ...]
    codes: tuple[CodeStats, ...]
    done_per_day: tuple[DoneDay, ...]
    pause_s: float = SESSION_PAUSE_S


_COLUMNS = list(EventRow._fields)


def spread(durations: Iterable[float]) -> Spread:
    """Median and quartiles (numpy's linear interpolation) of the durations."""
    values = np.asarray([float(d) for d in durations], dtype=np.float64)
    if values.size == 0:
        return Spread(0, None, None, None)
    q1, median, q3 = np.percentile(values, [25.0, 50.0, 75.0])
    return Spread(int(values.size), float(median), float(q1), float(q3))


def event_frame(events: Iterable[EventRow], pause_s: float = SESSION_PAUSE_S) -> pd.DataFrame:
    """The events with their press, session and the press's duration (NaN for a first press).

    ``events`` in any order: they are sorted by coder and time, events of equal time keeping
    their order (``analytics_queries.label_events`` reads them so ordered already, by id within
    a time). Columns: those of EventRow plus ``press``, ``session`` (numbers unique over all
    coders) and ``duration`` (seconds).
    """
    if not math.isfinite(pause_s) or pause_s < 0:
        raise ValueError("the session pause must be a number of seconds, 0 or more")
    df = pd.DataFrame.from_records(list(events), columns=_COLUMNS)
    if df.empty:
        for name in ("press", "session"):
            df[name] = pd.Series(dtype="int64")
        df["duration"] = pd.Series(dtype="float64")
        return df
    df["at"] = pd.to_datetime(df["at"], utc=True)
    # few distinct names: as categories, the comparisons and groupings below are on integers
    df["coder"] = df["coder"].astype("category")
    df = df.sort_values(["coder", "at"], kind="stable", ignore_index=True)
    first = df.index == 0
    new_coder = first | (df["coder"] != df["coder"].shift())
    new_press = new_coder | (df["at"] != df["at"].shift()) | (df["batch"] != df["batch"].shift())
    df["press"] = new_press.cumsum() - 1
    presses = df.loc[new_press, ["coder", "at"]].copy()
    starts_coder = new_coder[new_press.to_numpy()].to_numpy()
    gap = presses["at"].diff().dt.total_seconds().to_numpy()
    new_session = starts_coder | (gap > pause_s)
    presses["session"] = np.cumsum(new_session) - 1
    presses["duration"] = np.where(new_session, np.nan, gap)
    by_press = presses.set_index(df.loc[new_press, "press"].to_numpy())
    df["session"] = by_press["session"].reindex(df["press"]).to_numpy()
    df["duration"] = by_press["duration"].reindex(df["press"]).to_numpy()
    return df


def coding_stats(
    events: Iterable[EventRow],
    done: Iterable[DoneRow] = (),
    pause_s: float = SESSION_PAUSE_S,
) -> CodingStats:
    """Per coder and per coder x code figures, and done articles per day (see the module)."""
    df = event_frame(events, pause_s)
    return CodingStats(
        coders=tuple(_per_coder(df)),
        codes=tuple(_per_code(df)),
        done_per_day=tuple(done_per_day(done)),
        pause_s=pause_s,
    )


def _hours(df: pd.DataFrame) -> dict[str, float]:
    per_press = df.drop_duplicates("press")
    seconds = per_press.groupby("coder", observed=True)["duration"].sum(min_count=0)
    return {str(k): float(v) / 3600.0 for k, v in seconds.items()}


def _per_hour(count: int, hours: float) -> float | None:
    return count / hours if hours > 0 else None


def _corrections(df: pd.DataFrame, keys: list[str]) -> dict[tuple[object, ...], int]:
    removed = df[df["action"] == "remove"]
    counted = removed.drop_duplicates([*keys, "press", "sentence_id"])
    counted = counted.groupby(keys, observed=True).size()
    return {k if isinstance(k, tuple) else (k,): int(v) for k, v in counted.items()}


def _per_coder(df: pd.DataFrame) -> list[CoderStats]:
    hours = _hours(df)
    corrections = _corrections(df, ["coder"])
    out = []
    for coder, rows in df.groupby("coder", sort=True, observed=True):
        name = str(coder)
        per_press = rows.drop_duplicates("press")
        labels = int((rows["action"] == "add").sum())
        out.append(
            CoderStats(
                coder=name,
                presses=len(per_press),
                sentences=int(rows["sentence_id"].nunique()),
                seconds=spread(per_press["duration"].dropna()),
                sessions=int(per_press["session"].nunique()),
                coding_hours=hours.get(name, 0.0),
                labels=labels,
                labels_per_hour=_per_hour(labels, hours.get(name, 0.0)),
                corrections=corrections.get((name,), 0),
            )
        )
    return out


def _per_code(df: pd.DataFrame) -> list[CodeStats]:
    hours = _hours(df)
    keys = ["coder", "code_id"]
    corrections = _corrections(df, keys)
    # a press's duration counts for the codes it added, or if it added none, those it removed
    is_add = df["action"] == "add"
    press_adds = is_add.groupby(df["press"]).transform("any").astype(bool)
    timed = df[is_add | ~press_adds].drop_duplicates(["press", "code_id"])
    by_code = timed.groupby(keys, observed=True)["duration"]
    durations = {(str(k[0]), int(k[1])): g.dropna() for k, g in by_code}
    empty = pd.Series(dtype="float64")
    out = []
    for (coder, code_id), rows in df.groupby(keys, sort=True, observed=True):
        name, cid = str(coder), int(code_id)
        labels = int((rows["action"] == "add").sum())
        first = rows.iloc[0]
        out.append(
            CodeStats(
                coder=name,
                group=str(first["group"]),
                code=str(first["code"]) or f"code {cid}",
                code_id=cid,
                seconds=spread(durations.get((name, cid), empty)),
                sessions=int(rows["session"].nunique()),
                labels=labels,
                labels_per_hour=_per_hour(labels, hours.get(name, 0.0)),
                corrections=corrections.get((name, cid), 0),
            )
        )
    out.sort(key=lambda c: (c.coder, c.group, c.code, c.code_id))
    return out


def done_per_day(done: Iterable[DoneRow]) -> list[DoneDay]:
    """Articles done per coder and UTC day of their latest status time (see the module)."""
    counts: dict[tuple[str, date], int] = {}
    for row in done:
        at = row.at if row.at.tzinfo is None else row.at.astimezone(UTC)
        key = (row.coder, at.date())
        counts[key] = counts.get(key, 0) + 1
    return [DoneDay(coder, day, n) for (coder, day), n in sorted(counts.items())]


__all__ = [
    "SESSION_PAUSE_S",
    "CodeStats",
    "CoderStats",
    "CodingStats",
    "DoneDay",
    "DoneRow",
    "EventRow",
    "Spread",
    "coding_stats",
    "done_per_day",
    "event_frame",
    "spread",
]
