"""The project schema: sqlmodel tables and nothing else.

Every timestamp is UTC-aware in Python and stored as naive UTC (SQLite has no time zones).
Stable string ids (``uid``) identify articles, code groups and codes across projects, so merges
and renames never orphan labels.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

SCHEMA_VERSION = 4
# 1 -> 2: code_group.active (groups dropped from a codebook are hidden); the adjudication table.
# 2 -> 3: new tables only (none altered): selection and partial_label (REFI-QDA codings kept with
#         their own character ranges), article_minhash and near_duplicate (near-duplicate articles).
# 3 -> 4: the living codebook and shared projects. label.codebook_version (the version a label was
#         made under; existing labels get 1); new tables codebook_version (published versions
#         and their notes), codebook_event (every codebook edit), label_review (labels flagged
#         for review, e.g. after a split), gold_article (the gold standard for training) and
#         assignment (which coder codes which article; the reliability overlap).


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_uid() -> str:
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC, refuses naive input (it would be ambiguous)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware (UTC) timestamp")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def _ts(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, **kw))


class Meta(SQLModel, table=True):
    """Key/value facts about the file itself (schema version, app version, created at)."""

    __tablename__ = "annotator_meta"
    key: str = Field(primary_key=True)
    value: str


class Article(SQLModel, table=True):
    __tablename__ = "article"
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, unique=True, index=True)
    title: str = ""
    source: str = ""
    date: str = ""  # ISO date as written by the source; free text is kept as given
    url: str = ""
    language: str = ""
    text: str = Field(sa_column=Column(Text, nullable=False))
    content_hash: str = Field(index=True, unique=True)
    meta_json: str = "{}"
    n_sentences: int = 0  # kept with the sentences, so the article list needs no count over them
    imported_at: datetime = _ts()


class Sentence(SQLModel, table=True):
    __tablename__ = "sentence"
    __table_args__ = (UniqueConstraint("article_id", "index", name="uq_sentence_article_index"),)
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    index: int
    start: int
    end: int


class Codebook(SQLModel, table=True):
    __tablename__ = "codebook"
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, unique=True)
    name: str
    version: str = ""
    description: str = ""


class CodeGroup(SQLModel, table=True):
    __tablename__ = "code_group"
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, unique=True, index=True)
    codebook_id: int = Field(foreign_key="codebook.id", ondelete="CASCADE")
    name: str
    multiple: bool = False  # False: single-choice (one code of the group per sentence)
    description: str = ""
    position: int = 0
    active: bool = True  # a group dropped from the codebook is hidden, its labels kept


class Code(SQLModel, table=True):
    __tablename__ = "code"
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, unique=True, index=True)
    group_id: int = Field(foreign_key="code_group.id", ondelete="CASCADE")
    name: str
    key: str = ""
    color: str = "#888888"
    definition: str = ""
    include: str = ""
    exclude: str = ""
    examples_json: str = "[]"
    position: int = 0
    active: bool = True  # a code dropped from the codebook is hidden, never deleted with its labels


class Coder(SQLModel, table=True):
    __tablename__ = "coder"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    created_at: datetime = _ts()


class Label(SQLModel, table=True):
    __tablename__ = "label"
    __table_args__ = (
        UniqueConstraint("sentence_id", "code_id", "coder_id", name="uq_label"),
        Index("ix_label_coder_sentence", "coder_id", "sentence_id"),
        Index("ix_label_sentence", "sentence_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    sentence_id: int = Field(foreign_key="sentence.id", ondelete="CASCADE")
    code_id: int = Field(foreign_key="code.id", ondelete="CASCADE")
    coder_id: int = Field(foreign_key="coder.id", ondelete="CASCADE")
    created_at: datetime = _ts()
    #: The codebook version (CodebookVersion.number) current when the label was made.
    codebook_version: int = Field(
        default=1, sa_column=Column(Integer, nullable=False, server_default=text("1"))
    )


class LabelEvent(SQLModel, table=True):
    """Append-only log of label changes: the history behind undo and coding-time figures."""

    __tablename__ = "label_event"
    __table_args__ = (Index("ix_label_event_coder_at", "coder_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts()
    coder_id: int = Field(foreign_key="coder.id")
    sentence_id: int
    code_id: int
    action: str  # "add" | "remove"
    batch: str = ""  # the command (uid) this change belongs to; empty for single changes


class ArticleStatus(SQLModel, table=True):
    __tablename__ = "article_status"
    article_id: int = Field(foreign_key="article.id", primary_key=True, ondelete="CASCADE")
    coder_id: int = Field(foreign_key="coder.id", primary_key=True, ondelete="CASCADE")
    status: int = 0  # 0 not started, 1 in progress, 2 done
    updated_at: datetime = _ts()


class Memo(SQLModel, table=True):
    __tablename__ = "memo"
    __table_args__ = (
        UniqueConstraint("coder_id", "article_id", "sentence_id", name="uq_memo_target"),
    )
    id: int | None = Field(default=None, primary_key=True)
    coder_id: int = Field(foreign_key="coder.id", ondelete="CASCADE")
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    sentence_id: int | None = Field(default=None, foreign_key="sentence.id", ondelete="CASCADE")
    text: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = _ts()


class Adjudication(SQLModel, table=True):
    """A lead researcher's final decision on one sentence for one code group.

    The decided codes themselves are labels of the coder named "adjudicated" (so they export and
    compare like any coder's); this row remembers that a decision was made, including "none".
    """

    __tablename__ = "adjudication"
    __table_args__ = (UniqueConstraint("sentence_id", "group_id", name="uq_adjudication"),)
    id: int | None = Field(default=None, primary_key=True)
    sentence_id: int = Field(foreign_key="sentence.id", ondelete="CASCADE", index=True)
    group_id: int = Field(foreign_key="code_group.id", ondelete="CASCADE")
    decided_by: str = ""
    decided_at: datetime = _ts()
    note: str = ""  # "agreement" for auto-accepted sentences, else free text


class Selection(SQLModel, table=True):
    """A coded character range as another QDA program stored it (REFI-QDA ``PlainTextSelection``).

    Our labels live on sentences; other programs code any range. The range is kept here so
    nothing of the original coding is lost and a .qdpx export can write it back as it came.
    ``start``/``end`` index the stored article text; ``source_start``/``source_end`` are the
    offsets as written in the file (they differ when the file had CRLF line ends).
    """

    __tablename__ = "selection"
    __table_args__ = (
        UniqueConstraint("article_id", "coder_id", "code_id", "start", "end", name="uq_selection"),
    )
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE", index=True)
    coder_id: int = Field(foreign_key="coder.id", ondelete="CASCADE")
    code_id: int = Field(foreign_key="code.id", ondelete="CASCADE")
    start: int
    end: int
    origin: str = ""  # the file it came from
    source_guid: str = ""  # the REFI TextSource guid as written
    source_start: int = 0
    source_end: int = 0
    guid: str = ""  # the REFI PlainTextSelection guid as written
    created_at: str = ""  # the coding's creationDateTime as stored time text ("" unknown)


class PartialLabel(SQLModel, table=True):
    """A label whose imported selection covered only part of its sentence.

    Keyed by the label row, so removing the label (or the user coding the sentence again by
    hand) drops the flag with it; sentences with labels are never split or merged.
    """

    __tablename__ = "partial_label"
    label_id: int = Field(
        sa_column=Column(Integer, ForeignKey("label.id", ondelete="CASCADE"), primary_key=True)
    )


class ArticleMinhash(SQLModel, table=True):
    """The MinHash signature of an article's text (uint32 values), for near-duplicate search."""

    __tablename__ = "article_minhash"
    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), primary_key=True)
    )
    signature: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class NearDuplicate(SQLModel, table=True):
    """Membership of an article in a group of near-duplicates, and the researcher's decision.

    ``group_id`` is the id of the group's first article. ``mark``: "" undecided, "kept", or
    "duplicate" (left out of agreement and exports).
    """

    __tablename__ = "near_duplicate"
    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), primary_key=True)
    )
    group_id: int = Field(index=True)
    similarity: float = 1.0  # estimated Jaccard similarity with the group's first article
    mark: str = ""


class CodebookVersion(SQLModel, table=True):
    """A published version of the project's codebook: its number, the one-line change note and
    what changed (the codebook events since the version before, summarised as text lines).

    Version 1 is the codebook as first loaded; a label records the number current when it was
    made, so agreement and exports can be restricted to labels made under one version.
    """

    __tablename__ = "codebook_version"
    number: int = Field(primary_key=True)
    note: str = ""
    published_at: datetime = _ts()
    published_by: str = ""
    changes_json: str = "[]"  # a JSON list of one-line descriptions of what changed


class CodebookEvent(SQLModel, table=True):
    """Append-only log of codebook edits (add, rename, re-key, merge, split, delete, ...).

    ``before_json``/``after_json`` hold what undo and the changelog need, including the labels a
    deleted code had, so removed labels stay recoverable. ``version`` is the published version
    the edit was made on top of; edits after the last publish are the unpublished draft.
    """

    __tablename__ = "codebook_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts()
    by: str = ""
    action: str
    target_uid: str = ""  # the code or group the edit concerns
    before_json: str = "{}"
    after_json: str = "{}"
    version: int = 1


class LabelReview(SQLModel, table=True):
    """A label flagged for a coder to look at again (its code was split, ...)."""

    __tablename__ = "label_review"
    label_id: int = Field(
        sa_column=Column(Integer, ForeignKey("label.id", ondelete="CASCADE"), primary_key=True)
    )
    reason: str = ""
    flagged_at: datetime = _ts()


class GoldArticle(SQLModel, table=True):
    """An article of the gold standard: coders in training code it blind and are compared with
    the labels of ``gold_coder`` (the adjudicated coder, or a named expert)."""

    __tablename__ = "gold_article"
    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), primary_key=True)
    )
    gold_coder: str = "adjudicated"
    marked_by: str = ""
    marked_at: datetime = _ts()


class Assignment(SQLModel, table=True):
    """Which coder is to code which article; ``overlap`` marks the reliability sample that every
    assigned coder codes. Reassigning rewrites these rows and never touches labels."""

    __tablename__ = "assignment"
    __table_args__ = (Index("ix_assignment_coder", "coder_id"),)
    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), primary_key=True)
    )
    coder_id: int = Field(
        sa_column=Column(Integer, ForeignKey("coder.id", ondelete="CASCADE"), primary_key=True)
    )
    overlap: bool = False
    assigned_at: datetime = _ts()
