"""Sets of codebook version numbers as people write them: "1-3, 5" (reports, the CLI)."""

from __future__ import annotations

from collections.abc import Iterable

from annotator.errors import AnnotatorError


def describe_versions(numbers: Iterable[int]) -> str:
    """ "1-3, 5" for {1, 2, 3, 5}: runs of consecutive numbers joined."""
    ordered = sorted(set(numbers))
    runs: list[str] = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        runs.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return ", ".join(runs)


def labels_made_under(numbers: Iterable[int]) -> str:
    """What a report says of its labels: "labels made under codebook versions 1-3"."""
    ordered = sorted(set(numbers))
    if not ordered:
        return "no labels"
    word = "version" if len(ordered) == 1 else "versions"
    return f"labels made under codebook {word} {describe_versions(ordered)}"


def parse_versions(text: str) -> frozenset[int]:
    """ "2", "1,3" or "1-3,5" -> the version numbers; a researcher-readable error otherwise."""
    found: set[int] = set()
    for part in text.replace(" ", "").split(","):
        first, dash, last = part.partition("-")
        try:
            low = int(first)
            high = int(last) if dash else low
        except ValueError:
            raise AnnotatorError(
                f"codebook version {text!r}: give a number, a list (1,3) or a range (1-3)"
            ) from None
        if low < 1 or high < low:
            raise AnnotatorError(f"codebook version {text!r}: versions count from 1 upwards")
        found.update(range(low, high + 1))
    return frozenset(found)


#: what agreement and exports accept as ``codebook_version``: one number or several
VersionFilter = int | Iterable[int] | None


def version_set(value: VersionFilter) -> frozenset[int] | None:
    """``codebook_version`` as given (None, a number, several) -> a set of numbers or None."""
    if value is None:
        return None
    if isinstance(value, int):
        return frozenset({value})
    found = frozenset(int(v) for v in value)
    if not found:
        raise AnnotatorError("codebook_version: give at least one version number")
    return found
