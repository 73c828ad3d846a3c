"""Meaning -> icon, in one place. Built lazily, after QApplication exists (qtawesome needs it)."""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette

log = logging.getLogger(__name__)

#: meaning -> Material Design Icons 6 glyph (qtawesome "mdi6" prefix)
GLYPHS: dict[str, str] = {
    "new": "mdi6.file-plus-outline",
    "open": "mdi6.folder-open-outline",
    "import": "mdi6.file-import-outline",
    "codebook": "mdi6.book-open-variant",
    "changelog": "mdi6.history",
    "publish": "mdi6.tag-arrow-up-outline",
    "manual": "mdi6.printer-outline",
    "export": "mdi6.export",
    "merge": "mdi6.call-merge",
    "restore": "mdi6.backup-restore",
    "quit": "mdi6.exit-to-app",
    "undo": "mdi6.undo",
    "redo": "mdi6.redo",
    "done": "mdi6.check-circle-outline",
    "next_article": "mdi6.chevron-down",
    "prev_article": "mdi6.chevron-up",
    "next_uncoded": "mdi6.debug-step-over",
    "clear": "mdi6.eraser",
    "memo": "mdi6.note-edit-outline",
    "split": "mdi6.content-cut",
    "merge_sentences": "mdi6.table-merge-cells",
    "article_memo": "mdi6.note-text-outline",
    "find": "mdi6.magnify",
    "corpus_find": "mdi6.text-box-search-outline",
    "coder": "mdi6.account-switch",
    "team": "mdi6.account-group-outline",
    "show_others": "mdi6.eye",
    "blind": "mdi6.eye-off",
    "report": "mdi6.chart-bar",
    "adjudicate": "mdi6.scale-balance",
    "zoom_in": "mdi6.magnify-plus-outline",
    "zoom_out": "mdi6.magnify-minus-outline",
    "zoom_reset": "mdi6.magnify-close",
    "shortcuts": "mdi6.keyboard-outline",
    "about": "mdi6.information-outline",
    "preferences": "mdi6.cog-outline",
    "read_only": "mdi6.lock-outline",
    "status_not_started": "mdi6.circle-outline",
    "status_in_progress": "mdi6.circle-half-full",
    "status_done": "mdi6.check-circle",
    "memo_mark": "mdi6.comment-text-outline",
    "near_duplicate": "mdi6.content-duplicate",
    "keep_duplicates": "mdi6.check-all",
    "gold": "mdi6.star-check-outline",
    "gold_remove": "mdi6.star-off-outline",
    "training": "mdi6.school-outline",
    "edit_codebook": "mdi6.book-edit-outline",
    "add_code": "mdi6.tag-plus-outline",
    "add_group": "mdi6.folder-plus-outline",
    "move_up": "mdi6.arrow-up",
    "move_down": "mdi6.arrow-down",
    "delete": "mdi6.delete-outline",
    "split_code": "mdi6.call-split",
}

#: fixed colours for the article status icons (Okabe-Ito: grey-ish, orange, bluish green)
STATUS_COLORS = {
    "status_not_started": "#8a8a8a",
    "status_in_progress": "#e69f00",
    "status_done": "#009e73",
}

_cache: dict[tuple[str, str], QIcon] = {}


def icon(meaning: str, color: str | None = None) -> QIcon:
    """The icon for a meaning, tinted for the current palette (an empty icon if unknown)."""
    glyph = GLYPHS.get(meaning)
    if glyph is None:
        log.warning("no icon for %r", meaning)
        return QIcon()
    if color is None:
        color = STATUS_COLORS.get(meaning) or _text_color()
    key = (meaning, color)
    found = _cache.get(key)
    if found is None:
        import qtawesome as qta

        try:
            found = qta.icon(glyph, color=color, color_disabled=_disabled_color())
        except Exception:  # a missing glyph must not stop the app
            log.exception("icon %s failed", glyph)
            found = QIcon()
        _cache[key] = found
    return found


def clear_cache() -> None:
    """Forget tinted icons (after the colour scheme changes)."""
    _cache.clear()


def _text_color() -> str:
    app = QGuiApplication.instance()
    if app is None:
        return "#333333"
    return QGuiApplication.palette().color(QPalette.ColorRole.WindowText).name()


def _disabled_color() -> str:
    if QGuiApplication.instance() is None:
        return "#999999"
    c = QGuiApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
    return QColor(c).name()
