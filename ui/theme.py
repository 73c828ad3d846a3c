"""Light, dark, or the desktop's own scheme: one palette for the whole app, switchable live.

Everything the app paints takes its colours from the palette (the sentence delegate, the charts,
the icons, which are re-tinted on a PaletteChange), so a palette is the whole theme.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

#: setting value -> what the Preferences dialog calls it
THEMES = {"system": "Same as the system", "light": "Light", "dark": "Dark"}


def dark_palette() -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    for r, c in (
        (role.Window, "#2b2b2b"),
        (role.WindowText, "#e6e6e6"),
        (role.Base, "#1f1f1f"),
        (role.AlternateBase, "#262626"),
        (role.Text, "#e6e6e6"),
        (role.Button, "#323232"),
        (role.ButtonText, "#e6e6e6"),
        (role.Highlight, "#3d7cc9"),
        (role.HighlightedText, "#ffffff"),
        (role.ToolTipBase, "#323232"),
        (role.ToolTipText, "#e6e6e6"),
        (role.PlaceholderText, "#9a9a9a"),
        (role.Link, "#6fb1ff"),
        (role.Mid, "#5a5a5a"),
    ):
        p.setColor(r, QColor(c))
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, r, QColor("#808080"))
    return p


def is_dark(theme: str) -> bool:
    """Does this setting mean dark colours here and now? ("system" asks the desktop.)"""
    if theme == "dark":
        return True
    if theme == "light":
        return False
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication, theme: str) -> None:
    """Give the app the theme's palette; every open window repaints in it at once."""
    app.setPalette(dark_palette() if is_dark(theme) else app.style().standardPalette())
