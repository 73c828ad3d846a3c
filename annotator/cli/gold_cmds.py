"""annotator gold mark | list | unmark: the gold standard coders in training are compared with
(``annotator agreement PROJECT --against gold`` compares them)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from annotator.errors import AnnotatorError
from annotator.spreadsheet_safety import csv_line, neutralise


def register(sub: Any) -> None:
    p = sub.add_parser(
        "gold",
        help="mark, list or unmark the gold-standard articles (training and calibration)",
        description="A gold article's labels by its gold coder (default: 'adjudicated', the "
        "adjudication's decisions) are the truth coders in training are compared with. The "
        "gold coder must have marked the article done.",
    )
    gsub = p.add_subparsers(dest="gold_command", metavar="ACTION", required=True)
    m = gsub.add_parser("mark", help="make articles gold")
    m.add_argument("project", type=Path)
    which = m.add_mutually_exclusive_group(required=True)
    which.add_argument("--articles", help="comma-separated article ids or uids")
    which.add_argument("--all-done-by", metavar="CODER", help="every article CODER marked done")
    m.add_argument(
        "--gold-coder",
        default="adjudicated",
        help="whose labels are the truth (default: %(default)s)",
    )
    m.add_argument("--by", default="", help="who marks them (recorded with the mark)")
    m.set_defaults(handler=cmd_mark)
    u = gsub.add_parser("unmark", help="take articles out of the gold standard (labels stay)")
    u.add_argument("project", type=Path)
    which = u.add_mutually_exclusive_group(required=True)
    which.add_argument("--articles", help="comma-separated article ids or uids")
    which.add_argument("--all", action="store_true", help="every gold article")
    u.set_defaults(handler=cmd_unmark)
    ls = gsub.add_parser("list", help="the gold articles and their gold coders")
    ls.add_argument("project", type=Path)
    ls.add_argument("--format", choices=["table", "csv"], default="table")
    ls.set_defaults(handler=cmd_list)


def cmd_mark(args: argparse.Namespace) -> int:
    from annotator.project import Project

    with Project.open(args.project) as p:
        if args.all_done_by:
            ids = p.articles_done_by(args.all_done_by)
            if not ids:
                raise AnnotatorError(f"{args.all_done_by!r} has marked no article done")
            gold_coder = args.gold_coder
        else:
            ids = _article_ids(p, args.articles)
            gold_coder = args.gold_coder
        marked = p.mark_gold(ids, gold_coder=gold_coder, by=args.by)
        total = len(p.gold_articles())
    print(f"marked {len(marked)} article(s) gold ({gold_coder}); the gold standard has {total}")
    return 0


def cmd_unmark(args: argparse.Namespace) -> int:
    from annotator.project import Project

    with Project.open(args.project) as p:
        if args.all:
            ids = [g.article_id for g in p.gold_articles()]
        else:
            ids = _article_ids(p, args.articles)
        n = p.unmark_gold(ids)
        total = len(p.gold_articles())
    print(f"unmarked {n} article(s); the gold standard has {total}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from annotator.project import Project

    with Project.open(args.project, read_only=True) as p:
        gold = p.gold_articles()
    if args.format == "csv":
        head = ["article_id", "article_uid", "title", "gold_coder", "marked_by", "marked_at"]
        lines = [csv_line(head)]
        for g in gold:
            cells = [g.article_id, g.article_uid, g.title, g.gold_coder, g.marked_by, g.marked_at]
            lines.append(csv_line(neutralise(str(c)) for c in cells))
        print("".join(lines), end="")
        return 0
    if not gold:
        print("no gold articles (annotator gold mark PROJECT --articles ... marks some)")
        return 0
    from annotator.agreement.formatting import _grid

    rows = [["Id", "Uid", "Title", "Gold coder", "Marked by"]] + [
        [str(g.article_id), g.article_uid, g.title[:50], g.gold_coder, g.marked_by] for g in gold
    ]
    print("\n".join(_grid(rows, [True, False, False, False, False])))
    print(f"{len(gold)} gold article(s)")
    return 0


def _article_ids(project: Any, spec: str) -> list[int]:
    """Article ids from "12,a1b2,..." (a uid, else a row id as `gold list` shows it)."""
    tokens = [t.strip() for t in spec.split(",") if t.strip()]
    if not tokens:
        raise AnnotatorError("--articles: give comma-separated article ids or uids")
    summaries = project.article_summaries()
    by_uid = {a.uid: a.id for a in summaries}
    ids = {a.id for a in summaries}
    out = []
    for token in tokens:
        if token in by_uid:
            out.append(by_uid[token])
        elif token.isdigit() and int(token) in ids:
            out.append(int(token))
        else:
            raise AnnotatorError(f"--articles: no article with id or uid {token!r}")
    return out
