"""What every export shares: options, errors, and writing files atomically (the queries they
read through are in ``storage.export_queries`` and ``storage.export_facts``).

An export never leaves half a file: it writes a temporary file beside the target and moves it
into place only when everything was written, so a full disk, a cancel or a crash leaves the
target as it was.
"""

from __future__ import annotations

import errno
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from annotator.errors import ExportError, TargetExistsError
from annotator.partial_files import SUFFIX as PARTIAL
from annotator.partial_files import owner_tag, sweep_abandoned
from annotator.records import ExportOptions, Layout

__all__ = [
    "WIDE_ARTICLE_COLUMNS",
    "ExportError",
    "ExportOptions",
    "Layout",
    "TargetExistsError",
    "atomic_target",
    "current_umask",
    "iso_utc",
]

log = logging.getLogger(__name__)

WIDE_ARTICLE_COLUMNS = [
    "article_id",
    "article_title",
    "sentence_number",
    "sentence_start",
    "sentence_end",
    "sentence_text",
]


def iso_utc(stored: str | None) -> str:
    """Stored naive UTC ``2025-01-02 03:04:05.000006`` -> ``2025-01-02T03:04:05.000006Z``."""
    if not stored:
        return ""
    return stored.replace(" ", "T", 1) + "Z"


@contextmanager
def atomic_target(path: Path, *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only if the block succeeds.

    Refuses an existing target unless ``force``. Any failure (including Cancelled) removes the
    temporary file and leaves the target untouched; OS errors become one clear ExportError.
    """
    path = Path(path)
    if path.is_dir():
        raise ExportError(f"{path} is a folder: choose a file name to export to")
    if path.exists() and not force:
        raise TargetExistsError(f"{path} already exists: choose another name or allow overwriting")
    if not path.parent.is_dir():
        raise ExportError(f"cannot write {path.name}: folder {path.parent} does not exist")
    sweep_abandoned(path.parent)  # temporary files of exports that were killed mid-write
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{path.name}.{owner_tag()}.", suffix=PARTIAL, dir=path.parent
        )
    except OSError as exc:
        raise ExportError(f"cannot write {path.name}: {_reason(exc)}") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        # mkstemp makes the file 0600; a rename keeps that mode, so give it the mode a plain
        # open() would have (0666 less the umask), or colleagues in the group cannot read it.
        os.chmod(tmp, 0o666 & ~current_umask())
    except OSError:
        log.debug("could not set the mode of %s", tmp, exc_info=True)
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path.name}: {_reason(exc)}; nothing was written") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    log.info("exported %s", path)


def current_umask() -> int:
    """The process umask, read without changing it where the system allows.

    ``os.umask`` can only be read by setting it, which races with other threads creating files
    (exports run in a worker thread), so Linux's ``/proc/self/status`` is asked first.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return exc.strerror or str(exc)
