"""Agreement leaves out labels on codes the codebook no longer shows (hidden codes), as the
window's progress does: after loading a codebook without "neutral", an ordered tone scale is
negative < positive < very positive, and a sentence a coder gave only a hidden code counts as
left uncoded by that coder (missing on an ordered scale, "none" or the empty set otherwise).
Real project files, codebooks loaded from real YAML (docs/agreement.md)."""

from __future__ import annotations

from pathlib import Path

from annotator import Project
from annotator.codebook import load_codebook
from annotator.imports.base import ParsedArticle

YAML = """\
name: Tone study
groups:
  - name: Tone
    ordered: true
    codes:
      - {name: negative, key: "1"}
      - {name: neutral, key: "2"}
      - {name: positive, key: "3"}
      - {name: very positive, key: "4"}
  - name: Topic
    codes:
      - {name: war, key: w}
      - {name: talks, key: t}
  - name: Actors
    choice: multiple
    codes:
      - {name: army, key: a}
      - {name: government, key: g}
"""

# per sentence: (anna, ben) for Tone, Topic and Actors
TONE = [("negative", "negative"), ("neutral", "positive"), ("very positive", "positive")]
TOPIC = [("war", "war"), ("talks", "war"), ("talks", "talks")]
ACTORS = [(("army",), ("army", "government")), (("government",), ()), (("army",), ("army",))]


def project_without(tmp_path: Path, *dropped: str) -> Project:
    """anna and ben code three sentences, then the codebook is loaded again without `dropped`."""
    path = tmp_path / "codebook.yaml"
    path.write_text(YAML)
    project = Project.create(tmp_path / "p.annotator", codebook=load_codebook(path))
    text = " ".join(f"Sentence number {i} ends here." for i in range(len(TONE)))
    project.import_articles([ParsedArticle(text=text, origin="test", title="t")])
    article = project.article_ids()[0]
    sentences = [s.id for s in project.sentences(article)]
    for sid, tone, topic, actors in zip(sentences, TONE, TOPIC, ACTORS, strict=True):
        for coder, t, p, a in zip(("anna", "ben"), tone, topic, actors, strict=True):
            project.add_label(sid, t, coder)
            project.add_label(sid, p, coder)
            for actor in a:
                project.add_label(sid, actor, coder)
    for coder in ("anna", "ben"):
        project.set_status(article, coder, "done")
    kept = "".join(line + "\n" for line in YAML.splitlines() if not _drops(line, dropped))
    path.write_text(kept)
    project.load_codebook(path)
    return project


def _drops(line: str, dropped: tuple[str, ...]) -> bool:
    return any(f"{{name: {name}," in line for name in dropped)


def test_an_ordered_scale_leaves_out_a_hidden_code(tmp_path: Path) -> None:
    with project_without(tmp_path, "neutral") as project:
        data = project.reliability_data(group="Tone")
    assert data.level == "ordinal"
    assert data.domain == ("negative", "positive", "very positive")
    values = [[None if c < 0 else data.domain[c] for c in row] for row in data.codes.tolist()]
    # anna's "neutral" is off the scale now: missing, as a sentence she left uncoded
    assert values == [["negative", "negative"], [None, "positive"], ["very positive", "positive"]]


def test_a_nominal_group_counts_a_hidden_code_as_no_code(tmp_path: Path) -> None:
    with project_without(tmp_path, "war") as project:
        data = project.reliability_data(group="Topic")
        report = project.agreement(group="Topic", bootstrap=0)
    assert data.domain == ("talks", "none")
    values = [[data.domain[c] for c in row] for row in data.codes.tolist()]
    assert values == [["none", "none"], ["talks", "none"], ["talks", "talks"]]
    assert report.coefficients["percent_agreement"].value == 2 / 3


def test_a_multiple_choice_group_drops_a_hidden_code_from_the_sets(tmp_path: Path) -> None:
    with project_without(tmp_path, "government") as project:
        data = project.reliability_data(group="Actors")
    assert data.categories == ("army",)
    values = [[set(data.domain[c]) for c in row] for row in data.codes.tolist()]
    assert values == [[{"army"}, {"army"}], [set(), set()], [{"army"}, {"army"}]]


def test_the_hidden_code_counts_again_once_the_codebook_has_it_back(tmp_path: Path) -> None:
    with project_without(tmp_path, "neutral") as project:
        path = tmp_path / "codebook.yaml"
        path.write_text(YAML)
        project.load_codebook(path)
        data = project.reliability_data(group="Tone")
    assert data.domain == ("negative", "neutral", "positive", "very positive")
    assert int((data.codes < 0).sum()) == 0
