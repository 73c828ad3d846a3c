"""The encoding of a file read as a stream, by the rules of decode_text, in bounded memory.

A table may be hundreds of megabytes: decoding it whole, then parsing the text, held the file
several times over (a CSV with one 100 MB field peaked at 1.3 GB). Here the file is read in
chunks, once per rule that decode_text applies to the whole text (UTF-8 strict, mostly UTF-8, an
8-bit guess from a sample that must fit the whole file), and the caller then decodes it as a
stream with the codec found. Only a file whose sample's guess does not fit the whole file is
read whole, as decode_text would read it (rare: a legacy file that changes code page).
"""

from __future__ import annotations

import codecs
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from annotator.imports import decoding
from annotator.imports.base import UnreadableFile
from annotator.imports.decoding import BINARY, BYTE_ORDER_MARKS, check_controls, count_controls

CHUNK_BYTES = 1 << 20
_REPLACEMENT = "\ufffd".encode()


@dataclass(frozen=True)
class StreamEncoding:
    """How to decode a file as a stream: `errors` is "replace" for a mostly-UTF-8 file."""

    encoding: str
    errors: str = "strict"


class _DoesNotDecode(Exception):
    pass


def detect_encoding(stream: BinaryIO, limit: int) -> StreamEncoding:
    """The codec decode_text would choose for the stream's bytes; raises UnreadableFile as it
    would (binary data, no encoding fits, only white space: "empty file"), and for a stream of
    more than `limit` bytes. The stream is read from its start, left at an unknown position."""
    stream.seek(0)
    head = stream.read(4)
    for bom, codec in BYTE_ORDER_MARKS:
        if head.startswith(bom):
            try:
                return _fits(stream, limit, codec)
            except _DoesNotDecode:
                raise UnreadableFile(
                    f"{BINARY} (starts with a {codec} mark but is not {codec})"
                ) from None
    try:
        return _fits(stream, limit, "utf-8", nul_is_binary=True)
    except _DoesNotDecode:
        pass
    if _mostly_utf8(stream, limit):
        return StreamEncoding("utf-8", "replace")
    stream.seek(0)
    sample = stream.read(decoding.GUESS_SAMPLE_BYTES + 1)
    if len(sample) <= decoding.GUESS_SAMPLE_BYTES:
        return StreamEncoding(decoding.decode_text(sample).encoding, "replace")
    cut = sample.rfind(b"\n", 0, decoding.GUESS_SAMPLE_BYTES) + 1
    guess = decoding.guess_8bit(sample[: cut or decoding.GUESS_SAMPLE_BYTES]).encoding
    try:
        return _fits(stream, limit, guess)
    except _DoesNotDecode:
        stream.seek(0)
        return StreamEncoding(decoding.decode_text(stream.read(limit + 1)).encoding, "replace")


def _chunks(stream: BinaryIO, limit: int) -> Iterator[bytes]:
    stream.seek(0)
    size = 0
    for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
        size += len(chunk)
        if size > limit:
            raise UnreadableFile(f"file is larger than the {limit // (1 << 20)} MiB limit")
        yield chunk


def _fits(
    stream: BinaryIO, limit: int, codec: str, *, nul_is_binary: bool = False
) -> StreamEncoding:
    """The codec when it decodes the whole stream strictly, and the text is not binary data."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    chars = controls = 0
    blank = True
    try:
        for chunk in _chunks(stream, limit):
            if nul_is_binary and b"\x00" in chunk:
                raise UnreadableFile(BINARY)
            text = decoder.decode(chunk)
            chars, controls = chars + len(text), controls + count_controls(text)
            blank = blank and (not text or text.isspace())
        text = decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise _DoesNotDecode from None
    chars, controls = chars + len(text), controls + count_controls(text)
    if blank and (not text or text.isspace()):
        raise UnreadableFile("empty file")
    check_controls(controls, chars)
    return StreamEncoding(codecs.lookup(codec).name)


def _mostly_utf8(stream: BinaryIO, limit: int) -> bool:
    """decode_text's "mostly UTF-8" rule (a few stray bytes among many UTF-8 characters), on a
    stream; checks the controls of the text so decoded, as decode_text does."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    replaced = valid_non_ascii = chars = controls = 0
    for chunk in itertools.chain(_chunks(stream, limit), [b""]):
        text = decoder.decode(chunk, final=not chunk)
        bad = text.count("\ufffd") - chunk.count(_REPLACEMENT)
        replaced += bad
        valid_non_ascii += len(text) - len(text.encode("ascii", "ignore")) - bad
        chars, controls = chars + len(text), controls + count_controls(text)
    if replaced > 0 and valid_non_ascii >= decoding.MIN_VALID_PER_INVALID * replaced:
        check_controls(controls, chars)
        return True
    return False
