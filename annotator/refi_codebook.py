"""Moved to ``annotator.codebook.refi_format``.

Kept only for ``annotator.refi_project``, which imports from here and is being moved on branch
writer12; the lead deletes this module at merge.
"""

from __future__ import annotations

from annotator.codebook.refi_format import (
    CODEBOOK_NS,
    PROJECT_NS,
    codebook_from_refi_element,
    normalize_guid,
    read_qdc,
    write_qdc,
)

__all__ = [
    "CODEBOOK_NS",
    "PROJECT_NS",
    "codebook_from_refi_element",
    "normalize_guid",
    "read_qdc",
    "write_qdc",
]
