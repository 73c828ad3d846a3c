"""What an export says about an article besides its sentences: metadata, coder status, memos.

Shared by the long and wide layouts (CSV and XLSX) so that every file names the same facts
the same way: ``article_source`` ... ``article_language``, then one ``meta:<key>`` column per
custom metadata field found in the project, and a coder's status as ``done``, ``in progress``
or ``not started``. The reads are in ``storage.export_facts``.
"""

from __future__ import annotations

from collections.abc import Sequence

from annotator.records import Status

METADATA_COLUMNS = ["article_source", "article_date", "article_url", "article_language"]
META_PREFIX = "meta:"
STATUS_NAMES = {int(s): s.label for s in Status}  # 0 "not started", 1 "in progress", 2 "done"


def status_name(value: int | None) -> str:
    """The status as the files spell it; no status row means the coder has not started."""
    return STATUS_NAMES.get(int(value or 0), STATUS_NAMES[0])


def metadata_columns(keys: Sequence[str]) -> list[str]:
    return METADATA_COLUMNS + [META_PREFIX + k for k in keys]
