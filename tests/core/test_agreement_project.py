"""Reliability data extracted from a real project built in tmp_path: a SQLite file, and a
database on a PostgreSQL server (``backend``), tables written straight through SQLAlchemy."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, insert
from sqlmodel import Session, SQLModel

from annotator.agreement import AgreementError, compute_report, krippendorff_alpha
from annotator.storage import models
from annotator.storage.engine import make_engine
from annotator.storage.reliability_queries import (
    default_coders,
    disagreement_rows,
    done_by_all,
    largest_sharing_group,
    reliability_from_project,
)

NOW = datetime(2025, 1, 15, tzinfo=UTC)
TEXT = "Troops advanced. Shelling continued. Talks stalled."
SPANS = [(0, 16), (17, 36), (37, 51)]


@dataclass
class Project:
    engine: Engine
    ids: dict[str, int]

    def label(self, coder: str, article: int, index: int, code: str) -> None:
        sid = self.ids[f"s{article}.{index}"]
        with self.engine.begin() as conn:
            conn.execute(
                insert(models.Label.__table__).values(  # type: ignore[attr-defined]
                    sentence_id=sid, code_id=self.ids[code], coder_id=self.ids[coder],
                    created_at=NOW,
                )
            )  # fmt: skip

    def done(self, coder: str, article: int, status: int = 2) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(models.ArticleStatus.__table__).values(  # type: ignore[attr-defined]
                    article_id=self.ids[f"a{article}"], coder_id=self.ids[coder],
                    status=status, updated_at=NOW,
                )
            )  # fmt: skip

    def session(self) -> Session:
        return Session(self.engine)


def _insert(conn, model: type, **values: object) -> int:  # type: ignore[no-untyped-def]
    result = conn.execute(insert(model.__table__).values(**values))  # type: ignore[attr-defined]
    return int(result.inserted_primary_key[0])


@pytest.fixture
def project(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Iterator[Project]:
    """Two articles of three sentences; groups 'Frame' (single) and 'Actors' (multiple)."""
    if backend == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'project.annotator'}")
        SQLModel.metadata.create_all(engine)
    else:
        engine = make_engine(request.getfixturevalue("pg_schema_url"))
    ids: dict[str, int] = {}
    with engine.begin() as conn:
        book = _insert(conn, models.Codebook, uid="cb", name="News")
        ids["Actors"] = _insert(
            conn, models.CodeGroup, uid="g2", codebook_id=book, name="Actors", multiple=True,
            position=1,
        )  # fmt: skip
        ids["Frame"] = _insert(
            conn, models.CodeGroup, uid="g1", codebook_id=book, name="Frame", position=0
        )
        for pos, name in enumerate(["Conflict", "Diplomacy"]):
            ids[name] = _insert(
                conn, models.Code, uid=f"c-{name}", group_id=ids["Frame"], name=name, position=pos
            )
        for pos, name in enumerate(["Army", "Government"]):
            ids[name] = _insert(
                conn, models.Code, uid=f"c-{name}", group_id=ids["Actors"], name=name, position=pos
            )
        for name in ["ann", "bob", "cy", "adjudicated"]:
            ids[name] = _insert(conn, models.Coder, name=name, created_at=NOW)
        for a in (1, 2):
            ids[f"a{a}"] = _insert(
                conn, models.Article, uid=f"art{a}", title=f"Report {a}", text=TEXT,
                content_hash=f"h{a}", imported_at=NOW,
            )  # fmt: skip
            for i, (start, end) in enumerate(SPANS):
                ids[f"s{a}.{i}"] = _insert(
                    conn, models.Sentence, article_id=ids[f"a{a}"], index=i, start=start, end=end
                )
    p = Project(engine, ids)
    yield p
    engine.dispose()


def test_units_are_sentences_of_articles_every_coder_marked_done(project: Project) -> None:
    project.label("ann", 1, 0, "Conflict")
    project.label("bob", 1, 0, "Conflict")
    project.done("ann", 1)
    project.done("bob", 1)
    project.done("ann", 2)
    project.done("bob", 2, status=1)  # in progress: article 2 is not compared
    with project.session() as s:
        data = reliability_from_project(s)
    assert data.units == tuple(project.ids[f"s1.{i}"] for i in range(3))


def test_sentence_left_without_a_code_in_a_done_article_is_none(project: Project) -> None:
    project.label("ann", 1, 0, "Conflict")
    project.label("bob", 1, 1, "Diplomacy")
    project.done("ann", 1)
    project.done("bob", 1)
    with project.session() as s:
        data = reliability_from_project(s)
    values = [[data.domain[c] for c in row] for row in data.codes.tolist()]
    assert values == [["Conflict", "none"], ["none", "Diplomacy"], ["none", "none"]]
    assert data.categories == ("Conflict", "Diplomacy", "none")


def test_default_coders_exclude_adjudicated(project: Project) -> None:
    for coder in ("ann", "bob", "adjudicated"):
        project.label(coder, 1, 0, "Conflict")
        project.done(coder, 1)
    with project.session() as s:
        data = reliability_from_project(s)
    assert data.coders == ("ann", "bob")


def test_default_coders_are_the_ones_sharing_the_most_done_articles(project: Project) -> None:
    for coder in ("ann", "bob"):
        project.done(coder, 1)
        project.done(coder, 2)
    project.done("cy", 1)  # a third coder who finished one article only
    with project.session() as s:
        assert default_coders(s) == ["ann", "bob"]
        data = reliability_from_project(s)
    assert data.coders == ("ann", "bob")
    assert len(data.units) == 6  # both articles, not only the one cy finished


def test_default_coders_tied_on_the_same_articles_are_all_compared(project: Project) -> None:
    for coder in ("ann", "bob", "cy"):
        project.done(coder, 1)  # cy finished it without any code: every sentence is "none"
    with project.session() as s:
        assert default_coders(s) == ["ann", "bob", "cy"]


def test_default_coders_without_shared_done_articles_are_those_with_labels(
    project: Project,
) -> None:
    project.label("ann", 1, 0, "Conflict")
    project.label("bob", 2, 0, "Conflict")
    project.done("ann", 1)
    project.done("bob", 2)
    with project.session() as s:
        assert default_coders(s) == ["ann", "bob"]
        assert done_by_all(s, ["ann", "bob"]) == 0


def test_done_by_all_counts_the_articles_every_coder_finished(project: Project) -> None:
    for coder in ("ann", "bob"):
        project.done(coder, 1)
        project.done(coder, 2)
    project.done("cy", 2)
    with project.session() as s:
        assert done_by_all(s, ["ann", "bob"]) == 2
        assert done_by_all(s, ["ann", "bob", "cy"]) == 1
        assert done_by_all(s, ["ann", "nobody"]) == 0


def test_of_two_equal_groups_the_larger_then_the_first_by_name_is_default() -> None:
    done = {"d": {3, 4}, "c": {3, 4}, "b": {1, 2}, "a": {1, 2}, "e": {1, 2, 9}}
    assert largest_sharing_group(done) == ["a", "b", "e"]
    assert largest_sharing_group({"a": {1, 2}, "b": {1, 2}, "c": {3, 4}, "d": {3, 4}}) == [
        "a",
        "b",
    ]
    assert largest_sharing_group({"a": {1}, "b": {2}}) == []


def test_default_group_is_the_first_by_position(project: Project) -> None:
    project.label("ann", 1, 0, "Army")
    project.label("bob", 1, 0, "Army")
    project.done("ann", 1)
    project.done("bob", 1)
    with project.session() as s:
        data = reliability_from_project(s)
    assert data.level == "nominal"
    assert set(data.domain) == {"Conflict", "Diplomacy", "none"}


def test_multiple_choice_group_gives_sets_of_code_names(project: Project) -> None:
    project.label("ann", 1, 0, "Army")
    project.label("ann", 1, 0, "Government")
    project.label("bob", 1, 0, "Army")
    project.done("ann", 1)
    project.done("bob", 1)
    with project.session() as s:
        data = reliability_from_project(s, group="Actors")
    assert data.level == "multiple"
    first = [data.domain[c] for c in data.codes[0].tolist()]
    assert first == [frozenset({"Army", "Government"}), frozenset({"Army"})]
    assert data.domain[data.codes[2, 0]] == frozenset()


def test_named_coders_decide_which_articles_count(project: Project) -> None:
    for coder in ("ann", "bob", "cy"):
        project.label(coder, 1, 0, "Conflict")
        project.done(coder, 1)
    project.done("ann", 2)
    project.done("cy", 2)
    with project.session() as s:
        assert reliability_from_project(s, coders=["ann", "bob", "cy"]).n_units == 3
        assert reliability_from_project(s, coders=["ann", "cy"]).n_units == 6
        assert reliability_from_project(s).coders == ("ann", "cy")  # they share the most


def test_article_ids_restrict_the_units(project: Project) -> None:
    for coder in ("ann", "bob"):
        project.label(coder, 1, 0, "Conflict")
        project.done(coder, 1)
        project.done(coder, 2)
    with project.session() as s:
        data = reliability_from_project(s, article_ids=[project.ids["a2"]])
    assert data.units == tuple(project.ids[f"s2.{i}"] for i in range(3))


def test_unknown_coder_or_group_is_named_in_the_error(project: Project) -> None:
    project.label("ann", 1, 0, "Conflict")
    with project.session() as s:
        with pytest.raises(AgreementError, match="no coder named 'zoe'"):
            reliability_from_project(s, coders=["ann", "zoe"])
        with pytest.raises(AgreementError, match="no code group 'Tone'"):
            reliability_from_project(s, group="Tone")


def test_two_codes_in_a_single_choice_group_are_refused(project: Project) -> None:
    project.label("ann", 1, 0, "Conflict")
    project.label("ann", 1, 0, "Diplomacy")
    project.label("bob", 1, 0, "Conflict")
    project.done("ann", 1)
    project.done("bob", 1)
    with project.session() as s, pytest.raises(AgreementError, match="two codes of single"):
        reliability_from_project(s)


def test_disagreement_rows_carry_article_sentence_text_and_codes(project: Project) -> None:
    project.label("ann", 1, 1, "Conflict")
    project.label("bob", 1, 1, "Diplomacy")
    project.label("bob", 1, 2, "Diplomacy")
    project.done("ann", 1)
    project.done("bob", 1)
    with project.session() as s:
        found = disagreement_rows(s)
    assert [(r.article_title, r.sentence_index, r.sentence_text) for r in found] == [
        ("Report 1", 1, "Shelling continued."),
        ("Report 1", 2, "Talks stalled."),
    ]
    assert found[0].codes == {"ann": ("Conflict",), "bob": ("Diplomacy",)}
    assert found[1].codes == {"ann": (), "bob": ("Diplomacy",)}


def test_project_alpha_counts_uncoded_sentences_as_agreement_on_none(project: Project) -> None:
    project.label("ann", 1, 0, "Conflict")
    project.label("bob", 1, 0, "Conflict")
    project.label("ann", 1, 1, "Diplomacy")
    project.done("ann", 1)
    project.done("bob", 1)
    with project.session() as s:
        data = reliability_from_project(s)
    # units: (Conflict, Conflict), (Diplomacy, none), (none, none): Krippendorff's nominal alpha
    # by hand: n = 6, n_C = 2, n_D = 1, n_none = 3; D_o = 2/6; D_e = (36 - 4 - 1 - 9) / 30
    expected = 1 - (2 / 6) / ((36 - 4 - 1 - 9) / 30)
    assert krippendorff_alpha(data).value == pytest.approx(expected)
    assert compute_report(data, bootstrap=0).to_dict()["disagreements"] == 1


def deactivate(project: Project, group: str) -> None:
    """As a codebook reload does to a group it no longer has."""
    from sqlalchemy import update

    table = models.CodeGroup.__table__  # type: ignore[attr-defined]
    with project.engine.begin() as conn:
        conn.execute(update(table).where(table.c.id == project.ids[group]).values(active=False))


def test_default_group_is_the_first_active_one(project: Project) -> None:
    deactivate(project, "Frame")
    project.label("ann", 1, 0, "Army")
    project.done("ann", 1)
    project.done("bob", 1)
    with project.session() as s:
        assert reliability_from_project(s).level == "multiple"  # Actors, not Frame


def test_a_removed_group_is_read_by_name_while_it_has_labels(project: Project) -> None:
    project.label("ann", 1, 0, "Conflict")
    project.done("ann", 1)
    project.done("bob", 1)
    deactivate(project, "Frame")
    with project.session() as s:
        data = reliability_from_project(s, group="Frame")
    assert "Conflict" in data.domain


def test_a_removed_group_without_labels_is_refused_by_name(project: Project) -> None:
    project.label("ann", 1, 0, "Army")
    deactivate(project, "Frame")
    with project.session() as s, pytest.raises(AgreementError, match="removed from the codebook"):
        reliability_from_project(s, group="Frame")


def test_disagreement_rows_of_given_data_are_those_of_that_snapshot(project: Project) -> None:
    project.label("ann", 1, 0, "Diplomacy")
    project.label("bob", 1, 0, "Diplomacy")
    project.label("ann", 1, 1, "Conflict")
    project.done("ann", 1)
    project.done("bob", 1)
    with project.session() as s:
        data = reliability_from_project(s)
    project.label("bob", 1, 1, "Conflict")  # now they agree; the data read before does not
    with project.session() as s:
        rows = disagreement_rows(s, data=data)
    assert [(r.sentence_id, r.codes) for r in rows] == [
        (project.ids["s1.1"], {"ann": ("Conflict",), "bob": ()})
    ]
