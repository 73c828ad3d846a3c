"""annotator: sentence-level coding of news articles and inter-coder agreement (Qt-free core)."""

from __future__ import annotations

__all__ = ["Project", "__version__"]


def __getattr__(name: str) -> object:
    # Lazy so that `import annotator` stays cheap for the CLI's --version and for tests.
    if name == "Project":
        from annotator.project import Project

        return Project
    if name == "__version__":
        # One place for the number: the package metadata (pyproject.toml), see _version.py.
        from annotator._version import read_version

        value = read_version()
        globals()["__version__"] = value
        return value
    raise AttributeError(name)
