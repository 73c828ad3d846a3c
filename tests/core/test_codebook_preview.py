"""Loading a codebook: a preview that changes nothing, renames, hidden labels, outside changes.

A code that leaves the codebook keeps its labels in the file, hidden; a hidden label does not make
a sentence "coded" in the article list's progress.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from annotator.codebook import Code, Codebook, default_codebook, dump_codebook_yaml
from annotator.project import Project

MakeProject = Callable[..., Project]

NEW_CODE = Code(
    id="5f0c8d52-0000-4000-8000-000000000001", name="Casualty report", key="c", color="#117733"
)


def edited_codebook(
    rename: dict[str, str] | None = None, drop: set[str] | None = None, add: bool = False
) -> Codebook:
    """The default codebook with codes renamed (same id), dropped, or one code added."""
    rename, drop = rename or {}, drop or set()
    cb = default_codebook()
    group = cb.groups[0]
    codes = [
        c.model_copy(update={"name": rename.get(c.name, c.name)})
        for c in group.codes
        if c.name not in drop
    ]
    if add:
        codes.append(NEW_CODE)
    groups = (group.model_copy(update={"codes": tuple(codes)}), *cb.groups[1:])
    return cb.model_copy(update={"groups": groups})


def coded_project(make_project: MakeProject, sample_texts: list[str]) -> Project:
    """anna: two sentences Denial, one Military action; ben: one Denial."""
    from annotator.imports import ParsedArticle

    p = make_project()
    p.import_articles(
        [ParsedArticle(text=t, origin=f"{i}.txt") for i, t in enumerate(sample_texts)]
    )
    s = p.sentences(p.article_ids()[0])
    p.add_label(s[0], "Denial", "anna")
    p.add_label(s[1], "Denial", "anna")
    p.add_label(s[2], "Military action", "anna")
    p.add_label(s[0], "Denial", "ben")
    return p


def test_a_preview_says_what_a_load_would_do_and_changes_nothing(
    make_project: MakeProject, sample_texts: list[str]
) -> None:
    p = coded_project(make_project, sample_texts)
    before = p.codebook
    labels_before = p.labels(p.article_ids()[0])
    edited = edited_codebook(rename={"Military action": "Armed action"}, drop={"Denial"}, add=True)
    preview = p.preview_codebook(edited)
    assert preview.added == ["Casualty report"]
    assert preview.deactivated == ["Denial"]
    assert preview.renamed == [("Military action", "Armed action")]
    assert preview.hidden_labels == {"Denial": 3}
    assert preview.renamed_labels == {"Armed action": 1}
    with Project.open(p.path) as fresh:  # nothing reached the file
        assert fresh.codebook == before
        assert fresh.labels(fresh.article_ids()[0]) == labels_before
    assert p.codebook == before
    done = p.load_codebook(edited)
    assert (done.added, done.deactivated, done.renamed, done.hidden_labels) == (
        preview.added,
        preview.deactivated,
        preview.renamed,
        preview.hidden_labels,
    )
    assert "3 labels hidden" in done.summary() and "1 renamed" in done.summary()


def test_labels_hidden_by_a_load_do_not_count_as_coded(
    make_project: MakeProject, sample_texts: list[str]
) -> None:
    p = coded_project(make_project, sample_texts)
    aid = p.article_ids()[0]

    def coded(coder: str) -> int:
        return next(s.n_coded for s in p.article_summaries(coder) if s.id == aid)

    assert (coded("anna"), coded("ben")) == (3, 1)
    p.load_codebook(edited_codebook(drop={"Denial"}))
    assert (coded("anna"), coded("ben")) == (1, 0)
    p.load_codebook(default_codebook())  # the code is back, and its labels with it
    assert (coded("anna"), coded("ben")) == (3, 1)


def test_a_codebook_loaded_by_another_process_is_noticed(
    make_project: MakeProject, tmp_path: Path
) -> None:
    p = make_project()
    assert p.codebook_changed() is False  # nothing read yet: nothing to compare
    p.codebook  # noqa: B018
    assert p.codebook_changed() is False
    edited = tmp_path / "edited.yaml"
    edited.write_text(dump_codebook_yaml(edited_codebook(rename={"Denial": "Rejection"})), "utf-8")
    subprocess.run(
        [sys.executable, "-m", "annotator", "codebook", "import", str(p.path), str(edited)],
        check=True,
        capture_output=True,
    )
    assert p.codebook_changed() is True
    assert p.codebook.code("Rejection") is not None
    assert p.codebook_changed() is False
