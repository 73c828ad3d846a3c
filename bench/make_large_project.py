"""A large project for workspace benchmarks: 100,000 news-like articles (~3M sentences) and one
5,000-sentence article, the default codebook, a coder and some labels.

Written straight through the core's bulk insert with spans computed here (no segmenter), so it
takes seconds, not the hours a real import of this size would. A project made with the same
parameters is reused (its parameters are kept beside it in NAME.json).

Run: python bench/make_large_project.py [PATH] [N_ARTICLES]
"""

from __future__ import annotations

import json
import logging
import random
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from annotator.codebook import default_codebook  # noqa: E402
from annotator.project import Project  # noqa: E402
from annotator.records import LabelChange  # noqa: E402
from annotator.storage.article_writes import NewArticle, content_hash, insert_articles  # noqa: E402
from annotator.storage.unit_of_work import write_session  # noqa: E402

log = logging.getLogger(__name__)

BATCH = 5_000
CODER = "bench"
POOL_SIZE = 20_000
LABELLED_ARTICLES = 30  # the first ones: a coder part-way through the corpus

_PLACES = [
    "Kyiv",
    "Kharkiv",
    "Odesa",
    "Pokrovsk",
    "Kursk",
    "Donetsk",
    "Zaporizhzhia",
    "Kherson",
    "Brussels",
    "Geneva",
    "Warsaw",
    "Moscow",
    "Washington",
    "Ankara",
    "Bucharest",
]
_PEOPLE = [
    "the defence minister",
    "a military spokesman",
    "the regional governor",
    "President Zelensky",
    "the Kremlin",
    "NATO's secretary general",
    "a local official",
    "the foreign ministry",
    "an aid worker",
    "the mayor",
    "a senior diplomat",
]
_VERBS = [
    "said",
    "told reporters",
    "wrote on Telegram",
    "confirmed",
    "denied",
    "warned",
    "claimed",
    "announced",
    "rejected reports",
]
_NOUNS = [
    "drone attack",
    "artillery strike",
    "ceasefire proposal",
    "aid package",
    "prisoner exchange",
    "power outage",
    "missile barrage",
    "grain shipment",
    "evacuation",
    "counteroffensive",
    "sanctions package",
    "peace talks",
]
_SOURCES = ["Reuters", "AP", "AFP", "Kyiv Independent", "BBC", "Meduza", "DPA"]


def _sentence(rng: random.Random) -> str:
    place, person, noun = rng.choice(_PLACES), rng.choice(_PEOPLE), rng.choice(_NOUNS)
    day = rng.randint(1, 28)
    templates = (
        f"{person.capitalize()} {rng.choice(_VERBS)} that the {noun} near {place} had failed.",
        f'"We will not retreat," {person} said after the {noun} in {place}.',
        f"At least {rng.randint(2, 90)} people were hurt in the {noun} on March {day}.",
        f"The {noun} was the largest since February {day}, {person} said.",
        f"Officials in {place} gave no details of the {noun}.",
        f"Analysts said the {noun} could delay talks in {place} by {rng.randint(2, 9)} weeks.",
    )
    return rng.choice(templates)


def _article(rng: random.Random, pool: list[str], number: int, n_sentences: int) -> NewArticle:
    place, noun = rng.choice(_PLACES), rng.choice(_NOUNS)
    title = f"{noun.capitalize()} reported near {place} ({number})"
    # The first sentence carries the article number, so every text (and its hash) is unique.
    sentences = [f"{place.upper()} (wire {number}) - A {noun} was reported on day {number}."]
    sentences.extend(rng.choices(pool, k=n_sentences - 1))
    spans = []
    at = 0
    for s in sentences:
        spans.append((at, at + len(s)))
        at += len(s) + 1
    text = " ".join(sentences)
    return NewArticle(
        text=text, spans=spans, content_hash=content_hash(text), title=title,
        source=rng.choice(_SOURCES), date=f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        language="en",
    )  # fmt: skip


def make_large_project(
    path: Path,
    n_articles: int = 100_000,
    sentences_per_article: int = 30,
    long_article_sentences: int = 5000,
) -> dict[str, Any]:
    """Create (or reuse) the project; returns its facts: ids, counts, coder, seconds taken."""
    path = Path(path)
    params = {
        "n_articles": n_articles,
        "sentences_per_article": sentences_per_article,
        "long_article_sentences": long_article_sentences,
    }
    facts_file = path.with_name(path.name + ".json")
    if path.exists() and facts_file.exists():
        facts: dict[str, Any] = json.loads(facts_file.read_text(encoding="utf-8"))
        if facts.get("params") == params:
            facts["reused"] = True
            return facts
    for suffix in ("", "-wal", "-shm", ".json"):
        Path(str(path) + suffix).unlink(missing_ok=True)

    t0 = time.perf_counter()
    rng = random.Random(20250101)
    pool = [_sentence(rng) for _ in range(POOL_SIZE)]
    project = Project.create(path, codebook=default_codebook())
    try:
        article_ids: list[int] = []
        for start in range(0, n_articles, BATCH):
            batch = [
                _article(rng, pool, number, sentences_per_article)
                for number in range(start, min(start + BATCH, n_articles))
            ]
            with write_session(project.engine) as session:
                article_ids.extend(insert_articles(session, batch))
        long = _article(rng, pool, n_articles, long_article_sentences)
        long = NewArticle(
            text=long.text, spans=long.spans, content_hash=long.content_hash,
            title=f"Long report: a year of the war ({long_article_sentences:,} sentences)",
            source="Bench", date="2025-12-31", language="en",
        )  # fmt: skip
        with write_session(project.engine) as session:
            (long_id,) = insert_articles(session, [long])

        coder_id = project.coder_id(CODER)
        codes = [c for c in project.codebook.codes if c.key]
        changes: list[LabelChange] = []
        for aid in article_ids[:LABELLED_ARTICLES]:
            for s in project.sentences(aid)[::3]:
                changes.append(LabelChange(s.id, rng.choice(codes).id, coder_id, add=True))
        project.apply_changes(changes, batch="bench")
    finally:
        project.close()
    seconds = time.perf_counter() - t0
    facts = {
        "params": params,
        "path": str(path),
        "coder": CODER,
        "long_article_id": long_id,
        "first_article_id": article_ids[0] if article_ids else long_id,
        "articles": len(article_ids) + 1,
        "sentences": n_articles * sentences_per_article + long_article_sentences,
        "labels": len(changes),
        "code_keys": [c.key for c in codes],
        "seconds": round(seconds, 1),
        "bytes": path.stat().st_size,
        "reused": False,
    }
    facts_file.write_text(json.dumps(facts, indent=2), encoding="utf-8")
    log.info("made %s in %.1f s", path, seconds)
    return facts


if __name__ == "__main__":
    default = REPO / "bench" / "results" / "large.annotator"
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    target.parent.mkdir(parents=True, exist_ok=True)
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    print(json.dumps(make_large_project(target, n), indent=2))
