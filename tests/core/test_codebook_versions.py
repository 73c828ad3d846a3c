"""Codebook versions: every label records the version current when it was made; publishing
bumps the version with a note and the edits since; agreement and exports can be restricted to
labels made under some versions; a codebook file carries the version. Real project files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from annotator import Project
from annotator.cli import main
from annotator.codebook import load_codebook
from annotator.errors import AnnotatorError, ProjectError
from annotator.imports.base import ParsedArticle
from annotator.storage import tables as t
from annotator.storage.models import utcnow
from annotator.storage.unit_of_work import read_session, write_session
from annotator.version_ranges import describe_versions, labels_made_under, parse_versions

YAML = """\
name: Topics
groups:
  - name: Topic
    codes:
      - {id: c-war, name: war, key: w, definition: Armed conflict.}
      - {id: c-talks, name: talks, key: t}
"""


def project_with_sentences(tmp_path: Path, n: int = 4) -> tuple[Project, int, list[int]]:
    path = tmp_path / "codebook.yaml"
    path.write_text(YAML)
    project = Project.create(tmp_path / "p.annotator", codebook=load_codebook(path))
    text = " ".join(f"Sentence number {i} ends here." for i in range(n))
    project.import_articles([ParsedArticle(text=text, origin="test", title="t")])
    article = project.article_ids()[0]
    return project, article, [s.id for s in project.sentences(article)]


def edit(project: Project, summary: str, action: str = "rename") -> None:
    """What the codebook editor writes for an edit (its half of the contract: after_json holds
    a one-line "summary"; version is the published version the edit was made on top of)."""
    with write_session(project.engine) as s:
        s.execute(
            t.codebook_event.insert().values(
                at=utcnow(),
                by="lead",
                action=action,
                after_json=json.dumps({"summary": summary}),
                version=project.codebook_version,
            )
        )


def label_versions(project: Project) -> dict[tuple[int, str, str], int]:
    with read_session(project.engine) as s:
        rows = s.execute(
            t.label.select()
            .with_only_columns(
                t.label.c.sentence_id, t.coder.c.name, t.code.c.name, t.label.c.codebook_version
            )
            .join(t.coder, t.coder.c.id == t.label.c.coder_id)
            .join(t.code, t.code.c.id == t.label.c.code_id)
        ).all()
    return {(int(sid), str(coder), str(code)): int(v) for sid, coder, code, v in rows}


def test_a_label_records_the_version_current_when_it_was_made(tmp_path: Path) -> None:
    project, _article, sids = project_with_sentences(tmp_path)
    assert project.codebook_version == 1
    project.add_label(sids[0], "war", "anna")
    edit(project, "renamed code Denial to Rejection")
    published = project.publish_codebook("Denial is now Rejection", by="lead")
    assert published.number == 2 == project.codebook_version
    project.add_label(sids[1], "talks", "anna")
    assert label_versions(project) == {(sids[0], "anna", "war"): 1, (sids[1], "anna", "talks"): 2}
    assert project.label_version_counts() == {1: 1, 2: 1}
    project.close()


def test_publishing_records_the_note_and_the_edits_since_the_last_version(
    tmp_path: Path,
) -> None:
    project, _a, _s = project_with_sentences(tmp_path)
    edit(project, "renamed code Denial to Rejection")
    edit(project, "added code Threat")
    assert project.unpublished_changes() == [
        "renamed code Denial to Rejection",
        "added code Threat",
    ]
    project.publish_codebook("  clearer   codes ", by="lead")
    assert project.unpublished_changes() == []
    versions = project.codebook_versions()
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].note == "clearer codes"
    assert versions[1].published_by == "lead"
    assert versions[1].changes == ("renamed code Denial to Rejection", "added code Threat")
    assert versions[1].published_at is not None
    project.close()


def test_publishing_refuses_an_empty_note_and_an_unchanged_codebook(tmp_path: Path) -> None:
    project, _a, _s = project_with_sentences(tmp_path)
    edit(project, "added code Threat")
    with pytest.raises(ProjectError, match="note"):
        project.publish_codebook("   ")
    project.publish_codebook("threat")
    with pytest.raises(ProjectError, match="nothing changed"):
        project.publish_codebook("again")
    assert project.publish_codebook("again", force=True).number == 3
    project.close()


def test_loading_a_changed_codebook_is_a_new_version_and_a_renamed_code_keeps_its_labels(
    tmp_path: Path,
) -> None:
    project, _a, sids = project_with_sentences(tmp_path)
    project.add_label(sids[0], "war", "anna")
    same = tmp_path / "codebook.yaml"
    project.load_codebook(same)  # nothing changes: no version
    assert project.codebook_version == 1
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text(YAML.replace("name: war,", "name: armed conflict,"))
    changes = project.load_codebook(renamed)
    assert changes.renamed == [("war", "armed conflict")]
    assert project.codebook_version == 2
    latest = project.codebook_versions()[-1]
    assert latest.note == "loaded renamed.yaml"
    assert latest.changes == ("renamed code war to armed conflict",)
    assert label_versions(project) == {(sids[0], "anna", "armed conflict"): 1}
    assert [c.name for c in project.codebook.codes] == ["armed conflict", "talks"]
    project.close()


def coded(tmp_path: Path) -> Project:
    """anna and ben code four sentences of Topic; sentences 1-2 under version 1, 3-4 under 2.

    sentence   1         2            3            4
    v1         war/war   war/talks    -            -
    v2         -         -            talks/war    talks/talks
    """
    project, article, sids = project_with_sentences(tmp_path)
    for sid, a, b in ((sids[0], "war", "war"), (sids[1], "war", "talks")):
        project.add_label(sid, a, "anna")
        project.add_label(sid, b, "ben")
    project.publish_codebook("second round", force=True)
    for sid, a, b in ((sids[2], "talks", "war"), (sids[3], "talks", "talks")):
        project.add_label(sid, a, "anna")
        project.add_label(sid, b, "ben")
    for coder in ("anna", "ben"):
        project.set_status(article, coder, "done")
    return project


def test_agreement_restricted_to_a_version_uses_only_its_labels(tmp_path: Path) -> None:
    project = coded(tmp_path)
    every = project.agreement(["anna", "ben"], "Topic", bootstrap=0)
    first = project.agreement(["anna", "ben"], "Topic", bootstrap=0, codebook_version=1)
    second = project.agreement(["anna", "ben"], "Topic", bootstrap=0, codebook_version={2})
    both = project.agreement(["anna", "ben"], "Topic", bootstrap=0, codebook_version=[1, 2])
    pa = "percent_agreement"
    # all labels: sentences 1 and 4 agree (2 of 4)
    assert every.coefficients[pa].value == pytest.approx(2 / 4)
    # version 1: 1 agrees, 2 differs, 3 and 4 carry no label of v1 ("none" from both): 3 of 4
    assert first.coefficients[pa].value == pytest.approx(3 / 4)
    assert first.n_disagreements == 1
    assert [list(r.codes.values()) for r in project.disagreements(
        ["anna", "ben"], "Topic", codebook_version=1
    )] == [[("war",), ("talks",)]]  # fmt: skip
    # version 2: 1 and 2 none/none, 3 differs, 4 agrees
    assert second.coefficients[pa].value == pytest.approx(3 / 4)
    assert both.coefficients[pa].value == every.coefficients[pa].value
    assert every.codebook_versions == (1, 2) and every.versions_note == (
        "labels made under codebook versions 1-2"
    )
    assert first.codebook_versions == (1,)
    assert first.to_dict()["codebook_versions"] == [1]
    project.close()


def test_cli_agreement_and_export_take_codebook_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    coded(tmp_path).close()
    path = tmp_path / "p.annotator"
    args = ["agreement", path, "--coders", "anna,ben", "--group", "Topic", "--bootstrap", "0"]
    assert main([str(a) for a in [*args, "--format", "json", "--codebook-version", "1"]]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["coefficients"]["percent_agreement"] == pytest.approx(3 / 4)
    assert figures["codebook_versions"] == [1]
    assert main([str(a) for a in args]) == 0
    assert "Labels made under codebook versions 1-2" in capsys.readouterr().out

    out = tmp_path / "v2.csv"
    assert main(["export", str(path), str(out), "--codebook-version", "2"]) == 0
    with out.open(encoding="utf-8") as fh:
        labels = [r for r in csv.DictReader(fh) if r["record"] == "label"]
    assert {r["codebook_version"] for r in labels} == {"2"}
    assert sorted(r["sentence_number"] for r in labels) == ["3", "3", "4", "4"]
    assert main(["export", str(path), str(tmp_path / "x.csv"), "--codebook-version", "two"]) != 0
    assert "codebook version 'two'" in capsys.readouterr().err


def test_exports_give_each_label_its_version(tmp_path: Path) -> None:
    project = coded(tmp_path)
    project.export(tmp_path / "all.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "all.jsonl").read_text().splitlines()]
    assert [sorted({lab["codebook_version"] for lab in line["labels"]}) for line in lines] == [
        [1],
        [1],
        [2],
        [2],
    ]
    project.export(tmp_path / "v1.jsonl", codebook_version=1)
    lines = [json.loads(x) for x in (tmp_path / "v1.jsonl").read_text().splitlines()]
    assert [len(line["labels"]) for line in lines] == [2, 2, 0, 0]
    project.export(tmp_path / "all.csv")
    with (tmp_path / "all.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    labels = [r for r in rows if r["record"] == "label"]
    assert [r["codebook_version"] for r in labels] == ["1"] * 4 + ["2"] * 4
    assert {r["codebook_version"] for r in rows if r["record"] != "label"} == {""}
    project.close()


@pytest.mark.parametrize("suffix", [".yaml", ".qdc"])
def test_a_codebook_file_carries_the_version_and_reads_it_back(tmp_path: Path, suffix: str) -> None:
    project, _a, _s = project_with_sentences(tmp_path)
    edit(project, "added code Threat")
    project.publish_codebook("threat")
    project.publish_codebook("again", force=True)
    out = tmp_path / f"out{suffix}"
    project.export_codebook(out)
    if suffix == ".yaml":
        assert "\nversion: 3\n" in out.read_text()
    assert load_codebook(out).version == "3"
    project.close()


def test_a_merge_keeps_the_versions_of_a_shared_history_else_gives_the_current(
    tmp_path: Path,
) -> None:
    lead, _a, sids = project_with_sentences(tmp_path)
    lead.close()
    copy = tmp_path / "copy.annotator"
    copy.write_bytes((tmp_path / "p.annotator").read_bytes())
    with Project.open(copy) as other:
        other.add_label(sids[0], "war", "ben")  # v1, a version both files share
    with Project.open(tmp_path / "p.annotator") as lead:
        lead.publish_codebook("lead's second", force=True)
        lead.merge([copy])
        assert label_versions(lead)[(sids[0], "ben", "war")] == 1

    (tmp_path / "s").mkdir()
    stranger, _a2, sids2 = project_with_sentences(tmp_path / "s")
    stranger.add_label(sids2[0], "talks", "cleo")  # v1 of another history
    stranger.close()
    with Project.open(tmp_path / "p.annotator") as lead:
        lead.merge([tmp_path / "s" / "p.annotator"])
        assert label_versions(lead)[(sids[0], "cleo", "talks")] == 2


def test_version_sets_are_written_and_read_as_people_write_them() -> None:
    assert describe_versions({1, 2, 3, 5}) == "1-3, 5"
    assert labels_made_under([2]) == "labels made under codebook version 2"
    assert parse_versions("1-3,5") == {1, 2, 3, 5}
    assert parse_versions("2") == {2}
    for bad in ("0", "3-1", "x"):
        with pytest.raises(AnnotatorError):
            parse_versions(bad)


def test_info_gives_the_published_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project, _a, _s = project_with_sentences(tmp_path)
    project.publish_codebook("second", force=True)
    assert project.info()["codebook"]["published_version"] == 2
    project.close()
    assert main(["info", str(tmp_path / "p.annotator")]) == 0
    assert "codebook: Topics (published version 2)" in capsys.readouterr().out
