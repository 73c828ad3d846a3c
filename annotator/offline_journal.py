"""Work kept on this computer while a project's server cannot be reached, sent when it is back.

A label on a server project is durable when the window shows it: either the server committed it,
or -- when the server cannot be reached -- it is in this journal, a file on the coder's disk
that was flushed and fsynced before the call returned. ``JournaledTarget`` stands between the
window's undo commands and the project: it writes through to the server while it can, and
journals every change (in order) while it cannot, or while older journaled changes are still
waiting. ``send`` replays the journal in order when the server answers again.

Replay is idempotent: the label writer skips a label already there (or already gone) and writing
a status an article already has changes nothing; a change's last word per (sentence, code,
coder) decides, so replaying entries that were already sent (the app was killed between sending
and forgetting them) leaves the same labels. The journal drops an entry only after the server
committed it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from annotator.commands import LabelCommand
from annotator.errors import ServerUnavailableError
from annotator.logs import log_dir
from annotator.records import CodeRecord, LabelChange, ProjectCodebook, Status
from annotator.storage.label_writes import toggle_plan

log = logging.getLogger(__name__)


class Target(Protocol):
    """What the journal writes through to: a Project."""

    def write_changes(
        self, changes: Sequence[LabelChange], batch: str = ""
    ) -> list[LabelChange]: ...

    def replace_status(self, article: int, coder: str, status: Status) -> Status: ...


def journal_path(project_name: str, coder: str, folder: Path | None = None) -> Path:
    """One journal per server project and coder, under the user's state folder."""
    key = hashlib.sha256(f"{project_name}\0{coder}".encode()).hexdigest()[:24]
    return (folder or log_dir() / "journals") / f"{key}.jsonl"


class Journal:
    """An append-only file of JSON lines; each append is on disk when it returns."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, entry: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new = not self.path.exists()
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, separators=(",", ":")) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        if new:
            _fsync_folder(self.path.parent)

    def entries(self) -> list[dict[str, Any]]:
        """The entries in order. A last line cut short by a crash mid-append is left out: its
        append never returned, so the window never showed that change as saved."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        out = []
        for n, line in enumerate(lines):
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                if n != len(lines) - 1:
                    raise
                log.warning("journal %s: left out a last line cut short", self.path)
        return out

    def __len__(self) -> int:
        return len(self.entries())

    def keep_only(self, entries: Sequence[dict[str, Any]]) -> None:
        """Rewrite the journal to hold just these (the ones not sent yet), atomically."""
        if not entries:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            return
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            for e in entries:
                fh.write(json.dumps(e, separators=(",", ":")) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        _fsync_folder(self.path.parent)


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":  # folders cannot be opened for fsync there; NTFS orders the rename
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _changes_entry(changes: Sequence[LabelChange], batch: str) -> dict[str, Any]:
    rows = [[c.sentence_id, c.code_id, c.coder_id, int(c.add)] for c in changes]
    return {"kind": "labels", "batch": batch, "changes": rows}


def _changes_of(entry: dict[str, Any]) -> list[LabelChange]:
    return [LabelChange(int(s), int(c), int(k), bool(a)) for s, c, k, a in entry["changes"]]


class JournaledTarget:
    """The window's target for label and status commands on a server project.

    ``known_status(article, coder)`` is the status the window shows; offline it stands in for
    the server's answer to "which status did this replace?" (what undo puts back).
    """

    def __init__(
        self,
        target: Target,
        journal: Journal,
        known_status: Callable[[int, str], Status],
        on_change: Callable[[], None] = lambda: None,
    ) -> None:
        self.target = target
        self.journal = journal
        self.known_status = known_status
        self.on_change = on_change
        self._lock = threading.Lock()  # between journaling (GUI thread) and send (a worker)
        self._pending = len(journal)

    @property
    def pending(self) -> int:
        """Changes kept on this computer, not yet on the server."""
        return self._pending

    @property
    def offline(self) -> bool:
        return self._pending > 0

    def write_changes(self, changes: Sequence[LabelChange], batch: str = "") -> list[LabelChange]:
        if not self.offline:
            try:
                return self.target.write_changes(changes, batch)
            except ServerUnavailableError as exc:
                log.warning("server unreachable, journaling %d changes: %s", len(changes), exc)
        self._keep(_changes_entry(changes, batch))
        return list(changes)

    def replace_status(self, article: int, coder: str, status: Status) -> Status:
        if not self.offline:
            try:
                return self.target.replace_status(article, coder, status)
            except ServerUnavailableError as exc:
                log.warning("server unreachable, journaling a status: %s", exc)
        before = self.known_status(article, coder)
        self._keep({"kind": "status", "article": article, "coder": coder, "status": int(status)})
        return before

    def _keep(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.journal.append(entry)
            self._pending += 1
        self.on_change()

    def send(self) -> int:
        """Send what the journal holds, in order; returns how many entries the server took.
        Stops at the first that fails because the server is still away (the rest wait).

        May run on a worker thread while the window keeps journaling: entries kept meanwhile
        are appended after those being sent and stay. It does not call ``on_change`` (that
        repaints, on the GUI thread): the caller repaints when it returns."""
        with self._lock:
            entries = self.journal.entries()
        sent = 0
        try:
            for entry in entries:
                if entry["kind"] == "labels":
                    self.target.write_changes(_changes_of(entry), entry.get("batch", ""))
                else:
                    self.target.replace_status(
                        int(entry["article"]), str(entry["coder"]), Status(int(entry["status"]))
                    )
                sent += 1
        except ServerUnavailableError as exc:
            log.info("server still unreachable after %d of %d entries: %s", sent, len(entries), exc)
        finally:
            if sent:
                with self._lock:
                    now = self.journal.entries()  # the sent ones, then any kept meanwhile
                    self.journal.keep_only(now[sent:])
                    self._pending = len(now) - sent
        return sent


def toggle_command_offline(
    codebook: ProjectCodebook,
    have: dict[int, set[int]],
    code: CodeRecord,
    coder_id: int,
) -> LabelCommand:
    """A key press planned from what the window shows (``have``: sentence id -> the coder's
    code ids there) when the server cannot be asked: the same rule as Project.toggle_command
    (all have it: remove; else add, replacing the coder's other code of a single-choice group).
    """
    ids = list(have)
    group = next((g for g in codebook.groups if g.id == code.group_id), None)
    siblings = set() if code.multiple or group is None else {c.id for c in group.codes}
    changes = toggle_plan(have, ids, code, coder_id, siblings - {code.id}) if ids else []
    verb = "Remove" if changes and not any(c.add for c in changes) else "Apply"
    n = len(ids)
    return LabelCommand(f"{verb} {code.name} ({n} sentence{'s' if n != 1 else ''})", tuple(changes))
