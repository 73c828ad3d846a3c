"""Names of coders, codes and groups: one line of visible text, no control characters.

A name ends up as a column header, a sheet cell, a menu entry and a file's text; a control
character in it breaks the .xlsx writer (XML cannot hold most of them), hides a formula
trigger, or makes two names look alike. So names refuse them on the way in (Project API,
CLI, label import, codebook YAML and REFI ``.qdc`` loading), with the value spelled out.
"""

from __future__ import annotations

import unicodedata

from annotator.errors import AnnotatorError


class InvalidNameError(AnnotatorError, ValueError):
    """A coder, code or group name that cannot be used."""


def control_characters(value: str) -> list[str]:
    """The distinct control characters (Unicode category Cc: C0, DEL, C1) in ``value``."""
    found: list[str] = []
    for ch in value:
        if unicodedata.category(ch) == "Cc" and ch not in found:
            found.append(ch)
    return found


def name_problem(value: str) -> str | None:
    """Why ``value`` cannot be a name, or None. Spelled as ``repr`` so the reader sees ``\\x01``."""
    bad = control_characters(value)
    if not bad:
        return None
    shown = ", ".join(repr(ch).strip("'") for ch in bad)
    return f"{value!r} holds a control character ({shown}); use visible characters only"


def check_name(kind: str, value: str) -> str:
    """``value`` if it can be a ``kind`` name ("coder", "code", "group"), else a one-line error."""
    problem = name_problem(value)
    if problem is not None:
        raise InvalidNameError(f"{kind} name {problem}")
    return value


def visible_name(value: str, fallback: str = "unnamed") -> str:
    """A name as it can be shown and written: control characters that are white space become
    a space, the others are dropped. For names stored before they were checked (older files),
    so that exports and merges of such a project still work."""
    if not control_characters(value):
        return value
    cleaned = "".join(
        (" " if ch.isspace() else "") if unicodedata.category(ch) == "Cc" else ch for ch in value
    )
    return " ".join(cleaned.split()) or fallback


def spelled_name(value: str) -> str:
    """A name with each control character spelled out as ``repr`` does (``anna\\x01``): visible,
    and still apart from the name without it (a merge keeps two such coders apart)."""
    return "".join(repr(ch).strip("'") if unicodedata.category(ch) == "Cc" else ch for ch in value)
