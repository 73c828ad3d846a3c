"""The part of ``Project`` that moves work in and out: exports, label import, merge, REFI-QDA.

Each method checks writability, hands the engine to a workflow in ``annotator.exchange`` or
``annotator.exports`` (which return a report) and clears the caches the workflow may outdate.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.project_base import OpenedProject, ProjectBase

if TYPE_CHECKING:
    from annotator.exchange.labels import LabelImportReport
    from annotator.exchange.merge import MergeReport
    from annotator.exchange.refi import RefiImportReport


class ProjectExchange(ProjectBase):
    """Mixed into Project (its services: ``annotator.project_base``)."""

    def export(self, path: str | Path, **options: Any) -> int:
        """Export labels; the format follows the suffix (.csv .xlsx .jsonl .qdpx). Options:
        layout ("long"/"wide"), coders, group, done_only, bom, include_duplicates, force,
        progress, cancel. Returns the rows written (sentences for .jsonl, codings for .qdpx)."""
        from annotator.exports import export_labels

        return export_labels(self.engine, path, **options).rows

    def export_codebook(self, path: str | Path, *, force: bool = False) -> None:
        """Write the codebook as .yaml or REFI-QDA .qdc."""
        from annotator.exports import export_codebook

        export_codebook(self.codebook, path, force=force)

    def import_labels(
        self,
        path: str | Path,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> LabelImportReport:
        """Read a long-layout label export back (articles by id or content hash)."""
        from annotator.exchange.labels import import_labels

        with self._rewriting():
            return import_labels(self.engine, path, progress, cancel)

    def merge(
        self,
        others: Sequence[str | Path],
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> MergeReport:
        """Bring other coders' project files into this one, in one transaction. The other files
        are opened read-only for the merge and closed after it."""
        from annotator.exchange.merge import MergeError, MergeSource, merge

        self._writable()
        opened: list[OpenedProject] = []
        try:
            seen: dict[object, Path] = {same_file_key(self.path): self.path}
            for other in others:
                path = Path(other)
                key = same_file_key(path)
                if key in seen:
                    if seen[key] == self.path:
                        raise MergeError(
                            f"{path.name} is the lead project itself: choose the other files"
                        )
                    raise MergeError(
                        f"{path.name} is listed twice (as {seen[key]} too): "
                        "each file can be merged once"
                    )
                seen[key] = path
                opened.append(self._open_read_only(path))
            sources = [MergeSource(p.path.name, p.engine) for p in opened]
            return merge(self.engine, sources, progress, cancel)
        finally:
            self._forget_caches()
            for p in opened:
                p.close()

    def import_refi(
        self,
        path: str | Path,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> RefiImportReport:
        """Import a REFI-QDA project (.qdpx or a bare .qde): sources, codebook, coders, codings."""
        from annotator.exchange.refi import import_refi

        with self._rewriting():
            return import_refi(self.engine, path, progress, cancel)


def same_file_key(path: Path) -> object:
    """What two names of one file share: its device and inode when it exists (a hard link,
    a symlink, another spelling of the path), else the resolved path."""
    try:
        st = path.stat()
    except OSError:
        return path.resolve()
    return (st.st_dev, st.st_ino)
