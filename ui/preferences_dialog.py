"""Edit > Preferences: the theme (light, dark, or the system's) and the window's text size.

Both are per-user UI state (QSettings, see ui.settings); neither changes any result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QVBoxLayout,
    QWidget,
)

from ui import settings as keys
from ui.theme import THEMES, apply_theme

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class PreferencesDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        theme: str,
        point_size: float,
        size_range: tuple[float, float],
    ) -> None:
        super().__init__(parent)
        self.setObjectName("preferences")
        self.setWindowTitle("Preferences")
        self.theme_combo = QComboBox(self)
        for value, text in THEMES.items():
            self.theme_combo.addItem(text, value)
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(theme)))
        self.size_spin = QDoubleSpinBox(self)
        self.size_spin.setDecimals(0)
        self.size_spin.setSuffix(" pt")
        self.size_spin.setRange(*size_range)
        self.size_spin.setValue(point_size)
        self.size_spin.setToolTip("The same as View › Zoom in / Zoom out (Ctrl+= / Ctrl+-)")
        form = QFormLayout()
        form.addRow("&Theme:", self.theme_combo)
        form.addRow("Text &size:", self.size_spin)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def theme(self) -> str:
        return str(self.theme_combo.currentData())

    def point_size(self) -> float:
        return float(self.size_spin.value())


def edit_preferences(window: MainWindow) -> bool:
    """Show the dialog; on OK store and apply the choices at once. True if OK was chosen."""
    from ui.main_window import MAX_POINT_SIZE, MIN_POINT_SIZE

    dialog = PreferencesDialog(
        window,
        window.settings.get(keys.THEME),
        window.sentence_point_size(),
        (MIN_POINT_SIZE, MAX_POINT_SIZE),
    )
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        window.settings.set(keys.THEME, dialog.theme())
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, dialog.theme())
        if dialog.point_size() != window.sentence_point_size():
            window.set_point_size(dialog.point_size())
        return True
    finally:
        dialog.deleteLater()
