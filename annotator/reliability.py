"""Reliability data for the agreement report and adjudication, read through the public API.

The windows that compare coders (ui.report_window, ui.adjudication_window, ui.coder_selector)
need a few things the storage layer computes: which coders to compare at first, how many
articles they all marked done, and the reliability data with its list of disagreements read
from one snapshot (so the figures and the rows agree). They get them here, by project, and never
open a session or import ``annotator.storage`` themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from annotator.storage import reliability_queries as _rq
from annotator.storage.reliability_queries import (
    ADJUDICATED,
    NONE_VALUE,
    DisagreementRow,
    StoredGroup,
)
from annotator.storage.unit_of_work import read_session

if TYPE_CHECKING:
    from annotator.agreement import ReliabilityData
    from annotator.progress import CancelToken
    from annotator.project import Project

__all__ = [
    "ADJUDICATED",
    "NONE_VALUE",
    "DisagreementRow",
    "StoredGroup",
    "default_coders",
    "done_by_all",
    "reliability_with_disagreements",
]


def default_coders(project: Project) -> list[str]:
    """The coders compared when none are chosen: those who share the most done articles
    (see storage.reliability_queries.default_coders for the rule)."""
    with read_session(project.engine) as s:
        return _rq.default_coders(s)


def done_by_all(project: Project, coders: Sequence[str]) -> int:
    """How many articles every one of `coders` marked done (unknown names: none)."""
    with read_session(project.engine) as s:
        return _rq.done_by_all(s, coders)


def reliability_with_disagreements(
    project: Project,
    coders: Sequence[str] | None = None,
    group: str | None = None,
    cancel: CancelToken | None = None,
    codebook_versions: frozenset[int] | None = None,
) -> tuple[ReliabilityData, list[DisagreementRow]]:
    """The reliability data of `group` for `coders` and its disagreeing sentences, from one
    read snapshot; `cancel` is checked between the two reads. `codebook_versions`: only labels
    made under these versions (None: all)."""
    with read_session(project.engine) as s:
        data = _rq.reliability_from_project(
            s, coders=coders, group=group, codebook_versions=codebook_versions
        )
        if cancel is not None:
            cancel.check()
        rows = _rq.disagreement_rows(s, data=data)
    return data, rows
