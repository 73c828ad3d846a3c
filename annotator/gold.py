"""Agreement with a gold standard: how a coder in training codes compared with the truth.

The gold standard is a set of articles whose labels by one coder (the "adjudicated" coder, or a
named expert) are taken as true. A coder is compared with gold on the sentences of the gold
articles both have marked done, exactly as two coders are compared in the agreement report
(``reliability_queries``: an uncoded sentence of a done article is "none"). What is reported:

- Krippendorff's alpha (nominal: every distinct value, or set of codes, is one category) and
  Cohen's kappa between the coder and gold, from ``annotator.agreement`` (no second
  implementation);
- per code, precision, recall and F1 with gold as the truth: a sentence is a true positive for a
  code when both gave it, a false positive when only the coder did, a false negative when only
  gold did. Precision is undefined (None) when the coder never gave the code, recall when gold
  never did, F1 when either is undefined or both are zero.

This module only computes; the data comes from ``annotator.project_gold``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from annotator.agreement import Coefficient, ReliabilityData, cohen_kappa, krippendorff_alpha
from annotator.agreement.data import MISSING, set_sort_key

#: the column name of the gold standard in a comparison's reliability data
GOLD = "gold standard"
NONE_VALUE = "none"


@dataclass(frozen=True)
class CodeScore:
    """One code's agreement with gold (gold is the truth)."""

    code: str
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def support(self) -> int:
        """Sentences gold gave this code."""
        return self.true_positives + self.false_negatives

    @property
    def precision(self) -> float | None:
        given = self.true_positives + self.false_positives
        return self.true_positives / given if given else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.support if self.support else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None
        return 2 * p * r / (p + r)


@dataclass(frozen=True)
class GoldSentence:
    """One sentence of a gold article: gold's codes of the group and the coder's."""

    sentence_id: int
    article_id: int
    article_title: str
    index: int  # 0-based position in its article
    text: str
    gold_coder: str
    gold: tuple[str, ...]
    coded: tuple[str, ...]

    @property
    def differs(self) -> bool:
        return set(self.gold) != set(self.coded)


@dataclass(frozen=True)
class GoldComparison:
    """A coder against the gold standard in one code group."""

    coder: str
    group: str
    sentences: tuple[GoldSentence, ...]
    alpha: Coefficient
    kappa: Coefficient
    per_code: tuple[CodeScore, ...]

    @property
    def n_sentences(self) -> int:
        return len(self.sentences)

    @property
    def n_articles(self) -> int:
        return len({s.article_id for s in self.sentences})

    @property
    def n_differences(self) -> int:
        return sum(1 for s in self.sentences if s.differs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "coder": self.coder,
            "group": self.group,
            "n_sentences": self.n_sentences,
            "n_articles": self.n_articles,
            "n_differences": self.n_differences,
            "krippendorff_alpha": self.alpha.value,
            "cohen_kappa": self.kappa.value,
            "per_code": [
                {
                    "code": c.code,
                    "precision": c.precision,
                    "recall": c.recall,
                    "f1": c.f1,
                    "support": c.support,
                    "true_positives": c.true_positives,
                    "false_positives": c.false_positives,
                    "false_negatives": c.false_negatives,
                }
                for c in self.per_code
            ],
        }


def value_codes(data: ReliabilityData, code: int) -> tuple[str, ...]:
    """The code names a cell of the data stands for (() for none or missing), codebook order."""
    if code == MISSING:
        return ()
    value = data.domain[code]
    if isinstance(value, frozenset):
        order = {c: i for i, c in enumerate(data.categories)}
        return tuple(sorted(value, key=lambda c: order.get(c, len(order))))
    return () if value == NONE_VALUE else (str(value),)


def stack(parts: Sequence[ReliabilityData], coder: Hashable) -> ReliabilityData:
    """One coder-vs-gold data set from several two-column parts (coder first, then that part's
    gold coder), e.g. one per gold coder; the value domains are merged by value."""
    if not parts:
        raise ValueError("stack needs at least one part")
    first = parts[0]
    if first.level == "multiple":
        seen: set[Any] = set()
        for p in parts:
            seen.update(p.domain)
        domain: tuple[Any, ...] = tuple(sorted(seen, key=set_sort_key))
        categories = first.categories
    else:
        domain = categories = first.domain
    index = {v: i for i, v in enumerate(domain)}
    blocks: list[Any] = []
    units: list[Hashable] = []
    for p in parts:
        if p.n_coders != 2:
            raise ValueError("each part holds the coder and the gold coder")
        remap = np.array([index[v] for v in p.domain] + [MISSING], dtype=np.int32)
        blocks.append(remap[p.codes])  # MISSING (-1) indexes the last entry, MISSING
        units.extend(p.units)
    codes = np.vstack(blocks) if blocks else np.zeros((0, 2), dtype=np.int32)
    return ReliabilityData(
        codes=codes,
        units=tuple(units),
        coders=(coder, GOLD),
        domain=domain,
        categories=categories,
        level=first.level,
        declared=True,
    )


def code_scores(data: ReliabilityData, codes: Sequence[str]) -> tuple[CodeScore, ...]:
    """Per code, the coder (column 0) against gold (column 1)."""
    coder = [set(value_codes(data, int(c))) for c in data.codes[:, 0]]
    gold = [set(value_codes(data, int(c))) for c in data.codes[:, 1]]
    out = []
    for name in codes:
        tp = sum(1 for a, g in zip(coder, gold, strict=True) if name in a and name in g)
        fp = sum(1 for a, g in zip(coder, gold, strict=True) if name in a and name not in g)
        fn = sum(1 for a, g in zip(coder, gold, strict=True) if name not in a and name in g)
        out.append(CodeScore(name, tp, fp, fn))
    return tuple(out)


def coefficients(data: ReliabilityData) -> tuple[Coefficient, Coefficient]:
    """(Krippendorff's nominal alpha, Cohen's kappa) of the coder against gold."""
    return krippendorff_alpha(data, level="nominal"), cohen_kappa(data)


__all__ = [
    "GOLD",
    "CodeScore",
    "GoldComparison",
    "GoldSentence",
    "code_scores",
    "coefficients",
    "stack",
    "value_codes",
]
