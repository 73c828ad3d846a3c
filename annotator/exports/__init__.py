"""Exports, one module per format; ``export_labels`` picks the format from the file name."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from annotator.exports.common import (
    ExportError,
    ExportOptions,
    Layout,
    TargetExistsError,
    atomic_target,
)
from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.records import ExportReport, ProjectCodebook
from annotator.storage.unit_of_work import Engine
from annotator.version_ranges import version_set

__all__ = [
    "EXPORT_SUFFIXES",
    "ExportError",
    "ExportOptions",
    "ExportReport",
    "TargetExistsError",
    "atomic_target",
    "export_codebook",
    "export_labels",
]

EXPORT_SUFFIXES = (".csv", ".xlsx", ".jsonl", ".qdpx")


def export_labels(
    engine: Engine,
    path: str | Path,
    *,
    layout: Layout = "long",
    coders: Sequence[str] | None = None,
    group: str | None = None,
    done_only: bool = False,
    bom: bool = False,
    include_duplicates: bool = False,
    codebook_version: int | Iterable[int] | None = None,
    force: bool = False,
    file_format: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ExportReport:
    """Export the labels of the project behind ``engine`` to .csv (long or wide), .xlsx, .jsonl
    or .qdpx; the report says how many rows (sentences, codings) were written.

    Never overwrites an existing file unless ``force``; a failed or cancelled export leaves no
    file behind. Articles marked "duplicate" (near-duplicate review) are left out unless
    ``include_duplicates``. ``codebook_version`` (a number or several): only labels made
    under it (long CSV, XLSX and JSONL give each label's version in ``codebook_version``).
    ``file_format`` (a suffix such as ".csv") writes that format whatever the file is called:
    the export dialog keeps the name a researcher typed (notes.txt).
    """
    path = Path(path)
    options = ExportOptions(
        layout=layout,
        coders=None if coders is None else tuple(coders),
        group=group,
        done_only=done_only,
        bom=bom,
        skip_duplicates=not include_duplicates,
        codebook_versions=version_set(codebook_version),
    )
    suffix = (file_format or path.suffix).lower()
    write = _writer(path.name, suffix)
    written = write(engine, path, options, force=force, progress=progress, cancel=cancel)
    return ExportReport(str(path), written, _UNITS.get(suffix, "rows"))


_UNITS = {".jsonl": "sentences", ".qdpx": "codings"}


def _writer(name: str, suffix: str) -> Callable[..., int]:
    """The format's writer (imported on demand: pandas and openpyxl are slow to import)."""
    if suffix == ".csv":
        from annotator.exports.csv_export import write_csv

        return write_csv
    if suffix == ".xlsx":
        from annotator.exports.xlsx_export import write_xlsx

        return write_xlsx
    if suffix == ".jsonl":
        from annotator.exports.jsonl_export import write_jsonl

        return write_jsonl
    if suffix == ".qdpx":
        from annotator.exports.qdpx_export import write_qdpx

        return write_qdpx
    raise ExportError(
        f"{name}: unknown export format '{suffix}' (use {', '.join(EXPORT_SUFFIXES)})"
    )


def export_codebook(
    codebook: ProjectCodebook,
    path: str | Path,
    *,
    force: bool = False,
    version: int | None = None,
) -> None:
    """Write a project's codebook as .yaml or REFI-QDA .qdc; ``version`` (the published
    codebook version) becomes the file's ``version`` (YAML) or codebook marker (.qdc)."""
    from annotator.exports.codebook_export import write_codebook

    write_codebook(codebook, Path(path), force=force, version=version)
