"""The long layout's rows, batch by batch: one row per label, plus the rows that make the file
complete — a ``memo`` row for a memo on a sentence the coder gave no code (in this export), and
an ``article`` row for each coder who started an article or wrote a memo on it, holding that
coder's status and article memo.

So a done article whose sentences carry no code of a coder still says "done, nothing applied"
(its ``article`` row), and every memo is in the file. ``record`` names the kind of row:
``label``, ``memo`` or ``article``; filtering ``record == "label"`` gives the old one row per
label. ``partial`` is 1 on a label row whose imported REFI-QDA selection covered only part of
the sentence, 0 on other label rows, empty on memo and article rows; ``codebook_version`` is the
codebook version the label was made under (empty on memo and article rows). Both renderers (the fast
CSV writer and the frames behind XLSX) take the same batches, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from annotator.exports.article_facts import metadata_columns, status_name
from annotator.exports.common import ExportOptions, iso_utc
from annotator.records import Status
from annotator.storage.export_facts import (
    article_metadata,
    coder_ids_in_scope,
    coder_name_map,
    coder_ranks,
    coder_statuses,
    memos,
    metadata_keys,
)
from annotator.storage.export_queries import (
    article_batches,
    article_texts,
    code_names,
    ordered_label_ids,
    sentence_spans,
)
from annotator.storage.selection_store import has_partial_labels, partial_label_keys
from annotator.storage.unit_of_work import Session

#: Fixed columns of the long layout, in file order; the metadata columns follow
#: (``article_source`` ... ``article_language``, then ``meta:<key>`` per custom field).
LONG_COLUMNS = [
    "article_id",
    "article_title",
    "sentence_number",
    "sentence_start",
    "sentence_end",
    "sentence_text",
    "coder",
    "group",
    "code",
    "labelled_at",
    "memo",
    "partial",
    "codebook_version",
    "coder_status",
    "record",
    "article_hash",
]
LABEL, MEMO, ARTICLE = "label", "memo", "article"


def long_columns(keys: list[str]) -> list[str]:
    return LONG_COLUMNS + metadata_columns(keys)


@dataclass(frozen=True)
class Names:
    """Names of coders and codes, read once per export."""

    coders: dict[int, str]
    codes: dict[int, tuple[str, str]]  # code id -> (group name, code name)
    ranks: dict[int, int]
    scope: set[int]
    keys: list[str]
    any_partial: bool = False  # whether any label is flagged partial (most projects: none)


def read_names(session: Session, options: ExportOptions) -> Names:
    return Names(
        coder_name_map(session),
        code_names(session),
        coder_ranks(session),
        coder_ids_in_scope(session, options.coders),
        metadata_keys(session),
        has_partial_labels(session),
    )


@dataclass
class LongBatch:
    """The rows of a batch of articles, in file order, with what rendering them needs.

    ``rows`` holds label rows ``(sentence id, coder id, code id, stored time, codebook
    version)`` and extra rows
    ``("memo", sentence id, coder id)`` / ``("article", article id, coder id)``.
    """

    articles: dict[int, tuple[str, str, str, str]]  # id -> (uid, title, hash, text)
    metadata: dict[int, tuple[str, ...]]
    sentences: dict[int, tuple[int, int, int, int]]  # id -> (article id, index, start, end)
    rows: list[tuple[Any, ...]]
    sentence_memos: dict[tuple[int, int], str]  # (coder id, sentence id) -> text
    article_memos: dict[tuple[int, int], str]  # (coder id, article id) -> text
    statuses: dict[tuple[int, int], int]  # (article id, coder id) -> status
    partial: set[tuple[int, int, int]]  # (sentence id, coder id, code id) of partial labels

    def status(self, article_id: int, coder_id: int) -> str:
        return status_name(self.statuses.get((article_id, coder_id)))


def long_batches(session: Session, options: ExportOptions, names: Names) -> Iterator[LongBatch]:
    for batch in article_batches(session, options):
        yield read_batch(session, batch, options, names)


def read_batch(
    session: Session, batch: list[int], options: ExportOptions, names: Names
) -> LongBatch:
    articles = article_texts(session, batch)
    sentences = sentence_spans(session, batch)
    labels = ordered_label_ids(session, batch, options)
    statuses = coder_statuses(session, batch)

    def in_scope(article_id: int, coder_id: int) -> bool:
        if coder_id not in names.scope:
            return False
        return not options.done_only or statuses.get((article_id, coder_id)) == int(Status.DONE)

    sentence_memos: dict[tuple[int, int], str] = {}
    article_memos: dict[tuple[int, int], str] = {}
    for m in memos(session, batch):
        if not in_scope(m.article_id, m.coder_id):
            continue
        if m.sentence_id is None:
            article_memos[(m.coder_id, m.article_id)] = m.text
        else:
            sentence_memos[(m.coder_id, m.sentence_id)] = m.text
    extras: list[tuple[tuple[int, int, int], tuple[Any, ...]]] = []
    if sentence_memos:
        labelled = {(r[1], r[0]) for r in labels}
        for coder, sid in sentence_memos:
            if (coder, sid) not in labelled:
                aid, index = sentences[sid][:2]
                extras.append(((aid, index, names.ranks[coder]), (MEMO, sid, coder)))
    started = {(aid, c) for (aid, c), v in statuses.items() if v > 0 and in_scope(aid, c)}
    started |= {(aid, c) for c, aid in article_memos}
    for aid, coder in started:
        extras.append(((aid, -1, names.ranks[coder]), (ARTICLE, aid, coder)))
    extras.sort(key=lambda e: e[0])
    return LongBatch(
        articles=articles,
        metadata=article_metadata(session, batch, names.keys),
        sentences=sentences,
        rows=_interleave(labels, extras, sentences, names.ranks),
        sentence_memos=sentence_memos,
        article_memos=article_memos,
        statuses=statuses,
        partial=partial_label_keys(session, list(sentences)) if names.any_partial else set(),
    )


def _interleave(
    labels: list[tuple[Any, ...]],
    extras: list[tuple[tuple[int, int, int], tuple[Any, ...]]],
    sentences: dict[int, tuple[int, int, int, int]],
    ranks: dict[int, int],
) -> list[tuple[Any, ...]]:
    """Label rows (already in order) merged with the extra rows by (article, sentence, coder)."""
    if not extras:
        return labels
    out: list[tuple[Any, ...]] = []
    j, n = 0, len(extras)
    for row in labels:
        if j < n:
            aid, index = sentences[row[0]][:2]
            key = (aid, index, ranks[row[1]])
            while j < n and extras[j][0] < key:
                out.append(extras[j][1])
                j += 1
        out.append(row)
    out.extend(e[1] for e in extras[j:])
    return out


def batch_records(batch: LongBatch, names: Names) -> list[tuple[Any, ...]]:
    """The batch's rows as plain values in LONG_COLUMNS order (not neutralised)."""
    out: list[tuple[Any, ...]] = []
    for row in batch.rows:
        if len(row) == 5:
            sid, coder, code, at, version = row
            aid, index, start, end = batch.sentences[sid]
            group, code_name = names.codes[code]
            memo = batch.sentence_memos.get((coder, sid), "")
            sentence: tuple[Any, ...] = (index + 1, start, end, batch.articles[aid][3][start:end])
            part = 1 if (sid, coder, code) in batch.partial else 0
            middle: tuple[Any, ...] = (
                names.coders[coder],
                group,
                code_name,
                iso_utc(at),
                memo,
                part,
                version,
            )
            kind = LABEL
        elif row[0] == MEMO:
            _kind, sid, coder = row
            aid, index, start, end = batch.sentences[sid]
            sentence = (index + 1, start, end, batch.articles[aid][3][start:end])
            memo = batch.sentence_memos[(coder, sid)]
            middle = (names.coders[coder], "", "", "", memo, None, None)
            kind = MEMO
        else:
            _kind, aid, coder = row
            sentence = (None, None, None, "")
            memo = batch.article_memos.get((coder, aid), "")
            middle = (names.coders[coder], "", "", "", memo, None, None)
            kind = ARTICLE
        uid, title, chash, _text = batch.articles[aid]
        out.append(
            (
                uid,
                title,
                *sentence,
                *middle,
                batch.status(aid, coder),
                kind,
                chash,
                *batch.metadata[aid],
            )
        )
    return out
