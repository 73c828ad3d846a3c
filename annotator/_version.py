"""The version, read from one place: the package metadata that pyproject.toml's ``version`` becomes.

An installed wheel, an editable install and the frozen app (whose spec bundles the metadata with
PyInstaller's ``copy_metadata``) all answer through importlib.metadata. A source tree on
``sys.path`` without any install falls back to reading pyproject.toml itself, so no second copy of
the number is kept anywhere in the code.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

DISTRIBUTION = "annotator"
UNKNOWN = "0+unknown"
_PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
_VERSION_LINE = re.compile(r'^version\s*=\s*"([^"]+)"', re.MULTILINE)


def read_version() -> str:
    """The installed distribution's version, else the checkout's pyproject.toml, else UNKNOWN."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return version_from_pyproject(_PYPROJECT)


def version_from_pyproject(path: Path) -> str:
    """The ``[project] version`` of a pyproject.toml (the first ``version = "..."`` line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return UNKNOWN
    found = _VERSION_LINE.search(text)
    return found.group(1) if found else UNKNOWN
