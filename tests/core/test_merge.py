"""merge: coders' files into a lead project, one transaction, idempotent, conflicts reported.

The lead is a project file and a PostgreSQL project in turn (``lead`` uses make_project): a lab
that keeps its project on a server merges its coders' files into it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from annotator.codebook import Code, Codebook, CodeGroup, default_codebook
from annotator.errors import Cancelled, NotAProjectError
from annotator.progress import CancelToken
from annotator.project import Project
from tests.core.helpers.backends import where
from tests.core.test_export_helpers import sample_files

BOTH_BACKENDS = True


def _coder_file(
    folder: Path | str, coder: str, code: str, codebook: Any = None, n_articles: int = 5
) -> Any:
    """A coder's own project: the sample articles, sentence 1 of each coded, all marked done
    (in a file in ``folder``, or at ``folder`` if it is a server URL)."""
    path = folder if isinstance(folder, str) else folder / f"{coder}.annotator"
    with Project.create(path, codebook=codebook or default_codebook()) as p:
        p.import_paths(sample_files()[:n_articles])
        for aid in p.article_ids():
            p.add_label(p.sentences(aid)[1], code, coder)
            p.set_status(aid, coder, "done")
        p.set_memo(
            coder, p.article_ids()[0], f"memo of {coder}", p.sentences(p.article_ids()[0])[1]
        )
    return path


@pytest.fixture
def lead(make_project: Any) -> Any:
    return make_project("lead")


@pytest.fixture
def three(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "coders"
    folder.mkdir()
    return [
        _coder_file(folder, "anna", "Denial"),
        _coder_file(folder, "ben", "Military action"),
        _coder_file(folder, "carl", "Diplomatic claim", n_articles=3),
    ]


def test_merging_three_coders_brings_articles_labels_memos_and_statuses(
    lead: Any, three: list[Path]
) -> None:
    report = lead.merge(three)
    info = lead.info()
    assert info["articles"] == report.articles_added == 5
    assert info["labels"] == report.labels_added == 5 + 5 + 3
    assert info["memos"] == 3
    assert info["articles_done"] == {"anna": 5, "ben": 5, "carl": 3}
    assert sorted(report.coders_added) == ["anna", "ben", "carl"]
    labels = lead.labels_frame()
    assert set(labels[labels.coder == "ben"]["code"]) == {"Military action"}


def test_merged_sentences_are_those_of_the_coders_files(lead: Any, three: list[Path]) -> None:
    lead.merge(three)
    with Project.open(three[0], read_only=True) as anna:
        for theirs, mine in zip(anna.articles(), lead.articles(), strict=True):
            assert theirs.uid == mine.uid
            assert [(s.start, s.end) for s in anna.sentences(theirs)] == [
                (s.start, s.end) for s in lead.sentences(mine)
            ]


def test_merging_the_same_files_twice_adds_nothing(lead: Any, three: list[Path]) -> None:
    lead.merge(three)
    before = lead.info()
    again = lead.merge(three)
    assert (again.articles_added, again.labels_added, again.memos_added) == (0, 0, 0)
    assert again.statuses_raised == 0
    assert lead.info() == before


def test_the_more_advanced_status_is_kept(lead: Any, three: list[Path]) -> None:
    lead.merge(three[:1])
    with Project.open(three[0]) as anna:
        anna.set_status(anna.article_ids()[0], "anna", "in progress")
    lead.merge(three[:1])
    assert lead.status(lead.article_ids()[0], "anna").name == "DONE"


def test_a_code_with_the_same_id_and_another_name_is_reported_not_renamed(
    lead: Any, tmp_path: Path
) -> None:
    cb = default_codebook()
    g = cb.groups[0]
    renamed = g.codes[0].model_copy(update={"name": "Combat"})
    other_cb = cb.model_copy(
        update={"groups": (g.model_copy(update={"codes": (renamed, *g.codes[1:])}),)}
    )
    path = _coder_file(tmp_path, "dana", "Combat", codebook=other_cb, n_articles=1)
    report = lead.merge([path])
    assert any("Combat" in c and "kept the lead's" in c for c in report.conflicts)
    assert lead.code(renamed.id).name == g.codes[0].name
    assert report.labels_added == 1  # the label follows the stable id


def test_same_name_other_id_in_a_single_choice_group_is_a_conflict(
    lead: Any, tmp_path: Path
) -> None:
    cb = default_codebook()
    g = cb.groups[0]
    clash = g.codes[0].model_copy(update={"id": "another-id"})
    other_cb = cb.model_copy(
        update={"groups": (g.model_copy(update={"codes": (clash, *g.codes[1:])}),)}
    )
    path = _coder_file(tmp_path, "eve", clash.name, codebook=other_cb, n_articles=1)
    report = lead.merge([path])
    assert any("single-choice" in c for c in report.conflicts)
    assert report.labels_added == 0 and report.skipped == 1
    assert lead.codebook.code("another-id") is None


def test_codes_new_to_the_lead_are_added(lead: Any, tmp_path: Path) -> None:
    extra = CodeGroup(
        id="tone",
        name="Tone",
        multiple=True,
        codes=(Code(id="neg", name="Negative", key="z", color="#000000"),),
    )
    cb = default_codebook()
    other_cb = cb.model_copy(update={"groups": (*cb.groups, extra)})
    path = _coder_file(tmp_path, "fay", "Negative", codebook=other_cb, n_articles=1)
    report = lead.merge([path])
    assert report.codes_added == ["Tone / Negative"]
    assert lead.code("neg").group == "Tone"
    assert report.labels_added == 1


def test_labels_move_by_offsets_onto_differently_split_sentences(lead: Any, tmp_path: Path) -> None:
    path = tmp_path / "gus.annotator"
    with Project.create(path, codebook=default_codebook()) as p:
        p.import_paths(sample_files()[:1])
        aid = p.article_ids()[0]
        s = p.sentences(aid)[1]
        cut = s.start + int((s.end - s.start) * 0.7)
        cut = p.article(aid).text.rindex(" ", s.start, cut) + 1
        left, _right = p.split_sentence(s, cut)
        p.add_label(left, "Denial", "gus")
    lead.import_paths(sample_files()[:1])
    report = lead.merge([path])
    assert report.labels_moved == 1 and report.labels_added == 1
    labels = lead.labels_frame()
    assert list(labels["sentence_index"]) == [1]


def test_a_failed_merge_changes_nothing(lead: Any, three: list[Path], tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.annotator"
    bogus.write_text("not a project", encoding="utf-8")
    before = lead.info()
    with pytest.raises(NotAProjectError):
        lead.merge([*three, bogus])
    assert lead.info() == before


def test_a_cancelled_merge_changes_nothing(lead: Any, three: list[Path]) -> None:
    token = CancelToken()
    calls = []

    def progress(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 2:
            token.cancel()

    before = lead.info()
    with pytest.raises(Cancelled):
        lead.merge(three, progress=progress, cancel=token)
    assert lead.info() == before


def test_merging_the_lead_into_itself_is_refused(lead: Any) -> None:
    from annotator.exchange.merge import MergeError

    with pytest.raises(MergeError, match="lead project itself"):
        lead.merge([where(lead)])


def test_codebook_of_an_empty_lead_comes_from_the_others(tmp_path: Path, three: list[Path]) -> None:
    empty = Project.create(tmp_path / "empty.annotator")
    empty.merge(three[:1])
    assert [c.name for c in empty.codebook.codes] == [c.name for c in default_codebook().codes]
    assert isinstance(default_codebook(), Codebook)
    empty.close()


@pytest.mark.sqlite_only
def test_a_coders_project_on_a_server_merges_as_their_file_does(
    tmp_path: Path, pg_url: str, three: list[Path]
) -> None:
    on_server = _coder_file(pg_url, "anna", "Denial")
    with Project.create(tmp_path / "a.annotator") as from_server:
        report = from_server.merge([on_server])
        assert report.labels_added == 5
        with Project.create(tmp_path / "b.annotator") as from_file:
            from_file.merge(three[:1])
            assert (
                from_server.labels_frame()
                .drop(columns="labelled_at")
                .equals(from_file.labels_frame().drop(columns="labelled_at"))
            )


def test_the_same_file_twice_is_refused_before_anything_is_merged(
    lead: Any, three: list[Path]
) -> None:
    """Another spelling of the same path (or a link to it) is the same file."""
    from annotator.exchange.merge import MergeError

    again = three[0].parent / ".." / three[0].parent.name / three[0].name
    with pytest.raises(MergeError, match="listed twice"):
        lead.merge([three[0], again])
    assert lead.info()["labels"] == 0


def test_a_link_to_the_lead_is_the_lead(lead: Any, tmp_path: Path) -> None:
    from annotator.exchange.merge import MergeError

    link = tmp_path / "link.annotator"
    link.symlink_to(lead.path)
    with pytest.raises(MergeError, match="lead project itself"):
        lead.merge([link])
