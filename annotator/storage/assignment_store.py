"""Assignment rows (who codes which article) and the per-coder progress a lead watches.

Plain Core SQL on the assignment, article, article_status and label_event tables, so it runs the
same on a SQLite project file and on a server project.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, select
from sqlmodel import Session

from annotator.assignment_plan import Plan, plan
from annotator.errors import NotFoundError
from annotator.records import TeamMember
from annotator.storage import tables as t

#: Article columns a plan can be stratified by; any other name is a field of the article's meta.
ARTICLE_FIELDS = ("source", "language", "date")


def _strata(session: Session, by: str | None) -> list[tuple[int, str]]:
    a = t.article
    if by is None:
        return [(int(i), "") for i in session.execute(select(a.c.id)).scalars()]
    if by in ARTICLE_FIELDS:
        rows = session.execute(select(a.c.id, a.c[by])).all()
        return [(int(i), str(v or "")) for i, v in rows]
    out: list[tuple[int, str]] = []
    for article_id, meta_json in session.execute(select(a.c.id, a.c.meta_json)).all():
        try:
            meta = json.loads(meta_json or "{}")
        except ValueError:
            meta = {}
        value = meta.get(by, "") if isinstance(meta, dict) else ""
        out.append((int(article_id), "" if value is None else str(value)))
    return out


def coder_ids(session: Session, names: Sequence[str]) -> dict[str, int]:
    rows = session.execute(select(t.coder.c.name, t.coder.c.id).where(t.coder.c.name.in_(names)))
    found = {str(n): int(i) for n, i in rows}
    missing = [n for n in names if n not in found]
    if missing:
        raise NotFoundError(f"no coder named {', '.join(missing)} in the project (add them first)")
    return found


def assign_articles(
    session: Session,
    coders: Sequence[str],
    overlap: float,
    seed: int | None = None,
    by: str | None = None,
) -> Plan[str]:
    """Replace every assignment row with a new plan (see annotator.assignment_plan); labels,
    statuses and memos are not touched. Returns the plan, by coder name."""
    ids = coder_ids(session, coders)
    drawn = plan(_strata(session, by), list(coders), overlap, seed)
    now = datetime.now(UTC)
    session.execute(t.assignment.delete())
    rows = [
        {"article_id": a, "coder_id": ids[c], "overlap": o, "assigned_at": now}
        for a, c, o in drawn.rows()
    ]
    if rows:
        session.execute(t.assignment.insert(), rows)
    return drawn


def assignments(session: Session) -> list[tuple[int, str, bool]]:
    """(article id, coder name, overlap) rows the caller may see, by article then coder."""
    rows = session.execute(
        select(t.assignment.c.article_id, t.coder.c.name, t.assignment.c.overlap)
        .join(t.coder, t.coder.c.id == t.assignment.c.coder_id)
        .order_by(t.assignment.c.article_id, t.coder.c.name)
    ).all()
    return [(int(a), str(c), bool(o)) for a, c, o in rows]


@dataclass(frozen=True)
class CoderCounts:
    coder_id: int
    name: str
    assigned: int
    in_progress: int
    done: int


def coder_counts(session: Session) -> list[CoderCounts]:
    """Per coder row: articles assigned, in progress (status 1) and done (status 2)."""
    assigned = (
        select(t.assignment.c.coder_id, func.count().label("n"))
        .group_by(t.assignment.c.coder_id)
        .subquery()
    )
    s = t.article_status
    status = (
        select(
            s.c.coder_id,
            func.sum(case((s.c.status == 1, 1), else_=0)).label("progress"),
            func.sum(case((s.c.status == 2, 1), else_=0)).label("done"),
        )
        .group_by(s.c.coder_id)
        .subquery()
    )
    c = t.coder
    rows = session.execute(
        select(c.c.id, c.c.name, assigned.c.n, status.c.progress, status.c.done)
        .outerjoin(assigned, assigned.c.coder_id == c.c.id)
        .outerjoin(status, status.c.coder_id == c.c.id)
        .order_by(c.c.name)
    ).all()
    return [
        CoderCounts(int(i), str(n), int(a or 0), int(p or 0), int(d or 0)) for i, n, a, p, d in rows
    ]


def overlap_article_ids(session: Session) -> list[int]:
    """The reliability sample: articles assigned with ``overlap`` (to every assigned coder)."""
    a = t.assignment.c
    rows = session.execute(select(a.article_id).where(a.overlap.is_(True)).distinct())
    return sorted(int(r[0]) for r in rows)


#: The window over which the team view counts a coder's pace.
PACE_WINDOW = timedelta(hours=1)


def labels_since(session: Session, since: timedelta) -> dict[int, int]:
    """coder id -> labels added (label_event "add") in the last ``since``."""
    start = datetime.now(UTC) - since
    rows = session.execute(
        select(t.label_event.c.coder_id, func.count())
        .where(t.label_event.c.action == "add", t.label_event.c.at >= start)
        .group_by(t.label_event.c.coder_id)
    ).all()
    return {int(c): int(n) for c, n in rows}


def team_members(session: Session, roles: dict[str, str]) -> list[TeamMember]:
    """Each coder row: assigned / in progress / done articles and labels added in the last
    hour (the live pace, not an average over coding time, which ``annotator stats`` gives);
    ``roles`` names each login's role on a server ("lead"/"coder"; absent: "")."""
    pace = labels_since(session, PACE_WINDOW)
    return [
        TeamMember(
            name=c.name,
            role=roles.get(c.name, ""),
            assigned=c.assigned,
            in_progress=c.in_progress,
            done=c.done,
            labels_last_hour=pace.get(c.coder_id, 0),
        )
        for c in coder_counts(session)
    ]
