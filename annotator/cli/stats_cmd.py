"""``annotator stats``: coding-time analytics from a project's event log.

Three tables: per coder, per coder and code, done articles per day. ``--format table`` prints
them one after the other under a title; ``--format csv`` writes them into one CSV with a first
column ``table`` (``coders``, ``codes``, ``done_per_day``), the keys ``coder, group, code, day`` and
then the union of the tables' other columns (a table leaves the others' columns empty), so
one file loads into one data frame and ``df[df.table == "codes"]`` picks a table out.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annotator.cli.project_arg import project_arg
from annotator.coding_time import SESSION_PAUSE_S, CodingStats, Spread
from annotator.errors import AnnotatorError
from annotator.spreadsheet_safety import csv_line, neutralise

Table = tuple[str, list[str], list[list[Any]]]  # name, header, rows

_TIMING = ["n_timed", "median_s", "q1_s", "q3_s", "iqr_s"]
CODER_COLUMNS = [
    *("coder", "presses", "sentences"),
    *_TIMING,
    *("sessions", "coding_hours", "labels", "labels_per_hour", "corrections"),
]
CODE_COLUMNS = [
    *("coder", "group", "code"),
    *_TIMING,
    *("sessions", "labels", "labels_per_hour", "corrections"),
]


def register(sub: Any) -> None:
    p = sub.add_parser(
        "stats",
        help="coding time: seconds per sentence, sessions, labels per hour, corrections",
        description="From the event log, per coder and per coder and code: seconds per sentence "
        "(median and interquartile range of the time between a coder's consecutive key presses "
        "in a session), sessions (a pause over --pause seconds ends one, so breaks do not count "
        "as coding time), labels per coding hour, corrections (removals of the coder's own "
        "labels), and done articles per day (UTC). Only an article's latest status time is "
        "stored: an article counts on the day it was last marked done. CSV: one file, its "
        "first column 'table' names the table of each row (coders, codes, done_per_day).",
    )
    p.add_argument("project", type=project_arg)
    p.add_argument(
        "--coders",
        help="comma-separated coders, as in agreement and export (default: all but 'adjudicated')",
    )
    p.add_argument(
        "--coder", action="append", metavar="NAME", help="one coder (repeatable); adds to --coders"
    )
    p.add_argument("--format", choices=["table", "csv"], default="table")
    p.add_argument(
        "--pause",
        type=float,
        default=SESSION_PAUSE_S,
        metavar="SECONDS",
        help=f"a longer pause ends a session (default: {SESSION_PAUSE_S:g})",
    )
    p.add_argument("--output", type=Path, help="write to this file instead of the terminal")
    p.add_argument("--force", action="store_true", help="overwrite --output if it exists")
    p.set_defaults(handler=cmd_stats)


def _chosen_coders(args: argparse.Namespace) -> list[str] | None:
    names = [n.strip() for n in (args.coders or "").split(",") if n.strip()]
    names += args.coder or []
    return names or None


def _num(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _timing(s: Spread) -> list[Any]:
    return [s.n, _num(s.median), _num(s.q1), _num(s.q3), _num(s.iqr)]


def tables(stats: CodingStats) -> list[Table]:
    """The three tables, values as text ready to print or write."""
    coders = [
        [
            c.coder,
            c.presses,
            c.sentences,
            *_timing(c.seconds),
            c.sessions,
            _num(c.coding_hours, 3),
            c.labels,
            _num(c.labels_per_hour),
            c.corrections,
        ]
        for c in stats.coders
    ]
    codes = [
        [
            c.coder,
            c.group,
            c.code,
            *_timing(c.seconds),
            c.sessions,
            c.labels,
            _num(c.labels_per_hour),
            c.corrections,
        ]
        for c in stats.codes
    ]
    days = [[d.coder, d.day.isoformat(), d.done] for d in stats.done_per_day]
    return [
        (
            "coders",
            CODER_COLUMNS,
            coders,
        ),
        (
            "codes",
            CODE_COLUMNS,
            codes,
        ),
        ("done_per_day", ["coder", "day", "done"], days),
    ]


def to_text(stats: CodingStats) -> str:
    titles = {
        "coders": "Per coder",
        "codes": "Per coder and code",
        "done_per_day": "Done articles per day (UTC, latest status time)",
    }
    parts = [
        f"Coding time (a pause over {stats.pause_s:g} s ends a session; labels a merge or an "
        "import brought in count without their history: read a coder's time on their own file)"
    ]
    for name, header, rows in tables(stats):
        parts.append(f"\n{titles[name]}")
        parts.append(_aligned(header, rows) if rows else "  (none)")
    return "\n".join(parts) + "\n"


def _aligned(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [list(header), *[[str(v) for v in r] for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = []
    for r in cells:
        text = [v.rjust(w) if isinstance(v, str) and _numeric(v) else v.ljust(w)
                for v, w in zip(r, widths, strict=True)]  # fmt: skip
        lines.append("  " + "  ".join(text).rstrip())
    return "\n".join(lines)


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_csv(stats: CodingStats) -> str:
    """One CSV: column ``table``, the keys (coder, group, code, day), then the union of the
    tables' other columns in order; names
    neutralised as in every export (annotator.spreadsheet_safety)."""
    parts = tables(stats)
    columns = ["coder", "group", "code", "day"]  # what a row is about first, then the figures
    for _name, header, _rows in parts:
        columns += [h for h in header if h not in columns]
    lines = [csv_line(["table", *columns])]
    for name, header, rows in parts:
        for r in rows:
            by = dict(zip(header, r, strict=True))
            cells = [by.get(c, "") for c in columns]
            lines.append(
                csv_line([name, *(neutralise(v) if isinstance(v, str) else v for v in cells)])
            )
    return "".join(lines)


def cmd_stats(args: argparse.Namespace) -> int:
    from annotator.project import Project

    if not math.isfinite(args.pause) or args.pause <= 0:
        raise AnnotatorError("--pause must be a length in seconds, more than 0 (default: 300)")
    if args.output is not None and not args.output.parent.is_dir():
        raise AnnotatorError(
            f"cannot write {args.output.name}: folder {args.output.parent} does not exist"
        )
    with Project.open(args.project, read_only=True) as project:
        stats = project.coding_stats(coders=_chosen_coders(args), pause_s=args.pause)
    text = to_csv(stats) if args.format == "csv" else to_text(stats)
    if args.output is None:
        print(text, end="")
        return 0
    if args.output.exists() and not args.force:
        raise AnnotatorError(f"{args.output} exists: use --force to overwrite it")
    tmp = args.output.with_name(args.output.name + ".partial")
    tmp.write_text(text, encoding="utf-8", newline="")
    tmp.replace(args.output)
    print(f"wrote {args.output}")
    return 0
