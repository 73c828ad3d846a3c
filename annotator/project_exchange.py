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
from annotator.server_urls import display_name, is_server_url, safe_url
from annotator.storage.unit_of_work import read_session

if TYPE_CHECKING:
    from annotator.exchange.labels import LabelImportReport
    from annotator.exchange.merge import MergeReport
    from annotator.exchange.refi import RefiImportReport
    from annotator.exchange.sync import PullReport


class ProjectExchange(ProjectBase):
    """Mixed into Project (its services: ``annotator.project_base``)."""

    def export(self, path: str | Path, **options: Any) -> int:
        """Export labels; the format follows the suffix (.csv .xlsx .jsonl .qdpx). Options:
        layout ("long"/"wide"), coders, group, done_only, bom, include_duplicates, force,
        progress, cancel. Returns the rows written (sentences for .jsonl, codings for .qdpx)."""
        from annotator.exports import export_labels

        return export_labels(self.engine, path, **options).rows

    def export_codebook(self, path: str | Path, *, force: bool = False) -> None:
        """Write the codebook as .yaml or REFI-QDA .qdc, its version the project's current
        published codebook version (YAML ``version: 3``; .qdc ``[annotator: codebook
        version=3]``): loading the file back reads that version."""
        from annotator.exports import export_codebook
        from annotator.storage.codebook_versions import current_version

        with read_session(self.engine) as s:
            version = current_version(s)
        export_codebook(self.codebook, path, force=force, version=version)

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

    def save_copy(
        self,
        path: str | Path,
        *,
        force: bool = False,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> PullReport:
        """Write a complete SQLite copy of this project (every table, with its ids): what
        `annotator pull` writes from a server project, the archive of a study."""
        from annotator.exchange.sync import pull

        return pull(
            self.engine, path, self._create_empty, force=force, progress=progress, cancel=cancel
        )

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
            self_key = _project_key(self.location if self.is_server else self.path)
            seen: dict[object, object] = {self_key: self_key}
            for other in others:
                key = _project_key(other)
                name = display_name(other) if is_server_url(other) else Path(other).name
                if key in seen:
                    if seen[key] == self_key:
                        raise MergeError(
                            f"{name} is the lead project itself: choose the other files"
                        )
                    raise MergeError(
                        f"{name} is listed twice (as {seen[key]} too): each file can be merged once"
                    )
                seen[key] = str(other)
                opened.append(self._open_read_only(other if is_server_url(other) else Path(other)))
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


def _project_key(other: str | Path) -> object:
    """What two names of one project share: the password-free URL of a server project, else
    the file's identity (same_file_key)."""
    if is_server_url(other):
        return safe_url(str(other))
    return same_file_key(Path(other))


def same_file_key(path: Path) -> object:
    """What two names of one file share: its device and inode when it exists (a hard link,
    a symlink, another spelling of the path), else the resolved path."""
    try:
        st = path.stat()
    except OSError:
        return path.resolve()
    return (st.st_dev, st.st_ino)
