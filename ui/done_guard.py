"""Editing an article already marked done: ask once, then reopen it or keep it done.

"Done" is what agreement counts (its uncoded sentences mean "none applies"), so a stray code key or
click in a done article must not change a label silently. The first edit asks; the answer holds
for that article for the rest of the session, or for every article if the coder ticks "Don't ask
again". Answers are per project and coder, and live only as long as the window.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QMessageBox, QWidget

REOPEN_QUESTION = "This article is marked done. Reopen it to edit?"
REOPEN_DETAIL = (
    "Reopen: the article goes back to “in progress” until you mark it done again. "
    "Keep done: your change is saved and the article stays done."
)


class DoneChoice(Enum):
    REOPEN = "reopen"  # status back to in progress (one undo step with the edit)
    KEEP_DONE = "keep"  # edit, the article stays done
    CANCEL = "cancel"  # no edit


SessionKey = tuple[Path, str]  # (project file, coder)


def ask_reopen(parent: QWidget | None) -> tuple[DoneChoice, bool]:
    """The question as a dialog: (the choice, whether to remember it for the session)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Article marked done")
    box.setText(REOPEN_QUESTION)
    box.setInformativeText(REOPEN_DETAIL)
    reopen = box.addButton("Reopen and edit", QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton("Edit, keep done", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(reopen)
    remember = QCheckBox("Don't ask again this session", box)
    box.setCheckBox(remember)
    box.exec()
    clicked = box.clickedButton()
    choice = (
        DoneChoice.REOPEN
        if clicked is reopen
        else DoneChoice.KEEP_DONE
        if clicked is keep
        else DoneChoice.CANCEL
    )
    return choice, remember.isChecked() and choice is not DoneChoice.CANCEL


class DoneGuard:
    """What to do with an edit in a done article, asking only when the session has no answer."""

    def __init__(self) -> None:
        self._always: dict[SessionKey, DoneChoice] = {}
        self._kept: set[tuple[SessionKey, int]] = set()  # (session, article) edited but kept done

    def choose(self, parent: QWidget | None, key: SessionKey, article_id: int) -> DoneChoice:
        remembered = self._always.get(key)
        if remembered is not None:
            return remembered
        if (key, article_id) in self._kept:
            return DoneChoice.KEEP_DONE
        choice, remember = ask_reopen(parent)
        if remember:
            self._always[key] = choice
        elif choice is DoneChoice.KEEP_DONE:
            self._kept.add((key, article_id))
        return choice
