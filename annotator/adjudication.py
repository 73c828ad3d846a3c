"""Adjudication: a lead researcher settles the coders' disagreements into one final dataset.

The final codes are labels of a coder named "adjudicated", written through the same label writes
as any coder's (so they are in the event log, export and compare like any other coder). A decision
row per (sentence, code group) remembers that a sentence was decided, which is how a decision for
"no code" is told apart from "not decided yet".

Article status of the adjudicated coder: an article becomes *done* once every one of its sentences
has a decision in every code group of the codebook (decided by hand or accepted because all coders
agreed). Only then may the adjudicated coder be compared with others, because a done article
states that its uncoded sentences are deliberately "none". A decision is never undone, so the
status only ever moves up to done.

The SQL here touches two tables only (the decisions and the adjudicated coder's labels); label
changes themselves go through ``annotator.storage.label_writes``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, Table, delete, func, inspect, select
from sqlmodel import Session

from annotator.errors import AnnotatorError, ReadOnlyProjectError
from annotator.models import Adjudication
from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.project import Project
from annotator.records import CodeRecord, GroupRecord, LabelChange, Status
from annotator.storage import coding_state, label_writes
from annotator.storage import tables as t
from annotator.storage.reliability_queries import ADJUDICATED, NONE_VALUE
from annotator.storage.unit_of_work import read_session, write_session

log = logging.getLogger(__name__)

AGREEMENT_NOTE = "agreement"
_table: Table = Adjudication.__table__  # type: ignore[attr-defined]
_CHUNK = 900


class AdjudicationError(AnnotatorError):
    """A decision that cannot be stored as asked (unknown code, two codes in a single group)."""


@dataclass(frozen=True)
class Decision:
    codes: tuple[str, ...]  # the adjudicated coder's codes of the group now (may be empty)
    decided_by: str
    decided_at: datetime
    note: str


@dataclass(frozen=True)
class AdjudicationItem:
    """One disagreement with the coders' codes and the decision taken so far (None: open)."""

    article_id: int
    article_title: str
    sentence_id: int
    sentence_index: int
    sentence_text: str
    codes: dict[str, tuple[str, ...]]
    decision: Decision | None

    @property
    def resolved(self) -> bool:
        return self.decision is not None


def resolve_group(project: Project, group: str | None) -> GroupRecord:
    """The code group by name or uid; the first group by position when None."""
    groups = project.codebook.groups
    if not groups:
        raise AdjudicationError("the project has no code groups: add a codebook first")
    if group is None:
        return groups[0]
    for g in groups:
        if group in (g.name, g.uid):
            return g
    names = ", ".join(repr(g.name) for g in groups)
    raise AdjudicationError(f"no code group {group!r} (groups: {names})")


def adjudication_items(
    project: Project, coders: Sequence[str] | None = None, group: str | None = None
) -> list[AdjudicationItem]:
    """The disagreements between ``coders`` in ``group``, each with its current decision."""
    _check_coders(coders)
    grp = resolve_group(project, group)
    rows = project.disagreements(coders, grp.name)
    decisions = _decisions(project, [r.sentence_id for r in rows], grp)
    return [
        AdjudicationItem(
            r.article_id,
            r.article_title,
            r.sentence_id,
            r.sentence_index,
            r.sentence_text,
            dict(r.codes),
            decisions.get(r.sentence_id),
        )
        for r in rows
    ]


def progress(
    project: Project, coders: Sequence[str] | None = None, group: str | None = None
) -> tuple[int, int]:
    """(resolved, total) disagreements of ``group`` between ``coders``."""
    items = adjudication_items(project, coders, group)
    return sum(1 for i in items if i.resolved), len(items)


def decide(
    project: Project,
    sentence_id: int,
    group: str | None,
    codes: Sequence[str],
    decided_by: str,
    note: str = "",
) -> set[int]:
    """Make the adjudicated coder's codes of ``group`` on the sentence exactly ``codes`` (empty:
    none) and record the decision, in one transaction. Returns the sentence ids affected."""
    _writable(project)
    grp = resolve_group(project, group)
    wanted = _code_ids(grp, codes)
    coder = project.coder_id(ADJUDICATED)
    group_codes = {c.id for c in grp.codes}
    with write_session(project.engine) as s:
        _ensure_table(s.connection())
        have = label_writes.current_codes(s, [sentence_id], coder)[sentence_id] & group_codes
        changes = _changes(sentence_id, have, wanted, coder)
        label_writes.apply_changes(s, changes, batch=f"adjudicate:{sentence_id}")
        now = datetime.now(UTC)
        s.execute(
            delete(_table).where(_table.c.sentence_id == sentence_id, _table.c.group_id == grp.id)
        )
        s.execute(
            _table.insert().values(
                sentence_id=sentence_id, group_id=grp.id, decided_by=decided_by,
                decided_at=now, note=note,
            )
        )  # fmt: skip
        _mark_done_articles(s, project, coder, _articles_of(s, [sentence_id]))
    return {sentence_id}


def accept_agreements(
    project: Project,
    coders: Sequence[str] | None = None,
    group: str | None = None,
    decided_by: str = "",
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> int:
    """Copy every sentence on which all ``coders`` agree (including on "no code") into the
    adjudicated coder, as decisions noted "agreement", in one transaction.

    Sentences already decided are left as they are, so running it twice changes nothing.
    Returns the number of sentences accepted.
    """
    _writable(project)
    _check_coders(coders)
    grp = resolve_group(project, group)
    progress(0, 4)
    data = project.reliability_data(coders, grp.name)
    if data.n_coders < 2:
        raise AdjudicationError("accepting agreements needs at least two coders")
    codes = data.codes
    agree = (codes >= 0).all(axis=1) & (codes == codes[:, :1]).all(axis=1)
    rows = np.flatnonzero(agree)
    by_name = {c.name: c.id for c in grp.codes}
    wanted: dict[int, set[int]] = {}
    for r in rows.tolist():
        value = data.domain[int(codes[r, 0])]
        names = sorted(value) if isinstance(value, frozenset) else [value]
        sid = int(data.units[r])  # type: ignore[call-overload]  # project units are sentence ids
        wanted[sid] = {by_name[n] for n in names if n != NONE_VALUE}
    progress(1, 4)
    if cancel is not None:
        cancel.check()
    coder = project.coder_id(ADJUDICATED)
    group_codes = {c.id for c in grp.codes}
    with write_session(project.engine) as s:
        conn = s.connection()
        _ensure_table(conn)
        decided = set(
            conn.execute(select(_table.c.sentence_id).where(_table.c.group_id == grp.id)).scalars()
        )
        todo = [sid for sid in wanted if sid not in decided]
        have: dict[int, set[int]] = {sid: set() for sid in todo}
        lab = t.label.c
        for sid, code_id in conn.execute(
            select(lab.sentence_id, lab.code_id).where(
                lab.coder_id == coder, lab.code_id.in_(group_codes)
            )
        ):
            if sid in have:
                have[sid].add(code_id)
        changes = [ch for sid in todo for ch in _changes(sid, have[sid], wanted[sid], coder)]
        progress(2, 4)
        if cancel is not None:
            cancel.check()
        label_writes.apply_changes(s, changes, batch=f"accept-agreements:{grp.uid}")
        now = datetime.now(UTC)
        if todo:
            s.execute(
                _table.insert(),
                [
                    {"sentence_id": sid, "group_id": grp.id, "decided_by": decided_by,
                     "decided_at": now, "note": AGREEMENT_NOTE}
                    for sid in todo
                ],
            )  # fmt: skip
        progress(3, 4)
        _mark_done_articles(s, project, coder, _articles_of(s, todo))
    progress(4, 4)
    log.info("accepted %d agreeing sentences of group %r", len(todo), grp.name)
    return len(todo)


# -- helpers ------------------------------------------------------------------------------------


def _writable(project: Project) -> None:
    if project.read_only:
        raise ReadOnlyProjectError(
            f"{project.path.name} is open read-only: decisions cannot be stored"
        )


def _check_coders(coders: Sequence[str] | None) -> None:
    if coders is not None and ADJUDICATED in coders:
        raise AdjudicationError(
            f"the coder {ADJUDICATED!r} holds the decisions: leave it out of the coders compared"
        )


def _code_ids(grp: GroupRecord, codes: Sequence[str]) -> set[int]:
    found: list[CodeRecord] = []
    for name in codes:
        hits = [c for c in grp.codes if name in (c.name, c.uid)]
        if not hits:
            names = ", ".join(repr(c.name) for c in grp.codes)
            raise AdjudicationError(f"no code {name!r} in group {grp.name!r} (codes: {names})")
        found.append(hits[0])
    ids = {c.id for c in found}
    if not grp.multiple and len(ids) > 1:
        raise AdjudicationError(
            f"group {grp.name!r} is single-choice: decide one code, not {len(ids)}"
        )
    return ids


def _changes(sentence_id: int, have: set[int], wanted: set[int], coder: int) -> list[LabelChange]:
    return [LabelChange(sentence_id, c, coder, add=False) for c in sorted(have - wanted)] + [
        LabelChange(sentence_id, c, coder, add=True) for c in sorted(wanted - have)
    ]


def _ensure_table(conn: Connection) -> None:
    """Files made before the decision table existed get it on their first decision."""
    _table.create(conn, checkfirst=True)


def _has_table(conn: Connection) -> bool:
    return bool(inspect(conn).has_table(_table.name))


def _decisions(
    project: Project, sentence_ids: Sequence[int], grp: GroupRecord
) -> dict[int, Decision]:
    out: dict[int, Decision] = {}
    if not sentence_ids:
        return out
    names = {c.id: c.name for c in grp.codes}
    order = {c.id: i for i, c in enumerate(grp.codes)}
    with read_session(project.engine) as s:
        conn = s.connection()
        if not _has_table(conn):
            return out
        coder = conn.execute(select(t.coder.c.id).where(t.coder.c.name == ADJUDICATED)).scalar()
        a, lab = _table.c, t.label.c
        for i in range(0, len(sentence_ids), _CHUNK):
            chunk = list(sentence_ids[i : i + _CHUNK])
            labels: dict[int, list[int]] = {}
            if coder is not None:
                for sid, code_id in conn.execute(
                    select(lab.sentence_id, lab.code_id).where(
                        lab.coder_id == coder,
                        lab.sentence_id.in_(chunk),
                        lab.code_id.in_(list(names)),
                    )
                ):
                    labels.setdefault(int(sid), []).append(int(code_id))
            for sid, by, at, note in conn.execute(
                select(a.sentence_id, a.decided_by, a.decided_at, a.note).where(
                    a.group_id == grp.id, a.sentence_id.in_(chunk)
                )
            ):
                ids = sorted(labels.get(int(sid), []), key=lambda c: order[c])
                out[int(sid)] = Decision(tuple(names[c] for c in ids), str(by), at, str(note))
    return out


def _articles_of(session: Session, sentence_ids: Sequence[int]) -> set[int]:
    out: set[int] = set()
    for i in range(0, len(sentence_ids), _CHUNK):
        chunk = list(sentence_ids[i : i + _CHUNK])
        out.update(
            int(a)
            for a in session.execute(
                select(t.sentence.c.article_id).where(t.sentence.c.id.in_(chunk)).distinct()
            ).scalars()
        )
    return out


def _mark_done_articles(session: Session, project: Project, coder: int, articles: set[int]) -> None:
    """Done for the adjudicated coder: every sentence has a decision in every code group."""
    if not articles:
        return
    n_groups = len(project.codebook.groups)
    s, a = t.sentence.c, _table.c
    decided: dict[int, int] = {}
    n_sentences: dict[int, int] = {}
    ids = sorted(articles)
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        stmt: Any = (
            select(s.article_id, func.count())
            .select_from(_table.join(t.sentence, s.id == a.sentence_id))
            .where(s.article_id.in_(chunk))
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
    "ADJUDICATED",
    "AGREEMENT_NOTE",
    "AdjudicationError",
    "AdjudicationItem",
    "Decision",
    "accept_agreements",
    "adjudication_items",
    "decide",
    "progress",
    "resolve_group",
]
