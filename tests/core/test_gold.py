"""The gold standard: marking articles gold, and a coder's agreement with gold checked by hand
and against independent libraries (scikit-learn, krippendorff)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from annotator.adjudication import decide
from annotator.errors import AnnotatorError, ReadOnlyProjectError
from annotator.imports import ParsedArticle
from annotator.project import Project
from annotator.project_gold import GoldError
from annotator.records import Status
from tests.core.helpers.gold_study import CASE, TEXTS, D, M, N, build_gold_study
from tests.core.helpers.gold_study import code_article as _code

MakeProject = Callable[..., Project]


@pytest.fixture
def study(tmp_path: Path) -> Iterator[Project]:
    """tests/core/helpers/gold_study.py: two gold articles (gold coders "expert" and
    "adjudicated"), both finished by anna."""
    p = build_gold_study(tmp_path / "gold.annotator")
    yield p
    p.close()


# -- marking -----------------------------------------------------------------------------------


def test_marked_articles_are_listed_with_their_gold_coder(study: Project) -> None:
    gold = study.gold_articles()
    assert [(g.title, g.gold_coder, g.marked_by) for g in gold] == [
        ("A0", "expert", "lead"),
        ("A1", "adjudicated", "lead"),
    ]


def test_marking_refuses_an_article_the_gold_coder_has_not_finished(
    make_project: MakeProject,
) -> None:
    p = make_project("unfinished")
    p.import_articles([ParsedArticle(TEXTS[0], "a.txt")])
    (aid,) = p.article_ids()
    _code(p, aid, "expert", [M, M, M, D, D], done=False)
    with pytest.raises(GoldError, match=r"'expert' has not marked article .* done"):
        p.mark_gold([aid], gold_coder="expert")
    with pytest.raises(GoldError, match="'adjudicated' has not marked"):
        p.mark_gold([aid])
    assert p.gold_articles() == []


def test_marking_refuses_all_when_one_is_not_finished(study: Project) -> None:
    a1, a2 = study.article_ids()
    study.unmark_gold([a1, a2])
    with pytest.raises(GoldError):
        study.mark_gold([a1, a2], gold_coder="expert")  # the expert did not do article 2
    assert study.gold_articles() == []


def test_marking_again_changes_the_gold_coder(study: Project) -> None:
    a1, _ = study.article_ids()
    study.mark_gold([a1], gold_coder="anna", by="lead")
    assert study.gold_articles()[0].gold_coder == "anna"


def test_unmark_takes_articles_out_and_keeps_labels(study: Project) -> None:
    a1, a2 = study.article_ids()
    assert study.unmark_gold([a1]) == 1
    assert study.unmark_gold([a1]) == 0
    assert [g.article_id for g in study.gold_articles()] == [a2]
    assert study.labels(a1, coders=["expert"])


def test_read_only_project_refuses_marking(study: Project) -> None:
    path = study.path
    study.close()
    with Project.open(path, read_only=True) as ro, pytest.raises(ReadOnlyProjectError):
        ro.mark_gold(ro.article_ids(), gold_coder="expert")


# -- the comparison, by hand -------------------------------------------------------------------


def test_agreement_with_gold_by_hand(study: Project) -> None:
    """10 sentences, codes M(ilitary action), D(iplomatic claim), N (Denial):

        sentence  1 2 3 4 5 6 7 8 9 10
        gold      M M M D D D N N N M
        anna      M M N D D N N N M M

    7 of 10 agree: p_o = 0.7. Gold's marginals M 4, D 3, N 3; anna's M 4, D 2, N 4.
    Cohen: p_e = (4*4 + 3*2 + 3*4) / 100 = 0.34, kappa = (0.7 - 0.34) / (1 - 0.34) = 6/11.
    Krippendorff (nominal): 20 values, pooled M 8, D 5, N 7; D_o = 3 disagreeing units * 2
    ordered pairs / 20 = 0.3; D_e = (20^2 - (64 + 25 + 49)) / (20 * 19) = 262/380;
    alpha = 1 - 0.3 * 380/262 = 148/262 = 74/131.
    Per code (gold = truth):
        M: tp 3 (1, 2, 10), fp 1 (9), fn 1 (3)   -> P 3/4, R 3/4, F1 3/4
        D: tp 2 (4, 5),     fp 0,     fn 1 (6)   -> P 1,   R 2/3, F1 2*(2/3)/(5/3) = 4/5
        N: tp 2 (7, 8),     fp 2 (3, 6), fn 1 (9) -> P 1/2, R 2/3, F1 2*(1/3)/(7/6) = 4/7
        Analyst opinion: never given by either -> all undefined.
    """
    c = study.compare_with_gold("anna")
    assert c.n_sentences == 10 and c.n_articles == 2 and c.n_differences == 3
    assert c.kappa.value == pytest.approx(6 / 11)
    assert c.alpha.value == pytest.approx(74 / 131)
    scores = {s.code: s for s in c.per_code}
    assert (scores[M].precision, scores[M].recall, scores[M].f1) == pytest.approx((0.75,) * 3)
    assert (scores[D].precision, scores[D].recall, scores[D].f1) == pytest.approx((1, 2 / 3, 0.8))
    assert (scores[N].precision, scores[N].recall, scores[N].f1) == pytest.approx(
        (0.5, 2 / 3, 4 / 7)
    )
    assert scores[N].support == 3
    opinion = scores["Analyst opinion"]
    assert (opinion.precision, opinion.recall, opinion.f1) == (None, None, None)


def test_each_sentence_lists_gold_and_the_coders_codes(study: Project) -> None:
    c = study.compare_with_gold("anna")
    assert [(s.gold, s.coded) for s in c.sentences] == [((g,), (a,)) for g, a in CASE]
    assert [s.index for s in c.sentences] == [0, 1, 2, 3, 4] * 2
    assert [s.gold_coder for s in c.sentences] == ["expert"] * 5 + ["adjudicated"] * 5
    assert [i + 1 for i, s in enumerate(c.sentences) if s.differs] == [3, 6, 9]
    assert c.sentences[2].text == "The army lost a tank."


def test_agreement_matches_scikit_learn_and_krippendorff(study: Project) -> None:
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    krippendorff = pytest.importorskip("krippendorff")
    c = study.compare_with_gold("anna")
    gold = [g for g, _ in CASE]
    anna = [a for _, a in CASE]
    assert c.kappa.value == pytest.approx(sklearn_metrics.cohen_kappa_score(gold, anna))
    p, r, f, support = sklearn_metrics.precision_recall_fscore_support(
        gold, anna, labels=[M, D, N], zero_division=0
    )
    scores = {s.code: s for s in c.per_code}
    for i, code in enumerate([M, D, N]):
        assert (scores[code].precision, scores[code].recall, scores[code].f1) == pytest.approx(
            (p[i], r[i], f[i])
        )
        assert scores[code].support == support[i]
    index = {M: 0, D: 1, N: 2}
    matrix = [[index[v] for v in anna], [index[v] for v in gold]]
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert c.alpha.value == pytest.approx(expected)


def test_unfinished_articles_of_the_coder_are_not_compared(study: Project) -> None:
    _, a2 = study.article_ids()
    study.set_status(a2, "anna", Status.IN_PROGRESS)
    c = study.compare_with_gold("anna")
    assert c.n_sentences == 5 and {s.article_id for s in c.sentences} == {study.article_ids()[0]}


def test_the_gold_coder_is_not_compared_with_themselves(study: Project) -> None:
    c = study.compare_with_gold("expert")  # only article 2 (adjudicated), which expert never did
    assert c.n_sentences == 0 and c.kappa.value is None


def test_no_gold_standard_is_an_error(make_project: MakeProject) -> None:
    p = make_project("empty")
    with pytest.raises(AnnotatorError, match="no gold standard"):
        p.compare_with_gold("anna")


def test_blind_gold_coder_is_hidden_until_the_coder_is_done(study: Project) -> None:
    a1, _ = study.article_ids()
    assert study.gold_hidden_coder(a1, "anna") is None  # anna finished it
    study.set_status(a1, "anna", Status.IN_PROGRESS)
    assert study.gold_hidden_coder(a1, "anna") == "expert"
    assert study.gold_hidden_coder(a1, "ben") == "expert"
    assert study.gold_hidden_coder(a1, "expert") is None
    study.unmark_gold([a1])
    assert study.gold_hidden_coder(a1, "anna") is None


# -- several gold coders, multiple choice ------------------------------------------------------

ACTORS_CODEBOOK = """
name: Actors
version: "1"
groups:
  - name: Actors
    choice: multiple
    codes:
      - {name: Army, key: a}
      - {name: Government, key: g}
"""


def test_a_multiple_choice_group_scores_each_code_present_or_absent(tmp_path: Path) -> None:
    """Multiple choice, 4 sentences (two articles, gold by "adjudicated" then "expert", so the
    comparison stacks two gold coders' value sets):

        sentence  1          2       3     4
        gold      {A, G}     {A}     {}    {G}
        anna      {A}        {A}     {G}   {G}

    Army: tp 2 (1, 2), fp 0, fn 0 -> P 1, R 1. Government: tp 1 (4), fp 1 (3), fn 1 (1) ->
    P 1/2, R 1/2, F1 1/2. Cohen's kappa over the sets as categories ({A, G}, {A}, {}, {G}):
    p_o = 2/4; gold's marginals 1, 1, 1, 1 and anna's 0, 2, 0, 2: p_e = (0 + 2 + 0 + 2) / 16 =
    1/4, kappa = (1/2 - 1/4) / (3/4) = 1/3. Nominal alpha as the krippendorff package gives it.
    """
    from annotator.codebook import load_codebook

    book = tmp_path / "actors.yaml"
    book.write_text(ACTORS_CODEBOOK, encoding="utf-8")
    p = Project.create(tmp_path / "m.annotator", codebook=load_codebook(book))
    try:
        texts = ["Troops advanced. Shelling hit the port.", "Envoys met. The minister spoke."]
        p.import_articles([ParsedArticle(t, f"{i}.txt") for i, t in enumerate(texts)])
        a1, a2 = p.article_ids()
        s = p.sentences(a1) + p.sentences(a2)
        assert len(s) == 4
        gold = [["Army", "Government"], ["Army"], [], ["Government"]]
        anna = [["Army"], ["Army"], ["Government"], ["Government"]]
        for sentence, codes in zip(s[:2], gold[:2], strict=True):
            decide(p, sentence.id, None, codes, decided_by="lead")
        for sentence, codes in zip(s[2:], gold[2:], strict=True):
            for code in codes:
                p.add_label(sentence, code, "expert")
        p.set_status(a2, "expert", Status.DONE)
        for sentence, codes in zip(s, anna, strict=True):
            for code in codes:
                p.add_label(sentence, code, "anna")
        for aid in (a1, a2):
            p.set_status(aid, "anna", Status.DONE)
        p.mark_gold([a1])
        p.mark_gold([a2], gold_coder="expert")
        c = p.compare_with_gold("anna")
        assert [(x.gold, x.coded) for x in c.sentences] == [
            (tuple(g), tuple(a)) for g, a in zip(gold, anna, strict=True)
        ]
        scores = {x.code: x for x in c.per_code}
        assert (scores["Army"].precision, scores["Army"].recall) == (1.0, 1.0)
        government = scores["Government"]
        assert (government.precision, government.recall, government.f1) == (0.5, 0.5, 0.5)
        assert c.kappa.value == pytest.approx(1 / 3)
        krippendorff = pytest.importorskip("krippendorff")
        sets = {frozenset(v) for v in gold + anna}
        index = {v: i for i, v in enumerate(sorted(sets, key=sorted))}
        matrix = [[index[frozenset(v)] for v in anna], [index[frozenset(v)] for v in gold]]
        expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
        assert c.alpha.value == pytest.approx(expected)
    finally:
        p.close()


def test_sentences_are_in_article_order_whichever_gold_coder(study: Project) -> None:
    """Articles 1 and 3 are the expert's gold, 2 the adjudicated coder's: one list, in order."""
    study.import_articles([ParsedArticle("Troops advanced. Talks resumed.", "a3.txt")])
    a1, a2, a3 = study.article_ids()
    _code(study, a3, "expert", [M, D])
    _code(study, a3, "anna", [M, M])
    study.mark_gold([a3], gold_coder="expert")
    c = study.compare_with_gold("anna")
    assert [s.article_id for s in c.sentences] == [a1] * 5 + [a2] * 5 + [a3] * 2
    assert c.n_differences == 4
