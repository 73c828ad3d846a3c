"""``annotator server ...`` (set up and run a shared project on a PostgreSQL server) and
``annotator assign`` (who codes which article, on a server or in a project file)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from annotator import server
from annotator.errors import AnnotatorError
from annotator.paths import default_codebook_path

URL_HELP = "the project database: postgresql://user[:password]@host[:port]/database"


def register(sub: Any) -> None:
    p = sub.add_parser(
        "server",
        help="set up and run a shared project on a PostgreSQL server",
        description="A lab's shared project lives in a PostgreSQL database of its own; the "
        "database enforces who may read and write what (see the README).",
    )
    cmds = p.add_subparsers(dest="server_command", metavar="COMMAND", required=True)

    c = cmds.add_parser("init", help="create a project in an empty database; you become its lead")
    c.add_argument("url", help=URL_HELP)
    c.add_argument(
        "--codebook",
        type=Path,
        help="codebook file (.yaml or .qdc); default: the bundled conflict-news codebook",
    )
    c.set_defaults(handler=cmd_init)

    c = cmds.add_parser(
        "add-coder",
        help="a login for a coder (password from a prompt, or one line on stdin)",
    )
    c.add_argument("url", help=URL_HELP)
    c.add_argument("name", help="the coder's name, which is also their user name")
    c.add_argument("--lead", action="store_true", help="a lead: edits the codebook, assigns, ...")
    c.set_defaults(handler=cmd_add_coder)

    c = cmds.add_parser("remove-coder", help="end a coder's access (their labels stay)")
    c.add_argument("url", help=URL_HELP)
    c.add_argument("name")
    c.set_defaults(handler=cmd_remove_coder)

    c = cmds.add_parser("coders", help="coders, their role, assigned / in progress / done")
    c.add_argument("url", help=URL_HELP)
    c.set_defaults(handler=cmd_coders)

    c = cmds.add_parser("blind", help="blind (on) or unblind (off) the project")
    c.add_argument("url", help=URL_HELP)
    c.add_argument("state", choices=["on", "off"])
    c.set_defaults(handler=cmd_blind)

    a = sub.add_parser(
        "assign",
        help="assign articles to coders, with a reliability overlap every coder codes",
        description="Every article goes to exactly one of the coders (balanced); a sample of "
        "round(overlap x articles), stratified by --by when given, goes to all of them. "
        "Replaces earlier assignments; labels are never touched.",
    )
    a.add_argument("target", metavar="URL", help=f"{URL_HELP}, or a project file")
    a.add_argument("--coders", required=True, help="comma-separated coder names")
    a.add_argument("--overlap", type=float, default=0.2, help="share coded by all (default 0.2)")
    a.add_argument("--seed", type=int, help="the same seed draws the same assignment")
    a.add_argument("--by", metavar="FIELD", help="stratify the overlap: source or a meta field")
    a.set_defaults(handler=cmd_assign)


def read_password(name: str) -> str:
    """From a prompt (twice) at a terminal; else the first line of stdin (for scripts)."""
    if sys.stdin.isatty():
        first = getpass.getpass(f"password for {name}: ")
        if getpass.getpass("again: ") != first:
            raise AnnotatorError("the passwords differ; nothing was changed")
        return first
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise AnnotatorError("no password: type it at the prompt or give it as a line on stdin")
    return line


def cmd_init(args: argparse.Namespace) -> int:
    done = server.init(args.url, args.codebook or default_codebook_path())
    print(
        f"project created in database {done.database}; lead: {done.lead}; blind: on "
        f"(roles {done.roles.lead}, {done.roles.coder})"
    )
    return 0


def cmd_add_coder(args: argparse.Namespace) -> int:
    password = read_password(args.name)
    new = server.add_coder(args.url, args.name, password, lead=args.lead)
    role = "lead" if args.lead else "coder"
    note = "" if new else " (an existing user of this server: their password is now this one)"
    print(f"{args.name} added as {role}{note}")
    return 0


def cmd_remove_coder(args: argparse.Namespace) -> int:
    revoked = server.remove_coder(args.url, args.name)
    note = "login revoked" if revoked else "still a user of another project on this server"
    print(f"{args.name} removed from the project ({note}); their labels stay")
    return 0


def cmd_coders(args: argparse.Namespace) -> int:
    header = ("coder", "role", "assigned", "in progress", "done", "labels last hour")
    rows = [
        (c.name, c.role or "-", c.assigned, c.in_progress, c.done, c.labels_last_hour)
        for c in server.coders(args.url)
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [
            str(v).ljust(w) if i < 2 else str(v).rjust(w)
            for i, (v, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())
    return 0


def cmd_blind(args: argparse.Namespace) -> int:
    server.set_blind(args.url, args.state == "on")
    print(
        "blind: coders see only their own labels"
        if args.state == "on"
        else "unblinded: coders see everyone's labels"
    )
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    names = [n.strip() for n in args.coders.split(",") if n.strip()]
    plan = server.assign(args.target, names, overlap=args.overlap, seed=args.seed, by=args.by)
    total = len(plan.overlap) + sum(len(a) for a in plan.single.values())
    print(f"{total} articles: {len(plan.overlap)} coded by all {len(names)} coders")
    for name in names:
        print(f"  {name}: {len(plan.single[name]) + len(plan.overlap)}")
    if args.by:
        strata = ", ".join(f"{s or '(none)'} {n}" for s, n in plan.strata.items())
        print(f"overlap by {args.by}: {strata}")
    return 0
