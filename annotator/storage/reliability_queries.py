"""Reliability data from a project: which sentences count as units, and each coder's value.

Rule: a unit is a sentence of an article that every compared coder has marked done
(``ArticleStatus.status == 2``). In such an article a sentence a coder left without a code of the
group counts as the value "none" (single-choice) or the empty set (multiple-choice): a done
article is a statement that the rest was deliberately left uncoded, so it is not missing.

Core selects only (no ORM object per row): a million labels come back as integer tuples and are
placed with numpy.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, combinations
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Select, exists, func, select
from sqlalchemy.orm import Session

from annotator.agreement.coefficients import disagreement_index
from annotator.agreement.data import MISSING, ReliabilityData, first_repeated_cell, set_sort_key
from annotator.agreement.errors import AgreementError
from annotator.errors import AnnotatorError
from annotator.records import CodeRecord
from annotator.storage import tables
from annotator.storage.duplicate_store import duplicate_ids_select
from annotator.storage.queries import code_columns, code_record, ordered_group_uids

log = logging.getLogger(__name__)

NONE_VALUE = "none"
ADJUDICATED = "adjudicated"
DONE = 2
_IN_CHUNK = 500

_label = tables.label
_code = tables.code
_group = tables.code_group
_coder = tables.coder
_status = tables.article_status
_sentence = tables.sentence
_article = tables.article


@dataclass(frozen=True)
class DisagreementRow:
    """A sentence the coders coded differently; ``codes`` maps coder -> code names (may be ()).

    ``article_id``/``sentence_id`` are this file's row ids (for jumping to the sentence);
    ``article_uid`` and the offsets are what files carry (see docs/exchange.md).
    """

    article_id: int
    article_title: str
    sentence_id: int
    sentence_index: int
    sentence_text: str
    codes: dict[str, tuple[str, ...]]
    article_uid: str = ""
    sentence_start: int = 0
    sentence_end: int = 0

    @property
    def name(self) -> str:
        """How a report names the sentence: as the app does, "Title — sentence 4"."""
        return sentence_name(self.article_title, self.article_uid, self.sentence_index)


def sentence_name(title: str, article_uid: str, index: int) -> str:
    """A sentence as reports name it: its article's title (else uid) and its 1-based number,
    the ``sentence_number`` of every exported file."""
    return f"{title or article_uid} — sentence {index + 1}"


def sentence_names(session: Session, sentence_ids: Sequence[int]) -> dict[int, str]:
    """sentence id -> :func:`sentence_name`, for reports that list units by internal id."""
    s, a = _sentence.c, _article.c
    out: dict[int, str] = {}
    ids = list(sentence_ids)
    for i in range(0, len(ids), _IN_CHUNK):
        stmt = (
            select(s.id, a.title, a.uid, s.index)
            .join(_article, a.id == s.article_id)
            .where(s.id.in_(ids[i : i + _IN_CHUNK]))
        )
        for sid, title, uid, index in session.connection().execute(stmt):
            out[int(sid)] = sentence_name(str(title or ""), str(uid), int(index))
    return out


@dataclass(frozen=True)
class StoredGroup:
    """A code group as stored, with every code that can still matter.

    ``codes`` are the active codes plus codes removed from the codebook that still have labels
    (``removed`` holds the ids of those), in codebook order: decisions may name them, so they
    must stay resolvable. The reliability data of an active group leaves their labels out
    (docs/agreement.md); a group removed from the codebook (``active`` False, read by name)
    keeps all of its labels, as nothing of it would be left otherwise.
    """

    id: int
    uid: str
    name: str
    multiple: bool
    codes: tuple[CodeRecord, ...]
    removed: frozenset[int] = frozenset()
    ordered: bool = False  # the codebook declares the codes a scale, in codebook order
    active: bool = True  # False: the codebook no longer has the group

    def code_named(self, name: str) -> CodeRecord | None:
        """The code with this name or uid, an active one first when names repeat."""
        hits = [c for c in self.codes if name in (c.name, c.uid)]
        hits.sort(key=lambda c: c.id in self.removed)
        return hits[0] if hits else None


def reliability_from_project(
    session: Session,
    *,
    coders: Sequence[str] | None = None,
    group: str | StoredGroup | None = None,
    article_ids: Sequence[int] | None = None,
    codebook_versions: frozenset[int] | None = None,
) -> ReliabilityData:
    """Units = sentences of articles all ``coders`` marked done; values = codes of ``group``.

    Defaults: the first active code group by position; the coders of ``default_coders``. A
    ``group`` already resolved (resolve_group, same session) is not looked up again.
    Single-choice groups give nominal data (code name or "none"); multiple-choice
    groups give sets of code names (``level="multiple"``). Labels on codes the codebook no
    longer shows are left out, as in the window's progress (docs/agreement.md).
    ``codebook_versions``: only labels made under these versions count (None: all); the data
    records which versions its labels span.
    """
    return _extract(session.connection(), coders, group, article_ids, codebook_versions)


def disagreement_rows(
    session: Session,
    *,
    coders: Sequence[str] | None = None,
    group: str | StoredGroup | None = None,
    article_ids: Sequence[int] | None = None,
    data: ReliabilityData | None = None,
    codebook_versions: frozenset[int] | None = None,
) -> list[DisagreementRow]:
    """The sentences where the compared coders' values differ, in article and sentence order.

    Pass ``data`` already read (in the same session) to list the disagreements of exactly that
    snapshot, e.g. the one the coefficients were computed from; then the selectors are ignored.
    """
    conn = session.connection()
    if data is None:
        data = _extract(conn, coders, group, article_ids, codebook_versions)
    rows = disagreement_index(data)
    if rows.size == 0:
        return []
    sentence_ids = [int(data.units[r]) for r in rows.tolist()]
    info: dict[int, tuple[int, str, int, str, str, int, int]] = {}
    s, a = _sentence.c, _article.c
    length = s.end - s.start
    for i in range(0, len(sentence_ids), _IN_CHUNK):
        chunk = sentence_ids[i : i + _IN_CHUNK]
        stmt = (
            select(
                s.id,
                a.id,
                a.title,
                s.index,
                func.substr(a.text, s.start + 1, length),
                a.uid,
                s.start,
                s.end,
            )
            .join(_article, a.id == s.article_id)
            .where(s.id.in_(chunk))
        )
        for sid, aid, title, index, text, uid, start, end in conn.execute(stmt):
            info[int(sid)] = (
                int(aid), str(title), int(index), str(text), str(uid), int(start), int(end)
            )  # fmt: skip
    out = []
    for r, sid in zip(rows.tolist(), sentence_ids, strict=True):
        if sid not in info:  # data read in another snapshot, sentence split or merged since
            continue
        codes: dict[str, tuple[str, ...]] = {}
        for j, coder in enumerate(data.coders):
            c = int(data.codes[r, j])
            codes[str(coder)] = _as_codes(data.domain[c], data.categories) if c >= 0 else ()
        aid, title, index, text, uid, start, end = info[sid]
        out.append(DisagreementRow(aid, title, sid, index, text, codes, uid, start, end))
    return out


def comparable_articles(
    session: Session, coders: Sequence[str] | None = None
) -> tuple[list[str], list[tuple[int, int]]]:
    """The coders compared (resolved as for the reliability data) and (article id, sentence
    count) of every article they all marked done, by id: the units, without reading labels."""
    conn = session.connection()
    coder_ids, names = _resolve_coders(conn, coders)
    a = _article.c
    rows = conn.execute(
        select(a.id, a.n_sentences).where(a.id.in_(_done_articles(coder_ids, None))).order_by(a.id)
    ).all()
    return names, [(int(r[0]), int(r[1])) for r in rows]


def default_coders(session: Session) -> list[str]:
    """The coders compared when none are chosen: those who share the most done articles.

    Among the coders other than "adjudicated", take the pair(s) with the most articles both marked
    done; the group is every coder who marked all of that pair's shared articles done (so a tie
    between coders who finished the same articles gives all of them). Of several such groups the
    largest wins, then the first by name. If no two coders share a done article: every coder
    with any label except "adjudicated" (by name), as nothing can be compared yet anyway.
    """
    return _default_coder_names(session.connection())


def done_by_all(session: Session, coders: Sequence[str]) -> int:
    """How many articles every one of ``coders`` marked done (the articles their units come
    from); unknown names count as having done nothing."""
    conn = session.connection()
    c = _coder.c
    ids = [int(i) for i in conn.execute(select(c.id).where(c.name.in_(list(coders)))).scalars()]
    if not coders or len(ids) != len(set(coders)):
        return 0
    sub = _done_articles(ids, None).subquery()
    return int(conn.execute(select(func.count()).select_from(sub)).scalar() or 0)


def _default_coder_names(conn: Connection) -> list[str]:
    st, c = _status.c, _coder.c
    rows = conn.execute(
        select(c.name, st.article_id)
        .join(_status, st.coder_id == c.id)
        .where(st.status == DONE)
        .where(c.name != ADJUDICATED)
    ).all()
    done: dict[str, set[int]] = {}
    for name, article_id in rows:
        done.setdefault(str(name), set()).add(int(article_id))
    chosen = largest_sharing_group(done)
    if chosen:
        return chosen
    with_labels = select(_label.c.coder_id).distinct()
    names = conn.execute(select(c.name).where(c.id.in_(with_labels)).order_by(c.name)).scalars()
    return [str(n) for n in names if n != ADJUDICATED]


def largest_sharing_group(done: dict[str, set[int]]) -> list[str]:
    """The rule of ``default_coders`` on coder -> done article ids ([] if no two share one)."""
    names = sorted(done)
    best = 0
    tied: list[set[int]] = []
    for a, b in combinations(names, 2):
        shared = done[a] & done[b]
        if len(shared) > best:
            best, tied = len(shared), [shared]
        elif len(shared) == best and best:
            tied.append(shared)
    groups = [[n for n in names if shared <= done[n]] for shared in tied]
    groups.sort(key=lambda g: (-len(g), g))
    return groups[0] if groups else []


def _as_codes(value: Any, categories: Sequence[Any]) -> tuple[str, ...]:
    if isinstance(value, frozenset):
        order = {c: i for i, c in enumerate(categories)}
        return tuple(sorted(value, key=lambda c: order.get(c, len(order))))
    return () if value == NONE_VALUE else (str(value),)


# -- extraction ----------------------------------------------------------------------------------


def _extract(
    conn: Connection,
    coders: Sequence[str] | None,
    group: str | StoredGroup | None,
    article_ids: Sequence[int] | None,
    versions: frozenset[int] | None = None,
) -> ReliabilityData:
    grp = group if isinstance(group, StoredGroup) else resolve_group(conn, group)
    coder_ids, coder_names = _resolve_coders(conn, coders)
    done = _done_articles(coder_ids, article_ids)

    s = _sentence.c
    sent = conn.execute(
        select(s.id).where(s.article_id.in_(done)).order_by(s.article_id, s.index)
    ).all()
    sentence_ids = np.fromiter((r[0] for r in sent), dtype=np.int64, count=len(sent))

    lab, code = _label.c, _code.c
    stmt = (
        select(lab.sentence_id, lab.coder_id, lab.code_id)
        .join(_code, code.id == lab.code_id)
        .join(_sentence, s.id == lab.sentence_id)
        .where(code.group_id == grp.id)
        .where(lab.coder_id.in_(coder_ids))
        .where(s.article_id.in_(done))
    )
    hidden = grp.removed if grp.active else frozenset()
    if hidden:
        # Labels on codes the codebook no longer shows count for nothing, as in the window's
        # progress: a sentence with only such a label is one the coder left uncoded.
        stmt = stmt.where(lab.code_id.not_in(list(hidden)))
    if versions is not None:
        # only labels made under these codebook versions: another label counts as none given
        stmt = stmt.where(lab.codebook_version.in_(sorted(versions)))
    spanned = tuple(
        int(v)
        for v in conn.execute(
            stmt.with_only_columns(lab.codebook_version).distinct().order_by(lab.codebook_version)
        ).scalars()
    )
    raw = conn.execute(stmt).all()
    # fromiter over the flattened ints: np.array on Row objects probes each for array protocols
    flat = np.fromiter(chain.from_iterable(raw), dtype=np.int64, count=3 * len(raw))
    labels = flat.reshape(len(raw), 3)

    shown = [c for c in grp.codes if c.id not in hidden]
    code_ids = np.array([c.id for c in shown], dtype=np.int64)
    code_names = [c.name for c in shown]

    n_units, n_coders = len(sentence_ids), len(coder_ids)
    row = _positions(sentence_ids, labels[:, 0])
    col = _positions(np.array(coder_ids, dtype=np.int64), labels[:, 1])
    cpos = _positions(code_ids, labels[:, 2])
    log.debug("group %r: %d units, %d coders, %d labels", grp.name, n_units, n_coders, len(labels))

    if not grp.multiple:
        if NONE_VALUE in code_names:
            raise AgreementError(
                f"group {grp.name!r} has a code named {NONE_VALUE!r}, the value used for "
                "sentences without a code: rename the code"
            )
        k = first_repeated_cell(row, col, n_coders)
        if k is not None:
            raise AgreementError(
                f"coder {coder_names[col[k]]!r} has two codes of single-choice group "
                f"{grp.name!r} on sentence id {int(sentence_ids[row[k]])}"
            )
        # an ordered group is a scale: a sentence left without a code is off the scale, so
        # missing for that coder; otherwise it is the category "none"
        domain = tuple(code_names) if grp.ordered else (*code_names, NONE_VALUE)
        uncoded = MISSING if grp.ordered else len(code_names)
        codes = np.full((n_units, n_coders), uncoded, dtype=np.int32)
        codes[row, col] = cpos
        return ReliabilityData(
            codes=codes,
            units=tuple(sentence_ids.tolist()),
            coders=tuple(coder_names),
            domain=domain,
            categories=domain,
            level="ordinal" if grp.ordered else "nominal",
            declared=True,
            codebook_versions=spanned,
        )

    sets = _code_sets(n_units, n_coders, row, col, cpos, len(code_names))
    uniq, inverse = np.unique(sets.ravel(), return_inverse=True)
    observed = [frozenset(code_names[b] for b in _bits(int(m))) for m in uniq.tolist()]
    order_sets = sorted(range(len(observed)), key=lambda i: set_sort_key(observed[i]))
    rank = np.empty(len(observed), dtype=np.int32)
    rank[order_sets] = np.arange(len(observed), dtype=np.int32)
    codes = rank[inverse].reshape(n_units, n_coders) if n_units else sets.astype(np.int32)
    return ReliabilityData(
        codes=codes.astype(np.int32),
        units=tuple(sentence_ids.tolist()),
        coders=tuple(coder_names),
        domain=tuple(observed[i] for i in order_sets),
        categories=tuple(code_names),
        level="multiple",
        declared=True,
        codebook_versions=spanned,
    )


def _code_sets(
    n_units: int,
    n_coders: int,
    row: npt.NDArray[np.int64],
    col: npt.NDArray[np.int64],
    cpos: npt.NDArray[np.int64],
    n_codes: int,
) -> npt.NDArray[np.int64] | npt.NDArray[np.object_]:
    """Each (unit, coder) cell as a bit set of code positions (Python ints past 62 codes)."""
    if n_codes <= 62:
        sets = np.zeros((n_units, n_coders), dtype=np.int64)
        np.bitwise_or.at(sets, (row, col), np.left_shift(np.int64(1), cpos))
        return sets
    big = np.zeros((n_units, n_coders), dtype=object)
    for r, c, p in zip(row.tolist(), col.tolist(), cpos.tolist(), strict=True):
        big[r, c] = int(big[r, c]) | (1 << p)
    return big


def _bits(mask: int) -> list[int]:
    return [i for i in range(mask.bit_length()) if mask >> i & 1]


def _positions(keys: npt.NDArray[np.int64], values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Index of each value in ``keys`` (every value is known to be present)."""
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    found = np.searchsorted(keys, values, sorter=order)
    return order[found].astype(np.int64)


def resolve_group(
    conn: Connection | Session,
    name: str | None,
    error: type[AnnotatorError] = AgreementError,
) -> StoredGroup:
    """The one code-group resolver of reports, exports of agreement and adjudication.

    None: the first active group by position. A name or uid: an active group of that name, or a
    group removed from the codebook if it still has labels (its data is still worth reading).
    ``error`` is the exception type the caller's users expect.
    """
    if isinstance(conn, Session):
        conn = conn.connection()
    g = _group.c
    rows = conn.execute(
        select(g.id, g.name, g.multiple, g.uid, g.active).order_by(g.position, g.id)
    ).all()
    active = [r for r in rows if r[4]]
    if name is None:
        if not active:
            raise error("the project has no code groups: add a codebook first")
        r = active[0]
    else:
        hits = [r for r in active if name in (r[1], r[3])]
        if not hits:
            hits = [r for r in rows if not r[4] and name in (r[1], r[3])]
            if hits and not _has_labels(conn, [int(h[0]) for h in hits]):
                raise error(f"code group {name!r} was removed from the codebook and has no labels")
        if not hits:
            names = ", ".join(repr(r[1]) for r in active) or "none"
            raise error(f"no code group {name!r} (groups: {names})")
        if len(hits) > 1:
            raise error(f"{len(hits)} code groups are named {name!r}: pass its uid")
        r = hits[0]
    gid, gname, multiple, guid = int(r[0]), str(r[1]), bool(r[2]), str(r[3])
    codes, removed = _group_codes(conn, gid, gname, guid, multiple)
    ordered = not multiple and guid in ordered_group_uids(conn)
    return StoredGroup(gid, guid, gname, multiple, codes, removed, ordered, bool(r[4]))


def _has_labels(conn: Connection, group_ids: Sequence[int]) -> bool:
    in_groups = select(_code.c.id).where(_code.c.group_id.in_(list(group_ids)))
    return bool(conn.execute(select(exists().where(_label.c.code_id.in_(in_groups)))).scalar())


def _group_codes(
    conn: Connection, gid: int, gname: str, guid: str, multiple: bool
) -> tuple[tuple[CodeRecord, ...], frozenset[int]]:
    c = _code.c
    rows = conn.execute(
        select(*code_columns(), c.active).where(c.group_id == gid).order_by(c.position, c.id)
    ).all()
    inactive = [int(r[0]) for r in rows if not r[10]]
    in_use: set[int] = set()
    if inactive:  # rare: only after a codebook reload dropped codes
        in_use = set(
            conn.execute(select(_label.c.code_id).where(_label.c.code_id.in_(inactive)).distinct())
            .scalars()
            .all()
        )
    codes = tuple(
        code_record(r, gid, guid, gname, multiple) for r in rows if r[10] or int(r[0]) in in_use
    )
    return codes, frozenset(in_use)


def _resolve_coders(conn: Connection, names: Sequence[str] | None) -> tuple[list[int], list[str]]:
    c = _coder.c
    all_rows = conn.execute(select(c.id, c.name).order_by(c.name)).all()
    by_name = {str(r[1]): int(r[0]) for r in all_rows}
    if names is None:
        chosen = _default_coder_names(conn)
        if not chosen:
            raise AgreementError("no coder has labelled anything yet")
    else:
        chosen = list(names)
        if not chosen:
            raise AgreementError("no coders given to compare")
        if len(set(chosen)) != len(chosen):
            raise AgreementError("a coder is named twice in the comparison")
        unknown = [n for n in chosen if n not in by_name]
        if unknown:
            known = ", ".join(repr(n) for n in by_name) or "none"
            raise AgreementError(f"no coder named {unknown[0]!r} (coders: {known})")
    return [by_name[n] for n in chosen], chosen


def _done_articles(coder_ids: Sequence[int], article_ids: Sequence[int] | None) -> Select[Any]:
    st = _status.c
    stmt = (
        select(st.article_id)
        .where(st.coder_id.in_(list(coder_ids)))
        .where(st.status == DONE)
        .group_by(st.article_id)
        .having(func.count(func.distinct(st.coder_id)) == len(coder_ids))
        # articles marked duplicate in near-duplicate review are not units
        .where(st.article_id.not_in(duplicate_ids_select()))
    )
    if article_ids is not None:
        stmt = stmt.where(st.article_id.in_(list(article_ids)))
    return stmt


__all__ = [
    "ADJUDICATED",
    "NONE_VALUE",
    "DisagreementRow",
    "StoredGroup",
    "comparable_articles",
    "default_coders",
    "disagreement_rows",
    "done_by_all",
    "largest_sharing_group",
    "reliability_from_project",
    "resolve_group",
]
