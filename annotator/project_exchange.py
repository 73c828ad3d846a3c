"""The part of ``Project`` that moves work in and out: exports, label import, merge, REFI-QDA.

Each method checks writability, hands the engine to a workflow in ``annotator.exchange`` or
``annotator.exports`` (which return a report) and clears the caches the workflow may outdate.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.records import ProjectCodebook
from annotator.storage.unit_of_work import Engine

if TYPE_CHECKING:
    from annotator.exchange.labels import LabelImportReport
    from annotator.exchange.merge import MergeReport
    from annotator.exchange.refi import RefiImportReport


class _OpenedProject(Protocol):
    """What merge needs of another coder's file: Project.open(path, read_only=True)."""

    @property
    def path(self) -> Path: ...

    @property
    def engine(self) -> Engine: ...

    def close(self) -> None: ...


class ProjectExchange:
    """Mixed into Project: needs ``path``, ``engine``, ``codebook``, ``_writable``,
    ``_forget_caches`` and ``_open_read_only``."""

    path: Path

    @property
    def engine(self) -> Engine:
        raise NotImplementedError

    @property
    def codebook(self) -> ProjectCodebook:
        raise NotImplementedError

    def _writable(self) -> None:
        raise NotImplementedError

    def _forget_caches(self) -> None:
        raise NotImplementedError

    def _open_read_only(self, path: Path) -> _OpenedProject:
        raise NotImplementedError

    # -- exchange ------------------------------------------------------------------------
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

        self._writable()
        try:
            return import_labels(self.engine, path, progress, cancel)
        finally:
            self._forget_caches()

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
        opened: list[_OpenedProject] = []
        try:
            for other in others:
                path = Path(other)
                if path.resolve() == self.path.resolve():
                    raise MergeError(
                        f"{path.name} is the lead project itself: choose the other files"
                    )
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

        self._writable()
        try:
            return import_refi(self.engine, path, progress, cancel)
        finally:
            self._forget_caches()
