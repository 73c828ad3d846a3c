"""Generated news-like text for benchmarks: varied wire-style sentences, deterministic by seed."""

from __future__ import annotations

import random

_SUBJECTS = [
    "The defence ministry",
    "Lt. Col. Marek Hanz",
    "A military spokesman",
    "Foreign Minister Petrova",
    "Dr. Ilse Varga of the University of Brenn",
    "The U.S. State Department",
    "Local officials",
    "Gen. (ret.) Anna Sorel",
    "Mediators in Geneva",
    "Residents",
    "The eastern command",
]
_VERBS = ["said", "told reporters", "denied", "claimed", "warned", "stated on Jan. 5", "insisted"]
_CLAUSES = [
    "that artillery had struck 3.5 km east of the town",
    "that no units had fired on civilian areas",
    'the talks would resume "without preconditions"',
    "that the strikes were likely to increase as winter approached",
    "that 48 prisoners had been exchanged at a crossing point",
    "the footage could not be independently verified",
    "that about 3,500 civilians had left the area... in the past week",
    'the ceasefire proposal was "a press release, not an offer"',
]


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_CLAUSES)}."


def article(rng: random.Random, paragraphs: int = 6) -> str:
    town = rng.choice(["Kovar", "Dol", "Zalesk", "Mirna"])
    head = f"Shelling reported near {town} ({rng.randrange(10**9)})"
    body = [" ".join(sentence(rng) for _ in range(rng.randint(1, 4))) for _ in range(paragraphs)]
    return head + "\n\n" + "\n\n".join(body) + "\n"


def articles(total_bytes: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < total_bytes:
        text = article(rng)
        out.append(text)
        size += len(text.encode("utf-8"))
    return out
