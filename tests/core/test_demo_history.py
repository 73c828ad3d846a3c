"""The demo project carries a plausible coding history, so the coding-time figures show something
on first start: each label its own key press, 6-40 s apart, two days' work per coder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from annotator.demo import build_demo


def test_each_demo_coder_worked_two_sessions_of_timed_key_presses(tmp_path: Path) -> None:
    with build_demo(tmp_path / "demo.annotator") as project:
        stats = project.coding_stats()
        labels = {c: len(project.labels_frame().query("coder == @c")) for c in ("anna", "ben")}
    by_coder = {c.coder: c for c in stats.coders}
    assert set(by_coder) == {"anna", "ben"}
    for name, coder in by_coder.items():
        assert coder.presses == coder.labels == labels[name]  # one press per label
        assert coder.sessions == 2  # the night between the days ends the first session
        assert coder.seconds.n == coder.presses - 2  # a session's first press is not timed
        assert coder.seconds.median is not None and 6 <= coder.seconds.median <= 40
        assert 0.1 < coder.coding_hours < 1.0
        assert coder.corrections == 0
    done = {(d.coder, d.day): d.done for d in stats.done_per_day}
    assert done == {
        ("anna", date(2025, 3, 3)): 3,
        ("anna", date(2025, 3, 4)): 2,
        ("ben", date(2025, 3, 4)): 3,
        ("ben", date(2025, 3, 5)): 2,
    }


def test_two_demo_projects_have_the_same_history(tmp_path: Path) -> None:
    with (
        build_demo(tmp_path / "one.annotator") as one,
        build_demo(tmp_path / "two.annotator") as two,
    ):
        assert one.coding_stats() == two.coding_stats()
