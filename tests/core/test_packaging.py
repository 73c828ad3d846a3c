"""An installed wheel carries everything the app needs: resources and codebooks are package data,
found through importlib.resources, not through the repository's folders."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(REPO)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if done.returncode != 0 and "No module named" in done.stderr:
        pytest.skip(f"cannot build a wheel here: {done.stderr.strip()[-200:]}")
    assert done.returncode == 0, done.stderr
    return next(out.glob("annotator-*.whl"))


def test_the_wheel_holds_sample_articles_codebooks_and_both_packages(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "annotator/codebooks/conflict-news.yaml" in names
    assert "annotator/resources/sample_articles/demo_labels.json" in names
    assert len([n for n in names if n.startswith("annotator/resources/sample_articles/")]) >= 6
    assert "annotator/resources/icons/annotator.svg" in names
    assert "annotator/resources/icons/annotator-256.png" in names  # the window icon
    assert "annotator/_version.py" in names
    assert "ui/main_window.py" in names
    assert "annotator/agreement/report.py" in names
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "annotator = ui.launcher:main" in zipfile.ZipFile(wheel).read(entry).decode()


def test_the_unpacked_wheel_builds_the_demo_away_from_the_repository(
    wheel: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "import annotator, annotator.paths as p; "
        "assert annotator.__file__.startswith(sys.argv[1]), annotator.__file__; "
        "from annotator.cli import main; "
        "raise SystemExit(main(['demo', sys.argv[2]]))"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", script, str(site), str(tmp_path / "demo.annotator")],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "5 articles" in done.stdout
