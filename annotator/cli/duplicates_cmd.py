"""``annotator duplicates``: list groups of near-duplicate articles and record decisions."""

from __future__ import annotations

import argparse
from typing import Any

from annotator.cli.project_arg import project_arg
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
    p.add_argument("project", type=project_arg)
    p.add_argument(
        "--find", action="store_true", help="look again over every article of the project"
    )
    p.add_argument(
        "--keep",
        nargs="+",
        metavar=("GROUP", "ARTICLE"),
        help="in group GROUP keep these articles (their article_id, as listed and exported) "
        "and mark the rest duplicate",
    )
    p.add_argument("--keep-all", type=int, metavar="GROUP", help="keep every article of GROUP")
    p.set_defaults(handler=cmd_duplicates)


def describe(project: Project, groups: list[Group]) -> list[str]:
    """Lines for the terminal: one per group, one per member (its ``article_id`` as every export
    writes it: the uid, never the file's row number; mark, similarity, title)."""
    lines = []
    for g in groups:
        lines.append(f"group {g.group_id}: {len(g.members)} near-duplicate articles")
        for m in g.members:
            a = project.article(m.article_id)
            mark = f" [{m.mark}]" if m.mark else ""
            where = f" ({a.source})" if a.source else ""
            title = a.title or "(no title)"
            lines.append(f"  {a.uid}{mark} similarity {m.similarity:.2f}: {title}{where}")
    return lines


def _group_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise AnnotatorError(f"--keep: {text!r} is not a group number (see the list)") from None


def _article_ids(project: Project, group: Group, uids: list[str]) -> list[int]:
    """The group members with these uids; a uid that is not in the group is an error."""
    by_uid = {project.article(m.article_id).uid: m.article_id for m in group.members}
    missing = [u for u in uids if u not in by_uid]
    if missing:
        raise AnnotatorError(
            f"group {group.group_id} has no article {', '.join(repr(u) for u in missing)} "
            f"(its articles: {', '.join(by_uid)})"
        )
    return [by_uid[u] for u in uids]


def cmd_duplicates(args: argparse.Namespace) -> int:
    if args.keep is not None and len(args.keep) < 2:
        raise AnnotatorError("--keep takes a group number and at least one article id to keep")
    with Project.open(args.project) as p:
        if args.find:
            p.find_near_duplicates()
        if args.keep is not None:
            number = _group_number(args.keep[0])
            group = next((g for g in p.near_duplicate_groups() if g.group_id == number), None)
            if group is None:
                raise AnnotatorError(f"no group {number} of near-duplicates")
            marks = p.resolve_near_duplicates(number, _article_ids(p, group, args.keep[1:]))
            n = sum(m == "duplicate" for m in marks.values())
            print(f"group {number}: kept {len(marks) - n}, marked {n} duplicate")
        if args.keep_all is not None:
            marks = p.resolve_near_duplicates(args.keep_all)
            print(f"group {args.keep_all}: kept all {len(marks)}")
        groups = p.near_duplicate_groups()
        for line in describe(p, groups) if groups else ["no near-duplicates found"]:
            print(line)
    return 0
