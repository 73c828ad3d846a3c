"""Adjudication: decisions become the "adjudicated" coder's labels plus a remembered decision."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from annotator.adjudication import (
    AGREEMENT_NOTE,
    AdjudicationError,
    accept_agreements,
    adjudication_items,
    decide,
    progress,
)
from annotator.codebook import Codebook
from annotator.project import Project
from annotator.records import Status
from annotator.storage.reliability_queries import ADJUDICATED

MakeProject = Callable[..., Project]


@pytest.fixture
def demo(make_project: MakeProject) -> Project:
    return make_project("demo", demo=True)


def adjudicated_codes(project: Project, sentence_id: int) -> list[str]:
    article = project.sentence(sentence_id).article_id
    labels = project.labels(article, coders=[ADJUDICATED])
    return sorted(code for _coder, code in labels.get(sentence_id, []))


def test_items_are_the_disagreements_all_open_at_first(demo: Project) -> None:
    items = adjudication_items(demo)
    assert [i.sentence_id for i in items] == [r.sentence_id for r in demo.disagreements()]
    assert items and not any(i.resolved for i in items)


def test_decide_sets_the_adjudicated_coders_labels(demo: Project) -> None:
    item = adjudication_items(demo)[0]
    chosen = item.codes["ben"]
    decide(demo, item.sentence_id, None, chosen, decided_by="lead")
    assert adjudicated_codes(demo, item.sentence_id) == sorted(chosen)
    after = adjudication_items(demo)[0]
    assert after.decision is not None
    assert after.decision.codes == chosen
    assert after.decision.decided_by == "lead"


def test_deciding_again_replaces_the_codes(demo: Project) -> None:
    item = adjudication_items(demo)[0]
    decide(demo, item.sentence_id, None, item.codes["anna"], decided_by="lead")
    decide(demo, item.sentence_id, None, item.codes["ben"], decided_by="lead")
    assert adjudicated_codes(demo, item.sentence_id) == sorted(item.codes["ben"])


def test_a_none_decision_is_remembered_as_resolved(demo: Project) -> None:
    item = adjudication_items(demo)[0]
    decide(demo, item.sentence_id, None, item.codes["anna"], decided_by="lead")
    decide(demo, item.sentence_id, None, [], decided_by="lead")
    assert adjudicated_codes(demo, item.sentence_id) == []
    after = next(i for i in adjudication_items(demo) if i.sentence_id == item.sentence_id)
    assert after.resolved and after.decision is not None and after.decision.codes == ()


def test_progress_counts_resolved_of_total(demo: Project) -> None:
    items = adjudication_items(demo)
    assert progress(demo) == (0, len(items))
    decide(demo, items[0].sentence_id, None, [], decided_by="lead")
    decide(demo, items[1].sentence_id, None, items[1].codes["anna"], decided_by="lead")
    assert progress(demo) == (2, len(items))


def test_decisions_are_in_the_event_log(demo: Project) -> None:
    item = next(i for i in adjudication_items(demo) if i.codes["anna"])
    decide(demo, item.sentence_id, None, item.codes["anna"], decided_by="lead")
    from sqlalchemy import select

    from annotator.storage import tables as t

    with demo.engine.connect() as conn:
        events = conn.execute(
            select(t.label_event.c.sentence_id).where(
                t.label_event.c.coder_id == demo.coder_id(ADJUDICATED)
            )
        ).all()
    assert [e[0] for e in events] == [item.sentence_id]


def test_two_codes_in_a_single_choice_group_are_refused(demo: Project) -> None:
    item = adjudication_items(demo)[0]
    two = [c.name for c in demo.codebook.groups[0].codes[:2]]
    with pytest.raises(AdjudicationError, match="single-choice"):
        decide(demo, item.sentence_id, None, two, decided_by="lead")
    assert adjudicated_codes(demo, item.sentence_id) == []


def test_an_unknown_code_is_refused_naming_the_codes(demo: Project) -> None:
    item = adjudication_items(demo)[0]
    with pytest.raises(AdjudicationError, match="no code 'Nonsense'"):
        decide(demo, item.sentence_id, None, ["Nonsense"], decided_by="lead")


def test_accept_agreements_copies_every_agreeing_sentence(demo: Project) -> None:
    data = demo.reliability_data()
    n_agree = data.n_units - len(demo.disagreements())
    assert accept_agreements(demo, decided_by="lead") == n_agree


def test_accepted_agreements_match_the_coders_exactly(demo: Project) -> None:
    accept_agreements(demo, decided_by="lead")
    disagreeing = {r.sentence_id for r in demo.disagreements()}
    data = demo.reliability_data(coders=["anna", ADJUDICATED])
    # every agreeing sentence of a done article is now identical between anna and adjudicated
    for r, unit in enumerate(data.units):
        if unit not in disagreeing:
            assert data.codes[r, 0] == data.codes[r, 1]


def test_accept_agreements_twice_changes_nothing(demo: Project) -> None:
    accept_agreements(demo, decided_by="lead")
    labels_before = demo.labels_frame()
    assert accept_agreements(demo, decided_by="lead") == 0
    assert len(demo.labels_frame()) == len(labels_before)


def test_accept_agreements_keeps_earlier_decisions(demo: Project) -> None:
    data = demo.reliability_data()
    disagreeing = {r.sentence_id for r in demo.disagreements()}
    agreeing = next(int(u) for u in data.units if u not in disagreeing)  # type: ignore[call-overload]
    decide(demo, agreeing, None, [], decided_by="lead", note="on purpose")
    accept_agreements(demo, decided_by="lead")
    assert adjudicated_codes(demo, agreeing) == []


def test_accept_agreements_is_noted_as_agreement(demo: Project) -> None:
    accept_agreements(demo, decided_by="lead")
    from sqlalchemy import select

    from annotator.storage.tables import adjudication as decision_table

    with demo.engine.connect() as conn:
        notes = set(conn.execute(select(decision_table.c.note)).scalars())
    assert notes == {AGREEMENT_NOTE}


def test_article_is_done_for_adjudicated_once_every_sentence_is_decided(demo: Project) -> None:
    accept_agreements(demo, decided_by="lead")
    items = adjudication_items(demo)
    article = items[0].article_id
    assert demo.status(article, ADJUDICATED) != Status.DONE
    for item in [i for i in items if i.article_id == article]:
        decide(demo, item.sentence_id, None, item.codes["anna"], decided_by="lead")
    assert demo.status(article, ADJUDICATED) == Status.DONE


def test_fully_adjudicated_coder_can_be_compared_with_a_coder(demo: Project) -> None:
    accept_agreements(demo, decided_by="lead")
    for item in adjudication_items(demo):
        decide(demo, item.sentence_id, None, item.codes["anna"], decided_by="lead")
    data = demo.reliability_data(coders=["anna", ADJUDICATED])
    assert data.n_units == demo.reliability_data().n_units
    assert (
        demo.agreement(["anna", ADJUDICATED], bootstrap=0).coefficients["percent_agreement"].value
        == 1.0
    )


def test_the_adjudicated_coder_cannot_be_one_of_the_compared(demo: Project) -> None:
    with pytest.raises(AdjudicationError, match="adjudicated"):
        adjudication_items(demo, coders=["anna", ADJUDICATED])


def test_a_read_only_project_refuses_decisions(demo: Project) -> None:
    item = adjudication_items(demo)[0]
    path = demo.path
    demo.close()
    ro = Project.open(path, read_only=True)
    try:
        from annotator.errors import ReadOnlyProjectError

        with pytest.raises(ReadOnlyProjectError):
            decide(ro, item.sentence_id, None, [], decided_by="lead")
        assert adjudication_items(ro)[0].decision is None
    finally:
        ro.close()


# -- codes and groups removed from the codebook ---------------------------------------------


def without_code(project: Project, name: str) -> Codebook:
    """The project's codebook with one code dropped, as a researcher would reload it."""
    from annotator.exports.codebook_export import lead_codebook

    book = lead_codebook(project.codebook)
    assert book is not None
    groups = tuple(
        g.model_copy(update={"codes": tuple(c for c in g.codes if c.name != name)})
        for g in book.groups
    )
    return book.model_copy(update={"groups": groups})


def with_new_group_only(project: Project) -> Codebook:
    """The codebook replaced by one new group "Tone": the old group is deactivated."""
    from annotator.codebook import Code, CodeGroup
    from annotator.exports.codebook_export import lead_codebook

    book = lead_codebook(project.codebook)
    assert book is not None
    tone = CodeGroup(
        id="tone", name="Tone", codes=(Code(id="tone-neg", name="Negative", color="#000000"),)
    )
    return book.model_copy(update={"groups": (tone,)})


def test_an_agreement_on_a_removed_code_is_an_agreement_on_no_code(demo: Project) -> None:
    """A removed code's labels count for nothing, as in the window's progress and the report
    (docs/agreement.md): the coders' agreement on it is accepted as "no code"."""
    data = demo.reliability_data()
    agreed = next(
        int(u)  # type: ignore[call-overload]
        for u, row in zip(data.units, data.codes.tolist(), strict=True)
        if row[0] == row[1] and data.domain[row[0]] == "Denial"
    )
    demo.load_codebook(without_code(demo, "Denial"))
    assert "Denial" not in demo.reliability_data().domain
    accept_agreements(demo, decided_by="lead")
    assert adjudicated_codes(demo, agreed) == []


def test_a_removed_code_can_be_decided(demo: Project) -> None:
    item = adjudication_items(demo)[0]
    demo.load_codebook(without_code(demo, "Denial"))
    decide(demo, item.sentence_id, None, ["Denial"], decided_by="lead")
    assert adjudicated_codes(demo, item.sentence_id) == ["Denial"]


def test_default_group_is_the_first_active_one_for_reports_and_adjudication(
    demo: Project,
) -> None:
    from annotator.adjudication import resolve_group
    from annotator.storage.reliability_queries import resolve_group as report_group
    from annotator.storage.unit_of_work import read_session

    demo.load_codebook(with_new_group_only(demo))
    with read_session(demo.engine) as s:
        for_reports = report_group(s, None)
    assert resolve_group(demo, None).name == for_reports.name == "Tone"


def test_a_removed_group_with_labels_can_still_be_adjudicated(demo: Project) -> None:
    before = [i.sentence_id for i in adjudication_items(demo)]
    demo.load_codebook(with_new_group_only(demo))
    assert [i.sentence_id for i in adjudication_items(demo, group="Statement type")] == before


def test_a_removed_group_without_labels_is_refused(make_project: MakeProject) -> None:
    project = make_project("empty")
    project.load_codebook(with_new_group_only(project))
    with pytest.raises(AdjudicationError, match="removed from the codebook and has no labels"):
        adjudication_items(project, group="Statement type")


# -- accepting agreements in chunks -----------------------------------------------------------


def test_cancelled_accept_keeps_whole_chunks_and_a_rerun_finishes(demo: Project) -> None:
    from annotator.errors import Cancelled
    from annotator.progress import CancelToken

    expected = demo.reliability_data().n_units - len(demo.disagreements())
    token = CancelToken()

    def cancel_after_first_chunk(done: int, _total: int) -> None:
        if done > 0:
            token.cancel()

    with pytest.raises(Cancelled):
        accept_agreements(
            demo, decided_by="lead", progress=cancel_after_first_chunk, cancel=token, chunk=10
        )
    from sqlalchemy import func, select

    from annotator.storage.tables import adjudication as decision_table

    with demo.engine.connect() as conn:
        kept = int(conn.execute(select(func.count()).select_from(decision_table)).scalar_one())
    assert 0 < kept < expected
    assert accept_agreements(demo, decided_by="lead", chunk=10) == expected - kept


def test_a_change_made_between_chunks_is_what_gets_accepted(demo: Project) -> None:
    data = demo.reliability_data()
    last_article = demo.sentence(int(data.units[-1])).article_id  # type: ignore[call-overload]
    target = next(
        int(u)  # type: ignore[call-overload]
        for u, row in zip(data.units, data.codes.tolist(), strict=True)
        if row[0] == row[1]
        and data.domain[row[0]] not in ("none", "Denial")
        and demo.sentence(int(u)).article_id == last_article  # type: ignore[call-overload]
    )
    changed = False

    def ben_changes_his_mind(done: int, _total: int) -> None:
        nonlocal changed
        if done > 0 and not changed:
            demo.add_label(target, "Denial", "ben")
            changed = True

    accept_agreements(demo, decided_by="lead", progress=ben_changes_his_mind, chunk=10)
    assert changed
    assert adjudicated_codes(demo, target) == []
