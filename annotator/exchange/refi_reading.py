"""Reading REFI-QDA 1.5 projects (``.qdpx``, or a bare ``.qde``): the package, its XML, its texts.

Untrusted input: XML through defusedxml (no DTD entities, no external references), the zip is
read in memory, never extracted, with limits on size, member count and compression ratio,
member names are only looked up (never used as paths). Anything malformed raises
RefiImportError. No database here: annotator.exchange.refi imports what this reads.
"""

from __future__ import annotations

import bisect
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import defusedxml
import defusedxml.ElementTree as SafeET

from annotator.codebook import Codebook, CodebookError
from annotator.codebook.refi_format import codebook_from_refi_element, normalize_guid
from annotator.errors import AnnotatorError
from annotator.storage.exchange_queries import stored_time

REFI_SUFFIXES = (".qdpx", ".qde")
MAX_PACKAGE_BYTES = 512 * 1024 * 1024
MAX_QDE_BYTES = 256 * 1024 * 1024
MAX_MEMBER_BYTES = 128 * 1024 * 1024


class RefiImportError(AnnotatorError):
    """The file is not a usable REFI-QDA project; nothing was imported."""


class Notes(Protocol):
    """Where reading reports what it skipped (the import's report)."""

    def note(self, message: str) -> None: ...


# --- reading the package ---------------------------------------------------------------------


class Package:
    """The project XML and a case-insensitive view of the zip's members (in memory)."""

    def __init__(self, path: Path) -> None:
        self.name = path.name
        self.archive: zipfile.ZipFile | None = None
        self.members: dict[str, zipfile.ZipInfo] = {}
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise RefiImportError(f"cannot read {path}: {exc.strerror or exc}") from None
        suffix = path.suffix.lower()
        if suffix == ".qde":
            if size > MAX_QDE_BYTES:
                raise RefiImportError(f"{path.name} is larger than {MAX_QDE_BYTES // 2**20} MB")
            self.qde = path.read_bytes()
            return
        if suffix != ".qdpx":
            raise RefiImportError(f"{path.name}: not a REFI-QDA project (.qdpx or .qde)")
        if size > MAX_PACKAGE_BYTES:
            raise RefiImportError(f"{path.name} is larger than {MAX_PACKAGE_BYTES // 2**20} MB")
        data = path.read_bytes()
        from annotator.imports.base import UnreadableFile
        from annotator.imports.zip_safety import check_zip

        try:
            check_zip(data, ".qdpx")
        except UnreadableFile as exc:
            raise RefiImportError(f"{path.name}: {exc.message}") from None
        self.archive = zipfile.ZipFile(io.BytesIO(data))
        for info in self.archive.infolist():
            if not info.is_dir():
                self.members[info.filename.replace("\\", "/").lower()] = info
        qde = self.members.get("project.qde")
        if qde is None:
            top = [i for n, i in self.members.items() if n.endswith(".qde") and "/" not in n]
            if len(top) != 1:
                raise RefiImportError(
                    f"{path.name}: no project.qde inside"
                    + (f" (found {len(top)} .qde files)" if top else "")
                )
            qde = top[0]
        self.qde = self.read(qde, MAX_QDE_BYTES)

    def read(self, info: zipfile.ZipInfo, limit: int = MAX_MEMBER_BYTES) -> bytes:
        assert self.archive is not None
        if info.file_size > limit:
            raise RefiImportError(
                f"{self.name}: {info.filename} is larger than {limit // 2**20} MB"
            )
        try:
            with self.archive.open(info) as fh:
                data = fh.read(limit + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise RefiImportError(f"{self.name}: {info.filename} is damaged ({exc})") from None
        if len(data) > limit:
            raise RefiImportError(f"{self.name}: {info.filename} is larger than declared")
        return data

    def source(self, ref: str) -> bytes | None:
        """The member a ``plainTextPath``/``richTextPath`` names, or None if not in the zip."""
        if not ref or self.archive is None:
            return None
        name = ref.strip().replace("\\", "/")
        if name.lower().startswith("internal://"):
            name = name[len("internal://") :]
        elif "://" in name or name.startswith("/"):
            return None  # an external file: not ours to read
        name = name.lstrip("./").lower()
        for candidate in (f"sources/{name}", name):
            info = self.members.get(candidate)
            if info is not None:
                return self.read(info)
        return None


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def kids(elem: ET.Element | None, name: str) -> list[ET.Element]:
    return [] if elem is None else [c for c in elem if local(c.tag) == name]


def kid(elem: ET.Element | None, name: str) -> ET.Element | None:
    found = kids(elem, name)
    return found[0] if found else None


def parse_qde(data: bytes, origin: str) -> ET.Element:
    try:
        root: ET.Element = SafeET.fromstring(
            data, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DefusedXmlException as exc:
        raise RefiImportError(f"{origin}: refused: {exc} (entities are never needed)") from None
    except ET.ParseError as exc:
        line, column = exc.position
        raise RefiImportError(
            f"{origin} line {line}, column {column + 1}: not well-formed XML"
        ) from None
    if local(root.tag) != "Project":
        raise RefiImportError(f"{origin}: not a REFI-QDA project (root is <{local(root.tag)}>)")
    return root


def guid(value: str | None) -> str | None:
    try:
        return normalize_guid(value or "")
    except ValueError:
        return None


def _text_of(data: bytes) -> str:
    from annotator.imports.base import UnreadableFile
    from annotator.imports.decoding import decode_text

    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return decode_text(data).text
        except UnreadableFile as exc:
            raise ValueError(exc.message) from None


_BREAK = re.compile(r"\r\n?")


def normalise_line_ends(text: str) -> tuple[str, list[int]]:
    """Text with LF line ends, and the sorted original indexes of the characters removed."""
    removed = [m.start() for m in _BREAK.finditer(text) if m.end() - m.start() == 2]
    return _BREAK.sub("\n", text), removed


def map_offset(removed: list[int], offset: int) -> int:
    return offset - bisect.bisect_left(removed, offset)


def refi_time(value: str | None) -> str:
    if value:
        try:
            stamp = datetime.fromisoformat(value.strip())
            if stamp.tzinfo is not None:
                return stored_time(stamp)
            return stored_time(stamp.replace(tzinfo=UTC))
        except ValueError:
            pass
    return stored_time(None)


def note_text(note: ET.Element) -> str:
    content = kid(note, "PlainTextContent")
    if content is not None and content.text:
        return content.text
    desc = kid(note, "Description")
    return (desc.text or "") if desc is not None else ""


def codebook_of(root: ET.Element, origin: str) -> Codebook | None:
    elem = kid(root, "CodeBook")
    if elem is None:
        return None
    try:
        return codebook_from_refi_element(
            elem, name=root.get("name"), origin=origin, sets=kid(root, "Sets")
        )
    except CodebookError as exc:
        raise RefiImportError(str(exc)) from None


def source_text(package: Package, src: ET.Element, label: str, report: Notes) -> str | None:
    content = kid(src, "PlainTextContent")
    if content is not None and content.text:
        return content.text
    data = package.source(src.get("plainTextPath") or "")
    if data is not None:
        try:
            text = _text_of(data)
        except ValueError as exc:
            report.note(f"source {label} skipped: {exc}")
            return None
        if text.strip():
            return text
    rich = src.get("richTextPath") or ""
    if rich.lower().endswith(".docx"):
        blob = package.source(rich)
        if blob is not None:
            from annotator.imports.base import UnreadableFile
            from annotator.imports.word_documents import read_docx

            try:
                text = read_docx(blob, label).text
            except UnreadableFile as exc:
                report.note(f"source {label} skipped: docx source unreadable ({exc.message})")
                return None
            if kids(src, "PlainTextSelection") and text.strip():
                report.note(
                    f"source {label}: text read from its .docx; its codings refer to a plain "
                    "text that is missing and were skipped"
                )
                return text if not text.isspace() else None
            if text.strip():
                return text
    if data is None and package.archive is None:
        report.note(f"source {label} skipped: its text is not in a bare .qde (import the .qdpx)")
    elif data is None:
        report.note(f"source {label} skipped: its text file is not in the package")
    else:
        report.note(f"source {label} skipped: no text")
    return None
