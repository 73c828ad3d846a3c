"""One row per sentence of the open article, with the labels the view shows.

Everything data() answers is held in memory (5,000 SentenceRecords are small); label changes are
applied from the LabelChanges the core wrote, so a key press never re-reads the article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from annotator.records import (
    ArticleRecord,
    CodeRecord,
    LabelChange,
    ProjectCodebook,
    SentenceRecord,
)
from ui.table_model import LEAF_FLAGS

Index = QModelIndex | QPersistentModelIndex

SENTENCE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
OWN_CODES_ROLE = Qt.ItemDataRole.UserRole + 2  # list[CodeRecord]
OTHER_CODES_ROLE = Qt.ItemDataRole.UserRole + 3  # list[tuple[str, CodeRecord]] (short name, code)
MEMO_ROLE = Qt.ItemDataRole.UserRole + 4  # bool
PARAGRAPH_ROLE = Qt.ItemDataRole.UserRole + 5  # bool: a blank line precedes this sentence
FILTER_ROLE = Qt.ItemDataRole.UserRole + 6  # "|c3|c5|" or "|none|"
INDEX_ROLE = Qt.ItemDataRole.UserRole + 7  # position in the article (1-based for people)
LAYOUT_ROLE = (
    Qt.ItemDataRole.UserRole + 8
)  # (sentence id, text, paragraph start): one call for sizeHint
CODER_NAMES_ROLE = Qt.ItemDataRole.UserRole + 9  # dict[str, str]: short name -> full coder name
#: set[tuple[str, int]]: (coder short name, "" for one's own, code id) of the row's labels whose
#: imported selection covered only part of the sentence
PARTIAL_ROLE = Qt.ItemDataRole.UserRole + 10
PARTIAL_NOTE = "the imported selection covered only part of this sentence"

#: coder names up to this long are shown whole on chips; longer ones by their first 3 letters
SHORT_NAME_MAX = 8

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


class SentenceModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.article: ArticleRecord | None = None
        self._rows: list[SentenceRecord] = []
        self._row_of: dict[int, int] = {}
        self._paragraph: set[int] = set()  # rows starting a new paragraph
        self._labels: dict[int, list[tuple[int, int]]] = {}  # sentence id -> [(coder, code)]
        self._memos: set[int] = set()
        self._own: int | None = None
        self._show_others = False
        self._codes: dict[int, CodeRecord] = {}
        self._short: dict[int, str] = {}  # coder id -> name as shown on a chip
        self._full: dict[str, str] = {}  # short name -> full name (tooltips)
        self._partial: set[tuple[int, int, int]] = set()  # (sentence id, coder id, code id)

    # -- loading --------------------------------------------------------------------------
    def load(
        self,
        article: ArticleRecord | None,
        sentences: list[SentenceRecord],
        labels: dict[int, list[tuple[int, int]]],
        memo_sentence_ids: Iterable[int],
        own_coder_id: int | None,
        codebook: ProjectCodebook,
        coder_names: dict[int, str],
        partial: Iterable[tuple[int, int, int]] = (),
    ) -> None:
        """``partial``: (sentence id, coder id, code id) of labels on part of a sentence."""
        self.beginResetModel()
        self._partial = set(partial)
        self.article = article
        self._rows = list(sentences)
        self._row_of = {s.id: i for i, s in enumerate(self._rows)}
        self._labels = {sid: list(pairs) for sid, pairs in labels.items()}
        self._memos = set(memo_sentence_ids)
        self._own = own_coder_id
        self._codes = {c.id: c for c in codebook.codes}
        self._short = short_coder_names(coder_names)
        self._full = {self._short[cid]: name for cid, name in coder_names.items()}
        self._paragraph = set()
        if article is not None:
            text = article.text
            for i in range(1, len(self._rows)):
                gap = text[self._rows[i - 1].end : self._rows[i].start]
                if "\n" in gap and _BLANK_LINE.search(gap):
                    self._paragraph.add(i)
        self.endResetModel()

    def set_codebook(self, codebook: ProjectCodebook) -> None:
        self._codes = {c.id: c for c in codebook.codes}
        self._all_changed()

    def set_show_others(self, show: bool) -> None:
        if show != self._show_others:
            self._show_others = show
            self._all_changed()

    @property
    def show_others(self) -> bool:
        return self._show_others

    def set_own_coder(self, coder_id: int | None) -> None:
        """Whose labels are drawn as the coder's own. Only rows already holding a label of
        either id look different, so only they repaint: a coder's first label (which creates
        the coder) repaints its own row, not the whole article."""
        before, self._own = self._own, coder_id
        if before == coder_id:
            return
        ids = {before, coder_id}
        for sid, pairs in self._labels.items():
            if any(c in ids for c, _k in pairs):
                self._row_changed(sid)

    def set_memo(self, sentence_id: int, present: bool) -> None:
        if present:
            self._memos.add(sentence_id)
        else:
            self._memos.discard(sentence_id)
        self._row_changed(sentence_id)

    def apply_changes(self, changes: Iterable[LabelChange]) -> list[int]:
        """Mirror label changes the core has written; repaint only the rows they touch."""
        touched: list[int] = []
        for ch in changes:
            if ch.sentence_id not in self._row_of:
                continue
            pairs = self._labels.setdefault(ch.sentence_id, [])
            pair = (ch.coder_id, ch.code_id)
            self._partial.discard((ch.sentence_id, ch.coder_id, ch.code_id))  # a new label is whole
            if ch.add:
                if pair not in pairs:
                    pairs.append(pair)
            elif pair in pairs:
                pairs.remove(pair)
            if not pairs:
                del self._labels[ch.sentence_id]
            if ch.sentence_id not in touched:
                touched.append(ch.sentence_id)
        for sid in touched:
            self._row_changed(sid)
        return touched

    def _row_changed(self, sentence_id: int) -> None:
        row = self._row_of.get(sentence_id)
        if row is not None:
            idx = self.index(row, 0)
            self.dataChanged.emit(idx, idx)

    def _all_changed(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0))

    # -- queries --------------------------------------------------------------------------
    def sentence(self, row: int) -> SentenceRecord:
        return self._rows[row]

    def sentences(self) -> list[SentenceRecord]:
        return self._rows

    def row_of(self, sentence_id: int) -> int | None:
        return self._row_of.get(sentence_id)

    def own_codes(self, row: int) -> list[CodeRecord]:
        sid = self._rows[row].id
        found = [
            self._codes[k]
            for c, k in self._labels.get(sid, ())
            if c == self._own and k in self._codes
        ]
        return sorted(found, key=_code_order)

    def other_codes(self, row: int) -> list[tuple[str, CodeRecord]]:
        sid = self._rows[row].id
        found = [
            (self._short.get(c, "?"), self._codes[k])
            for c, k in self._labels.get(sid, ())
            if c != self._own and k in self._codes
        ]
        return sorted(found, key=lambda p: (p[0], _code_order(p[1])))

    def partial_keys(self, row: int) -> set[tuple[str, int]]:
        """(coder short name, "" for one's own, code id) of the row's partial labels."""
        if not self._partial:
            return set()
        sid = self._rows[row].id
        return {
            ("" if c == self._own else self._short.get(c, "?"), k)
            for c, k in self._labels.get(sid, ())
            if (sid, c, k) in self._partial
        }

    def labelled_rows(self) -> list[int]:
        """Rows with any label (own or others'): the only rows that can have chips."""
        return sorted(self._row_of[sid] for sid in self._labels if sid in self._row_of)

    def _shown(self, pairs: Iterable[tuple[int, int]]) -> bool:
        """Does the coder have a label here on a code the codebook shows? (A label whose code
        left the codebook is kept but hidden, and does not make a sentence coded.)"""
        own, codes = self._own, self._codes
        return any(c == own and k in codes for c, k in pairs)

    def is_coded(self, row: int) -> bool:
        return self._shown(self._labels.get(self._rows[row].id, ()))

    def n_coded(self) -> int:
        return sum(1 for pairs in self._labels.values() if self._shown(pairs))

    def code_counts(self) -> dict[int, int]:
        """code id -> sentences of this article the current coder gave it."""
        counts: dict[int, int] = {}
        for pairs in self._labels.values():
            for c, k in pairs:
                if c == self._own and k in self._codes:
                    counts[k] = counts.get(k, 0) + 1
        return counts

    def has_memo(self, sentence_id: int) -> bool:
        return sentence_id in self._memos

    def memo_sentence_ids(self) -> set[int]:
        return set(self._memos)

    # -- Qt model -------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return LEAF_FLAGS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = index.row()
        rec = self._rows[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return rec.text
        if role == LAYOUT_ROLE:
            return (rec.id, rec.text, row in self._paragraph)
        if role == SENTENCE_ID_ROLE:
            return rec.id
        if role == OWN_CODES_ROLE:
            return self.own_codes(row)
        if role == OTHER_CODES_ROLE:
            return self.other_codes(row) if self._show_others else []
        if role == MEMO_ROLE:
            return rec.id in self._memos
        if role == PARAGRAPH_ROLE:
            return row in self._paragraph
        if role == INDEX_ROLE:
            return rec.index + 1
        if role == FILTER_ROLE:
            codes = self.own_codes(row)
            return "|" + "|".join(f"c{c.id}" for c in codes) + "|" if codes else "|none|"
        if role == CODER_NAMES_ROLE:
            return self._full
        if role == PARTIAL_ROLE:
            return self.partial_keys(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            part = self.partial_keys(row)
            names = [
                f"{c.name} (part: {PARTIAL_NOTE})" if ("", c.id) in part else c.name
                for c in self.own_codes(row)
            ]
            head = f"Sentence {rec.index + 1}"
            tip = f"{head}: {', '.join(names)}" if names else f"{head}: not coded"
            if self._show_others:
                for short, code in self.other_codes(row):
                    tip += f"\n{self._full.get(short, short)}: {code.name}"
                    if (short, code.id) in part:
                        tip += " (part)"
            return tip
        if role == Qt.ItemDataRole.AccessibleTextRole:
            joined = ", ".join(c.name for c in self.own_codes(row))
            return f"{rec.text} ({joined})" if joined else rec.text
        return None


def short_coder_names(coder_names: dict[int, str]) -> dict[int, str]:
    """coder id -> a readable chip label: the name, or its first 3 letters if long.

    Falls back to the full name where two abbreviations would look the same.
    """
    short = {
        cid: (name if len(name) <= SHORT_NAME_MAX else name[:3]) or "?"
        for cid, name in coder_names.items()
    }
    seen: dict[str, int] = {}
    for label in short.values():
        seen[label.casefold()] = seen.get(label.casefold(), 0) + 1
    return {
        cid: (coder_names[cid] or "?") if seen[label.casefold()] > 1 else label
        for cid, label in short.items()
    }


def _code_order(code: CodeRecord) -> tuple[int, int]:
    return (code.group_id, code.position)


class SentenceFilterProxy(QSortFilterProxyModel):
    """Show all sentences, only uncoded ones, or only those with one code.

    Uses the built-in fixed-string filter on FILTER_ROLE, so "all" costs no Python call per row.
    """

    UNCODED = -1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setFilterRole(FILTER_ROLE)
        self.setDynamicSortFilter(True)
        self._mode: int | None = None

    @property
    def mode(self) -> int | None:
        """None: all; UNCODED; or a code id."""
        return self._mode

    def set_mode(self, mode: int | None) -> None:
        self._mode = mode
        if mode is None:
            self.setFilterFixedString("")
        elif mode == self.UNCODED:
            self.setFilterFixedString("|none|")
        else:
            self.setFilterFixedString(f"|c{mode}|")
