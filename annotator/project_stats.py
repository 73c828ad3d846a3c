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
    from annotator.records import TeamMember


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

    def team_progress(self) -> list[TeamMember]:
        """Each coder: articles assigned, in progress and done, and labels added in the last
        hour (the live pace; ``coding_stats`` gives the averages). On a server project each
        coder's role there ("lead" or "coder"); the lead reads everyone's, a coder of a blind
        project only their own (the server's rules)."""
        from annotator.storage.assignment_store import team_members
        from annotator.storage.server_admin import coder_roles

        with read_session(self.engine) as s:
            roles = {}
            if s.connection().dialect.name == "postgresql":
                roles = coder_roles(s.connection(), str(self.engine.url.database))
            return team_members(s, roles)
