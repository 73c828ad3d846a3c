"""What every part of ``Project`` may ask of the whole, declared once.

``Project`` inherits its parts (project_coding, project_exchange, project_agreement,
project_stats, project_ranges); each part calls back into the facade for the engine, the
codebook, writability and caches. Declaring those here, not in every part, gives one list of
what a part may rely on; ``Project`` defines them all, and its own definitions come first in
the method order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from annotator.project_refs import CodeRef, SentenceRef
from annotator.records import CodeRecord, ProjectCodebook, SentenceRecord
from annotator.storage.unit_of_work import Engine


class OpenedProject(Protocol):
    """What merge needs of another coder's project: Project.open(path_or_url, read_only=True)."""

    @property
    def path(self) -> Path: ...

    @property
    def engine(self) -> Engine: ...

    def close(self) -> None: ...


class ProjectBase:
    """The facade's services its parts use (defined by ``Project``)."""

    path: Path

    @property
    def engine(self) -> Engine:
        raise NotImplementedError

    @property
    def location(self) -> str:
        raise NotImplementedError

    @property
    def is_server(self) -> bool:
        raise NotImplementedError

    @property
    def codebook(self) -> ProjectCodebook:
        raise NotImplementedError

    def _writable(self) -> None:
        raise NotImplementedError

    def _forget_caches(self) -> None:
        raise NotImplementedError

    def _open_read_only(self, path: str | Path) -> OpenedProject:
        raise NotImplementedError

    def _create_empty(self, path: Path) -> OpenedProject:
        raise NotImplementedError

    def code(self, ref: CodeRef) -> CodeRecord:
        raise NotImplementedError

    def coder_id(self, name: str, *, create: bool = True) -> int:
        raise NotImplementedError

    def sentence(self, ref: SentenceRef) -> SentenceRecord:
        raise NotImplementedError

    @contextmanager
    def _rewriting(self) -> Iterator[None]:
        """Around a workflow that writes behind this object's back (codes, coders): refuse a
        read-only project first, and forget the caches after, whether it worked or not."""
        self._writable()
        try:
            yield
        finally:
            self._forget_caches()
