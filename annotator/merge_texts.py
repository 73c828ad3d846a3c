"""How one copy of an article's sentences map onto another's, and the conflict merge reports
when another file holds a different text under an article's id.

Offsets are compared in non-whitespace characters, so copies that differ only in white space
(a re-saved file) map exactly. A copy whose words differ is another text: its id says it is the
lead's article, its text says otherwise, and mapping labels by offsets would put them on
whatever sentence happens to sit there (issue 18: "14 labels moved onto differently split
sentences", exit 0). So such an article is not merged; the report says where each of its labels
would have landed, for the researcher to decide.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from annotator.records import plural

MAX_LANDINGS_LISTED = 20
"""Labels listed one by one in a conflict's line; the rest are counted."""


def nonspace_prefix(text: str) -> list[int]:
    """prefix[i] = number of non-whitespace characters in text[:i]."""
    return [0, *itertools.accumulate(0 if ch.isspace() else 1 for ch in text)]


def covered(spans: Sequence[tuple[int, int]], start: int, end: int) -> list[int]:
    """Indexes of spans (sorted, in non-whitespace coordinates) that [start, end) covers by more
    than half. A span with no non-whitespace character is never covered."""
    ends = [e for _s, e in spans]
    out = []
    i = bisect.bisect_right(ends, start)
    while i < len(spans) and spans[i][0] < end:
        s, e = spans[i]
        if e > s and 2 * (min(e, end) - max(s, start)) > e - s:
            out.append(i)
        i += 1
    return out


def to_nonspace(prefix: Sequence[int], spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    n = len(prefix) - 1
    return [(prefix[min(max(s, 0), n)], prefix[min(max(e, 0), n)]) for s, e in spans]


#: (sentence id, start, end) of one article's sentences, in order.
Sentences = Sequence[tuple[int, int, int]]


@dataclass
class SentenceMap:
    """Where each sentence of one copy lands in the other: `targets` for every sentence (an
    empty list: nowhere), `exact` for those with the same span, `moved` for the others."""

    targets: dict[int, list[int]] = field(default_factory=dict)
    exact: dict[int, int] = field(default_factory=dict)
    moved: set[int] = field(default_factory=set)


def map_sentences(
    text: str, sentences: Sentences, lead_text: str, lead_sentences: Sentences
) -> SentenceMap:
    """Each sentence onto the lead sentences it covers by more than half (docs/exchange.md)."""
    out = SentenceMap()
    if lead_text == text and [(s, e) for _i, s, e in sentences] == [
        (s, e) for _i, s, e in lead_sentences
    ]:
        for (sid, _s, _e), (lsid, _ls, _le) in zip(sentences, lead_sentences, strict=True):
            out.targets[sid] = [lsid]
            out.exact[sid] = lsid
        return out
    lspans = to_nonspace(nonspace_prefix(lead_text), [(s, e) for _i, s, e in lead_sentences])
    index_of = {span: i for i, span in enumerate(lspans)}
    spans = to_nonspace(nonspace_prefix(text), [(s, e) for _i, s, e in sentences])
    for (sid, _s, _e), span in zip(sentences, spans, strict=True):
        if span in index_of:
            lsid = lead_sentences[index_of[span]][0]
            out.targets[sid] = [lsid]
            out.exact[sid] = lsid
        else:
            out.targets[sid] = [lead_sentences[i][0] for i in covered(lspans, *span)]
            out.moved.add(sid)
    return out


@dataclass
class TextConflict:
    """An article of another file whose text is not the lead's under the same id: nothing of
    it was merged. `landings` says, per label, where merging by offsets would have put it."""

    file: str
    uid: str
    title: str
    labels: int = 0  # how many labels it has
    landings: list[str] = field(default_factory=list)  # the first MAX_LANDINGS_LISTED

    def land(self, coder: str, code: str, index: int, lead_indexes: Sequence[int]) -> None:
        """One label: the other file's sentence `index` onto the lead's `lead_indexes` (both
        counted from 0). The report prints them as sentence_number, counted from 1, as in
        label exports and as the window shows them ("Sentence 4")."""
        self.labels += 1
        if len(self.landings) >= MAX_LANDINGS_LISTED:
            return
        numbers = [i + 1 for i in lead_indexes]
        where = ", ".join(map(str, numbers)) if numbers else "no lead sentence"
        lead = "lead sentence_number " if numbers else ""
        self.landings.append(f"{coder}/{code} sentence_number {index + 1} -> {lead}{where}")

    def line(self) -> str:
        """The conflict in one line, for the merge report."""
        title = f"'{self.title}' " if self.title else ""
        head = (
            f"{self.file}: article {title}({self.uid}) has another text than the lead's under "
            "the same id: not merged (labels, memos, status)"
        )
        if not self.labels:
            return head + "; it has no labels"
        more = self.labels - len(self.landings)
        rest = f"; ... and {more} more" if more > 0 else ""
        labels = plural(self.labels, "label")
        return f"{head}; its {labels} would land: {'; '.join(self.landings)}{rest}"
