"""The one place code keys are bound, for every window that codes from the keyboard.

The codebook gives each code at most one key. A window asks for actions for its codes: a key is
bound only if the window does not use it itself (``reserved``: the workspace's single-letter keys,
the adjudication window's coder digits) and no other code took it first; every key left unbound
is named in a message, so a codebook's clash is reported, never silently ambiguous.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from ui.actions import RESERVED_LETTERS
from ui.codebook_panel import swatch


class KeyedCode(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...

    @property
    def key(self) -> str: ...

    @property
    def color(self) -> str: ...


C = TypeVar("C", bound=KeyedCode)


def code_key_conflicts(
    keys: Iterable[tuple[str, str]], reserved: Collection[str] = RESERVED_LETTERS
) -> tuple[dict[str, str], list[str]]:
    """Split (key, code name) pairs into bindable keys and one message per conflict."""
    bound: dict[str, str] = {}
    problems: list[str] = []
    for key, name in keys:
        k = key.strip().lower()
        if not k:
            continue
        if len(k) == 1 and k in reserved:
            problems.append(f"key '{k}' of code '{name}' is a built-in key; not bound")
        elif k in bound:
            problems.append(f"key '{k}' of code '{name}' is already '{bound[k]}'; not bound")
        else:
            bound[k] = name
    return bound, problems


@dataclass
class CodeKeys:
    """The actions bound for one codebook; `unbind` takes them off their window again."""

    owner: QWidget | None = None
    actions: list[QAction] = field(default_factory=list)
    keys: list[tuple[str, str]] = field(default_factory=list)  # (key as shown, code name)
    problems: list[str] = field(default_factory=list)

    def unbind(self) -> None:
        for action in self.actions:
            if self.owner is not None:
                self.owner.removeAction(action)
            action.deleteLater()
        self.actions = []
        self.keys = []
        self.problems = []


def bind_code_keys(
    owner: QWidget,
    codes: Sequence[C],
    trigger: Callable[[C], object],
    *,
    reserved: Collection[str] = RESERVED_LETTERS,
    keyless: bool = False,
) -> CodeKeys:
    """One action per code on `owner` (window-wide); a bindable key is its shortcut.

    keyless: codes without a bound key get an action too (for a menu that lists every code).
    """
    bound, problems = code_key_conflicts(((c.key, c.name) for c in codes), reserved)
    result = CodeKeys(owner=owner, problems=problems)
    for code in codes:
        key = code.key.strip().lower()
        has_key = bool(key) and bound.get(key) == code.name
        if not has_key and not keyless:
            continue
        action = QAction(code.name, owner)
        action.setObjectName(f"code:{code.id}")
        action.setIcon(swatch(code.color or "#888888"))
        action.setToolTip(f"Toggle {code.name} on the selected sentences")
        if has_key:
            shown = key.upper() if len(key.upper()) == 1 else key
            action.setShortcut(QKeySequence(shown))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            result.keys.append((shown, code.name))
        action.triggered.connect(lambda _c=False, c=code: trigger(c))
        owner.addAction(action)
        result.actions.append(action)
    return result
