"""Sentence segmentation: quality (exact-span F1 on the gold set) and speed (MB/s) per library.

Generates a news-like corpus (size from BENCH_SEG_MB, default 20) from varied templated
paragraphs: headlines, datelines, quotes, abbreviations, decimals, lists, hard-wrapped text.
The slow pure-Python libraries run on a slice (BENCH_SEG_SLOW_MB, default 1) so a run stays
short; that flatters pysbd, whose time grows faster than the text (0.035 MB/s on 0.3 MB, 0.017
on 1 MB).

Run: python bench/bench_segmentation.py
"""

from __future__ import annotations

import importlib.util
import logging
import os
import random
import sys
import textwrap
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from annotator.segmentation import Span, segment  # noqa: E402

logger = logging.getLogger(__name__)
GOLD = REPO / "tests" / "core" / "data" / "segmentation_gold.yaml"
TARGET_MBS = 5.0

# --- corpus ------------------------------------------------------------------------------------

_PLACES = [
    "Kyiv",
    "Kharkiv",
    "Odesa",
    "Pokrovsk",
    "Kursk",
    "Donetsk",
    "Zaporizhzhia",
    "Kherson",
    "Washington, D.C.",
    "St. Petersburg",
    "Brussels",
    "Ft. Bragg",
    "the U.S.",
    "the U.K.",
]
_PEOPLE = [
    "Lt. Col. Andriy Melnyk",
    "Gen. Oleksandr Syrskyi",
    "Dr. Olena Kovalenko",
    "John F. Kennedy",
    "Sen. Mark R. Warner",
    "Maj. Gen. Ivan Tkachenko",
    "Mr. Petrenko",
    "Prof. Maria Hnatiuk",
    "Rep. Joe Wilson, R-S.C.,",
    "U.N. chief Antonio Guterres",
]
_MONTHS = ["Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.", "March", "April"]
_VERBS = ["said", "told reporters", "wrote on Telegram", "confirmed", "denied", "warned"]
_NOUNS = [
    "drone attack",
    "artillery strike",
    "ceasefire proposal",
    "aid package",
    "prisoner exchange",
    "power outage",
    "missile barrage",
    "grain shipment",
]


def _sentence(rng: random.Random) -> str:
    place, person, noun = rng.choice(_PLACES), rng.choice(_PEOPLE), rng.choice(_NOUNS)
    day = f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}"
    number = f"{rng.randint(1, 99)}.{rng.randint(0, 9)}"
    templates = [
        f"{person} {rng.choice(_VERBS)} on {day} that the {noun} near {place} had failed.",
        f'"We will not retreat," {person} said after the {noun} in {place}.',
        f"Prices in {place} rose {number} percent, the statistics office said on {day}.",
        f'"Who will pay for this?" asked a resident of {place}.',
        f"The {noun} was the largest since {day}... Officials gave no details.",
        f"Reactor No. {rng.randint(1, 6)} was inspected by the IAEA on {day}.",
        f"(The ministry did not comment on the {noun}.) Analysts were sceptical.",
        f"Losses were estimated at ${number} billion, approx. {rng.randint(2, 9)}% of output.",
        f"“This is a war crime,” {person} said. Moscow denied it!",
        f"Кількість загиблих у місті {place} зросла до {rng.randint(2, 40)} осіб.",
    ]
    return rng.choice(templates)


def _paragraph(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.08:  # headline
        return f"{rng.choice(_NOUNS).capitalize()} hits {rng.choice(_PLACES)}"
    if kind < 0.14:  # list
        items = [
            f"{rng.choice('-•*')} {rng.choice(_NOUNS)} in {rng.choice(_PLACES)}"
            for _ in range(rng.randint(2, 5))
        ]
        return "The report lists:\n" + "\n".join(items)
    body = " ".join(_sentence(rng) for _ in range(rng.randint(1, 7)))
    if kind < 0.20:  # hard-wrapped, as pasted from a PDF
        return textwrap.fill(body, width=rng.choice([60, 72, 80]))
    return body


def make_corpus(megabytes: float, seed: int = 7) -> str:
    """A news-like text of about ``megabytes`` MB (UTF-8), paragraphs separated as in imports."""
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < megabytes * 1_000_000:
        paragraph = _paragraph(rng)
        parts.append(paragraph)
        parts.append(rng.choice(["\n", "\n\n", "\r\n", "\n  \n"]))
        size += len(paragraph.encode()) + 2
    return "".join(parts)


# --- libraries ---------------------------------------------------------------------------------


def _sentencex(text: str) -> list[Span]:
    import sentencex

    return [
        (b["start_index"], b["end_index"]) for b in sentencex.get_sentence_boundaries("en", text)
    ]


def _blingfire(text: str) -> list[Span]:
    import blingfire

    return list(blingfire.text_to_sentences_and_offsets(text)[1]) if text.strip() else []


def _pysbd(text: str) -> list[Span]:
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return [(s.start, s.end) for s in segmenter.segment(text)]


def _syntok(text: str) -> list[Span]:
    from syntok import segmenter

    return [
        (sentence[0].offset, sentence[-1].offset + len(sentence[-1].value))
        for paragraph in segmenter.analyze(text)
        for sentence in paragraph
    ]


# name -> (raw library spans, runs on the full corpus?)
LIBRARIES: dict[str, tuple[Callable[[str], list[Span]], bool]] = {
    "sentencex": (_sentencex, True),
    "blingfire": (_blingfire, True),
    "pysbd": (_pysbd, False),
    "syntok": (_syntok, False),
}


# --- measures ----------------------------------------------------------------------------------


def _stripped(text: str, spans: Iterable[Span]) -> set[Span]:
    out: set[Span] = set()
    for start, end in spans:
        piece = text[start:end]
        if piece.strip():
            left = start + len(piece) - len(piece.lstrip())
            out.add((left, left + len(piece.strip())))
    return out


def gold_cases() -> list[tuple[str, set[Span]]]:
    """(text, expected spans) per gold case; sentences are located in order in the text."""
    cases = []
    for case in yaml.safe_load(GOLD.read_text(encoding="utf-8")):
        text, pos, spans = case["text"], 0, set()
        for sentence in case["sentences"]:
            start = text.index(sentence, pos)
            pos = start + len(sentence)
            spans.add((start, pos))
        cases.append((text, spans))
    return cases


def span_f1(
    cases: list[tuple[str, set[Span]]], segmenter: Callable[[str], Iterable[Span]]
) -> float:
    """Exact-span F1 pooled over all cases (a span counts only if both ends match)."""
    hits = predicted = expected = 0
    for text, gold in cases:
        found = _stripped(text, segmenter(text))
        hits += len(found & gold)
        predicted += len(found)
        expected += len(gold)
    if hits == 0:
        return 0.0
    precision, recall = hits / predicted, hits / expected
    return 2 * precision * recall / (precision + recall)


def _mbs(text: str, segmenter: Callable[[str], object]) -> float:
    start = time.perf_counter()
    segmenter(text)
    return len(text.encode()) / (time.perf_counter() - start) / 1e6


def _row(name: str, metric: str, value: float, unit: str, target: str = "") -> dict[str, Any]:
    return {
        "benchmark": f"segmentation/{name}",
        "metric": metric,
        "value": round(value, 3),
        "unit": unit,
        "target": target,
    }


def run() -> list[dict[str, Any]]:
    megabytes = float(os.environ.get("BENCH_SEG_MB", "20"))
    slow_megabytes = min(megabytes, float(os.environ.get("BENCH_SEG_SLOW_MB", "1")))
    corpus = make_corpus(megabytes)
    cases = gold_cases()
    rows = []
    for name, (library, full) in LIBRARIES.items():
        module = "syntok" if name == "syntok" else name
        if importlib.util.find_spec(module) is None:
            rows.append(_row(name, "not installed (pip install '.[bench]')", 0.0, ""))
            continue
        text = corpus if full else corpus[: int(slow_megabytes * 1_000_000)]
        chosen = name == "sentencex"

        def pipeline(t: str, library: Callable[[str], list[Span]] = library) -> list[Span]:
            return segment(t, splitter=library)

        size = f"{len(text.encode()) / 1e6:.1f} MB"
        rows += [
            _row(name, "F1 exact spans, library alone", span_f1(cases, library), "F1"),
            _row(
                name,
                "F1 exact spans, with line rules and repairs",
                span_f1(cases, pipeline),
                "F1",
                ">= 0.95" if chosen else "",
            ),
            _row(name, f"throughput, library alone ({size})", _mbs(text, library), "MB/s"),
            _row(
                name,
                f"throughput, segment() ({size})",
                _mbs(text, pipeline),
                "MB/s",
                f">= {TARGET_MBS}" if chosen else "",
            ),
        ]
    return rows


if __name__ == "__main__":
    for row in run():
        print(
            f"{row['benchmark']:<26} {row['metric']:<50} {row['value']:>9} {row['unit']:<5} "
            f"{row['target']}"
        )
