"""init, import, info, demo, backup: creating projects and getting articles in."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from annotator.cli.duplicates_cmd import describe
from annotator.cli.progress_bar import ProgressBar
from annotator.cli.project_arg import project_arg
from annotator.errors import AnnotatorError
from annotator.imports import TableOptions
from annotator.paths import default_codebook_path
from annotator.progress import CancelToken
from annotator.project import Project
from annotator.records import plural
from annotator.storage.engine import marked_read_only


def register(sub: Any) -> None:
    p = sub.add_parser("init", help="create a new project file")
    p.add_argument("project", type=project_arg)
    p.add_argument(
        "--codebook",
        type=Path,
        default=None,
        help="codebook file (.yaml or .qdc); default: the bundled conflict-news codebook",
    )
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser(
        "import",
        help="import articles: files or folders (recursive), .csv/.jsonl tables",
        description="Exits 1 if any file or row could not be imported (each is listed); "
        "articles already in the project are skipped and listed, which is not an error.",
    )
    p.add_argument("project", type=project_arg)
    p.add_argument("paths", nargs="+", type=Path)
    for col in ("text", "title", "date", "source", "url", "id"):
        p.add_argument(
            f"--{col}-column", dest=f"{col}_column", help=f"table column holding the {col}"
        )
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser(
        "info", help="what a project holds: articles, sentences, codes, coders, labels"
    )
    p.add_argument("project", type=project_arg)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=cmd_info)

    p = sub.add_parser(
        "demo",
        help="build the demo project (sample articles, two coders); .annotator is added to a "
        "name without it",
    )
    p.add_argument("project", type=Path)
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("backup", help="take a backup of a project now (the last five are kept)")
    p.add_argument("project", type=project_arg)
    p.set_defaults(handler=cmd_backup)


def cmd_init(args: argparse.Namespace) -> int:
    if isinstance(args.project, Path) and args.project.suffix != ".annotator":
        suggestion = args.project.with_suffix(".annotator")
        raise AnnotatorError(f"project files end in .annotator: did you mean {suggestion}?")
    codebook = args.codebook or default_codebook_path()
    with Project.create(args.project, codebook=codebook) as p:
        cb = p.codebook
        print(f"created {p.location} with codebook '{cb.name}' ({plural(len(cb.codes), 'code')})")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    refi = [p for p in args.paths if p.suffix.lower() in (".qdpx", ".qde")]
    if refi:  # REFI-QDA projects carry codes and codings too: annotator.exchange.refi
        from annotator.cli.exchange_cmds import import_refi_files

        refi_status = import_refi_files(args.project, refi)
        args.paths = [p for p in args.paths if p not in refi]
        if not args.paths:
            return refi_status
    options = TableOptions(
        text_column=args.text_column,
        title_column=args.title_column,
        date_column=args.date_column,
        source_column=args.source_column,
        url_column=args.url_column,
        id_column=args.id_column,
    )
    with Project.open(args.project) as p:
        with ProgressBar("importing") as bar:
            report = p.import_paths(args.paths, options, progress=bar, cancel=CancelToken())
        near = describe(p, report.near_duplicates)
    print(report.summary())
    for origin, held in report.articles_per_file.items():
        print(f"  {origin}: {held:,} articles")
    for origin in report.skipped_duplicates:
        print(f"  skipped (already in the project): {origin}")
    if near:
        print("near-duplicates (decide with `annotator duplicates`):")
        for line in near:
            print(f"  {line}")
    for origin, message in report.problems:
        print(f"  {origin}: {message}")
    # Non-zero whenever something could not be imported, so a script notices; duplicates that
    # were skipped are not a failure.
    return 1 if report.problems else 0


def cmd_info(args: argparse.Namespace) -> int:
    with Project.open(args.project, read_only=True) as p:
        info = p.info()
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return 0
    on_file = isinstance(args.project, Path)
    marker = "  (read-only file)" if on_file and marked_read_only(args.project) else ""
    print(f"{info['path']}{marker}")
    print(f"  articles   {info['articles']:>10,}")
    print(f"  sentences  {info['sentences']:>10,}")
    print(
        f"  codes      {info['codes']:>10,}   codebook: "
        f"{info['codebook']['name']} {info['codebook']['version']}".rstrip()
        + f" (published version {info['codebook']['published_version']})"
    )
    print(f"  coders     {info['coders']:>10,}   {', '.join(info['coder_names'])}")
    print(f"  labels     {info['labels']:>10,}")
    print(f"  memos      {info['memos']:>10,}")
    for group in info["codebook"]["groups"]:
        kind = "multiple choice" if group["multiple"] else "single choice"
        codes = ", ".join(f"{c['name']} [{c['key'] or '-'}]" for c in group["codes"])
        print(f"  group '{group['name']}' ({kind}): {codes}")
    for coder, n in sorted(info["articles_done"].items()):
        print(f"  {coder}: {n} article{'' if n == 1 else 's'} done")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from annotator.demo import build_demo
    from annotator.project import with_project_suffix

    path = with_project_suffix(args.project)  # `demo dd/x` writes dd/x.annotator
    with build_demo(path) as p:
        info = p.info()
        written = p.location
    print(
        f"created demo project {written}: {plural(info['articles'], 'article')}, "
        f"{plural(info['sentences'], 'sentence')}, {plural(info['labels'], 'label')} by "
        f"{', '.join(info['coder_names'])}"
    )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    with Project.open(args.project) as p:
        saved = p.backup()
    print(f"backup written to {saved}")
    return 0
