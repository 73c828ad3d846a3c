"""export, codebook export/import, import-labels, merge: moving work between projects and tools."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annotator.cli.progress_bar import ProgressBar
from annotator.cli.project_arg import project_arg
from annotator.progress import CancelToken
from annotator.project import Project
from annotator.records import plural
from annotator.version_ranges import parse_versions


def register(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help="export labels: .csv (long or wide), .xlsx, .jsonl (one sentence a line) or .qdpx",
    )
    p.add_argument("project", type=project_arg)
    p.add_argument("output", type=Path, help="file to write; the format follows its extension")
    p.add_argument(
        "--layout",
        choices=("long", "wide"),
        default="long",
        help="CSV: one row per label, memo and coder status (long) or per sentence (wide)",
    )
    p.add_argument("--coders", help="comma-separated coder names (default: all)")
    p.add_argument("--group", help="only this code group")
    p.add_argument(
        "--articles-done-only",
        action="store_true",
        help="only work on articles the coder has marked done",
    )
    p.add_argument("--bom", action="store_true", help="CSV: start with a UTF-8 BOM (for Excel)")
    p.add_argument(
        "--include-duplicates",
        action="store_true",
        help="also export articles marked duplicate in near-duplicate review",
    )
    p.add_argument(
        "--codebook-version",
        metavar="N",
        help="only labels made under this codebook version (2, a list 1,3 or a range 1-3)",
    )
    p.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser(
        "codebook",
        help="export or import the project's codebook (.yaml or .qdc), write the coders' manual",
    )
    csub = p.add_subparsers(dest="codebook_command", metavar="ACTION", required=True)
    q = csub.add_parser("export", help="write the codebook to .yaml or REFI-QDA .qdc")
    q.add_argument("project", type=project_arg)
    q.add_argument("output", type=Path)
    q.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    q.set_defaults(handler=cmd_codebook_export)
    q = csub.add_parser(
        "import", help="update the codebook from .yaml or .qdc (codes matched by id, then name)"
    )
    q.add_argument("project", type=project_arg)
    q.add_argument("input", type=Path)
    q.set_defaults(handler=cmd_codebook_import)
    q = csub.add_parser(
        "manual",
        help="write the coders' manual (codes, definitions, criteria, examples, changelog) "
        "as .html or .pdf",
    )
    q.add_argument("project", type=Path)
    q.add_argument("output", type=Path, help="manual.html (printable) or manual.pdf")
    q.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    q.set_defaults(handler=cmd_codebook_manual)

    p = sub.add_parser("import-labels", help="import labels from a long-layout .csv or .xlsx")
    p.add_argument("project", type=project_arg)
    p.add_argument("input", type=Path)
    p.set_defaults(handler=cmd_import_labels)

    p = sub.add_parser("merge", help="merge coders' project files into a lead project")
    p.add_argument("lead", type=project_arg)
    p.add_argument("others", nargs="+", type=project_arg)
    p.set_defaults(handler=cmd_merge)


def _coders(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [c.strip() for c in value.split(",") if c.strip()]


def cmd_export(args: argparse.Namespace) -> int:
    from annotator.exports import export_labels

    with Project.open(args.project, read_only=True) as p, ProgressBar("exporting") as bar:
        report = export_labels(
            p.engine,
            args.output,
            layout=args.layout,
            coders=_coders(args.coders),
            group=args.group,
            done_only=args.articles_done_only,
            bom=args.bom,
            include_duplicates=args.include_duplicates,
            codebook_version=(
                parse_versions(args.codebook_version) if args.codebook_version else None
            ),
            force=args.force,
            progress=bar,
            cancel=CancelToken(),
        )
    what = "codings" if report.unit == "codings" else "rows"
    print(f"wrote {args.output} ({report.rows:,} {what})")
    return 0


def cmd_codebook_export(args: argparse.Namespace) -> int:
    with Project.open(args.project, read_only=True) as p:
        p.export_codebook(args.output, force=args.force)
        n = len(p.codebook.codes)
    print(f"wrote {args.output} ({plural(n, 'code')})")
    return 0


def cmd_codebook_manual(args: argparse.Namespace) -> int:
    with Project.open(args.project, read_only=True) as p:
        p.write_manual(args.output, force=args.force)
        version = p.codebook_version
    print(f"wrote {args.output} (codebook version {version})")
    return 0


def cmd_codebook_import(args: argparse.Namespace) -> int:
    from annotator.codebook import CodebookError, load_codebook
    from annotator.errors import AnnotatorError

    try:
        cb = load_codebook(args.input)
    except CodebookError as exc:
        raise AnnotatorError(str(exc)) from None
    with Project.open(args.project) as p:
        changes = p.load_codebook(cb, note=f"loaded {args.input.name}")
    print(f"codebook '{cb.name}' {cb.version}: {changes.summary()}")
    return 0


def cmd_import_labels(args: argparse.Namespace) -> int:
    with Project.open(args.project) as p, ProgressBar("importing labels") as bar:
        report = p.import_labels(args.input, progress=bar, cancel=CancelToken())
    print(report.summary())
    for row, reason in report.problems:
        print(f"  row {row}: {reason}")
    if report.problem_count > len(report.problems):
        print(f"  ... and {report.problem_count - len(report.problems)} more rows")
    return 0 if not report.problem_count else 1


def cmd_merge(args: argparse.Namespace) -> int:
    with Project.open(args.lead) as p, ProgressBar("merging") as bar:
        report = p.merge(args.others, progress=bar, cancel=CancelToken())
    print(report.summary())
    for line in report.conflicts:
        print(f"  {line}")
    # Conflicts the lead resolves (its code name, its memo) are reported; an article left out
    # because its text is not the lead's is work not merged, so the status says so.
    return 1 if report.text_conflicts else 0


def import_refi_files(project: Path | str, paths: Sequence[Path]) -> int:
    """The `import` command's route for .qdpx/.qde files (REFI-QDA projects)."""
    status = 0
    with Project.open(project) as p:
        for path in paths:
            with ProgressBar(f"importing {path.name}") as bar:
                report = p.import_refi(path, progress=bar, cancel=CancelToken())
            print(f"{path.name}: {report.summary()}")
            for line in report.problems:
                print(f"  {line}")
            if not report.articles_added and not report.articles_reused and report.sources:
                status = 1
    return status
