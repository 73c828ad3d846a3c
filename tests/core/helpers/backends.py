"""For tests that run on both backends (the ``backend`` fixture): reopen a project either way."""

from __future__ import annotations

from typing import Any

from annotator import Project


def where(project: Project) -> Any:
    """What Project.open takes to open ``project`` again: its file, or its server URL."""
    return project.location if project.is_server else project.path


def reopen(project: Project, **options: Any) -> Project:
    """Open the same project again (a second connection: what another window or process sees)."""
    return Project.open(where(project), **options)
