"""The argparse type of every project argument: a project file, or a PostgreSQL URL."""

from __future__ import annotations

from pathlib import Path

from annotator.server_urls import is_server_url


def project_arg(text: str) -> Path | str:
    """A file path, or a server URL kept as text (``Path`` would fold its ``//``)."""
    return text if is_server_url(text) else Path(text)
