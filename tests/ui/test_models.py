"""Every item model of the workspace passes Qt's model tester, and answers what the views ask."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from annotator.project import Project
from annotator.records import ArticleSummary, Status
from ui.article_list_model import (
    PROGRESS_ROLE,
    ArticleFilterProxy,
    ArticleListModel,
    Column,
)
from ui.codebook_panel import CODE_ID_ROLE, CodebookModel
from ui.sentence_model import (
    OWN_CODES_ROLE,
    PARAGRAPH_ROLE,
    SentenceFilterProxy,
    SentenceModel,
)


def loaded_sentence_model(project: Project, coder: str) -> SentenceModel:
    aid = project.article_ids()[0]
    model = SentenceModel()
    names = {project.coder_id(n): n for n in project.coders()}
    model.load(
        project.article(aid),
        project.sentences(aid),
        project.label_ids(aid),
        [],
        project.coder_id(coder),
        project.codebook,
        names,
    )
    return model


def test_article_list_model_passes_the_model_tester(
    qtmodeltester: ModelTester, make_project: Callable[..., Project]
) -> None:
    p = make_project("demo", demo=True)
    model = ArticleListModel()
    model.set_summaries(p.article_summaries("anna"))
    qtmodeltester.check(model)
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_text("strike")
    qtmodeltester.check(proxy)


def test_article_list_reports_progress_of_the_coder(make_project: Callable[..., Project]) -> None:
    p = make_project("demo", demo=True)
    model = ArticleListModel()
    model.set_summaries(p.article_summaries("anna"))
    first = p.article_summaries("anna")[0]
    index = model.index(0, Column.PROGRESS)
    assert index.data(PROGRESS_ROLE) == (first.n_coded, first.n_sentences)
    assert index.data() == f"{first.n_coded}/{first.n_sentences}"


def test_update_summary_changes_one_row() -> None:
    model = ArticleListModel()
    rows = [ArticleSummary(i, f"u{i}", f"T{i}", "", "", 5, 0, Status.NOT_STARTED) for i in (1, 2)]
    model.set_summaries(rows)
    seen: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b: seen.append((a.row(), b.row())))
    model.update_summary(2, n_coded=3)
    assert seen == [(1, 1)]
    assert model.summary_of(2).n_coded == 3  # type: ignore[union-attr]


def test_sentence_model_passes_the_model_tester(
    qtmodeltester: ModelTester, make_project: Callable[..., Project]
) -> None:
    p = make_project("demo", demo=True)
    model = loaded_sentence_model(p, "anna")
    qtmodeltester.check(model)
    proxy = SentenceFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_mode(SentenceFilterProxy.UNCODED)
    qtmodeltester.check(proxy)


def test_sentence_model_marks_paragraph_starts(make_project: Callable[..., Project]) -> None:
    p = make_project("demo", demo=True)
    model = loaded_sentence_model(p, "anna")
    article = model.article
    assert article is not None
    for row in range(1, model.rowCount()):
        gap = article.text[model.sentence(row - 1).end : model.sentence(row).start]
        assert model.index(row, 0).data(PARAGRAPH_ROLE) == ("\n\n" in gap.replace(" ", ""))


def test_sentence_model_mirrors_applied_changes(make_project: Callable[..., Project]) -> None:
    p = make_project("p")
    from annotator.paths import sample_articles_dir

    p.import_paths(sorted(sample_articles_dir().glob("*.txt"))[:1])
    model = loaded_sentence_model(p, "zoe")
    sid = model.sentence(0).id
    cmd = p.toggle_command([sid], "Denial", "zoe")
    cmd.apply(p)
    model.apply_changes(cmd.changes)
    assert [c.name for c in model.index(0, 0).data(OWN_CODES_ROLE)] == ["Denial"]
    assert model.n_coded() == 1


def test_codebook_model_passes_the_model_tester(
    qtmodeltester: ModelTester, make_project: Callable[..., Project]
) -> None:
    p = make_project("p")
    model = CodebookModel()
    model.set_codebook(p.codebook)
    qtmodeltester.check(model)
    code = p.codebook.codes[1]
    model.set_counts({code.id: 4})
    idx = model.index_of(code.id, 2)
    assert idx.data(Qt.ItemDataRole.DisplayRole) == "4"
    assert model.index_of(code.id).data(CODE_ID_ROLE) == code.id
