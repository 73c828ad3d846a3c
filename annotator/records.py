"""Plain frozen records handed to scripts and the UI (never lazy ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class Status(IntEnum):
    NOT_STARTED = 0
    IN_PROGRESS = 1
    DONE = 2

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").lower()


@dataclass(frozen=True)
class ArticleRecord:
    id: int
    uid: str
    title: str
    source: str
    date: str
    url: str
    language: str
    text: str
    content_hash: str


@dataclass(frozen=True)
class ArticleSummary:
    """One row of the article list: no text, so 100,000 of them stay small."""

    id: int
    uid: str
    title: str
    source: str
    date: str
    n_sentences: int
    n_coded: int  # sentences the current coder has coded
    status: Status


@dataclass(frozen=True)
class SentenceRecord:
    id: int
    article_id: int
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class CodeRecord:
    id: int
    uid: str
    name: str
    key: str
    color: str
    group: str
    group_id: int
    group_uid: str
    multiple: bool
    definition: str = ""
    include: str = ""
    exclude: str = ""
    examples: tuple[str, ...] = ()
    position: int = 0


@dataclass(frozen=True)
class GroupRecord:
    id: int
    uid: str
    name: str
    multiple: bool
    description: str
    codes: tuple[CodeRecord, ...]


@dataclass(frozen=True)
class ProjectCodebook:
    """The codebook as stored in the project (codes carry their database ids)."""

    name: str
    version: str
    description: str
    groups: tuple[GroupRecord, ...]

    @property
    def codes(self) -> tuple[CodeRecord, ...]:
        return tuple(c for g in self.groups for c in g.codes)

    def code(self, ref: int | str) -> CodeRecord | None:
        for c in self.codes:
            if ref in (c.id, c.uid, c.name):
                return c
        if isinstance(ref, str):
            for c in self.codes:
                if c.name.casefold() == ref.casefold():
                    return c
        return None

    def by_key(self, key: str) -> CodeRecord | None:
        for c in self.codes:
            if c.key and c.key == key.lower():
                return c
        return None


@dataclass(frozen=True)
class LabelChange:
    """One label added or removed: the unit of undo and of the event log."""

    sentence_id: int
    code_id: int
    coder_id: int
    add: bool

    def inverse(self) -> LabelChange:
        return LabelChange(self.sentence_id, self.code_id, self.coder_id, not self.add)


@dataclass
class ImportReport:
    """Accumulated while an import runs; read when it ends."""

    imported: int = 0
    sentences: int = 0
    skipped_duplicates: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (origin, message)
    bytes_read: int = 0
    article_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"imported {self.imported} articles ({self.sentences} sentences)"]
        if self.skipped_duplicates:
            parts.append(f"skipped {len(self.skipped_duplicates)} already in the project")
        if self.problems:
            parts.append(f"{len(self.problems)} problems")
        return ", ".join(parts)


@dataclass(frozen=True)
class Memo:
    article_id: int
    sentence_id: int | None
    coder: str
    text: str
