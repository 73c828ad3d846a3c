"""The agreement report window: figures as the core computes them, exports, jumps, recompute."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from annotator.codebook import default_codebook
from annotator.project import Project
from annotator.records import LabelChange, Status
from annotator.storage.article_writes import NewArticle, content_hash, insert_articles
from annotator.storage.unit_of_work import write_session
from ui.file_dialogs import SafeFileDialog
from ui.report_models import VALUE_ROLE, CoefficientModel
from ui.report_window import ReportWindow, open_report

MakeProject = Callable[..., Project]


class Jumps:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, article_id: int, sentence_id: int) -> None:
        self.calls.append((article_id, sentence_id))


@pytest.fixture
def demo(make_project: MakeProject) -> Project:
    return make_project("demo", demo=True)


def open_window(qtbot: object, project: Project, jumps: Jumps | None = None) -> ReportWindow:
    window = open_report(None, project, jumps or Jumps())
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)  # qtbot closes it again
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.report is not None, timeout=20_000)  # type: ignore[attr-defined]
    return window


def add_copy_coder(project: Project, source: str, name: str) -> None:
    """A third coder who coded exactly like ``source`` and finished every article."""
    cid = project.coder_id(name)
    changes = []
    for aid in project.article_ids():
        for sid, pairs in project.labels(aid, coders=[source]).items():
            for _coder, code in pairs:
                changes.append(LabelChange(sid, project.code(code).id, cid, add=True))
        project.set_status(aid, name, Status.DONE)
    project.apply_changes(changes)


def make_coded_project(path: Path, n_articles: int, per_article: int, seed: int = 7) -> Project:
    """Two coders who finished every article and agree on about 80% of the sentences."""
    project = Project.create(path, codebook=default_codebook())
    rng = random.Random(seed)
    batch = []
    for a in range(n_articles):
        sentences = [f"Report {a} sentence {i} about the front." for i in range(per_article)]
        spans, at = [], 0
        for s in sentences:
            spans.append((at, at + len(s)))
            at += len(s) + 1
        text = " ".join(sentences)
        batch.append(
            NewArticle(
                text=text, spans=spans, content_hash=content_hash(text), title=f"Article {a}"
            )
        )
    with write_session(project.engine) as session:
        ids = insert_articles(session, batch)
    codes = [c.id for c in project.codebook.groups[0].codes]
    anna, ben = project.coder_id("anna"), project.coder_id("ben")
    changes = []
    for aid in ids:
        for sent in project.sentences(aid):
            pick = rng.choice([*codes, None])
            other = pick if rng.random() < 0.8 else rng.choice([*codes, None])
            if pick is not None:
                changes.append(LabelChange(sent.id, pick, anna, add=True))
            if other is not None:
                changes.append(LabelChange(sent.id, other, ben, add=True))
    project.apply_changes(changes)
    for aid in ids:
        project.set_status(aid, "anna", Status.DONE)
        project.set_status(aid, "ben", Status.DONE)
    return project


def test_coefficients_shown_are_the_projects(qtbot: object, demo: Project) -> None:
    window = open_window(qtbot, demo)
    expected = demo.agreement()
    model = window.tabs.coefficient_model
    for col, key in enumerate(CoefficientModel.KEYS):
        if key is None:
            continue
        assert model.index(0, col).data(VALUE_ROLE) == pytest.approx(
            expected.coefficients[key].value
        )
    ci = expected.alpha_ci95
    assert ci is not None
    assert model.index(0, CoefficientModel.CI).data() == f"[{ci[0]:.3f}, {ci[1]:.3f}]"
    assert model.rowCount() == 1 + len(expected.per_code)
    window.close()


def test_every_tab_keeps_its_name_and_the_disagreements_tab_counts_them(
    qtbot: object, demo: Project
) -> None:
    window = open_window(qtbot, demo)
    tabs = window.tabs
    n = len(demo.disagreements())
    assert n > 0
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "Coefficients",
        "All coefficients",
        "Matrix",
        "Code frequencies",
        f"Disagreements ({n:,})",
        "Conventions",
        "Coding time",
    ]
    window.close()


def test_every_coefficient_is_shown_with_its_chance_terms(qtbot: object, demo: Project) -> None:
    from annotator.agreement import COEFFICIENT_KEYS

    window = open_window(qtbot, demo)
    expected = demo.agreement().coefficients
    model = window.tabs.chance_model
    assert model.rowCount() == len(COEFFICIENT_KEYS)
    for row, key in enumerate(COEFFICIENT_KEYS):
        c = expected[key]
        for col, want in ((1, c.value), (2, c.observed), (3, c.expected)):
            got = model.index(row, col).data(VALUE_ROLE)
            assert (got is None and want is None) or got == pytest.approx(want), (key, col)
    conger = COEFFICIENT_KEYS.index("conger_kappa")
    assert model.index(conger, 0).data() == "Conger's kappa"
    assert "ordered" in window.tabs.chance_title.text()  # the demo's groups are not ordered
    window.close()


def test_interpretation_is_written_not_only_coloured(qtbot: object, demo: Project) -> None:
    window = open_window(qtbot, demo)
    text = window.tabs.coefficient_model.index(0, CoefficientModel.VERDICT).data()
    alpha = demo.agreement(bootstrap=0).coefficients["krippendorff_alpha"].value
    assert alpha is not None
    assert text.startswith(
        "reliable" if alpha >= 0.8 else "tentative" if alpha >= 0.667 else "unreliable"
    )
    window.close()


def test_changing_the_coders_recomputes(qtbot: object, demo: Project) -> None:
    add_copy_coder(demo, "anna", "carol")
    window = open_window(qtbot, demo)
    assert window.report is not None and window.report.n_coders == 3
    window.set_coders(["anna", "carol"])
    qtbot.waitUntil(  # type: ignore[attr-defined]
        lambda: window.computed_for == (("anna", "carol"), window.selected_group()),
        timeout=20_000,
    )
    assert window.report is not None
    assert window.report.coefficients["percent_agreement"].value == 1.0
    assert window.tabs.disagreement_model.rowCount() == 0
    window.close()


def test_fewer_than_two_coders_shows_no_figures(qtbot: object, demo: Project) -> None:
    window = open_window(qtbot, demo)
    window.set_coders(["anna"])
    qtbot.waitUntil(lambda: window.report is None, timeout=5000)  # type: ignore[attr-defined]
    assert "two coders" in window.tabs.summary_label.text()
    assert not window.csv_action.isEnabled() and not window.dis_csv_action.isEnabled()
    window.close()


def test_double_click_on_a_disagreement_jumps_there(qtbot: object, demo: Project) -> None:
    jumps = Jumps()
    window = open_window(qtbot, demo, jumps)
    window.tabs.setCurrentIndex(3)
    qtbot.waitExposed(window)  # type: ignore[attr-defined]
    view = window.tabs.disagreement_view
    index = window.tabs.disagreement_model.index(1, 2)
    qtbot.waitUntil(lambda: view.visualRect(index).height() > 0)  # type: ignore[attr-defined]
    rect = view.visualRect(index)
    # a real double-click starts with a press (QTest's double-click event alone has none)
    qtbot.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,  # type: ignore[attr-defined]
        pos=rect.center(),
    )
    qtbot.mouseDClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,  # type: ignore[attr-defined]
        pos=rect.center(),
    )
    row = demo.disagreements()[1]
    assert jumps.calls[-1] == (row.article_id, row.sentence_id)
    window.close()


def test_enter_on_a_disagreement_jumps_there(qtbot: object, demo: Project) -> None:
    jumps = Jumps()
    window = open_window(qtbot, demo, jumps)
    window.tabs.setCurrentIndex(3)
    view = window.tabs.disagreement_view
    view.setFocus()
    view.setCurrentIndex(window.tabs.disagreement_model.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    row = demo.disagreements()[0]
    assert jumps.calls == [(row.article_id, row.sentence_id)]
    window.close()


def test_html_export_is_the_report(qtbot: object, demo: Project, tmp_path: Path) -> None:
    window = open_window(qtbot, demo)
    out = tmp_path / "report.html"
    window.export_html(out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    alpha = demo.agreement().coefficients["krippendorff_alpha"].value
    assert alpha is not None and f"{alpha:.3f}" in text
    window.close()


def test_the_html_report_names_disagreements_as_the_app_does(
    qtbot: object, demo: Project, tmp_path: Path
) -> None:
    """ "Title — sentence 4" (the sentence_number of the exports), never an internal id."""
    window = open_window(qtbot, demo)
    window.export_html(tmp_path / "report.html")
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    first = demo.disagreements()[0]
    assert f"<td>{first.article_title} — sentence {first.sentence_index + 1}</td>" in text
    assert "<th>Unit</th>" not in text and f"<td>{first.sentence_id}</td>" not in text
    window.close()


def test_pdf_export_writes_a_pdf(qtbot: object, demo: Project, tmp_path: Path) -> None:
    window = open_window(qtbot, demo)
    out = tmp_path / "report.pdf"
    window.export_pdf(out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 2000
    window.close()


def test_coefficient_csv_reads_back(qtbot: object, demo: Project, tmp_path: Path) -> None:
    window = open_window(qtbot, demo)
    out = tmp_path / "coefficients.csv"
    window.export_coefficients_csv(out)
    frame = pd.read_csv(out)
    overall = frame[frame["scope"] == "overall"].iloc[0]
    expected = demo.agreement(bootstrap=0).coefficients
    assert overall["krippendorff_alpha"] == pytest.approx(expected["krippendorff_alpha"].value)
    assert len(frame) == 1 + len(demo.agreement(bootstrap=0).per_code)
    window.close()


def test_disagreement_csv_reads_back(qtbot: object, demo: Project, tmp_path: Path) -> None:
    window = open_window(qtbot, demo)
    out = tmp_path / "disagreements.csv"
    window.export_disagreements_csv(out)
    frame = pd.read_csv(out, keep_default_na=False)
    rows = demo.disagreements()
    assert list(frame["sentence_number"]) == [r.sentence_index + 1 for r in rows]
    assert list(frame["anna"]) == ["; ".join(r.codes["anna"]) for r in rows]
    window.close()


def test_disagreements_are_named_as_in_the_label_exports(
    qtbot: object, demo: Project, tmp_path: Path
) -> None:
    """Article uid and the 1-based sentence_number with offsets, as the long CSV and the table
    header ("Sentence no.") and sentence view ("Sentence 4") name them; no internal row ids."""

    window = open_window(qtbot, demo)
    window.export_disagreements_csv(tmp_path / "d.csv")
    demo.export(tmp_path / "labels.csv")
    found = pd.read_csv(tmp_path / "d.csv", keep_default_na=False, dtype=str)
    labels = pd.read_csv(tmp_path / "labels.csv", keep_default_na=False, dtype=str)
    assert list(found.columns[:6]) == [
        "article_id", "article_title", "sentence_number", "sentence_start", "sentence_end",
        "sentence_text",
    ]  # fmt: skip
    assert "sentence_id" not in found.columns
    key = ["article_id", "sentence_number", "sentence_start", "sentence_end", "sentence_text"]
    joined = found.merge(labels[key].drop_duplicates(), on=key, how="left", indicator=True)
    assert set(joined["_merge"]) == {"both"}
    first = demo.disagreements()[0]
    assert found.loc[0, "article_id"] == demo.article(first.article_id).uid
    model = window.tabs.disagreement_model
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Sentence no."
    assert model.index(0, 1).data() == found.loc[0, "sentence_number"]
    window.close()


def test_export_asks_before_overwriting(
    qtbot: object, demo: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(qtbot, demo)
    out = tmp_path / "keep.html"
    out.write_text("mine", encoding="utf-8")
    asked: list[str] = []
    monkeypatch.setattr(SafeFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))

    def no(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", no)
    window.ask_export_html()
    assert asked and "keep.html" in asked[0]
    assert out.read_text(encoding="utf-8") == "mine"
    window.close()


def test_a_large_project_is_computed_off_the_gui_thread(qtbot: object, tmp_path: Path) -> None:
    project = make_coded_project(tmp_path / "large.annotator", n_articles=100, per_article=50)
    try:
        window = open_report(None, project, Jumps())
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        qtbot.addWidget(window)  # type: ignore[attr-defined]
        assert window.report is None and window.computing  # open_report returned at once
        qtbot.waitUntil(lambda: window.report is not None, timeout=30_000)  # type: ignore[attr-defined]
        assert window.report is not None and window.report.n_units == 5000
        assert window.tabs.disagreement_model.total == window.report.n_disagreements
        window.close()
    finally:
        project.close()


def test_every_report_model_passes_the_model_tester(
    qtbot: object, qtmodeltester: object, demo: Project
) -> None:
    add_copy_coder(demo, "ben", "carol")
    window = open_window(qtbot, demo)
    for model in (
        window.tabs.coefficient_model,
        window.tabs.chance_model,
        window.tabs.matrix_model,
        window.tabs.pairwise_model,
        window.tabs.disagreement_model,
        window.coder_items,
    ):
        qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert window.tabs.pairwise_model.rowCount() == 3
    window.close()


# -- what a tester met ------------------------------------------------------------------------


def shown_text(rich: str) -> str:
    """What a rich-text label shows, as plain text."""
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    doc.setHtml(rich)
    return doc.toPlainText()


def test_the_verdict_banner_is_shown_in_full(qtbot: object, demo: Project) -> None:
    from annotator.agreement.formatting import interpret_alpha

    for aid in demo.article_ids():  # a coder who gave no code at all: alpha falls
        demo.set_status(aid, "zed", Status.DONE)
    window = open_window(qtbot, demo)
    assert window.report is not None
    verdict_text = interpret_alpha(window.report.coefficients["krippendorff_alpha"].value)
    assert "<" in verdict_text  # the text that used to be cut off as a tag
    assert verdict_text in shown_text(window.tabs.verdict_label.text())
    window.close()


def test_markup_in_a_coder_name_is_shown_as_text(qtbot: object, demo: Project) -> None:
    add_copy_coder(demo, "anna", "<i>x")
    window = open_window(qtbot, demo)
    assert "<i>x" in shown_text(window.tabs.summary_label.text())
    window.close()


def test_a_coder_who_finished_one_article_is_not_compared_by_default(
    qtbot: object, demo: Project
) -> None:
    article = demo.article_ids()[0]
    demo.add_label(demo.sentences(article)[0].id, demo.codebook.codes[0].name, "carla")
    demo.set_status(article, "carla", Status.DONE)
    window = open_window(qtbot, demo)
    assert window.selected_coders() == ["anna", "ben"]
    assert window.report is not None
    assert window.report.n_units == demo.reliability_data(coders=["anna", "ben"]).n_units
    n = len(demo.article_ids())
    assert window.coder_selector.count_label.text() == f"{n} articles done by all of them"
    window.close()


@pytest.mark.parametrize("key", ["Escape", "Ctrl+W"])
def test_escape_and_ctrl_w_close_the_report(qtbot: object, demo: Project, key: str) -> None:
    from PySide6.QtGui import QKeySequence

    window = open_window(qtbot, demo)
    window.show()
    qtbot.waitExposed(window)  # type: ignore[attr-defined]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # type: ignore[attr-defined]
    seq = QKeySequence(key)[0]
    qtbot.keyClick(window, seq.key(), seq.keyboardModifiers())  # type: ignore[attr-defined]
    assert window.closed and not window.isVisible()


def test_choosing_several_coders_at_once_is_one_change(qtbot: object, demo: Project) -> None:
    from ui.coder_selector import CoderSelector

    add_copy_coder(demo, "anna", "carl")
    selector = CoderSelector(demo)
    qtbot.addWidget(selector)  # type: ignore[attr-defined]
    fired: list[None] = []
    selector.changed.connect(lambda: fired.append(None))
    selector.set_selected(["ben", "carl"])  # anna unchecked, carl checked
    assert selector.selected() == ["ben", "carl"]
    assert len(fired) == 1
    assert "done by all of them" in selector.count_label.text()
    selector.set_selected(["ben", "carl"])  # nothing changes, nothing fires
    assert len(fired) == 1


def test_an_ordered_group_is_reported_with_ordinal_weights(qtbot: object, tmp_path: Path) -> None:
    from annotator.codebook import Code, Codebook, CodeGroup
    from annotator.imports.base import ParsedArticle
    from annotator.project import Project as P

    names = ["low", "mid", "high"]
    scale = tuple(Code(id=f"c{i}", name=n, color="#888888") for i, n in enumerate(names))
    cb = Codebook(
        name="c", groups=(CodeGroup(id="g", name="Intensity", ordered=True, codes=scale),)
    )
    project = P.create(tmp_path / "o.annotator", codebook=cb)
    project.import_articles(
        [ParsedArticle(text="One is here. Two is here. Three is here.", origin="t", title="t")]
    )
    aid = project.article_ids()[0]
    for sent, (a, b) in zip(
        project.sentences(aid), [("low", "low"), ("mid", "high"), ("high", "high")], strict=True
    ):
        project.add_label(sent.id, a, "anna")
        project.add_label(sent.id, b, "ben")
    for coder in ("anna", "ben"):
        project.set_status(aid, coder, "done")
    window = open_window(qtbot, project)
    assert window.report is not None and window.report.weights == "ordinal"
    assert window.group_combo.itemText(0) == "Intensity (ordered scale)"
    assert "declared ordered" in window.tabs.chance_title.text()
    row = list(window.report.coefficients).index("gwet_ac2")
    assert window.tabs.chance_model.index(row, 1).data(VALUE_ROLE) == pytest.approx(
        window.report.coefficients["gwet_ac2"].value
    )
    window.close()
    project.close()
