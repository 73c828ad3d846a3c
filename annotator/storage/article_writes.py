"""Bulk writes of articles and their sentences, and the user's split and merge of sentences."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import delete, func, select, update
from sqlmodel import Session

from annotator.errors import LabelError, NotFoundError
from annotator.storage import clock, dialect
from annotator.storage import tables as t
from annotator.storage.engine import bulk_insert, bulk_insert_pair_runs


def content_hash(text: str) -> str:
    """Hash of the text with white space folded, so a re-saved copy of an article is the same.

    That is ``sha256(" ".join(text.split()))``; most articles are plain ASCII with only spaces
    and newlines, and for them byte replaces fold the same runs without a list of every word.
    """
    if text.isascii():
        raw = text.encode("ascii")
        if not raw.translate(None, _PRINTABLE_OR_NEWLINE):
            raw = raw.replace(b"\n", b" ")
            while b"  " in raw:
                raw = raw.replace(b"  ", b" ")
            return hashlib.sha256(raw.strip(b" ")).hexdigest()
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


# White space in these bytes is only " " and "\n", so folding it needs no word list.
_PRINTABLE_OR_NEWLINE = bytes(range(0x20, 0x7F)) + b"\n"


_ARTICLE_NAMESPACE = uuid.UUID("6f1c2a4e-3b1d-5a8e-9c47-2d0e8b7f1a35")
_NAMESPACE_BYTES = _ARTICLE_NAMESPACE.bytes


def uid_for(content_hash: str) -> str:
    """An article's stable id follows from its content: two projects that import the same
    article independently give it the same id, so exports, merges and label imports line up.

    This is ``str(uuid.uuid5(_ARTICLE_NAMESPACE, content_hash))`` (a test holds it to that),
    written out because building UUID objects cost a large import a tenth of its writer's time.
    """
    raw = bytearray(hashlib.sha1(_NAMESPACE_BYTES + content_hash.encode("utf-8")).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50  # version 5
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class NewArticle(NamedTuple):
    """An article ready to store. A named tuple, not a dataclass: an import sends tens of
    thousands of them from worker processes, and tuples pickle at a fraction of the cost."""

    text: str
    spans: Sequence[tuple[int, int]]
    content_hash: str
    title: str = ""
    source: str = ""
    date: str = ""
    url: str = ""
    language: str = ""
    uid: str | None = None
    meta_json: str = "{}"  # metadata as stored (see meta_json), made where the article is made


_encode_json_string = json.encoder.encode_basestring_ascii


def meta_json(meta: Mapping[str, str] | None) -> str:
    """``json.dumps(dict(meta))``, written out for the usual all-text metadata: json.dumps
    builds a new encoder on every call, which cost an import of small files 2-3% of its time."""
    if not meta:
        return "{}"
    if all(type(k) is str and type(v) is str for k, v in meta.items()):
        pairs = ", ".join(
            f"{_encode_json_string(k)}: {_encode_json_string(v)}" for k, v in meta.items()
        )
        return "{" + pairs + "}"
    return json.dumps(dict(meta))


_ARTICLE_COLUMNS = (
    "id",
    "uid",
    "title",
    "source",
    "date",
    "url",
    "language",
    "text",
    "content_hash",
    "meta_json",
    "n_sentences",
    "imported_at",
)
_SENTENCE_COLUMNS = ("id", "article_id", "index", "start", "end")


def insert_articles(session: Session, batch: Sequence[NewArticle]) -> list[int]:
    """Insert articles and sentences set-wise; ids are assigned here under the write lock."""
    if not batch:
        return []
    # Stored as naive UTC text, as the driver would write the datetime (models.UTCDateTime).
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
    next_article = int(session.execute(select(func.max(t.article.c.id))).scalar() or 0) + 1
    next_sentence = int(session.execute(select(func.max(t.sentence.c.id))).scalar() or 0) + 1
    art_rows: list[tuple[object, ...]] = []
    runs: list[tuple[int, int, Sequence[tuple[int, int]]]] = []
    ids = list(range(next_article, next_article + len(batch)))
    for aid, a in zip(ids, batch, strict=True):
        art_rows.append(
            (
                aid,
                a.uid or uid_for(a.content_hash),
                a.title,
                a.source,
                a.date,
                a.url,
                a.language,
                a.text,
                a.content_hash,
                a.meta_json,
                len(a.spans),
                now,
            )
        )
        runs.append((next_sentence, aid, a.spans))
        next_sentence += len(a.spans)
    bulk_insert(session, t.article, _ARTICLE_COLUMNS, art_rows)
    bulk_insert_pair_runs(session, t.sentence, _SENTENCE_COLUMNS, runs)
    dialect.keep_ids_in_step(session, t.article, t.sentence)
    return ids


def _sentence_row(session: Session, sentence_id: int) -> tuple[int, int, int, int]:
    row = session.execute(
        select(
            t.sentence.c.article_id, t.sentence.c.index, t.sentence.c.start, t.sentence.c.end
        ).where(t.sentence.c.id == sentence_id)
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"no sentence with id {sentence_id}")
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])


def _has_labels(session: Session, sentence_ids: Sequence[int]) -> bool:
    return (
        session.execute(select(t.label.c.id).where(t.label.c.sentence_id.in_(sentence_ids))).first()
        is not None
    )


def _shift_indexes(session: Session, article_id: int, after_index: int, by: int) -> None:
    # Two passes through negative values keep the (article, index) unique constraint satisfied.
    where = (t.sentence.c.article_id == article_id) & (t.sentence.c.index > after_index)
    session.execute(update(t.sentence).where(where).values(index=-(t.sentence.c.index + by) - 1))
    neg = (t.sentence.c.article_id == article_id) & (t.sentence.c.index < 0)
    session.execute(update(t.sentence).where(neg).values(index=-t.sentence.c.index - 1))


def split_sentence(
    session: Session, sentence_id: int, left: tuple[int, int], right: tuple[int, int]
) -> int:
    """Replace a sentence by two; returns the new (right) sentence's id."""
    article_id, index, _start, _end = _sentence_row(session, sentence_id)
    if _has_labels(session, [sentence_id]):
        raise LabelError("this sentence has labels: remove them before splitting it")
    _shift_indexes(session, article_id, index, 1)
    session.execute(
        update(t.sentence).where(t.sentence.c.id == sentence_id).values(start=left[0], end=left[1])
    )
    result = session.execute(
        t.sentence.insert().values(
            article_id=article_id, index=index + 1, start=right[0], end=right[1]
        )
    )
    session.execute(
        update(t.article)
        .where(t.article.c.id == article_id)
        .values(n_sentences=t.article.c.n_sentences + 1)
    )
    return t.inserted_id(result)


def merge_sentences(session: Session, first_id: int, second_id: int) -> int:
    """Merge two adjacent sentences into the first; returns its id."""
    a_art, a_idx, _, _ = _sentence_row(session, first_id)
    b_art, b_idx, _, b_end = _sentence_row(session, second_id)
    if a_art != b_art or b_idx != a_idx + 1:
        raise LabelError("only two adjacent sentences of one article can be merged")
    if _has_labels(session, [first_id, second_id]):
        raise LabelError("these sentences have labels: remove them before merging")
    _move_memos(session, first_id, second_id)
    session.execute(t.sentence.delete().where(t.sentence.c.id == second_id))
    session.execute(update(t.sentence).where(t.sentence.c.id == first_id).values(end=b_end))
    _shift_indexes(session, a_art, b_idx, -1)
    session.execute(
        update(t.article)
        .where(t.article.c.id == a_art)
        .values(n_sentences=t.article.c.n_sentences - 1)
    )
    return first_id


MEMO_SEPARATOR = "\n\n"


def _move_memos(session: Session, first_id: int, second_id: int) -> None:
    """The memos on the second of two merged sentences go onto the first: a coder's memo is
    appended (after MEMO_SEPARATOR) to the one that coder has there, or moves as it is. A memo
    is a coder's work and one per coder per sentence is kept (uq_memo_target)."""
    m = t.memo.c
    on_first = {
        int(coder): (int(i), str(text))
        for i, coder, text in session.execute(
            select(m.id, m.coder_id, m.text).where(m.sentence_id == first_id)
        )
    }
    rows = session.execute(select(m.id, m.coder_id, m.text).where(m.sentence_id == second_id))
    for i, coder, text in rows.all():
        if int(coder) not in on_first:
            session.execute(update(t.memo).where(m.id == i).values(sentence_id=first_id))
            continue
        kept, before = on_first[int(coder)]
        session.execute(delete(t.memo).where(m.id == i))
        session.execute(
            update(t.memo)
            .where(m.id == kept)
            .values(
                text=before + MEMO_SEPARATOR + str(text),
                updated_at=clock.stamp_for(session, [int(coder)]),
            )
        )


def remove_new_articles(session: Session, article_ids: Sequence[int]) -> list[int]:
    """Take back articles an import added; returns the ids kept because a coder labelled them
    meanwhile (their labels are work, and work is never deleted behind a coder's back)."""
    kept: list[int] = []
    for i in range(0, len(article_ids), 900):
        chunk = list(article_ids[i : i + 900])
        labelled = set(
            session.execute(
                select(t.sentence.c.article_id)
                .join(t.label, t.label.c.sentence_id == t.sentence.c.id)
                .where(t.sentence.c.article_id.in_(chunk))
                .distinct()
            ).scalars()
        )
        kept.extend(sorted(labelled))
        gone = [a for a in chunk if a not in labelled]
        if not gone:
            continue
        sentence_ids = select(t.sentence.c.id).where(t.sentence.c.article_id.in_(gone))
        session.execute(delete(t.label_event).where(t.label_event.c.sentence_id.in_(sentence_ids)))
        session.execute(delete(t.memo).where(t.memo.c.article_id.in_(gone)))
        session.execute(delete(t.article_status).where(t.article_status.c.article_id.in_(gone)))
        session.execute(delete(t.sentence).where(t.sentence.c.article_id.in_(gone)))
        session.execute(delete(t.article).where(t.article.c.id.in_(gone)))
    return kept
