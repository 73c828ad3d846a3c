""" "Reopen where left off" belongs to each coder: ben does not open at anna's place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


def leave_at(window: MainWindow, article_step: int, row: int) -> tuple[int, int]:
    """Move on article_step articles and to a row; (article id, sentence id) left at."""
    for _ in range(article_step):
        assert window.step_article(1)
    window.article_panel.select_row(row)
    aid, sid = window.current_article_id(), window.article_panel.current_sentence_id()
    assert aid is not None and sid is not None
    return aid, sid


def place(window: MainWindow) -> tuple[int | None, int | None]:
    return window.current_article_id(), window.article_panel.current_sentence_id()


def test_a_second_coder_does_not_open_at_the_first_coders_place(
    make_window: MakeWindow, demo_path: Path
) -> None:
    anna = make_window(demo_path, "anna")
    first = place(anna)
    leave_at(anna, 2, 3)
    anna.close()
    ben = make_window(demo_path, "ben")
    assert place(ben) == first


def test_each_coder_comes_back_to_their_own_place(make_window: MakeWindow, demo_path: Path) -> None:
    anna = make_window(demo_path, "anna")
    anna_left = leave_at(anna, 2, 3)
    anna.close()
    ben = make_window(demo_path, "ben")
    ben_left = leave_at(ben, 1, 1)
    ben.close()
    assert place(make_window(demo_path, "anna")) == anna_left
    assert place(make_window(demo_path, "ben")) == ben_left


def test_switching_coder_goes_to_that_coders_place(
    make_window: MakeWindow, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.coder_dialog

    ben = make_window(demo_path, "ben")
    ben_left = leave_at(ben, 1, 2)
    ben.close()
    window = make_window(demo_path, "anna")
    anna_left = leave_at(window, 3, 4)
    monkeypatch.setattr(ui.coder_dialog, "choose_coder", lambda parent, known, current: "ben")
    window.switch_coder()
    assert place(window) == ben_left
    monkeypatch.setattr(ui.coder_dialog, "choose_coder", lambda parent, known, current: "anna")
    window.switch_coder()
    assert place(window) == anna_left
