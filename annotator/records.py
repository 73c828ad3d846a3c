"""Plain frozen records handed to scripts and the UI (never lazy ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import Any, Literal

from annotator.errors import AmbiguousCodeError

Layout = Literal["long", "wide"]


@dataclass(frozen=True)
class ExportOptions:
    """Which labels an export holds. ``coders``/``group`` None mean all."""

    layout: Layout = "long"
    coders: tuple[str, ...] | None = None
    group: str | None = None
    done_only: bool = False
    bom: bool = False
    skip_duplicates: bool = True  # leave out articles marked "duplicate" (near-duplicate review)
    #: only labels made under these codebook versions (None: every label)
    codebook_versions: frozenset[int] | None = None


@dataclass(frozen=True)
class CodebookVersionRecord:
    """A published codebook version: its number, one-line note, when and by whom, and the
    one-line summaries of the edits it published."""

    number: int
    note: str
    published_at: datetime | None
    published_by: str
    changes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote: ``rows`` data rows (CSV, XLSX labels sheet), sentences (JSONL) or
    codings (REFI-QDA ``.qdpx``), as ``unit`` says."""

    path: str
    rows: int
    unit: str = "rows"


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
    duplicate_group: int | None = None  # the group of near-duplicates it is in (None: none)
    duplicate_mark: str = ""  # "", "kept" or "duplicate" (left out of agreement and exports)
    #: 0 not assigned to this coder, 1 assigned to them, 2 in the reliability sample (assigned
    #: to every coder of the sample)
    assigned: int = 0


@dataclass(frozen=True)
class TeamMember:
    """One coder in the lead's team view (Project.team_progress)."""

    name: str
    role: str  # "lead" or "coder" on a server project; "" in a project file
    assigned: int
    in_progress: int
    done: int
    labels_last_hour: int


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
    ordered: bool = False  # the codebook declares the codes a scale (agreement: ordinal)


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
        """By id, stable uid, name, or "Group / Code"; a name two groups share is an error."""
        if isinstance(ref, int):
            return next((c for c in self.codes if c.id == ref), None)
        for c in self.codes:
            if c.uid == ref:
                return c
        group, sep, name = ref.rpartition(" / ")
        pool = [c for c in self.codes if c.group == group] if sep else list(self.codes)
        wanted = name if sep else ref
        for same in (str.__eq__, lambda a, b: a.casefold() == b.casefold()):
            found = [c for c in pool if same(c.name, wanted)]
            if len(found) > 1:
                groups = ", ".join(f"'{c.group} / {c.name}'" for c in found)
                raise AmbiguousCodeError(f"code {ref!r} is in several groups: say {groups}")
            if found:
                return found[0]
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
    #: groups of near-duplicates (annotator.near_duplicates.Group) holding an imported article
    near_duplicates: list[Any] = field(default_factory=list)
    #: Files that held several articles (news exports, tables) -> how many; duplicates count.
    articles_per_file: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        parts = [
            f"imported {plural(self.imported, 'article')} ({plural(self.sentences, 'sentence')})"
        ]
        if self.skipped_duplicates:
            parts.append(f"skipped {len(self.skipped_duplicates)} already in the project")
        if self.near_duplicates:
            n = sum(len(g.members) for g in self.near_duplicates)
            parts.append(
                f"{plural(n, 'article')} in {plural(len(self.near_duplicates), 'group')} of "
                "near-duplicates"
            )
        if self.problems:
            parts.append(plural(len(self.problems), "problem"))
        return ", ".join(parts)


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 article', '2 articles'; ``many`` for a plural that is not word + s ('1 status',
    '2 statuses'). Every "{n} things" a researcher reads goes through here."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


@dataclass(frozen=True)
class Memo:
    article_id: int
    sentence_id: int | None
    coder: str
    text: str


@dataclass(frozen=True)
class SelectionRecord:
    """A coded character range kept from a REFI-QDA import: ``start``/``end`` index the stored
    article text, ``source_start``/``source_end`` the file's text (they differ after CRLF)."""

    start: int
    end: int
    coder: str
    code: str
    source_start: int
    source_end: int
    origin: str


@dataclass
class CodebookChanges:
    """What loading a codebook did (or, from a preview, would do) to the project's codes."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old name, new name)
    #: removed code -> its labels (every coder): kept in the file, hidden and not counted
    hidden_labels: dict[str, int] = field(default_factory=dict)
    #: renamed code (new name) -> its labels, shown under the new name
    renamed_labels: dict[str, int] = field(default_factory=dict)

    @property
    def n_hidden_labels(self) -> int:
        return sum(self.hidden_labels.values())

    def summary(self) -> str:
        text = (
            f"{plural(len(self.added), 'code')} added, {len(self.updated)} updated, "
            f"{len(self.deactivated)} no longer in the codebook (kept with their labels, hidden)"
        )
        if self.renamed:
            text += f", {len(self.renamed)} renamed"
        if self.n_hidden_labels:
            n = self.n_hidden_labels
            text += f"; {n} label{'s' if n != 1 else ''} hidden"
        return text


@dataclass(frozen=True)
class GoldArticleRecord:
    """An article of the gold standard and whose labels are its truth (``gold_coder``)."""

    article_id: int
    article_uid: str
    title: str
    gold_coder: str
    marked_by: str
    marked_at: Any  # datetime (UTC)


@dataclass(frozen=True)
class CodebookEdit:
    """What one codebook edit did: its row in codebook_event (None: nothing changed, nothing
    logged), the one-line summary, the code or group it concerned, and the sentences whose
    labels it changed (a merge or a delete), so a window repaints only those."""

    event_id: int | None
    action: str
    summary: str
    target_uid: str = ""
    sentence_ids: frozenset[int] = frozenset()
    labels_changed: int = 0


@dataclass(frozen=True)
class CodebookEventRecord:
    """One row of the codebook's edit log, its JSON decoded."""

    id: int
    at: str
    by: str
    action: str
    target_uid: str
    summary: str
    version: int
    before: dict[str, Any]
    after: dict[str, Any]


@dataclass(frozen=True)
class LabelReviewRecord:
    """A label flagged for its coder to look at again, and why (its code was split, ...)."""

    label_id: int
    sentence_id: int
    article_id: int
    code_uid: str
    code: str
    coder: str
    reason: str
