"""The lead's team view: each coder's assigned / in progress / done articles and the labels
they added in the last hour, refreshed while the window is open."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from annotator import Project, server
from annotator.demo import build_demo
from annotator.records import Status
from ui import team_progress
from ui.team_progress import TeamProgressWindow


def test_the_team_view_shows_assignments_progress_and_pace_and_follows_new_work(
    qtbot: QtBot, tmp_path: Path, monkeypatch: object
) -> None:
    path = tmp_path / "study.annotator"
    build_demo(path).close()
    server.assign(path, ["anna", "ben"], overlap=0.4, seed=3)
    project = Project.open(path)
    try:
        members = {m.name: m for m in project.team_progress()}
        assert members["anna"].done == 5 and members["ben"].done == 5
        # 5 articles, 2 of them (40 %) to both: each coder gets 2 + half of the other 3
        assert {members["anna"].assigned, members["ben"].assigned} == {3, 4}
        assert members["anna"].labels_last_hour == 0  # the demo's history is in 2025

        monkeypatch.setattr(team_progress, "REFRESH_MS", 100)  # type: ignore[attr-defined]
        window = TeamProgressWindow(project)
        qtbot.addWidget(window)
        window.timer.setInterval(100)
        qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=5000)
        names = [window.model.row(r).name for r in range(2)]
        assert names == ["anna", "ben"]
        assert window.model.headerData(5, team_progress.Qt.Orientation.Horizontal, 0) == (
            "Labels, last hour"
        )

        aid = project.article_ids()[0]
        sentence = project.sentences(aid)[0]
        project.set_status(aid, "chen", Status.IN_PROGRESS)
        project.add_label(sentence.id, "Denial", "chen")  # a new coder starts: seen live

        def chen_shows() -> bool:
            rows = [window.model.row(r) for r in range(window.model.rowCount())]
            chen = [r for r in rows if r.name == "chen"]
            return bool(chen) and chen[0].in_progress == 1 and chen[0].labels_last_hour == 1

        qtbot.waitUntil(chen_shows, timeout=5000)
        assert "3 coders" in window.state.text()
        window.close()
        assert not window.timer.isActive()
    finally:
        project.close()
