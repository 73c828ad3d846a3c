"""Moved to ``annotator.storage.models`` (the schema belongs to the storage layer).

Kept only for ``annotator.merge``, which imports ``new_uid`` from here and is being moved on
branch writer12; the lead deletes this module at merge.
"""

from __future__ import annotations

from annotator.storage.models import new_uid

__all__ = ["new_uid"]
