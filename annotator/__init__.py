"""annotator: sentence-level coding of news articles and inter-coder agreement (Qt-free core)."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["Project", "__version__"]


def __getattr__(name: str) -> object:
    # Lazy so that `import annotator` stays cheap for the CLI's --version and for tests.
    if name == "Project":
        from annotator.project import Project

        return Project
    raise AttributeError(name)
