"""Who codes which article: the draw behind ``annotator assign``, with no database in sight.

A reliability sample of ``round(overlap * n)`` articles (halves round up) goes to every coder;
each other article goes to exactly one coder. With strata (a source, a meta field) the sample
takes each stratum's share of it by the largest-remainder method, and the rest is dealt stratum
by stratum in one running round, so every coder gets about the same number of articles, and of
each stratum. The same seed, articles and coders give the same plan.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from annotator.errors import AnnotatorError

C = TypeVar("C", bound=Hashable)


class AssignmentError(AnnotatorError):
    """Coders or overlap that no assignment can satisfy."""


@dataclass(frozen=True)
class Plan(Generic[C]):
    """``single[c]``: the articles only coder c codes; ``overlap``: those every coder codes."""

    single: dict[C, list[int]]
    overlap: list[int]
    strata: dict[str, int]  # stratum -> articles of it in the overlap sample

    def rows(self) -> list[tuple[int, C, bool]]:
        """(article, coder, overlap) rows, as the assignment table holds them."""
        out = [(a, c, True) for c in self.single for a in self.overlap]
        out += [(a, c, False) for c, arts in self.single.items() for a in arts]
        return out


def sample_size(n: int, overlap: float) -> int:
    return min(n, math.floor(overlap * n + 0.5))


def shares(sizes: dict[str, int], k: int) -> dict[str, int]:
    """k split over strata in proportion to their sizes (largest remainder; ties: larger
    stratum, then name), so the shares sum to k exactly."""
    n = sum(sizes.values())
    if n == 0:
        return dict.fromkeys(sizes, 0)
    exact = {s: k * size / n for s, size in sizes.items()}
    out = {s: math.floor(v) for s, v in exact.items()}
    left = k - sum(out.values())
    by_remainder = sorted(sizes, key=lambda s: (-(exact[s] - out[s]), -sizes[s], s))
    for s in by_remainder[:left]:
        out[s] += 1
    return out


def plan(
    articles: Sequence[tuple[int, str]],
    coders: Sequence[C],
    overlap: float,
    seed: int | None = None,
) -> Plan[C]:
    """``articles``: (id, stratum) pairs (one stratum "" when not stratified)."""
    if not coders:
        raise AssignmentError("name at least one coder to assign articles to")
    if len(set(coders)) != len(coders):
        raise AssignmentError("a coder is named twice")
    if not 0 <= overlap <= 1:
        raise AssignmentError(f"overlap must be between 0 and 1 (a share of articles): {overlap}")
    rng = random.Random(seed)
    strata: dict[str, list[int]] = {}
    for article, stratum in sorted(articles):
        strata.setdefault(stratum, []).append(article)
    quota = shares({s: len(ids) for s, ids in strata.items()}, sample_size(len(articles), overlap))
    sample: list[int] = []
    rest: list[int] = []
    for stratum in sorted(strata):
        ids = strata[stratum]
        chosen = set(rng.sample(ids, quota[stratum]))
        sample += sorted(chosen)
        others = [a for a in ids if a not in chosen]
        rng.shuffle(others)
        rest += others
    order = list(coders)
    rng.shuffle(order)  # who gets the odd extra article is drawn too
    single: dict[C, list[int]] = {c: [] for c in coders}
    for i, article in enumerate(rest):
        single[order[i % len(order)]].append(article)
    return Plan(
        single={c: sorted(a) for c, a in single.items()},
        overlap=sorted(sample),
        strata={s: quota[s] for s in sorted(strata)},
    )
