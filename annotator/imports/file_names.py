"""File names as a researcher reads them: repaired when they are not valid text, on one line.

A file system hands Python a name that is not valid UTF-8 (common in folders unzipped from
archives made on older systems: b"caf\\xe9.txt" is Windows-1252 for "café.txt") with each bad byte
as a lone surrogate ("caf\\udce9.txt"). Such a string opens the file but cannot be encoded: stored
in the project or printed it raised "surrogates not allowed" and stopped a whole import. So names
are repaired wherever they leave the file system layer (titles, metadata, messages), while the
original string is kept for opening the file, and its bytes in metadata ("file_bytes").
"""

from __future__ import annotations

import re
import unicodedata

# Lone surrogates: how Python keeps bytes of a name that do not decode (surrogateescape), or
# halves of a UTF-16 pair on Windows.
_SURROGATES = re.compile("[\ud800-\udfff]")
# Line breaks and other controls: a name may hold them (a newline is legal on POSIX), a title or
# a one-line message may not.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MIN_VALID_PER_INVALID = 2  # as in decoding: a mostly-UTF-8 name keeps its UTF-8 characters


def has_bad_bytes(name: str) -> bool:
    """Whether `name` holds bytes that are not valid UTF-8 (kept by Python as lone surrogates)."""
    return not name.isascii() and _SURROGATES.search(name) is not None


def original_bytes(name: str) -> bytes:
    """The bytes the file system gave for `name` (its encoding is UTF-8 on POSIX and, in
    Python, on Windows)."""
    try:
        return name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # halves of UTF-16 pairs (Windows), not escaped bytes
        return name.encode("utf-8", "surrogatepass")


def escaped_bytes(name: str) -> str:
    """The original bytes of a name, on one line and reversible: printable ASCII as it is,
    every other byte (and the backslash) as \\xNN, so b"caf\\xe9.txt" -> "caf\\\\xe9.txt"."""
    return "".join(
        chr(byte) if 0x20 <= byte < 0x7F and byte != 0x5C else f"\\x{byte:02x}"
        for byte in original_bytes(name)
    )


def repaired(name: str) -> str:
    """`name` as valid text: UTF-8 where it is mostly UTF-8, else Windows-1252 (what legacy
    Western names nearly always are); a byte neither can read becomes U+FFFD."""
    if not has_bad_bytes(name):
        return name
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # halves of UTF-16 pairs (Windows): no bytes to decode again
        return _SURROGATES.sub("\ufffd", name)
    as_utf8 = raw.decode("utf-8", "replace")
    replaced = as_utf8.count("\ufffd")
    valid_non_ascii = sum(1 for ch in as_utf8 if ord(ch) > 127) - replaced
    if valid_non_ascii >= _MIN_VALID_PER_INVALID * replaced:
        return as_utf8
    return raw.decode("cp1252", "replace")


def readable_name(name: str) -> str:
    """A file name or path for a message: repaired, and control characters shown as escapes
    ("a\\nb.txt"), so the message stays one line and still names the file."""
    if name.isascii() and name.isprintable():
        return name  # the fast path: nearly every name
    return _CONTROLS.sub(_escape, repaired(name))


def title_from_name(stem: str) -> str:
    """A title made from a file name without its extension: repaired, on one line,
    "war_report-2" -> "war report 2"."""
    text = _CONTROLS.sub(" ", repaired(stem)).replace("_", " ").replace("-", " ")
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")
