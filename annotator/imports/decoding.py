"""Bytes -> text for every text-based format, refusing binary data and hopeless guesses."""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

import charset_normalizer

from annotator.imports.base import UnreadableFile

logger = logging.getLogger(__name__)

BINARY = "binary file, not text"
UNKNOWN_ENCODING = "unknown text encoding: save the file as UTF-8 and import it again"

# Legacy 8-bit files from Western newsrooms are nearly always Windows-1252 (a superset of the
# printable Latin-1 range). charset-normalizer cannot tell it from cp1250 or Mac Roman on a short
# article, so when one of these fits as well as its best guess, we take it.
_PREFERRED_8BIT = ("cp1252", "iso8859_15", "latin_1")
# charset-normalizer sometimes "finds" BOM-less UTF-16/32 in short Latin text; we never accept that.
_REFUSED_GUESSES = ("utf_16", "utf_32")
_CHAOS_TOLERANCE = 0.05
GUESS_SAMPLE_BYTES = 256 * 1024
# C0 controls other than tab/newline/CR/FF and all C1 controls: text does not contain these.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL_SHARE = 0.01
_CONTROLS_ALWAYS_TOLERATED = 16  # a stray escape or bell in a short note is not binary data
# A mostly-UTF-8 file with a few stray bytes is UTF-8: guessing an 8-bit code page would garble
# every valid character to repair a handful of broken ones.
MIN_VALID_PER_INVALID = 20
# Bytes of plain ASCII text: printable characters, tab, line feed, form feed, carriage return.
_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\x0c\r"


#: Marks a text file may start with, and the codec each one means (longest first: UTF-32 LE
#: starts with UTF-16 LE's mark).
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class DecodedText:
    """Decoded text, the codec used, and how many undecodable bytes were replaced by U+FFFD."""

    text: str
    encoding: str
    replaced: int = 0
    plain_ascii: bool = False  # printable ASCII, tab, LF, CR and FF only (see normalise_text)


def decode_text(data: bytes, declared: str | None = None) -> DecodedText:
    """Decode `data`; `declared` is an encoding the file names itself (e.g. HTML meta charset).

    Raises UnreadableFile for binary data or when no encoding fits with confidence.
    """
    if data.isascii() and not data.translate(None, _PLAIN_ASCII):
        # Most files: plain ASCII with no control characters (and so no byte-order mark).
        return DecodedText(data.decode("ascii"), "utf-8", plain_ascii=True)
    for bom, codec in BYTE_ORDER_MARKS:
        if data.startswith(bom):
            try:
                return _checked(DecodedText(data.decode(codec), codec))
            except UnicodeDecodeError:
                raise UnreadableFile(
                    f"{BINARY} (starts with a {codec} mark but is not {codec})"
                ) from None
    if b"\x00" in data:
        raise UnreadableFile(BINARY)
    try:
        return _checked(DecodedText(data.decode("utf-8"), "utf-8"))
    except UnicodeDecodeError:
        pass
    mostly_utf8 = _mostly_utf8(data)
    if mostly_utf8 is not None:
        logger.warning("replaced %d bytes that are not UTF-8 by U+FFFD", mostly_utf8.replaced)
        return _checked(mostly_utf8)
    if declared:
        try:
            return _checked(DecodedText(data.decode(declared), codecs.lookup(declared).name))
        except (LookupError, UnicodeDecodeError):
            logger.debug("declared encoding %r does not decode the file", declared)
    return _checked(guess_8bit(data))


def _mostly_utf8(data: bytes) -> DecodedText | None:
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd") - data.count("\ufffd".encode())
    valid_non_ascii = len(text) - len(text.encode("ascii", "ignore")) - replaced
    if replaced > 0 and valid_non_ascii >= MIN_VALID_PER_INVALID * replaced:
        return DecodedText(text, "utf-8", replaced)
    return None


def guess_8bit(data: bytes) -> DecodedText:
    if len(data) > GUESS_SAMPLE_BYTES:
        # Guess from a sample (detection is slow on megabytes), then insist the codec fits it all.
        cut = data.rfind(b"\n", 0, GUESS_SAMPLE_BYTES) + 1 or GUESS_SAMPLE_BYTES
        guess = guess_8bit(data[:cut])
        try:
            return DecodedText(data.decode(guess.encoding), guess.encoding)
        except UnicodeDecodeError:
            logger.debug("guessed %s from a sample, but it does not fit the file", guess.encoding)
    matches = [
        match
        for match in charset_normalizer.from_bytes(data)
        if not match.encoding.startswith(_REFUSED_GUESSES)
    ]
    if not matches:
        raise UnreadableFile(UNKNOWN_ENCODING)
    best_chaos = min(match.chaos for match in matches)
    fitting = [match for match in matches if match.chaos <= best_chaos + _CHAOS_TOLERANCE]
    for preferred in _PREFERRED_8BIT:
        if any(preferred in match.could_be_from_charset for match in fitting):
            try:
                return DecodedText(data.decode(preferred), preferred)
            except UnicodeDecodeError:
                continue
    best = min(fitting, key=lambda match: (match.chaos, -match.coherence))
    return DecodedText(str(best), best.encoding)


def _checked(decoded: DecodedText) -> DecodedText:
    """Text that decodes but is full of control characters is binary data in disguise."""
    text = decoded.text
    if text:
        check_controls(count_controls(text), len(text))
    return decoded


def count_controls(text: str) -> int:
    """Control characters that text does not contain (see check_controls)."""
    return len(_CONTROLS.findall(text))


def check_controls(controls: int, chars: int) -> None:
    """Refuse text with more control characters than a stray few: binary data in disguise."""
    if controls > max(_CONTROLS_ALWAYS_TOLERATED, chars * _MAX_CONTROL_SHARE):
        raise UnreadableFile(BINARY)
