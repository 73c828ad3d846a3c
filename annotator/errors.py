"""Typed failures of the core, each with a message a researcher can act on."""

from __future__ import annotations


class AnnotatorError(Exception):
    """Base of every expected failure; the CLI prints its message, the UI shows it."""


class ProjectError(AnnotatorError):
    """The project file cannot be used as asked."""


class NotAProjectError(ProjectError):
    """The file is not an annotator project (or is damaged beyond opening)."""


class SchemaTooNewError(ProjectError):
    """The file was written by a newer annotator."""


class ProjectLockedError(ProjectError):
    """Another process holds the file locked for longer than the busy timeout."""


class ProjectClosedError(ProjectError):
    """A call on a Project after close()."""


class ReadOnlyProjectError(ProjectError):
    """A write was attempted on a project opened read-only."""


class NotFoundError(AnnotatorError):
    """An article, sentence, code or coder named by the caller does not exist."""


class AmbiguousCodeError(NotFoundError):
    """A code named by the caller exists in more than one group."""


class LabelError(AnnotatorError):
    """A label change that the codebook or the sentence does not allow."""


class Cancelled(AnnotatorError):
    """Long work stopped because the user cancelled it; nothing of it was kept."""


class DamagedProjectError(NotAProjectError):
    """The project file is corrupt (truncated, overwritten); a backup is the way back."""


class ChangeNotSavedError(ProjectError):
    """A write failed at the storage level; it was rolled back, earlier work is kept."""


class DiskFullError(ChangeNotSavedError):
    """The disk (or the file system's quota) is full."""


class WriteDeniedError(ChangeNotSavedError):
    """The file, its folder or the disk cannot be written (permissions, read-only medium)."""


class DiskIOError(ChangeNotSavedError):
    """The system reported an I/O error (failing disk, removed drive, lost network share)."""


class ServerUnavailableError(ChangeNotSavedError):
    """The project's server cannot be reached (stopped, network down, connection dropped)."""


class JournalDeletedError(ChangeNotSavedError):
    """Another program deleted the project's -wal or -shm file while the project was open."""


class ExportError(AnnotatorError):
    """An export that could not be written; the target file is unchanged."""


class TargetExistsError(ExportError):
    """The target exists and overwriting was not allowed."""


class CodebookPermissionError(ProjectError):
    """The database refused a codebook edit: only the lead may change a shared codebook."""


class ServerLoginError(ProjectError):
    """The PostgreSQL server refused the login (wrong or missing password, unknown role)."""
