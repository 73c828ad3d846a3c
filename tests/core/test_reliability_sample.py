"""Agreement defaults to the reliability sample the team drew (annotator assign --overlap)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator import Project, server
from annotator.cli import main
from annotator.demo import build_demo


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "study.annotator"
    build_demo(path).close()
    return path


def test_with_a_sample_the_units_are_its_sentences_unless_the_whole_project_is_asked(
    demo: Path,
) -> None:
    with Project.open(demo) as p:
        assert p.agreement(coders=["anna", "ben"], bootstrap=0).n_units == 50  # no sample yet
    server.assign(demo, ["anna", "ben"], overlap=0.4, seed=3)  # 2 of the 5 articles to both
    with Project.open(demo) as p:
        sample = [a for a, _coder, overlap in server.assignments(demo) if overlap]
        expected = sum(len(p.sentences(a)) for a in set(sample))
        assert len(set(sample)) == 2 and 0 < expected < 50
        assert p.agreement(coders=["anna", "ben"], bootstrap=0).n_units == expected
        whole = p.agreement(coders=["anna", "ben"], bootstrap=0, whole_project=True)
        assert whole.n_units == 50
        # naming the articles wins over the sample
        first = p.article_ids()[:1]
        assert p.reliability_data(["anna", "ben"], article_ids=first).n_units == len(
            p.sentences(first[0])
        )


def test_the_cli_uses_the_sample_and_all_articles_widens_it(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.assign(demo, ["anna", "ben"], overlap=0.4, seed=3)
    assert main(["agreement", str(demo), "--format", "json", "--bootstrap", "0"]) == 0
    sampled = json.loads(capsys.readouterr().out)["n_units"]
    args = ["agreement", str(demo), "--format", "json", "--bootstrap", "0", "--all-articles"]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["n_units"] == 50 > sampled
