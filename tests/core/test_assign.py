"""Assignment: every article to exactly one coder (balanced), a reliability sample of
round(overlap x n) articles to all of them, stratified when asked, the same for the same seed,
and reassigning never touches labels -- in a project file and on a server."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from annotator import server
from annotator.assignment_plan import AssignmentError, plan, sample_size, shares
from annotator.errors import NotFoundError
from annotator.imports import ParsedArticle
from tests.core.server_fixtures import PgDatabase, pg_db, seed_articles

__all__ = ["pg_db"]

CODERS = ["anna", "ben", "chen"]


def articles(sources: dict[str, int]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for source, count in sources.items():
        out += [(len(out) + i + 1, source) for i in range(count)]
    return out


def coders_per_article(rows: list[tuple[int, Any, bool]]) -> Counter[int]:
    return Counter(a for a, _c, _o in rows)


# -- the draw -------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 7, 10, 101])
@pytest.mark.parametrize("overlap", [0.0, 0.2, 0.25, 1.0])
def test_every_article_goes_to_one_coder_or_the_overlap_to_all(n: int, overlap: float) -> None:
    drawn = plan(articles({"": n}), CODERS, overlap, seed=7)
    per_article = coders_per_article(drawn.rows())
    assert len(drawn.overlap) == sample_size(n, overlap) == round(overlap * n + 1e-9)
    assert set(per_article) == set(range(1, n + 1))
    for article, count in per_article.items():
        assert count == (len(CODERS) if article in drawn.overlap else 1)


def test_the_single_articles_are_balanced_between_coders() -> None:
    drawn = plan(articles({"": 100}), CODERS, 0.2, seed=1)
    sizes = sorted(len(a) for a in drawn.single.values())
    assert sum(sizes) == 80 and sizes[-1] - sizes[0] <= 1


def test_the_overlap_takes_each_stratum_in_proportion() -> None:
    drawn = plan(articles({"AP": 30, "BBC": 10, "Reuters": 60}), CODERS, 0.2, seed=3)
    source = dict(articles({"AP": 30, "BBC": 10, "Reuters": 60}))
    assert Counter(source[a] for a in drawn.overlap) == {"Reuters": 12, "AP": 6, "BBC": 2}
    assert drawn.strata == {"AP": 6, "BBC": 2, "Reuters": 12}


def test_each_coder_gets_about_the_same_share_of_every_stratum() -> None:
    items = articles({"AP": 31, "Reuters": 62})
    source = dict(items)
    drawn = plan(items, CODERS, 0.1, seed=5)
    for stratum in ("AP", "Reuters"):
        counts = [sum(source[a] == stratum for a in arts) for arts in drawn.single.values()]
        assert max(counts) - min(counts) <= 1


def test_shares_sum_to_the_sample_by_largest_remainder() -> None:
    assert shares({"a": 1, "b": 1, "c": 1}, 2) == {"a": 1, "b": 1, "c": 0}
    assert sum(shares({"x": 7, "y": 5, "z": 1}, 4).values()) == 4


def test_the_same_seed_draws_the_same_plan_and_another_seed_another() -> None:
    items = articles({"AP": 40, "Reuters": 60})
    assert plan(items, CODERS, 0.2, seed=42) == plan(items, CODERS, 0.2, seed=42)
    assert plan(items, CODERS, 0.2, seed=42) != plan(items, CODERS, 0.2, seed=43)


@pytest.mark.parametrize(
    ("coders", "overlap", "message"),
    [([], 0.2, "at least one coder"), (["a", "a"], 0.2, "twice"), (["a"], 1.5, "between 0 and 1")],
)
def test_impossible_requests_are_refused(coders: list[str], overlap: float, message: str) -> None:
    with pytest.raises(AssignmentError, match=message):
        plan(articles({"": 5}), coders, overlap)


# -- in a project file ----------------------------------------------------------------------


@pytest.fixture
def project_file(make_project: Any) -> Path:
    project = make_project()
    project.import_articles(
        ParsedArticle(
            text=f"Story {i} happened. It was reported.",
            origin=f"f{i}",
            source="AP" if i % 4 == 0 else "Reuters",
            meta={"desk": "world" if i % 2 else "home"},
        )
        for i in range(20)
    )
    for name in CODERS:
        project.coder_id(name)
    path = project.path
    project.close()
    return Path(path)


def test_assign_in_a_project_file_writes_the_plan(project_file: Path) -> None:
    drawn = server.assign(project_file, CODERS, overlap=0.25, seed=9, by="desk")
    rows = server.assignments(project_file)
    assert len(rows) == len(drawn.rows()) == 5 * 3 + 15
    assert drawn.strata == {"home": 3, "world": 2}  # 2.5 each: the tie goes by name
    assert {o for _a, _c, o in rows if _a in drawn.overlap} == {True}


def test_reassigning_replaces_assignments_and_keeps_labels(project_file: Path) -> None:
    from annotator import Project

    server.assign(project_file, CODERS, overlap=0.2, seed=1)
    with Project.open(project_file) as project:
        first = project.article_ids()[0]
        sentence = project.sentences(first)[0].id
        code = project.codebook.codes[0].name
        project.add_label(sentence, code, "anna")
        project.set_status(first, "anna", 2)
        before = project.labels_frame().to_dict("records")
    server.assign(project_file, ["anna", "ben"], overlap=0.5, seed=2)
    rows = server.assignments(project_file)
    assert {c for _a, c, _o in rows} == {"anna", "ben"}
    assert len({a for a, _c, o in rows if o}) == 10
    with Project.open(project_file) as project:
        assert project.labels_frame().to_dict("records") == before
        assert int(project.status(first, "anna")) == 2


def test_assigning_to_an_unknown_coder_is_refused(project_file: Path) -> None:
    with pytest.raises(NotFoundError, match="no coder named dora"):
        server.assign(project_file, ["anna", "dora"], overlap=0.2)
    assert server.assignments(project_file) == []


# -- on a server ----------------------------------------------------------------------------


def test_assign_on_a_server_stratified_by_source(pg_db: PgDatabase) -> None:
    server.init(pg_db.url)
    names = [pg_db.role(c) for c in CODERS]
    for name in names:
        server.add_coder(pg_db.url, name, "pw")
    sources = ["AP"] * 10 + ["Reuters"] * 30
    seed_articles(pg_db.url, [(s, {}) for s in sources])
    drawn = server.assign(pg_db.url, names, overlap=0.2, seed=11, by="source")
    assert drawn.strata == {"AP": 2, "Reuters": 6}
    rows = server.assignments(pg_db.url)
    per_article = coders_per_article(rows)
    assert len(per_article) == 40
    assert sorted(Counter(per_article.values()).items()) == [(1, 32), (3, 8)]
    again = server.assign(pg_db.url, names, overlap=0.2, seed=11, by="source")
    assert again == drawn and server.assignments(pg_db.url) == rows
