"""Logging set-up shared by the CLI and the app: a rotating file in the user's log folder."""

from __future__ import annotations

import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

_configured = False


def log_dir() -> Path:
    base = os.environ.get("ANNOTATOR_LOG_DIR")
    if base:
        return Path(base)
    if sys.platform == "win32":
        root = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        root = Path.home() / "Library" / "Logs"
    else:
        root = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state"))
    return root / "annotator"


def log_path() -> Path:
    return log_dir() / "annotator.log"


def configure_logging(debug: bool = False) -> Path | None:
    """Configure once; returns the log file path, or None if the folder can't be written."""
    global _configured
    root = logging.getLogger()
    if _configured:
        if debug:
            root.setLevel(logging.DEBUG)
        return log_path()
    _configured = True
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    path: Path | None = log_path()
    try:
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(fmt)
        root.addHandler(handler)
    except OSError:
        path = None
    if debug:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(fmt)
        root.addHandler(stream)
    return path
