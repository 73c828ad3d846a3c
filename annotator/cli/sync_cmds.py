"""push and pull: between a local project file and a project on a server."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from annotator.cli.progress_bar import ProgressBar
from annotator.progress import CancelToken
from annotator.project import Project


def register(sub: Any) -> None:
    p = sub.add_parser(
        "push",
        help="merge a local project file into a server project (pushing twice adds nothing)",
    )
    p.add_argument("local", type=Path, help="the project file (.annotator)")
    p.add_argument("server", help="the server project: postgresql://user@host/database")
    p.set_defaults(handler=cmd_push)

    p = sub.add_parser("pull", help="write a complete SQLite copy of a server project (an archive)")
    p.add_argument("server", help="the server project: postgresql://user@host/database")
    p.add_argument("output", type=Path, help="the new project file (.annotator)")
    p.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    p.set_defaults(handler=cmd_pull)


def cmd_push(args: argparse.Namespace) -> int:
    with Project.open(args.server) as server, ProgressBar("pushing") as bar:
        report = server.merge([args.local], progress=bar, cancel=CancelToken())
    print(report.summary())
    for line in report.conflicts:
        print(f"  {line}")
    return 1 if report.text_conflicts else 0


def cmd_pull(args: argparse.Namespace) -> int:
    with Project.open(args.server, read_only=True) as server, ProgressBar("pulling") as bar:
        report = server.save_copy(args.output, force=args.force, progress=bar, cancel=CancelToken())
    rows = report.rows
    print(
        f"wrote {report.path}: {rows.get('article', 0)} articles, {rows.get('label', 0)} labels, "
        f"{rows.get('label_event', 0)} label events; every table copied"
    )
    return 0
