"""SQL of adjudication: decision rows and the adjudicated coder's labels of one code group.

Label changes themselves go through ``annotator.storage.label_writes`` (with their events); this
module reads decisions, records them, and settles the adjudicated coder's article status.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlmodel import Session

from annotator.records import Status
from annotator.storage import coding_state, queries
from annotator.storage import tables as t
from annotator.storage.label_writes import current_codes
from annotator.storage.reliability_queries import ADJUDICATED, StoredGroup

_CHUNK = 900


@dataclass(frozen=True)
class Decision:
    codes: tuple[str, ...]  # the adjudicated coder's codes of the group now (may be empty)
    decided_by: str
    decided_at: datetime
    note: str


def decided_sentences(session: Session, group_id: int, sentence_ids: Sequence[int]) -> set[int]:
    """Which of the sentences already have a decision in the group."""
    a = t.adjudication.c
    out: set[int] = set()
    for i in range(0, len(sentence_ids), _CHUNK):
        chunk = list(sentence_ids[i : i + _CHUNK])
        out.update(
            int(sid)
            for sid in session.execute(
                select(a.sentence_id).where(a.group_id == group_id, a.sentence_id.in_(chunk))
            ).scalars()
        )
    return out


def decisions(
    session: Session, group: StoredGroup, sentence_ids: Sequence[int]
) -> dict[int, Decision]:
    """The decision on each sentence that has one, with the adjudicated coder's codes now."""
    out: dict[int, Decision] = {}
    if not sentence_ids:
        return out
    names = {c.id: c.name for c in group.codes}
    order = {c.id: i for i, c in enumerate(group.codes)}
    coder = queries.coder_id(session, ADJUDICATED)
    labels = current_codes(session, sentence_ids, coder, names) if coder is not None else {}
    a = t.adjudication.c
    for i in range(0, len(sentence_ids), _CHUNK):
        chunk = list(sentence_ids[i : i + _CHUNK])
        for sid, by, at, note in session.execute(
            select(a.sentence_id, a.decided_by, a.decided_at, a.note).where(
                a.group_id == group.id, a.sentence_id.in_(chunk)
            )
        ):
            ids = sorted(labels.get(int(sid), set()), key=lambda c: order[c])
            out[int(sid)] = Decision(tuple(names[c] for c in ids), str(by), at, str(note))
    return out


def record_decisions(
    session: Session,
    group_id: int,
    sentence_ids: Sequence[int],
    decided_by: str,
    decided_at: datetime,
    note: str,
) -> None:
    """One decision row per sentence, replacing any earlier decision in the group."""
    if not sentence_ids:
        return
    a = t.adjudication.c
    for i in range(0, len(sentence_ids), _CHUNK):
        chunk = list(sentence_ids[i : i + _CHUNK])
        session.execute(
            delete(t.adjudication).where(a.group_id == group_id, a.sentence_id.in_(chunk))
        )
    session.execute(
        t.adjudication.insert(),
        [
            {"sentence_id": sid, "group_id": group_id, "decided_by": decided_by,
             "decided_at": decided_at, "note": note}
            for sid in sentence_ids
        ],
    )  # fmt: skip


def mark_done_articles(session: Session, coder: int, articles: Iterable[int]) -> None:
    """Done for the adjudicated coder: every sentence has a decision in every active group."""
    ids = sorted(set(articles))
    if not ids:
        return
    g = t.code_group.c
    active_groups = select(func.count()).select_from(t.code_group).where(g.active.is_(True))
    n_groups = int(session.execute(active_groups).scalar() or 0)
    s, a = t.sentence.c, t.adjudication.c
    decided: dict[int, int] = {}
    n_sentences: dict[int, int] = {}
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        stmt: Any = (
            select(s.article_id, func.count())
            .select_from(
                t.adjudication.join(t.sentence, s.id == a.sentence_id).join(
                    t.code_group, g.id == a.group_id
                )
            )
            .where(s.article_id.in_(chunk), g.active.is_(True))
            .group_by(s.article_id)
        )
        decided.update({int(k): int(v) for k, v in session.execute(stmt)})
        n_sentences.update(
            {
                int(k): int(v)
                for k, v in session.execute(
                    select(t.article.c.id, t.article.c.n_sentences).where(t.article.c.id.in_(chunk))
                )
            }
        )
    for aid in ids:
        if decided.get(aid, 0) >= n_sentences.get(aid, 0) * n_groups > 0:
            coding_state.set_status(session, aid, coder, Status.DONE)


__all__ = [
    "Decision",
    "decided_sentences",
    "decisions",
    "mark_done_articles",
    "record_decisions",
]
