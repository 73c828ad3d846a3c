"""The demo project: bundled sample articles, the default codebook, two coders' finished work.

The two coders' work carries a plausible history: each key press at its own time, 6 to 40
seconds apart, three articles on one day and two the next, each article marked done as its last
sentence was coded. So the coding-time figures (``annotator stats``, the report's Coding time
tab) show on the demo what they show on a real project. The times are fixed (a seeded random
sequence from a fixed day), so every demo project is the same.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from annotator.codebook import default_codebook
from annotator.paths import sample_articles_dir
from annotator.project import Project
from annotator.records import Status
from annotator.storage import coding_state
from annotator.storage.exchange_queries import Session, stored_time
from annotator.storage.label_writes import OnConflict, add_labels
from annotator.storage.unit_of_work import write_session

DEMO_CODERS = ("anna", "ben")
#: when each demo coder started (UTC): anna on a Monday morning, ben the day after
DEMO_START = {
    "anna": datetime(2025, 3, 3, 9, 0, tzinfo=UTC),
    "ben": datetime(2025, 3, 4, 13, 30, tzinfo=UTC),
}
#: each coder stops for the day after this many articles and goes on the next morning
ARTICLES_ON_DAY_ONE = 3
OVERNIGHT = timedelta(hours=19)


def build_demo(path: str | Path) -> Project:
    """Create the demo project at path (which must not exist yet) and return it open."""
    folder = sample_articles_dir()
    project = Project.create(path, codebook=default_codebook())
    try:
        files = sorted(folder.glob("*.txt"))
        report = project.import_paths(files)
        key = json.loads((folder / "demo_labels.json").read_text(encoding="utf-8"))
        by_file = dict(zip([f.name for f in files], report.article_ids, strict=True))
        coder_ids = {name: project.coder_id(name) for name in key["coders"]}
        # coder -> article id -> [(sentence index, sentence id, code id)], in reading order
        work: dict[str, dict[int, list[tuple[int, int, int]]]] = {c: {} for c in coder_ids}
        sentences = {aid: project.sentences(aid) for aid in report.article_ids}  # read once
        for entry in key["labels"]:
            article_id = by_file[entry["article"]]
            match = [s for s in sentences[article_id] if s.text.startswith(entry["starts"])]
            if len(match) != 1:
                raise RuntimeError(f"demo key: no single sentence starts with {entry['starts']!r}")
            for coder in coder_ids:
                if coder in entry:
                    code = project.code(entry[coder]).id
                    work[coder].setdefault(article_id, []).append(
                        (match[0].index, match[0].id, code)
                    )
        with write_session(project.engine) as session:
            for coder, cid in coder_ids.items():
                _code_like_a_person(session, coder, cid, report.article_ids, work[coder])
    except BaseException:
        project.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    return project


def _code_like_a_person(
    session: Session,
    coder: str,
    coder_id: int,
    article_ids: list[int],
    work: dict[int, list[tuple[int, int, int]]],
) -> None:
    """One key press per label at its own time, and each article done after its last label."""
    rng = random.Random(f"demo-{coder}")
    at = DEMO_START.get(coder, DEMO_START["anna"])
    presses: list[tuple[int, int, int, str]] = []
    done_at: dict[int, datetime] = {}
    for n, article_id in enumerate(article_ids):
        if n == ARTICLES_ON_DAY_ONE:
            at += OVERNIGHT
        at += timedelta(seconds=rng.randint(20, 60))  # reading the article first
        for _index, sentence_id, code_id in sorted(work.get(article_id, [])):
            at += timedelta(seconds=rng.randint(6, 40))
            presses.append((sentence_id, code_id, coder_id, stored_time(at)))
        at += timedelta(seconds=rng.randint(5, 15))
        done_at[article_id] = at
    # One write; each event keeps its own time, and a distinct time is a distinct key press.
    add_labels(session, presses, f"demo-{coder}", on_conflict=OnConflict.REPLACE)
    for article_id, when in done_at.items():
        coding_state.set_status(session, article_id, coder_id, Status.DONE, when)
