"""Exports, one module per format; ``export_labels`` picks the format from the file name."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.exports.common import (
    ExportError,
    ExportOptions,
    Layout,
    TargetExistsError,
    atomic_target,
)
from annotator.progress import CancelToken, ProgressCallback, no_progress

if TYPE_CHECKING:
    from annotator.project import Project

__all__ = [
    "EXPORT_SUFFIXES",
    "ExportError",
    "ExportOptions",
    "TargetExistsError",
    "atomic_target",
    "export_codebook",
    "export_labels",
]

EXPORT_SUFFIXES = (".csv", ".xlsx", ".jsonl", ".qdpx")


def export_labels(
    project: Project,
    path: str | Path,
    *,
    layout: Layout = "long",
    coders: Sequence[str] | None = None,
    group: str | None = None,
    done_only: bool = False,
    bom: bool = False,
    include_duplicates: bool = False,
    force: bool = False,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> int:
    """Export labels to .csv (long or wide), .xlsx, .jsonl or .qdpx; returns rows (or codings).

    Never overwrites an existing file unless ``force``; a failed or cancelled export leaves no
    file behind. Articles marked "duplicate" (near-duplicate review) are left out unless
    ``include_duplicates``.
    """
    path = Path(path)
    options = ExportOptions(
        layout=layout,
        coders=None if coders is None else tuple(coders),
        group=group,
        done_only=done_only,
        bom=bom,
        skip_duplicates=not include_duplicates,
    )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from annotator.exports.csv_export import write_csv

        return write_csv(
            project.engine, path, options, force=force, progress=progress, cancel=cancel
        )
    if suffix == ".xlsx":
        from annotator.exports.xlsx_export import write_xlsx

        return write_xlsx(
            project.engine, path, options, force=force, progress=progress, cancel=cancel
        )
    if suffix == ".jsonl":
        from annotator.exports.jsonl_export import write_jsonl

        return write_jsonl(
            project.engine, path, options, force=force, progress=progress, cancel=cancel
        )
    if suffix == ".qdpx":
        from annotator.exports.qdpx_export import write_qdpx

        return write_qdpx(
            project.engine, path, options, force=force, progress=progress, cancel=cancel
        )
    raise ExportError(
        f"{path.name}: unknown export format '{suffix}' (use {', '.join(EXPORT_SUFFIXES)})"
    )


def export_codebook(project: Project, path: str | Path, *, force: bool = False) -> None:
    """Write the project's codebook as .yaml or REFI-QDA .qdc."""
    from annotator.exports.codebook_export import write_codebook

    write_codebook(project.codebook, Path(path), force=force)
