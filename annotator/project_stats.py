"""The part of ``Project`` that measures coding time from the event log (issue 14).

Reads only; the figures themselves are computed by ``annotator.coding_time``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from annotator.project_base import ProjectBase
from annotator.storage.unit_of_work import read_session

if TYPE_CHECKING:
    from annotator.coding_time import CodingStats


class ProjectStats(ProjectBase):
    """Mixed into Project (its services: ``annotator.project_base``)."""

    def coding_stats(
        self, coders: Sequence[str] | None = None, pause_s: float | None = None
    ) -> CodingStats:
        """Seconds per sentence, sessions, labels per hour, corrections per coder and per code,
        and done articles per day (definitions: ``annotator.coding_time``).

        ``coders``: by name (default: all); ``pause_s``: a longer pause ends a session
        (default 300 s)."""
        from annotator.coding_time import SESSION_PAUSE_S, coding_stats
        from annotator.storage.analytics_queries import coder_ids, done_statuses, label_events

        pause = SESSION_PAUSE_S if pause_s is None else pause_s
        with read_session(self.engine) as s:
            ids = list(coder_ids(s, coders).values())
            done = done_statuses(s, ids)
            return coding_stats(label_events(s, ids), done, pause)
