"""Readers that turn files into articles, with no Qt and no database.

`expand_paths` says which files a choice of files and folders stands for; `read_path` reads one
file into ParsedArticle records and ImportProblem reports. Bad input never raises: it becomes an
ImportProblem whose message a researcher can act on.
"""

from __future__ import annotations

from annotator.imports.base import (
    MAX_FILE_BYTES,
    ImportProblem,
    ParsedArticle,
    TableOptions,
)
from annotator.imports.discovery import SUPPORTED_SUFFIXES, expand_paths
from annotator.imports.reading import read_path

__all__ = [
    "MAX_FILE_BYTES",
    "SUPPORTED_SUFFIXES",
    "ImportProblem",
    "ParsedArticle",
    "TableOptions",
    "expand_paths",
    "read_path",
]
