"""`annotator agreement` with --weights and set-valued --data, and ordered code groups declared in
the codebook (real project files, real CSV files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator import Project
from annotator.agreement import compute_report, krippendorff_alpha
from annotator.cli import main
from annotator.codebook import Codebook, dump_codebook_yaml, load_codebook
from annotator.imports.base import ParsedArticle
from annotator.storage.reliability_queries import resolve_group


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    return code, capsys.readouterr().out


ORDERED_YAML = """\
name: Tone study
groups:
  - name: Tone
    ordered: true
    codes:
      - {name: negative, key: "1"}
      - {name: neutral, key: "2"}
      - {name: positive, key: "3"}
  - name: Topic
    codes:
      - {name: war, key: w}
      - {name: talks, key: t}
"""


@pytest.fixture
def ordered_codebook(tmp_path: Path) -> Codebook:
    path = tmp_path / "tone.yaml"
    path.write_text(ORDERED_YAML)
    return load_codebook(path)


def test_codebook_yaml_reads_and_writes_the_ordered_flag(ordered_codebook: Codebook) -> None:
    tone, topic = ordered_codebook.groups
    assert tone.ordered and not topic.ordered
    assert "ordered: true" in dump_codebook_yaml(ordered_codebook)


def test_an_ordered_group_must_be_single_choice(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: x\ngroups:\n  - name: g\n    choice: multiple\n    ordered: true\n"
        "    codes:\n      - {name: a}\n"
    )
    with pytest.raises(Exception, match="ordered group must be single choice"):
        load_codebook(path)


def coded_project(path: Path, codebook: Codebook) -> Project:
    """Two coders on one article of six sentences; anna and ben differ by one step twice and
    ben left one sentence without a tone."""
    project = Project.create(path, codebook=codebook)
    text = " ".join(f"Sentence number {i} ends here." for i in range(6))
    project.import_articles([ParsedArticle(text=text, origin="test", title="t")])
    article = project.article_ids()[0]
    sentences = [s.id for s in project.sentences(article)]
    anna = ["negative", "neutral", "positive", "positive", "negative", "neutral"]
    ben = ["negative", "positive", "positive", "neutral", None, "neutral"]
    for sid, a, b in zip(sentences, anna, ben, strict=True):
        project.add_label(sid, a, "anna")
        if b is not None:
            project.add_label(sid, b, "ben")
    for coder in ("anna", "ben"):
        project.set_status(article, coder, "done")
    return project


def test_ordered_group_gives_ordinal_data_with_uncoded_missing(
    tmp_path: Path, ordered_codebook: Codebook
) -> None:
    with coded_project(tmp_path / "p.annotator", ordered_codebook) as project:
        data = project.reliability_data(group="Tone")
        assert data.level == "ordinal"
        assert data.domain == ("negative", "neutral", "positive")  # codebook order
        assert int((data.codes < 0).sum()) == 1  # ben's uncoded sentence
        topic = project.reliability_data(group="Topic")
        assert topic.level == "nominal" and "none" in topic.domain


def test_ordered_group_reports_ordinal_alpha_and_ordinal_weights_by_default(
    tmp_path: Path, ordered_codebook: Codebook
) -> None:
    with coded_project(tmp_path / "p.annotator", ordered_codebook) as project:
        report = project.agreement(group="Tone", bootstrap=0)
        data = project.reliability_data(group="Tone")
    assert report.weights == "ordinal"
    assert report.coefficients["gwet_ac2"].value is not None
    ordinal = krippendorff_alpha(data, "ordinal").value
    assert report.coefficients["krippendorff_alpha"].value == pytest.approx(ordinal)
    assert any("negative < neutral < positive" in c for c in report.conventions)
    assert any("ordinal weights" in c for c in report.conventions)


def test_ordered_flag_survives_reopening_and_a_codebook_reload(
    tmp_path: Path, ordered_codebook: Codebook
) -> None:
    path = tmp_path / "p.annotator"
    coded_project(path, ordered_codebook).close()
    with Project.open(path) as project:
        assert project.default_weights("Tone") == "ordinal"
        assert project.default_weights("Topic") is None
        plain = tmp_path / "plain.yaml"
        plain.write_text(ORDERED_YAML.replace("    ordered: true\n", ""))
        project.load_codebook(plain)
    with Project.open(path) as project:
        assert project.default_weights("Tone") is None
        with project.engine.connect() as conn:
            assert not resolve_group(conn, "Tone").ordered


def test_cli_agreement_on_an_ordered_group_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, ordered_codebook: Codebook
) -> None:
    coded_project(tmp_path / "p.annotator", ordered_codebook).close()
    code, out = run(capsys, "agreement", tmp_path / "p.annotator", "--group", "Tone",
                    "--format", "json", "--bootstrap", "0")  # fmt: skip
    report = json.loads(out)
    assert code == 0
    assert report["level"] == "ordinal" and report["weights"] == "ordinal"
    assert report["coefficients"]["cohen_kappa_weighted"] is not None


# -- --data -------------------------------------------------------------------------------------


def test_cli_weights_add_the_weighted_coefficients(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    csv = tmp_path / "r.csv"
    rows = [(1, 1, 1), (2, 2, 3), (3, 3, 3), (4, 1, 2), (5, 2, 2)]
    csv.write_text("unit,coder,value\n" + "".join(f"{u},a,{x}\n{u},b,{y}\n" for u, x, y in rows))
    code, out = run(capsys, "agreement", "--data", csv, "--level", "ordinal",
                    "--weights", "quadratic", "--format", "json", "--bootstrap", "0")  # fmt: skip
    report = json.loads(out)
    assert code == 0 and report["weights"] == "quadratic"
    w = report["coefficients"]["cohen_kappa_weighted"]
    assert w is not None and w > report["coefficients"]["cohen_kappa"]  # near misses count
    assert set(report["chance"]["cohen_kappa_weighted"]) == {"observed", "expected"}


def test_cli_weights_on_nominal_data_are_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    csv = tmp_path / "r.csv"
    csv.write_text("unit,coder,value\n1,a,x\n1,b,y\n")
    assert main(["agreement", "--data", str(csv), "--weights", "linear"]) == 1
    assert "ordered categories" in capsys.readouterr().err


def test_cli_set_valued_data_with_jaccard_and_exact_percent_agreement(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    csv = tmp_path / "sets.csv"
    csv.write_text("unit,coder,value\n1,a,war;talks\n1,b,war\n2,a,talks\n2,b,talks\n"
                   "3,a,war\n3,b,war;talks\n4,a,war\n4,b,war\n")  # fmt: skip
    outs = {}
    for distance in ("masi", "jaccard"):
        code, out = run(capsys, "agreement", "--data", csv, "--set-separator", ";",
                        "--distance", distance, "--format", "json", "--bootstrap", "0")  # fmt: skip
        assert code == 0
        outs[distance] = json.loads(out)
    assert outs["masi"]["level"] == "multiple" and outs["jaccard"]["distance"] == "jaccard"
    assert outs["masi"]["coefficients"]["percent_agreement"] == 0.5  # exact set matches
    masi, jac = (outs[d]["coefficients"]["krippendorff_alpha"] for d in ("masi", "jaccard"))
    assert masi != jac  # {war} vs {war, talks}: MASI 1 - 1/2 * 2/3, Jaccard 1 - 1/2


def test_project_multiple_choice_and_set_csv_share_one_code_path(tmp_path: Path) -> None:
    """The same sets from a CSV and a ReliabilityData built by hand give the same alpha."""
    from annotator.agreement import ReliabilityData, read_long_csv

    csv = tmp_path / "sets.csv"
    csv.write_text("unit,coder,value\n1,a,x;y\n1,b,x\n2,a,y\n2,b,y\n3,a,x\n3,b,y\n")
    from_csv = read_long_csv(csv, level="multiple", separator=";")
    by_hand = ReliabilityData.from_long(
        [1, 1, 2, 2, 3, 3], list("ababab"),
        [{"x", "y"}, {"x"}, {"y"}, {"y"}, {"x"}, {"y"}], level="multiple",
    )  # fmt: skip
    for d in ("masi", "jaccard"):
        a = compute_report(from_csv, bootstrap=0, distance=d).coefficients["krippendorff_alpha"]
        b = compute_report(by_hand, bootstrap=0, distance=d).coefficients["krippendorff_alpha"]
        assert a.value == pytest.approx(b.value)


def test_ordered_flag_is_in_the_exported_codebook_and_survives_a_merge(
    tmp_path: Path, ordered_codebook: Codebook
) -> None:
    """A merge and a REFI import rebuild the codebook from the project before saving it: the
    flag must travel with the group, not be dropped on the way."""
    lead = tmp_path / "lead.annotator"
    coded_project(lead, ordered_codebook).close()
    other = tmp_path / "other.annotator"
    coded_project(other, ordered_codebook).close()
    with Project.open(lead) as project:
        assert next(g for g in project.codebook.groups if g.name == "Tone").ordered
        project.merge([other])
        assert project.default_weights("Tone") == "ordinal"
        project.export_codebook(tmp_path / "out.yaml")
        project.export(tmp_path / "p.qdpx")
        project.import_refi(tmp_path / "p.qdpx")
        assert project.default_weights("Tone") == "ordinal"
    assert load_codebook(tmp_path / "out.yaml").groups[0].ordered
