"""The article list must stay cheap with 100,000 rows: no column sized to its contents, which
makes Qt measure every row again whenever one row changes (each label changes one progress)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QHeaderView

from ui.main_window import MainWindow


def test_no_article_list_column_is_sized_to_its_contents(
    make_window: Callable[..., MainWindow], demo_path: Path
) -> None:
    window = make_window(demo_path, "carol")
    header = window.article_list_panel.view.horizontalHeader()
    modes = [header.sectionResizeMode(c) for c in range(header.count())]
    assert QHeaderView.ResizeMode.ResizeToContents not in modes
