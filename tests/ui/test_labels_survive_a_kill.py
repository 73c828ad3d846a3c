"""Every label the window showed is in the project after the app is killed (issue 19, §1).

The app runs as its own process (tests/ui/gui_session.py) with real widgets and real file
dialogs: a new project, an import of several files chosen in the project's folder, another
program opening the project for writing, labels by code key; then SIGKILL. Before the fix the
file dialog's type sniffing dropped SQLite's locks, the other program deleted the -wal and -shm
files, and every label the window showed afterwards was gone.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from annotator.project import Project

SESSION = Path(__file__).with_name("gui_session.py")
REPO = Path(__file__).resolve().parents[2]


def test_every_label_shown_after_a_gui_import_survives_sigkill(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp_path / "home"),
        ANNOTATOR_DATA_DIR=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    )
    folder = tmp_path / "study"
    folder.mkdir()
    child = subprocess.Popen(
        [sys.executable, str(SESSION), str(folder), "8"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    shown: dict[str, list[str]] | None = None
    try:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("SHOWN "):
                shown = json.loads(line[len("SHOWN ") :])
                break
        project_path = folder / "study.annotator"
        side_files = {s for s in ("-wal", "-shm") if Path(f"{project_path}{s}").exists()}
        assert side_files == {"-wal", "-shm"}, "the side files of the open project were deleted"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert shown is not None, "the session did not get as far as labelling"
    assert sum(1 for codes in shown.values() if codes) >= 4
    with Project.open(project_path, read_only=True) as project:
        stored: dict[int, list[str]] = {}
        for article_id in project.article_ids():
            for sentence_id, labels in project.labels(article_id, ["anna"]).items():
                stored[sentence_id] = sorted(code for _coder, code in labels)
    for sentence_id, codes in shown.items():
        assert stored.get(int(sentence_id), []) == codes, f"sentence {sentence_id}"
