"""Near-duplicate articles: a wire story reprinted by several outlets, a corrected version.

The texts are written for these tests: one agency story, two outlets' reprints of it (each
with its own headline, byline and boilerplate), a corrected version (a figure changed, a
sentence added), and a different story on the same event, which shares names and phrases but
is not a reprint and must stay apart.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from annotator.cli import main as cli
from annotator.duplicate_review import DuplicateDecisionError
from annotator.near_duplicates import signature, similarity
from annotator.project import Project

WIRE = (
    "Negotiators from both governments met in Geneva on Tuesday for a third round of talks "
    "on a ceasefire along the eastern front, officials said. The delegations spent six hours "
    "discussing the exchange of prisoners and the opening of humanitarian corridors for "
    "civilians trapped near the river. A spokesman for the foreign ministry told reporters "
    "that progress had been made on the question of prisoners but that no agreement had been "
    "reached on the withdrawal of heavy weapons. The United Nations envoy, who chaired the "
    "meeting, said both sides had agreed to meet again next week. Shelling continued overnight "
    "in several villages, according to local authorities, who reported that 14 people were "
    "wounded. Analysts cautioned that earlier rounds had produced promises that were not kept. "
    "The talks are expected to resume on Monday, when the delegations will discuss a "
    "monitoring mission proposed by the envoy."
)
REPRINT_A = (
    "Ceasefire talks resume in Geneva\nBy Agency staff | The Daily Courier\n\n"
    + WIRE
    + "\n\nCopyright 2025 The Daily Courier. All rights reserved."
)
REPRINT_B = (
    "GENEVA (Wire) —\n"
    + WIRE.replace("officials said.", "officials said on Tuesday.")
    + "\nReporting by staff; editing by the desk."
)
CORRECTED = (
    WIRE.replace("14 people were wounded", "17 people were wounded")
    + " Correction: an earlier version of this story gave the wrong number of wounded."
)
OTHER = (
    "In Geneva the talks on a ceasefire along the eastern front drew protesters on Tuesday. "
    "Families of prisoners gathered outside the building, holding photographs and calling on "
    "both governments to agree on an exchange before winter. Several of them said they had "
    "not heard from their relatives for months. A local charity handed out food and blankets "
    "and said it would return every day until the delegations left the city. Police kept the "
    "crowd behind barriers but made no arrests, a spokesman said."
)


def write(folder: Path, texts: dict[str, str]) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    return paths


@pytest.fixture
def project(make_project: Any) -> Project:
    p: Project = make_project()
    return p


def by_name(project: Project) -> dict[str, int]:
    return {Path(a.title or a.uid).stem: a.id for a in project.articles()}


def test_reprints_and_a_corrected_version_are_similar_and_another_story_is_not() -> None:
    wire = signature(WIRE)
    for text in (REPRINT_A, REPRINT_B, CORRECTED):
        assert similarity(wire, signature(text)) >= 0.7
    assert similarity(wire, signature(OTHER)) < 0.2


def test_an_import_reports_one_group_of_the_reprints_and_leaves_the_other_story_out(
    project: Project, tmp_path: Path
) -> None:
    files = write(
        tmp_path / "in",
        {"wire.txt": WIRE, "courier.txt": REPRINT_A, "desk.txt": REPRINT_B, "other.txt": OTHER},
    )
    report = project.import_paths(files)
    assert report.imported == 4
    (group,) = report.near_duplicates
    titles = {project.article(a).title for a in group.article_ids}
    assert len(titles) == 3 and "other" not in " ".join(titles).lower()
    assert group.group_id == min(group.article_ids)
    assert "3 articles in 1 group of near-duplicates" in report.summary()
    assert project.near_duplicate_groups() == [group]


def test_a_corrected_version_imported_later_joins_the_group_and_keeps_decisions(
    project: Project, tmp_path: Path
) -> None:
    project.import_paths(write(tmp_path / "a", {"wire.txt": WIRE, "courier.txt": REPRINT_A}))
    (group,) = project.near_duplicate_groups()
    project.resolve_near_duplicates(group.group_id, [group.article_ids[0]])
    report = project.import_paths(write(tmp_path / "b", {"corrected.txt": CORRECTED}))
    (grown,) = report.near_duplicates
    assert grown.group_id == group.group_id and len(grown.members) == 3
    marks = [m.mark for m in grown.members]
    assert marks == ["kept", "duplicate", ""]  # the new article waits for a decision


def test_exact_reimports_are_still_skipped_not_reported_as_near_duplicates(
    project: Project, tmp_path: Path
) -> None:
    files = write(tmp_path / "in", {"wire.txt": WIRE})
    project.import_paths(files)
    again = project.import_paths(files)
    assert again.imported == 0 and len(again.skipped_duplicates) == 1
    assert again.near_duplicates == []


def test_an_import_can_leave_the_search_out(project: Project, tmp_path: Path) -> None:
    files = write(tmp_path / "in", {"wire.txt": WIRE, "courier.txt": REPRINT_A})
    assert project.import_paths(files, near_duplicates=False).near_duplicates == []
    assert project.near_duplicate_groups() == []
    (group,) = project.find_near_duplicates()  # looking later over every article finds them
    assert len(group.members) == 2


def test_keep_all_marks_every_member_kept(project: Project, tmp_path: Path) -> None:
    project.import_paths(write(tmp_path / "in", {"wire.txt": WIRE, "desk.txt": REPRINT_B}))
    (group,) = project.near_duplicate_groups()
    assert set(project.resolve_near_duplicates(group.group_id).values()) == {"kept"}
    assert project.duplicate_article_ids() == set()


def test_a_decision_must_keep_an_article_of_the_group(project: Project, tmp_path: Path) -> None:
    project.import_paths(write(tmp_path / "in", {"wire.txt": WIRE, "desk.txt": REPRINT_B}))
    (group,) = project.near_duplicate_groups()
    with pytest.raises(DuplicateDecisionError, match="keep at least one article"):
        project.resolve_near_duplicates(group.group_id, [])
    with pytest.raises(DuplicateDecisionError):
        project.resolve_near_duplicates(group.group_id, [999])


def test_articles_marked_duplicate_leave_agreement_and_exports(
    project: Project, tmp_path: Path
) -> None:
    import pandas as pd

    project.import_paths(
        write(tmp_path / "in", {"wire.txt": WIRE, "courier.txt": REPRINT_A, "other.txt": OTHER})
    )
    for coder in ("anna", "ben"):
        for aid in project.article_ids():
            first = project.sentences(aid)[0]
            project.add_label(first.id, project.codebook.codes[0].id, coder)
            project.set_status(aid, coder, "done")
    before = project.agreement(coders=["anna", "ben"]).n_units
    (group,) = project.near_duplicate_groups()
    wire, reprint = group.article_ids
    project.resolve_near_duplicates(group.group_id, [wire])
    after = project.agreement(coders=["anna", "ben"]).n_units
    assert before - after == len(project.sentences(reprint))
    project.export(tmp_path / "long.csv")
    uids = set(pd.read_csv(tmp_path / "long.csv")["article_id"])
    assert project.article(reprint).uid not in uids and project.article(wire).uid in uids
    project.export(tmp_path / "wide.csv", layout="wide")
    assert project.article(reprint).uid not in set(pd.read_csv(tmp_path / "wide.csv")["article_id"])
    project.export(tmp_path / "all.csv", include_duplicates=True)
    assert project.article(reprint).uid in set(pd.read_csv(tmp_path / "all.csv")["article_id"])


def test_the_cli_reports_near_duplicates_at_import_and_records_a_decision(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.annotator"
    assert cli(["init", str(path)]) == 0
    files = write(tmp_path / "in", {"wire.txt": WIRE, "courier.txt": REPRINT_A})
    capsys.readouterr()
    assert cli(["import", str(path), *map(str, files)]) == 0
    out = capsys.readouterr().out
    assert "2 articles in 1 group of near-duplicates" in out
    assert "near-duplicates (decide with `annotator duplicates`)" in out
    with Project.open(path) as p:
        (group,) = p.near_duplicate_groups()
        keep, other = (p.article(a).uid for a in group.article_ids)
    assert cli(["duplicates", str(path), "--keep", str(group.group_id), keep]) == 0
    out = capsys.readouterr().out
    assert "kept 1, marked 1 duplicate" in out
    # articles are named by their article_id (the uid every export writes), not a row number
    assert f"  {keep} [kept] similarity" in out and f"  {other} [duplicate] similarity" in out


def test_the_cli_refuses_to_keep_an_article_that_is_not_in_the_group(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.annotator"
    assert cli(["init", str(path)]) == 0
    files = write(tmp_path / "in", {"wire.txt": WIRE, "courier.txt": REPRINT_A, "o.txt": OTHER})
    assert cli(["import", str(path), *map(str, files)]) == 0
    with Project.open(path) as p:
        (group,) = p.near_duplicate_groups()
        outsider = next(a.uid for a in p.articles() if a.id not in group.article_ids)
    capsys.readouterr()
    assert cli(["duplicates", str(path), "--keep", str(group.group_id), outsider]) != 0
    assert f"has no article '{outsider}'" in capsys.readouterr().err
    with Project.open(path) as p:
        assert p.duplicate_article_ids() == set()


def test_signatures_do_not_depend_on_the_process_hash_seed() -> None:
    code = (
        "from annotator.near_duplicates import signature, to_bytes;"
        f"print(to_bytes(signature({WIRE!r})).hex())"
    )
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outs) == 1


def test_signing_in_two_worker_processes_stores_what_one_process_would(
    make_project: Any,
) -> None:
    from annotator.duplicate_review import sign_articles
    from annotator.imports import ParsedArticle
    from annotator.storage.duplicate_store import signatures as stored

    texts = [f"{WIRE} Update number {i}." for i in range(30)]
    one, two = make_project("one"), make_project("two")
    for p in (one, two):
        p.import_articles(
            [ParsedArticle(origin=str(i), text=t) for i, t in enumerate(texts)],
            near_duplicates=False,
        )
    assert sign_articles(one.engine, workers=1) == sign_articles(two.engine, workers=2) == 30
    from annotator.storage.unit_of_work import read_session

    with read_session(one.engine) as s1, read_session(two.engine) as s2:
        assert dict(stored(s1)) == dict(stored(s2))
        assert len(dict(stored(s1))) == 30


def test_candidate_pairs_are_the_pairs_minhash_lsh_queries_give() -> None:
    """The numpy banding must find what datasketch's MinHashLSH finds, key by key."""
    import random

    from datasketch import LeanMinHash, MinHashLSH

    from annotator.near_duplicates import NUM_PERM, SCHEME, SEED, THRESHOLD, candidate_pairs

    rng = random.Random(3)
    words = WIRE.split() + OTHER.split()
    texts = [" ".join(rng.sample(words, 40)) for _ in range(60)]
    texts += [t.replace(t.split()[0], "changed", 1) for t in texts[:20]]  # near copies
    texts += ["", "one", "one", "two words"]  # degenerate signatures share every band
    sigs = {i: signature(t) for i, t in enumerate(texts)}
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    lean = {i: LeanMinHash(seed=SEED, hashvalues=s, scheme=SCHEME) for i, s in sigs.items()}
    for i, m in lean.items():
        lsh.insert(i, m)
    expected = {(min(i, j), max(i, j)) for i, m in lean.items() for j in lsh.query(m) if i != j}
    assert len(expected) >= 20
    assert candidate_pairs(sigs, list(sigs)) == expected
    new = [0, 1, 2]
    assert candidate_pairs(sigs, new) == {p for p in expected if p[0] in new or p[1] in new}


def test_the_written_out_bands_are_minhash_lshs_choice() -> None:
    from datasketch import MinHashLSH

    from annotator.near_duplicates import NUM_PERM, THRESHOLD, lsh_bands

    expected = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM).hashranges
    assert lsh_bands() == list(expected)


def test_the_permutations_are_datasketch_minhashs() -> None:
    from datasketch import MinHash

    from annotator.near_duplicates import NUM_PERM, SCHEME, SEED, permutations

    expected_a, expected_b = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations
    a, b = permutations()
    assert a.dtype == b.dtype == np.uint32
    assert (a == expected_a).all() and (b == expected_b).all()
    assert (a % 2 == 1).all()  # odd: each map is a bijection of 32-bit values


def test_signing_does_not_import_datasketch_or_scipy() -> None:
    """The built app leaves scipy out (80 MB); datasketch's package imports it."""
    import subprocess
    import sys

    code = (
        "import sys; from annotator.near_duplicates import signatures; signatures(['a b c d']);"
        "print(sorted(m for m in ('datasketch', 'scipy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_signatures_are_datasketch_minhash_values_text_by_text() -> None:
    from datasketch import MinHash

    from annotator.near_duplicates import NUM_PERM, SCHEME, SEED, shingle_hashes, signatures

    texts = [WIRE, "", "one", "two words", OTHER, "   ", REPRINT_A, CORRECTED]
    for text, sig in zip(texts, signatures(texts), strict=True):
        m = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int, scheme=SCHEME)
        m.update_batch(shingle_hashes(text).tolist())
        assert sig.dtype == np.uint32 and (sig == m.hashvalues).all(), text[:30]
