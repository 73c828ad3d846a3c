"""Adjudication: a lead researcher settles the coders' disagreements into one final dataset.

The final codes are labels of a coder named "adjudicated", written through the same label writes
as any coder's (so they are in the event log, export and compare like any other coder). A decision
row per (sentence, code group) remembers that a sentence was decided, which is how a decision for
"no code" is told apart from "not decided yet".

Article status of the adjudicated coder: an article becomes *done* once every one of its sentences
has a decision in every active code group (decided by hand or accepted because all coders
agreed). Only then may the adjudicated coder be compared with others, because a done article
states that its uncoded sentences are deliberately "none". A decision is never undone, so the
status only ever moves up to done.

Codes removed from the codebook but still used by coders stay decidable: the group is read from
the database with all such codes (``reliability_queries.resolve_group``), not from the codebook.
All SQL is in ``annotator.storage.adjudication_store`` and ``label_writes``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from annotator.agreement.data import ReliabilityData
from annotator.errors import AnnotatorError, ReadOnlyProjectError
from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.project import Project
from annotator.records import CodeRecord, LabelChange
from annotator.storage import adjudication_store as store
from annotator.storage import label_writes
from annotator.storage.adjudication_store import Decision
from annotator.storage.label_writes import articles_of, current_codes
from annotator.storage.reliability_queries import (
    ADJUDICATED,
    NONE_VALUE,
    DisagreementRow,
    StoredGroup,
    comparable_articles,
    disagreement_rows,
    reliability_from_project,
)
from annotator.storage.reliability_queries import resolve_group as _resolve
from annotator.storage.unit_of_work import read_session, write_session

log = logging.getLogger(__name__)

AGREEMENT_NOTE = "agreement"
#: sentences written per transaction by accept_agreements: short enough that a coder's key press
#: (a write from the GUI thread, busy timeout 10 s) never waits long behind it
ACCEPT_CHUNK = 2000


class AdjudicationError(AnnotatorError):
    """A decision that cannot be stored as asked (unknown code, two codes in a single group)."""


@dataclass(frozen=True)
class AdjudicationItem(DisagreementRow):
    """One disagreement with the decision taken so far (None: open)."""

    decision: Decision | None = None

    @property
    def resolved(self) -> bool:
        return self.decision is not None


def resolve_group(project: Project, group: str | None) -> StoredGroup:
    """The code group by name or uid (the first active one when None), with every code still
    in use, including codes removed from the codebook."""
    with read_session(project.engine) as s:
        return _resolve(s, group, AdjudicationError)


def adjudication_items(
    project: Project, coders: Sequence[str] | None = None, group: str | None = None
) -> list[AdjudicationItem]:
    """The disagreements between ``coders`` in ``group``, each with its current decision."""
    _check_coders(coders)
    with read_session(project.engine) as s:
        grp = _resolve(s, group, AdjudicationError)
        rows = disagreement_rows(s, coders=coders, group=grp)
        decided = store.decisions(s, grp, [r.sentence_id for r in rows])
    return [
        AdjudicationItem(
            r.article_id, r.article_title, r.sentence_id, r.sentence_index, r.sentence_text,
            dict(r.codes), r.article_uid, r.sentence_start, r.sentence_end,
            decision=decided.get(r.sentence_id),
        )
        for r in rows
    ]  # fmt: skip


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
    coder = project.coder_id(ADJUDICATED)
    with write_session(project.engine) as s:
        grp = _resolve(s, group, AdjudicationError)
        wanted = _code_ids(grp, codes)
        have = current_codes(s, [sentence_id], coder, (c.id for c in grp.codes))
        changes = _changes(sentence_id, have[sentence_id], wanted, coder)
        label_writes.apply_changes(s, changes, batch=f"adjudicate:{sentence_id}")
        store.record_decisions(s, grp.id, [sentence_id], decided_by, datetime.now(UTC), note)
        store.mark_done_articles(s, coder, articles_of(s, {sentence_id}).values())
    return {sentence_id}


def accept_agreements(
    project: Project,
    coders: Sequence[str] | None = None,
    group: str | None = None,
    decided_by: str = "",
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    chunk: int = ACCEPT_CHUNK,
) -> int:
    """Copy every sentence on which all ``coders`` agree (including on "no code") into the
    adjudicated coder, as decisions noted "agreement".

    Written in transactions of about ``chunk`` sentences (whole articles), each reading
    the coders' labels inside itself, so what is copied is what the coders have at that moment
    and other writers wait at most one chunk. Sentences already decided are left as they are, so
    running it twice changes nothing, and a cancelled run (checked between chunks) keeps the
    chunks written and is finished by running it again. Returns the number of sentences accepted.
    """
    _writable(project)
    _check_coders(coders)
    with read_session(project.engine) as s:
        grp = _resolve(s, group, AdjudicationError)
        names, articles = comparable_articles(s, coders)
    if len(names) < 2:
        raise AdjudicationError("accepting agreements needs at least two coders")
    coder = project.coder_id(ADJUDICATED)
    sizes = dict(articles)
    total = sum(sizes.values())
    accepted = done = 0
    progress(0, total)
    for batch in _article_chunks(articles, chunk):
        if cancel is not None:
            cancel.check()
        with write_session(project.engine) as s:
            grp = _resolve(s, grp.uid, AdjudicationError)
            data = reliability_from_project(s, coders=names, group=grp, article_ids=batch)
            wanted = _agreements(data, grp)
            decided = store.decided_sentences(s, grp.id, list(wanted))
            todo = [sid for sid in wanted if sid not in decided]
            have = current_codes(s, todo, coder, (c.id for c in grp.codes))
            changes = [ch for sid in todo for ch in _changes(sid, have[sid], wanted[sid], coder)]
            label_writes.apply_changes(s, changes, batch=f"accept-agreements:{grp.uid}")
            store.record_decisions(s, grp.id, todo, decided_by, datetime.now(UTC), AGREEMENT_NOTE)
            store.mark_done_articles(s, coder, batch)
        accepted += len(todo)
        done += sum(sizes[aid] for aid in batch)
        progress(done, total)
    log.info("accepted %d agreeing sentences of group %r", accepted, grp.name)
    return accepted


# -- helpers ------------------------------------------------------------------------------------


def _article_chunks(articles: Sequence[tuple[int, int]], size: int) -> list[list[int]]:
    """Article ids in groups of about ``size`` sentences (an article is never split)."""
    chunks: list[list[int]] = []
    current: list[int] = []
    n = 0
    for aid, count in articles:
        if current and n + count > size:
            chunks.append(current)
            current, n = [], 0
        current.append(aid)
        n += count
    if current:
        chunks.append(current)
    return chunks


def _agreements(data: ReliabilityData, grp: StoredGroup) -> dict[int, set[int]]:
    """sentence id -> the code ids every coder gave it, for the sentences all coders agree on."""
    codes = data.codes
    agree = (codes >= 0).all(axis=1) & (codes == codes[:, :1]).all(axis=1)
    by_name: dict[str, int] = {}  # as grp.code_named finds them (active codes first), once
    for code in sorted(grp.codes, key=lambda c: c.id in grp.removed):
        by_name.setdefault(code.name, code.id)
    out: dict[int, set[int]] = {}
    for r in np.flatnonzero(agree).tolist():
        value = data.domain[int(codes[r, 0])]
        names = sorted(value) if isinstance(value, frozenset) else [value]
        sid = int(data.units[r])  # type: ignore[call-overload]  # project units are sentence ids
        out[sid] = {
            by_name[n] if n in by_name else _code_of(grp, n).id for n in names if n != NONE_VALUE
        }
    return out


def _code_of(grp: StoredGroup, name: str) -> CodeRecord:
    code = grp.code_named(name)
    if code is None:
        names = ", ".join(repr(c.name) for c in grp.codes)
        raise AdjudicationError(f"no code {name!r} in group {grp.name!r} (codes: {names})")
    return code


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


def _code_ids(grp: StoredGroup, codes: Sequence[str]) -> set[int]:
    ids = {_code_of(grp, name).id for name in codes}
    if not grp.multiple and len(ids) > 1:
        raise AdjudicationError(
            f"group {grp.name!r} is single-choice: decide one code, not {len(ids)}"
        )
    return ids


def _changes(sentence_id: int, have: set[int], wanted: set[int], coder: int) -> list[LabelChange]:
    return [LabelChange(sentence_id, c, coder, add=False) for c in sorted(have - wanted)] + [
        LabelChange(sentence_id, c, coder, add=True) for c in sorted(wanted - have)
    ]


__all__ = [
    "ACCEPT_CHUNK",
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
