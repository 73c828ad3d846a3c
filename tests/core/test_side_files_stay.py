"""A project's -wal and -shm files stay while this process has the project open (issue 19, §1).

POSIX drops all of a process's locks on a file when the process closes any descriptor of it.
Once our locks were gone, another program that opened the project for writing took itself for
the last user and, on closing, deleted the side files this process still wrote to: every label
saved afterwards went into a deleted file. These tests let a real second process do exactly that.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from annotator.project import Project, relock_open_projects
from annotator.records import LabelChange
from annotator.storage.engine import release_sidecars


def _other_process_opens_for_writing_and_closes(path: Path) -> None:
    code = f"from annotator.project import Project; Project.open({str(path)!r}).close()"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def _labels_seen_by_another_process(path: Path) -> int:
    code = (
        "from annotator.project import Project\n"
        f"with Project.open({str(path)!r}, read_only=True) as p: print(p.info()['labels'])"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, timeout=60, capture_output=True)
    return int(out.stdout.decode().split()[-1])


def _label_every_sentence(project: Project) -> int:
    coder = project.coder_id("anna")
    code = project.codebook.codes[0]
    changes = [
        LabelChange(s.id, code.id, coder, add=True)
        for article_id in project.article_ids()
        for s in project.sentences(article_id)
    ]
    project.apply_changes(changes, batch="test")
    return len(changes)


def _study(make_project: Callable[..., Project], tmp_path: Path) -> Project:
    project = make_project("study")
    text = tmp_path / "report.txt"
    text.write_text(
        "Troops crossed the river at dawn. Officials denied the report. Analysts expect more.",
        encoding="utf-8",
    )
    assert project.import_paths([text]).imported == 1
    return project


def _side_files(path: Path) -> set[str]:
    return {s for s in ("-wal", "-shm") if Path(f"{path}{s}").exists()}


def test_opening_the_open_project_again_keeps_its_side_files_for_the_first(
    make_project: Callable[..., Project], tmp_path: Path
) -> None:
    project = _study(make_project, tmp_path)
    second = Project.open(project.path, read_only=True)  # e.g. a report window's own reader
    second.close()
    _other_process_opens_for_writing_and_closes(project.path)
    assert _side_files(project.path) == {"-wal", "-shm"}
    saved = _label_every_sentence(project)
    assert saved > 0
    assert _labels_seen_by_another_process(project.path) == saved


def test_relock_renews_the_locks_a_stray_descriptor_dropped(
    make_project: Callable[..., Project], tmp_path: Path
) -> None:
    project = _study(make_project, tmp_path)
    for suffix in ("", "-shm", "-wal"):  # what a file dialog sniffing file types does
        Path(f"{project.path}{suffix}").open("rb").close()
    assert relock_open_projects() == 1
    _other_process_opens_for_writing_and_closes(project.path)
    saved = _label_every_sentence(project)
    assert _side_files(project.path) == {"-wal", "-shm"}
    assert _labels_seen_by_another_process(project.path) == saved


def test_release_sidecars_never_touches_a_project_open_here(
    make_project: Callable[..., Project], tmp_path: Path
) -> None:
    project = _study(make_project, tmp_path)
    _label_every_sentence(project)
    Path(project.path).open("rb").close()
    Path(f"{project.path}-shm").open("rb").close()
    release_sidecars(project.path)
    assert _side_files(project.path) == {"-wal", "-shm"}
    project.close()
    release_sidecars(project.path)  # closed: now it may fold the log in and tidy up
    assert _side_files(project.path) == set()


def test_relock_leaves_a_project_with_a_connection_in_use(
    make_project: Callable[..., Project], tmp_path: Path
) -> None:
    project = _study(make_project, tmp_path)
    with project.engine.connect():
        assert project.relock() is False
    assert project.relock() is True


def test_a_relock_skipped_while_busy_is_pending_until_done(
    make_project: Callable[..., Project], tmp_path: Path
) -> None:
    from annotator.project import relock_pending

    project = _study(make_project, tmp_path)
    with project.engine.connect():
        relock_open_projects()
        assert relock_pending()
    assert relock_pending()  # still owed: the job ended, nobody asked again yet
    assert relock_open_projects() == 1
    assert not relock_pending()


def test_a_project_collected_without_close_is_not_counted_as_open(
    make_project: Callable[..., Project], tmp_path: Path
) -> None:
    import gc

    forgotten = Project.create(tmp_path / "forgotten.annotator")
    forgotten.engine.connect().close()
    del forgotten  # never closed: its engine goes with it, its file stays registered
    gc.collect()
    _study(make_project, tmp_path)
    assert relock_open_projects() == 1  # only the study, not the forgotten file
