"""Where a coded character range lands among our sentences, and whether it covers them whole.

Other QDA programs code any range of characters: a line, half a sentence, three sentences and a
bit. Our labels live on sentences, so a range labels every sentence it *touches* (shares at least
one non-whitespace character with), and a label is *partial* when the ranges of that code and
coder, taken together, leave a letter or digit of the sentence uncovered. Punctuation and spaces
do not count: programs commonly leave out the final full stop, and that is a whole sentence to a
researcher. (A sentence with no letter or digit counts its non-whitespace characters instead.)

The import uses ``touched`` to place codings and ``partial`` to flag them; the .qdpx export uses
``touched`` to tell whether a stored range still stands for the labels it made.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Sequence


def _prefix(text: str, counts: Callable[[str], bool]) -> list[int]:
    """prefix[i] = how many characters of text[:i] count."""
    return [0, *itertools.accumulate(1 if counts(ch) else 0 for ch in text)]


def _nonspace(ch: str) -> bool:
    return not ch.isspace()


def _alnum(ch: str) -> bool:
    return ch.isalnum()


class Placer:
    """Sentence spans of one text, ready to place ranges on (offsets index that text)."""

    def __init__(self, text: str, spans: Sequence[tuple[int, int]]) -> None:
        self.length = len(text)
        self._ns = _prefix(text, _nonspace)
        self._al = _prefix(text, _alnum)
        self.spans = list(spans)
        self._spans_ns = [(self._ns_at(s), self._ns_at(e)) for s, e in self.spans]
        self._ends_ns = [e for _s, e in self._spans_ns]

    def _ns_at(self, offset: int) -> int:
        return self._ns[min(max(offset, 0), self.length)]

    def _al_at(self, offset: int) -> int:
        return self._al[min(max(offset, 0), self.length)]

    def touched(self, start: int, end: int) -> list[int]:
        """Indexes of the sentences sharing a non-whitespace character with [start, end)."""
        a, b = self._ns_at(start), self._ns_at(end)
        out: list[int] = []
        i = bisect.bisect_right(self._ends_ns, a)
        while i < len(self._spans_ns) and self._spans_ns[i][0] < b:
            s, e = self._spans_ns[i]
            if min(e, b) > max(s, a):
                out.append(i)
            i += 1
        return out

    def partial(self, index: int, ranges: Sequence[tuple[int, int]]) -> bool:
        """True if the ranges together leave a letter or digit of sentence ``index`` uncovered."""
        start, end = self.spans[index]
        at = self._al_at
        if at(end) == at(start):  # no letter or digit: count non-whitespace characters
            at = self._ns_at
        lo, hi = at(start), at(end)
        reach = lo
        for a, b in sorted((at(a), at(b)) for a, b in ranges):
            if a > reach:
                return True
            reach = max(reach, b)
            if reach >= hi:
                return False
        return reach < hi
