"""``annotator duplicates``: list groups of near-duplicate articles and record decisions."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from annotator.errors import AnnotatorError
from annotator.near_duplicates import Group
from annotator.project import Project


def register(sub: Any) -> None:
    p = sub.add_parser(
        "duplicates",
        help="list near-duplicate articles (reprints, corrected versions); keep one or all",
        description="With no option, lists the groups. A decision marks the articles not kept "
        "'duplicate': agreement and exports leave them out.",
    )
    p.add_argument("project", type=Path)
    p.add_argument(
        "--find", action="store_true", help="look again over every article of the project"
    )
    p.add_argument(
        "--keep",
        nargs="+",
        type=int,
        metavar=("GROUP", "ARTICLE"),
        help="in group GROUP keep these article ids and mark the rest duplicate",
    )
    p.add_argument("--keep-all", type=int, metavar="GROUP", help="keep every article of GROUP")
    p.set_defaults(handler=cmd_duplicates)


def describe(project: Project, groups: list[Group]) -> list[str]:
    """Lines for the terminal: one per group, one per member (id, mark, similarity, title)."""
    lines = []
    for g in groups:
        lines.append(f"group {g.group_id}: {len(g.members)} near-duplicate articles")
        for m in g.members:
            a = project.article(m.article_id)
            mark = f" [{m.mark}]" if m.mark else ""
            where = f" ({a.source})" if a.source else ""
            lines.append(
                f"  #{m.article_id}{mark} similarity {m.similarity:.2f}: {a.title or a.uid}{where}"
            )
    return lines


def cmd_duplicates(args: argparse.Namespace) -> int:
    if args.keep is not None and len(args.keep) < 2:
        raise AnnotatorError("--keep takes a group id and at least one article id to keep")
    with Project.open(args.project) as p:
        if args.find:
            p.find_near_duplicates()
        if args.keep is not None:
            marks = p.resolve_near_duplicates(args.keep[0], args.keep[1:])
            n = sum(m == "duplicate" for m in marks.values())
            print(f"group {args.keep[0]}: kept {len(marks) - n}, marked {n} duplicate")
        if args.keep_all is not None:
            marks = p.resolve_near_duplicates(args.keep_all)
            print(f"group {args.keep_all}: kept all {len(marks)}")
        groups = p.near_duplicate_groups()
        for line in describe(p, groups) if groups else ["no near-duplicates found"]:
            print(line)
    return 0
