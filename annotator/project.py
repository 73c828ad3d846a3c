"""The public Python API: ``Project.open(path)`` and everything a script or notebook needs.

Every write is one short transaction, durable when the call returns. Reads return frozen records.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from annotator.codebook import Codebook, load_codebook
from annotator.errors import (
    AnnotatorError,
    DamagedProjectError,
    NotAProjectError,
    NotFoundError,
    ProjectClosedError,
    ProjectError,
    ReadOnlyProjectError,
)
from annotator.imports import ParsedArticle, TableOptions
from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.project_agreement import ProjectAgreement
from annotator.project_codebook_edits import ProjectCodebookEdits
from annotator.project_coding import ProjectCoding
from annotator.project_exchange import ProjectExchange
from annotator.project_gold import ProjectGold
from annotator.project_ranges import RangesAndDuplicates
from annotator.project_refs import (
    ArticleRef,
    CodeRef,
    SentenceRef,
    article_id,
)
from annotator.project_stats import ProjectStats
from annotator.project_versions import ProjectVersions, load_change_lines
from annotator.records import (
    ArticleRecord,
    ArticleSummary,
    CodebookChanges,
    CodeRecord,
    ImportReport,
    ProjectCodebook,
    SentenceRecord,
)
from annotator.segmentation import merge_spans, split_span
from annotator.server_urls import display_name, is_server_url, safe_url
from annotator.storage import (
    article_writes,
    codebook_versions,
    coding_state,
    open_files,
    postgres,
    queries,
)
from annotator.storage.backups import DEFAULT_KEEP, list_backups, take_backup
from annotator.storage.codebook_store import save_codebook
from annotator.storage.engine import (
    header_problem,
    make_engine,
    marked_read_only,
    opening_errors,
    probe_write_lock,
    remove_sidecars_left_by_reader,
    sidecars,
)
from annotator.storage.migrations import (
    create_schema,
    drop_schema,
    require_current_schema,
    upgrade,
)
from annotator.storage.models import utcnow
from annotator.storage.unit_of_work import Engine, read_session, trial_session, write_session

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

SUFFIX = ".annotator"


def with_project_suffix(path: str | Path) -> Path:
    """The name with ``.annotator`` added when it does not end so (as a Save dialog adds its
    format's suffix): ``demo`` and ``demo.v2`` become ``demo.annotator``, ``demo.v2.annotator``."""
    path = Path(path)
    return path if path.suffix.lower() == SUFFIX else path.with_name(path.name + SUFFIX)


def relock_open_projects() -> int:
    """Renew SQLite's locks on every project this process has open (see Project.relock); the
    app calls it after each file dialog. Returns how many files were relocked."""
    return open_files.relock()


def relock_pending() -> bool:
    """True while a project could not be relocked because it was in use (try again later)."""
    return open_files.relock_pending()


class Project(
    ProjectCoding,
    ProjectCodebookEdits,
    ProjectExchange,
    ProjectAgreement,
    ProjectGold,
    ProjectStats,
    RangesAndDuplicates,
    ProjectVersions,
):
    """One open project: a file, or a database on a PostgreSQL server (``postgresql://...``).

    A server project behaves as a file does, less what only a file has: no header check, WAL
    side files, locks to renew or backups beside it (its server backs it up). Its ``path`` is a
    readable name (``db on host``), its ``location`` the URL without a password.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.read_only = read_only
        self._url: str | None = path if is_server_url(path) else None
        self._file_key: open_files.FileKey | None = None
        if self._url is not None:
            self.path = Path(display_name(self._url))
            self._engine: Engine | None = make_engine(self._url, read_only=read_only)
        else:
            self.path = Path(path)
            self._engine = make_engine(self.path, read_only=read_only)
            self._file_key = open_files.register(self.path, self._engine)
        self._codebook: ProjectCodebook | None = None
        self._coder_ids: dict[str, int] = {}
        self._sidecars_before: set[str] | None = None

    # -- opening and closing -------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path, codebook: Codebook | str | Path | None = None) -> Project:
        """A new project file; refuses to overwrite an existing file. Given a PostgreSQL URL,
        a new project in that database, which must exist and be empty."""
        if is_server_url(path):
            return cls._create_on_server(str(path), codebook)
        path = Path(path)
        if path.exists():
            raise ProjectError(f"{path} already exists: open it, or choose another name")
        if not path.parent.exists():
            raise ProjectError(f"folder {path.parent} does not exist")
        project = cls(path)
        try:
            create_schema(project.engine)
            # The file exists only now: note it as open here (see storage/open_files).
            project._file_key = open_files.register(path, project.engine)
            if codebook is not None:
                project.load_codebook(codebook)
        except BaseException:
            project.close()
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            raise
        return project

    @classmethod
    def _create_on_server(cls, url: str, codebook: Codebook | str | Path | None) -> Project:
        project = cls(url)
        try:
            with postgres.opening_errors(url):
                if postgres.has_tables(project.engine):
                    raise ProjectError(
                        f"{project.name} is not empty: a new project needs an empty database "
                        "(open it if it is a project)"
                    )
                create_schema(project.engine)
        except BaseException:
            project.close()
            raise
        try:
            if codebook is not None:
                project.load_codebook(codebook)
        except BaseException:
            try:  # the database empty again, as a failed file is deleted
                drop_schema(project.engine)
            finally:
                project.close()
            raise
        return project

    @classmethod
    def _open_on_server(cls, url: str, read_only: bool) -> Project:
        project = cls(url, read_only=read_only)
        try:
            with postgres.opening_errors(url):
                if read_only:
                    require_current_schema(project.engine, project.path)
                else:
                    upgrade(project.engine, project.path, lambda: None)
                project.codebook  # noqa: B018  (reads the schema once)
        except BaseException:
            project.close()
            raise
        log.debug("opened %s (read_only=%s)", project.location, read_only)
        return project

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        read_only: bool | None = None,
        backup: bool = False,
        keep_backups: int = DEFAULT_KEEP,
    ) -> Project:
        """Open an existing project; read-only if asked or if the file is marked read-only.

        Refuses (with one clear line, leaving the file as it was) a file that is damaged, not a
        project, from a newer annotator, or being written by another program. backup=True takes a
        rolling backup (the newest keep_backups are kept); the UI calls this in a background job.
        A PostgreSQL URL opens a server project (no backups: its server keeps them).
        """
        if is_server_url(path):
            return cls._open_on_server(str(path), bool(read_only))
        path = Path(path)
        if not path.exists():
            raise ProjectError(f"{path} does not exist")
        if path.is_dir():
            raise NotAProjectError(f"{path} is a folder, not a project file")
        # A file this process has open is known to be whole, and reading its header here would
        # drop the locks SQLite holds on it (see storage/open_files).
        problem = None if open_files.open_here(path) else header_problem(path)
        if problem is not None:
            error = NotAProjectError if "not a SQLite" in problem else DamagedProjectError
            hint = "" if error is NotAProjectError else "; restore a backup"
            raise error(f"{path.name} {problem}{hint}")
        if read_only is None:
            read_only = marked_read_only(path)
        sidecars_before = sidecars(path)
        project = cls(path, read_only=read_only)
        project._sidecars_before = sidecars_before
        try:
            with opening_errors(path.name):
                if read_only:
                    require_current_schema(project.engine, path)
                else:
                    probe_write_lock(project.engine)
                    upgrade(project.engine, path, lambda: project.backup(keep_backups))
                    if backup:
                        project.backup(keep_backups)
                project.codebook  # noqa: B018  (reads the schema once: a damaged file fails here)
        except BaseException:
            project.close()
            raise
        log.debug("opened %s (read_only=%s, backup=%s)", path, read_only, backup)
        return project

    @property
    def engine(self) -> Engine:
        """The project's engine; a closed project refuses every call (a window or job that kept
        it must not write to a file someone else has since opened or restored)."""
        if self._engine is None:
            raise ProjectClosedError(f"{self.path.name} is closed")
        return self._engine

    @property
    def is_server(self) -> bool:
        """True for a project on a PostgreSQL server, False for a project file."""
        return self._url is not None

    @property
    def name(self) -> str:
        """A short name to show: the file's name, or ``db on host`` for a server project."""
        return self.path.name

    @property
    def location(self) -> str:
        """Where the project is: the file's path, or the server URL without any password."""
        return safe_url(self._url) if self._url is not None else str(self.path)

    @property
    def closed(self) -> bool:
        return self._engine is None

    def close(self) -> None:
        """Release the file; idempotent. Every later call on this object raises."""
        if self._engine is None:
            return
        self._engine.dispose()
        open_files.unregister(self._file_key, self._engine)
        self._engine = None
        if self.read_only and self._sidecars_before is not None:
            remove_sidecars_left_by_reader(self.path, self._sidecars_before)
            self._sidecars_before = None

    def __enter__(self) -> Project:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Project({self.location!r}{', read_only=True' if self.read_only else ''})"

    def backup(self, keep: int = DEFAULT_KEEP) -> Path:
        """Take a rolling backup now (the newest `keep`, default five, are kept beside the file)."""
        if self.is_server:
            raise AnnotatorError(
                f"{self.name} is on a server: a server project is backed up by its server "
                "(pg_dump), not by annotator"
            )
        return take_backup(self.engine, self.path, keep)

    def relock(self) -> bool:
        """Renew SQLite's locks on the file after something outside this library may have read
        it (a file dialog sniffing types, a thumbnailer): idle connections are closed and the
        next use reopens them. False when a connection is in use (then nothing is done)."""
        if self.is_server:
            return False
        return open_files.relock(self.path) > 0

    def backups(self) -> list[Path]:
        return [] if self.is_server else list_backups(self.path)

    def _writable(self) -> None:
        if self.read_only:
            raise ReadOnlyProjectError(
                f"{self.path.name} is open read-only: nothing can be changed"
            )

    # -- codebook ------------------------------------------------------------------------
    @property
    def codebook(self) -> ProjectCodebook:
        if self._codebook is None:
            with read_session(self.engine) as s:
                self._codebook = queries.project_codebook(s)
        return self._codebook

    def load_codebook(
        self, codebook: Codebook | str | Path, *, by: str = "", note: str = ""
    ) -> CodebookChanges:
        """Load or update the codebook; codes are matched by stable id, then by name.

        A load that changes a codebook already there publishes a new codebook version (its note
        ``note``, else "loaded <file>"), with the unpublished edits and what the load changed:
        labels made from now on are told apart from those made before. Labels are never
        orphaned: a renamed code keeps its labels, a removed one hides them."""
        self._writable()
        cb = codebook if isinstance(codebook, Codebook) else load_codebook(Path(codebook))
        source = cb.name if isinstance(codebook, Codebook) else Path(codebook).name
        with write_session(self.engine) as s:
            before = queries.project_codebook(s)
            changes = save_codebook(s, cb)
            after = queries.project_codebook(s)
            if before.groups and before != after:
                lines = codebook_versions.unpublished_changes(s)
                lines += load_change_lines(before, after, changes)
                codebook_versions.publish(s, note or f"loaded {source}", by, lines, utcnow())
        self._codebook = None
        return changes

    def preview_codebook(self, codebook: Codebook | str | Path) -> CodebookChanges:
        """What load_codebook would change (codes added, removed, renamed; labels hidden),
        changing nothing: the load runs in a transaction that is rolled back."""
        self._writable()
        cb = codebook if isinstance(codebook, Codebook) else load_codebook(Path(codebook))
        with trial_session(self.engine) as s:
            return save_codebook(s, cb)

    def codebook_changed(self) -> bool:
        """Has someone else (another process, say ``annotator codebook import``) changed the
        codebook since this object last read it? If so the next ``codebook`` reads it afresh.

        Cheap enough to poll: the codebook's rows are few."""
        if self._codebook is None:
            return False
        with read_session(self.engine) as s:
            fresh = queries.project_codebook(s)
        if fresh == self._codebook:
            return False
        self._codebook = fresh
        return True

    def code(self, ref: CodeRef) -> CodeRecord:
        if isinstance(ref, CodeRecord):
            return ref
        found = self.codebook.code(ref)
        if found is None:
            names = ", ".join(c.name for c in self.codebook.codes) or "none"
            raise NotFoundError(f"no code {ref!r} in the codebook (codes: {names})")
        return found

    # -- articles and sentences ----------------------------------------------------------
    def articles(self) -> list[ArticleRecord]:
        with read_session(self.engine) as s:
            return queries.articles(s)

    def article(self, ref: ArticleRef) -> ArticleRecord:
        with read_session(self.engine) as s:
            return queries.article(s, article_id(ref))

    def article_ids(self) -> list[int]:
        with read_session(self.engine) as s:
            return queries.article_ids(s)

    def article_summaries(
        self, coder: str | None = None, ids: Sequence[int] | None = None
    ) -> list[ArticleSummary]:
        with read_session(self.engine) as s:
            cid = queries.coder_id(s, coder) if coder else None
            return queries.article_summaries(s, cid, ids)

    def sentences(self, article: ArticleRef) -> list[SentenceRecord]:
        with read_session(self.engine) as s:
            return queries.sentences(s, article_id(article))

    def sentence(self, ref: SentenceRef) -> SentenceRecord:
        if isinstance(ref, SentenceRecord):
            return ref
        with read_session(self.engine) as s:
            return queries.sentence(s, int(ref))

    def import_paths(
        self,
        paths: Sequence[str | Path],
        options: TableOptions | None = None,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
        *,
        near_duplicates: bool = True,
    ) -> ImportReport:
        """Import files and folders (recursively). Bad files are reported, never half-imported.
        ``near_duplicates``: look for near-duplicates of the new articles (report.near_duplicates).
        """
        from annotator.importer import import_paths

        self._writable()
        report = import_paths(self.engine, [Path(p) for p in paths], options, progress, cancel)
        return self._with_near_duplicates(report, near_duplicates, cancel)

    def import_articles(
        self,
        articles: Iterable[ParsedArticle],
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
        *,
        near_duplicates: bool = True,
    ) -> ImportReport:
        from annotator.importer import import_parsed

        self._writable()
        report = import_parsed(self.engine, articles, progress, cancel)
        return self._with_near_duplicates(report, near_duplicates, cancel)

    def split_sentence(self, sentence: SentenceRef, at: int) -> tuple[int, int]:
        """Split a sentence (with no labels) at an absolute character offset of the article."""
        self._writable()
        rec = self.sentence(sentence)
        text = self.article(rec.article_id).text
        left, right = split_span(text, (rec.start, rec.end), at)
        with write_session(self.engine) as s:
            new_id = article_writes.split_sentence(s, rec.id, left, right)
        return rec.id, new_id

    def merge_sentences(self, first: SentenceRef, second: SentenceRef) -> int:
        """Merge two adjacent sentences (neither with labels) into the first; each coder's memo
        on the second is appended to that coder's memo on the first (or moves there)."""
        self._writable()
        a, b = self.sentence(first), self.sentence(second)
        if a.article_id == b.article_id:  # the storage refuses other pairs with its own message
            merge_spans(self.article(a.article_id).text, (a.start, a.end), (b.start, b.end))
        with write_session(self.engine) as s:
            return article_writes.merge_sentences(s, a.id, b.id)

    # -- coders ---------------------------------------------------------------------------
    def coders(self) -> list[str]:
        with read_session(self.engine) as s:
            return sorted(queries.coder_names(s).values())

    def coder_id(self, name: str, *, create: bool = True) -> int:
        if name in self._coder_ids:
            return self._coder_ids[name]
        with read_session(self.engine) as s:
            found = queries.coder_id(s, name)
        if found is None:
            if not create:
                raise NotFoundError(f"no coder named {name!r}")
            self._writable()
            with write_session(self.engine) as s:
                found = coding_state.ensure_coder(s, name)
        self._coder_ids[name] = found
        return found

    # -- overview ------------------------------------------------------------------------
    def info(self) -> dict[str, Any]:
        with read_session(self.engine) as s:
            counts = queries.counts(s)
            coders = sorted(queries.coder_names(s).values())
            done_counts = queries.done_counts(s)
        cb = self.codebook
        return {
            "path": self.location,
            "read_only": self.read_only,
            **counts,
            "codebook": {
                "name": cb.name,
                "version": cb.version,
                "published_version": self.codebook_version,
                "groups": [
                    {
                        "name": g.name,
                        "multiple": g.multiple,
                        "codes": [
                            {"name": c.name, "key": c.key, "color": c.color} for c in g.codes
                        ],
                    }
                    for g in cb.groups
                ],
            },
            "coder_names": coders,
            "articles_done": done_counts,
            "backups": len(self.backups()),
        }

    def _open_read_only(self, path: str | Path) -> Project:
        return Project.open(path, read_only=True)

    def _create_empty(self, path: Path) -> Project:
        return Project.create(path)

    def _forget_caches(self) -> None:
        """After work that may add codes or coders behind this object's back."""
        self._codebook = None
        self._coder_ids = {}

    def find(self, text: str, limit: int = 500) -> list[tuple[int, str, int, int, str]]:
        with read_session(self.engine) as s:
            return queries.find_text(s, text, limit)
