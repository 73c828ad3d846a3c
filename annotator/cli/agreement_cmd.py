"""annotator agreement: coefficients from a project or from long-format reliability data."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from annotator.agreement import WEIGHTS, compute_report, read_long_csv
from annotator.agreement.formatting import (
    HTML_DISAGREEMENT_LIMIT,
    to_csv,
    to_html,
    to_json,
    to_table,
)
from annotator.agreement.report import AgreementReport
from annotator.cli.project_arg import project_arg
from annotator.errors import AnnotatorError
from annotator.version_ranges import parse_versions

FORMATS = {"table": to_table, "json": to_json, "csv": to_csv}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "agreement",
        help="inter-coder agreement: Krippendorff's alpha, kappas, AC1, per code",
        description="From a project: units are the sentences of articles every compared coder "
        "marked done; an uncoded sentence counts as 'none'. With --data: long-format CSV, one "
        "row per unit, coder and value (an empty value is missing).",
    )
    p.add_argument("project", nargs="?", type=project_arg, help="project file (or use --data)")
    p.add_argument("--group", help="code group (default: the first)")
    p.add_argument("--coders", help="comma-separated coders (default: all but 'adjudicated')")
    p.add_argument(
        "--against",
        choices=["gold"],
        help="gold: each coder against the gold standard (alpha, kappa, per-code precision "
        "and recall; --coders default: everyone who finished a gold article)",
    )
    p.add_argument("--data", type=Path, help="long-format reliability data (CSV)")
    p.add_argument("--unit-column", default="unit")
    p.add_argument("--coder-column", default="coder")
    p.add_argument("--value-column", default="value")
    p.add_argument(
        "--level", choices=["nominal", "ordinal", "interval", "ratio"], default="nominal"
    )
    p.add_argument("--categories", help="comma-separated full category set (default: observed)")
    p.add_argument(
        "--weights",
        choices=WEIGHTS,
        help="Gwet's agreement weights for ordered categories: adds weighted Cohen, weighted "
        "Fleiss and AC2 (default: none; an ordered code group of a project: ordinal)",
    )
    p.add_argument(
        "--set-separator",
        help="with --data: a value lists a set of codes split by this (e.g. ';'): "
        "multiple-choice data",
    )
    p.add_argument(
        "--distance",
        choices=["masi", "jaccard"],
        default="masi",
        help="alpha's distance between sets of codes (default: masi)",
    )
    p.add_argument(
        "--missing",
        default="",
        help="comma-separated values that mean 'not coded' besides an empty cell (e.g. NA)",
    )
    p.add_argument(
        "--format",
        choices=["table", "json", "csv", "html"],
        help="default: from --out's suffix (.json .csv .html), else table",
    )
    p.add_argument(
        "--bootstrap", type=int, default=1000, help="draws for alpha's interval (0: none)"
    )
    p.add_argument(
        "--all-articles",
        action="store_true",
        help="every article all coders finished, not only the reliability sample of "
        "`annotator assign --overlap` (where there is one)",
    )
    p.add_argument("--seed", type=int, default=20110101)
    p.add_argument(
        "--codebook-version",
        metavar="N",
        help="only labels made under this codebook version (2, a list 1,3 or a range 1-3)",
    )
    p.add_argument("--out", type=Path, help="write to this file instead of the terminal")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.set_defaults(handler=cmd_agreement)


def report_for(args: argparse.Namespace) -> tuple[AgreementReport, str]:
    if (args.project is None) == (args.data is None):
        raise AnnotatorError("give either a project file or --data ratings.csv")
    weights = args.weights
    versions = parse_versions(args.codebook_version) if args.codebook_version else None
    if args.data is not None:
        if versions is not None:
            raise AnnotatorError("--codebook-version is for a project; a table has no versions")
        categories = _split(args.categories)
        sets = bool(args.set_separator)
        if sets and args.level != "nominal":
            raise AnnotatorError("--set-separator reads sets of codes: leave --level out")
        data = read_long_csv(
            args.data,
            args.unit_column,
            args.coder_column,
            args.value_column,
            categories=categories,
            level="multiple" if sets else args.level,
            missing=_split(args.missing) or (),
            separator=args.set_separator or ";",
        )
        title = f"Agreement: {args.data.name}"
    else:
        from annotator.project import Project

        if args.set_separator:
            raise AnnotatorError("--set-separator is for --data; a project knows its groups")
        with Project.open(args.project, read_only=True) as project:
            data = project.reliability_data(
                coders=_split(args.coders),
                group=args.group,
                codebook_version=versions,
                whole_project=args.all_articles,
            )
            if weights is None:
                weights = project.default_weights(args.group)
        title = f"Agreement: {project.name}" + (f", {args.group}" if args.group else "")
    if data.n_coders < 2:
        found = ", ".join(map(str, data.coders)) or "none"
        raise AnnotatorError(f"agreement needs at least two coders (found: {found})")
    report = compute_report(
        data, bootstrap=args.bootstrap, seed=args.seed, weights=weights, distance=args.distance
    )
    return report, title


def cmd_agreement(args: argparse.Namespace) -> int:
    fmt = args.format or _format_of(args.out)
    if args.against == "gold":
        text = _against_gold(args, fmt)
    else:
        report, title = report_for(args)
        if fmt == "html":
            text = to_html(report, title, _unit_names(args, report))
        else:
            text = FORMATS[fmt](report)
    if args.out is None:
        print(text, end="" if text.endswith("\n") else "\n")
        return 0
    if args.out.exists() and not args.force:
        raise AnnotatorError(f"{args.out} exists: use --force to overwrite it")
    tmp = args.out.with_name(args.out.name + ".partial")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.out)
    print(f"wrote {args.out}")
    return 0


def _against_gold(args: argparse.Namespace, fmt: str) -> str:
    """Each coder against the gold standard (annotator.gold), in the table, CSV or JSON."""
    from annotator.cli.gold_format import FORMATS as GOLD_FORMATS
    from annotator.project import Project

    if args.project is None or args.data is not None:
        raise AnnotatorError("--against gold compares coders of a project: give the project file")
    if fmt not in GOLD_FORMATS:
        raise AnnotatorError(f"--against gold writes {', '.join(GOLD_FORMATS)}, not {fmt}")
    with Project.open(args.project, read_only=True) as project:
        coders = _split(args.coders) or project.gold_trainees()
        comparisons = [project.compare_with_gold(c, args.group) for c in coders]
    return GOLD_FORMATS[fmt](comparisons)


def _unit_names(args: argparse.Namespace, report: AgreementReport) -> dict[int, str] | None:
    """For a project, the listed sentences by name and number rather than internal id."""
    if args.project is None:
        return None
    from annotator.project import Project

    shown = [int(d.unit) for d in report.disagreements(HTML_DISAGREEMENT_LIMIT)]
    with Project.open(args.project, read_only=True) as project:
        return project.sentence_names(shown)


def _format_of(out: Path | None) -> str:
    suffix = out.suffix.lower().lstrip(".") if out is not None else ""
    by_suffix = {"json": "json", "csv": "csv", "html": "html", "htm": "html"}
    return by_suffix.get(suffix, "table")


def _split(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]
