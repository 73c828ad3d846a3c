"""Per-user UI state in QSettings: every key is declared once here, with its type and default.

Only things that do not change results live here (geometry, zoom, recent files, coder name, where
the coder left off). Labels, statuses and memos live in the project file.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

T = TypeVar("T")

MAX_RECENT = 8
DEMO_FILE = "demo.annotator"


@dataclass(frozen=True)
class Key(Generic[T]):
    name: str
    type: type
    default: T


CODER: Key[str] = Key("coder/name", str, "")
LAST_PROJECT: Key[str] = Key("project/last", str, "")
RECENT_PROJECTS: Key[list[str]] = Key("project/recent", list, [])
GEOMETRY: Key[QByteArray] = Key("window/geometry", QByteArray, QByteArray())
WINDOW_STATE: Key[QByteArray] = Key("window/state", QByteArray, QByteArray())
SPLITTER: Key[QByteArray] = Key("window/splitter", QByteArray, QByteArray())
SENTENCE_POINT_SIZE: Key[float] = Key("view/sentence_point_size", float, 0.0)  # 0: app default
SHOW_OTHER_CODERS: Key[bool] = Key("view/show_other_coders", bool, False)
#: "system" (follow the desktop's light or dark scheme), "light" or "dark"
THEME: Key[str] = Key("view/theme", str, "system")
#: one per project file and coder (suffix: hashes of both): "article_id:sentence_id"
POSITION: Key[str] = Key("position", str, "")


def data_dir() -> Path:
    """The user's data folder (where the demo project lives); ANNOTATOR_DATA_DIR overrides it."""
    override = os.environ.get("ANNOTATOR_DATA_DIR")
    if override:
        return Path(override)
    loc = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(loc) if loc else Path.home() / ".annotator"


def demo_project_path() -> Path:
    return data_dir() / DEMO_FILE


class Settings:
    """Typed access to QSettings; tests point QSettings at a temporary folder."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.q = qsettings if qsettings is not None else QSettings()

    def get(self, key: Key[T], suffix: str = "") -> T:
        name = f"{key.name}/{suffix}" if suffix else key.name
        raw: Any = self.q.value(name, None)
        if raw is None:
            return key.default
        try:
            if key.type is bool:
                if isinstance(raw, str):
                    return raw.lower() in ("true", "1", "yes")  # type: ignore[return-value]
                return bool(raw)  # type: ignore[return-value]
            if key.type is list:
                if isinstance(raw, str):
                    return [raw]  # type: ignore[return-value]
                return list(raw)  # type: ignore[return-value]
            if key.type is QByteArray:
                return QByteArray(raw)  # type: ignore[return-value]
            return key.type(raw)  # type: ignore[no-any-return]
        except (TypeError, ValueError):
            return key.default

    def set(self, key: Key[T], value: T, suffix: str = "") -> None:
        name = f"{key.name}/{suffix}" if suffix else key.name
        self.q.setValue(name, value)

    def sync(self) -> None:
        self.q.sync()

    # -- derived helpers ---------------------------------------------------------------
    def add_recent(self, path: Path) -> list[str]:
        entry = str(Path(path).resolve())
        recent = [p for p in self.get(RECENT_PROJECTS) if p != entry]
        recent.insert(0, entry)
        recent = recent[:MAX_RECENT]
        self.set(RECENT_PROJECTS, recent)
        self.set(LAST_PROJECT, entry)
        return recent

    def position(self, project_path: Path, coder: str) -> tuple[int | None, int | None]:
        """Where this coder left off in this project: (article id, sentence id).

        Per coder: coders who share a computer each come back to their own place.
        """
        raw = self.get(POSITION, _position_key(project_path, coder))
        article, _, sentence = raw.partition(":")
        return _int_or_none(article), _int_or_none(sentence)

    def set_position(
        self, project_path: Path, coder: str, article_id: int | None, sentence_id: int | None
    ) -> None:
        value = f"{article_id or ''}:{sentence_id or ''}"
        self.set(POSITION, value, _position_key(project_path, coder))


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _position_key(path: Path, coder: str) -> str:
    return f"{_hash(str(Path(path).resolve()))}-{_hash(coder)}"


def _int_or_none(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None
