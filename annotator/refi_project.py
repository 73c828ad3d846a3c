"""Importing REFI-QDA 1.5 projects (``.qdpx``, or a bare ``.qde``) written by other QDA programs.

What comes in: text sources become articles (segmented as usual; an article already in the
project, by content hash, is reused), the codebook is merged into the project's (codes matched
by id, then name, as in ``annotator.merge``), users become coders (no ``<Users>``: one coder
named ``imported``), codings become labels, notes referenced from a selection or a source
become memos.

Nothing of a coding is lost: a coded selection labels every sentence it touches (shares a
non-whitespace character with), its character range is stored as it came (``selection`` table:
our offsets, the file's offsets and guids), and a label whose sentence the selection covered only
in part is flagged partial (``annotator.selection_placing`` holds the rules). The .qdpx export
writes the stored ranges back. Offsets count characters of the source text; CRLF and CR line
endings are turned into LF and the offsets mapped with them.

Untrusted input: XML through defusedxml (no DTD entities, no external references), the zip is
read in memory, never extracted, with limits on size, member count and compression ratio,
member names are only looked up (never used as paths). Anything malformed raises
RefiImportError; the import is one transaction, so it never leaves part of a project.
"""

from __future__ import annotations

import bisect
import io
import logging
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import defusedxml
import defusedxml.ElementTree as SafeET
from sqlalchemy import select
from sqlmodel import Session

from annotator.codebook import Codebook, CodebookError
from annotator.errors import AnnotatorError
from annotator.label_sink import LabelSink, stored_time, upsert_memo
from annotator.merge import code_ids_by_uid, lead_codebook, merge_codebook
from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.refi_codebook import codebook_from_refi_element, normalize_guid
from annotator.segmentation import segment
from annotator.selection_placing import Placer
from annotator.storage import queries, selection_store
from annotator.storage import tables as t
from annotator.storage.article_writes import NewArticle, content_hash, insert_articles, meta_json
from annotator.storage.codebook_store import save_codebook
from annotator.storage.coding_state import ensure_coder
from annotator.storage.selection_store import StoredSelection
from annotator.storage.unit_of_work import write_session

log = logging.getLogger(__name__)

REFI_SUFFIXES = (".qdpx", ".qde")
MAX_PACKAGE_BYTES = 512 * 1024 * 1024
MAX_QDE_BYTES = 256 * 1024 * 1024
MAX_MEMBER_BYTES = 128 * 1024 * 1024
DEFAULT_CODER = "imported"
MAX_LISTED = 200


class RefiImportError(AnnotatorError):
    """The file is not a usable REFI-QDA project; nothing was imported."""


@dataclass
class RefiImportReport:
    sources: int = 0
    articles_added: int = 0
    articles_reused: int = 0
    selections: int = 0
    codings: int = 0
    labels_added: int = 0
    labels_present: int = 0
    labels_partial: int = 0  # of labels_added: the selection covered only part of the sentence
    ranges_kept: int = 0  # coded ranges stored as they came (one per selection and code)
    memos_added: int = 0
    coders_added: list[str] = field(default_factory=list)
    codes_added: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def note(self, message: str) -> None:
        if len(self.problems) < MAX_LISTED:
            self.problems.append(message)

    def summary(self) -> str:
        return (
            f"{self.sources} sources: {self.articles_added} articles added, "
            f"{self.articles_reused} already in the project; {self.codings} codings in "
            f"{self.selections} selections gave {self.labels_added} labels "
            f"({self.labels_present} already there, {self.labels_partial} on part of a sentence), "
            f"{self.ranges_kept} coded ranges kept; {self.memos_added} memos; "
            f"{len(self.codes_added)} codes and {len(self.coders_added)} coders added"
            + (f"; {len(self.problems)} problems" if self.problems else "")
        )


# --- reading the package ---------------------------------------------------------------------


class _Package:
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


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _kids(elem: ET.Element | None, name: str) -> list[ET.Element]:
    return [] if elem is None else [c for c in elem if _local(c.tag) == name]


def _kid(elem: ET.Element | None, name: str) -> ET.Element | None:
    found = _kids(elem, name)
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
    if _local(root.tag) != "Project":
        raise RefiImportError(f"{origin}: not a REFI-QDA project (root is <{_local(root.tag)}>)")
    return root


def _guid(value: str | None) -> str | None:
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


def _time(value: str | None) -> str:
    if value:
        try:
            stamp = datetime.fromisoformat(value.strip())
            if stamp.tzinfo is not None:
                return stored_time(stamp)
            from datetime import UTC

            return stored_time(stamp.replace(tzinfo=UTC))
        except ValueError:
            pass
    return stored_time(None)


# --- import ----------------------------------------------------------------------------------


def import_refi(
    project: Any,
    path: str | Path,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> RefiImportReport:
    """Import a .qdpx/.qde into ``project`` (an open, writable Project) in one transaction."""
    project._writable()
    path = Path(path)
    package = _Package(path)
    root = parse_qde(package.qde, path.name)
    report = RefiImportReport()
    incoming = _codebook(root, path.name)
    users = {
        g: (u.get("name") or u.get("id") or g).strip() or g
        for u in _kids(_kid(root, "Users"), "User")
        if (g := _guid(u.get("guid"))) is not None
    }
    notes = {
        g: (n.get("creatingUser"), _note_text(n))
        for n in _kids(_kid(root, "Notes"), "Note")
        if (g := _guid(n.get("guid"))) is not None
    }
    sources = [s for s in _kids(_kid(root, "Sources"), "TextSource")]
    for other in _kid(root, "Sources") or []:
        if _local(other.tag) != "TextSource":
            report.note(
                f"source '{other.get('name') or other.get('guid')}' skipped: "
                f"{_local(other.tag)} sources are not supported (text only)"
            )
    with write_session(project.engine) as session:
        code_map = _merge_codebook(session, incoming, path.name, report)
        group_ids = {g.id: g.name for g in incoming.groups} if incoming else {}
        coders = _Coders(session, users, report)
        sink = LabelSink(session, f"import:{path.name}")
        for n, src in enumerate(sources):
            if cancel is not None:
                cancel.check()
            _import_source(
                session, package, src, code_map, group_ids, coders, notes, sink, report, path.name
            )
            progress(n + 1, len(sources))
    project._forget_caches()
    log.info("REFI import %s: %s", path.name, report.summary())
    return report


def _note_text(note: ET.Element) -> str:
    content = _kid(note, "PlainTextContent")
    if content is not None and content.text:
        return content.text
    desc = _kid(note, "Description")
    return (desc.text or "") if desc is not None else ""


def _codebook(root: ET.Element, origin: str) -> Codebook | None:
    elem = _kid(root, "CodeBook")
    if elem is None:
        return None
    try:
        return codebook_from_refi_element(
            elem, name=root.get("name"), origin=origin, sets=_kid(root, "Sets")
        )
    except CodebookError as exc:
        raise RefiImportError(str(exc)) from None


def _merge_codebook(
    session: Session, incoming: Codebook | None, origin: str, report: RefiImportReport
) -> dict[str, int]:
    """incoming code id -> project code id."""
    if incoming is None or not incoming.groups:
        return {}
    merged = merge_codebook(lead_codebook(queries.project_codebook(session)), incoming, origin)
    save_codebook(session, merged.codebook)
    report.codes_added.extend(merged.added)
    for c in merged.conflicts:
        report.note(c)
    ids = code_ids_by_uid(session)
    return {cid: ids[uid] for cid, uid in merged.code_map.items() if uid in ids}


class _Coders:
    def __init__(self, session: Session, users: dict[str, str], report: RefiImportReport) -> None:
        self.session = session
        self.users = users
        self.report = report
        self.known = {str(n) for n in session.execute(select(t.coder.c.name)).scalars()}
        self.ids: dict[str, int] = {}

    def id_for(self, *guids: str | None) -> int:
        name = None
        for g in guids:
            ng = _guid(g)
            if ng is not None and ng in self.users:
                name = self.users[ng]
                break
        if name is None:
            name = next(iter(self.users.values())) if len(self.users) == 1 else DEFAULT_CODER
        if name not in self.ids:
            self.ids[name] = ensure_coder(self.session, name)
            if name not in self.known:
                self.known.add(name)
                self.report.coders_added.append(name)
        return self.ids[name]


def _source_text(
    package: _Package, src: ET.Element, label: str, report: RefiImportReport
) -> str | None:
    content = _kid(src, "PlainTextContent")
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
            if _kids(src, "PlainTextSelection") and text.strip():
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


def _import_source(
    session: Session,
    package: _Package,
    src: ET.Element,
    code_map: dict[str, int],
    group_ids: dict[str, str],
    coders: _Coders,
    notes: dict[str, tuple[str | None, str]],
    sink: LabelSink,
    report: RefiImportReport,
    origin: str,
) -> None:
    report.sources += 1
    label = f"'{src.get('name') or src.get('guid')}'"
    raw = _source_text(package, src, label, report)
    if raw is None:
        return
    from_docx = (
        _kid(src, "PlainTextContent") is None
        and (package.source(src.get("plainTextPath") or "") or b"").strip() == b""
    )
    text, removed = normalise_line_ends(raw)
    chash = content_hash(text)
    found = session.execute(
        select(t.article.c.id, t.article.c.text).where(t.article.c.content_hash == chash)
    ).first()
    if found is None:
        uid = _guid(src.get("guid"))
        if (
            uid is not None
            and session.execute(select(t.article.c.id).where(t.article.c.uid == uid)).first()
        ):
            uid = None
        spans = segment(text)
        aid = insert_articles(
            session,
            [
                NewArticle(
                    text=text,
                    spans=spans,
                    content_hash=chash,
                    title=(src.get("name") or "").strip(),
                    uid=uid,
                    meta_json=meta_json({"refi_source": src.get("guid") or ""}),
                )
            ],
        )[0]
        report.articles_added += 1
        article_text = text
    else:
        aid, article_text = int(found[0]), str(found[1])
        report.articles_reused += 1
    sentences = session.execute(
        select(t.sentence.c.id, t.sentence.c.start, t.sentence.c.end)
        .where(t.sentence.c.article_id == aid)
        .order_by(t.sentence.c.index)
    ).all()
    sids = [int(r[0]) for r in sentences]
    placer = Placer(article_text, [(int(r[1]), int(r[2])) for r in sentences])
    first_at: dict[tuple[int, int, int], str] = {}  # (sentence id, code, coder) -> labelled at
    ranges: dict[tuple[int, int, int], list[tuple[int, int]]] = {}  # (sentence index, code, coder)
    stored: list[StoredSelection] = []
    untouched = 0
    skipped: dict[str, int] = {}
    for sel in _kids(src, "PlainTextSelection"):
        report.selections += 1
        codings = _kids(sel, "Coding")
        report.codings += len(codings)
        if from_docx:
            continue
        try:
            start, end = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
        except ValueError:
            report.note(f"source {label}: a selection has no valid start/endPosition; skipped")
            continue
        if not 0 <= start <= end <= len(raw):
            report.note(f"source {label}: selection {start}-{end} lies outside the text; skipped")
            continue
        a, b = map_offset(removed, start), map_offset(removed, end)
        hit = placer.touched(a, b)
        if not hit and codings:
            untouched += 1
        for coding in codings:
            ref = _kid(coding, "CodeRef")
            target = _guid(ref.get("targetGUID") if ref is not None else None)
            code = code_map.get(target or "")
            if code is None:
                why = (
                    f"'{group_ids[target]}' is a group here"
                    if target in group_ids
                    else f"code {target or '?'} is not in the codebook"
                )
                skipped[why] = skipped.get(why, 0) + 1
                continue
            coder = coders.id_for(coding.get("creatingUser"), sel.get("creatingUser"))
            at = _time(coding.get("creationDateTime") or sel.get("creationDateTime"))
            stored.append(
                StoredSelection(
                    article_id=aid,
                    coder_id=coder,
                    code_id=code,
                    start=a,
                    end=b,
                    origin=origin,
                    source_guid=src.get("guid") or "",
                    source_start=start,
                    source_end=end,
                    guid=sel.get("guid") or "",
                    created_at=at,
                )
            )
            for i in hit:
                key = (sids[i], code, coder)
                first_at[key] = min(at, first_at.get(key, at))
                ranges.setdefault((i, code, coder), []).append((a, b))
        for ref in _kids(sel, "NoteRef"):
            _memo(session, ref, notes, coders, aid, sids[hit[0]] if len(hit) == 1 else None, report)
    before = selection_store.label_keys(session, sids)
    added, present, refused = sink.add([(*key, at) for key, at in first_at.items()])
    new = selection_store.label_keys(session, sids) - before
    partial = {
        (sids[i], code, coder)
        for (i, code, coder), spans in ranges.items()
        if (sids[i], code, coder) in new and placer.partial(i, spans)
    }
    report.labels_partial += selection_store.mark_partial(session, partial)
    report.ranges_kept += selection_store.add_selections(session, stored)
    report.labels_added += added
    report.labels_present += present
    if untouched:
        report.note(
            f"source {label}: {untouched} coded selections hold only whitespace and touch no "
            "sentence; their ranges are kept (and exported again), no label was made"
        )
    for why, n in skipped.items():
        report.note(f"source {label}: {n} codings skipped: {why}")
    if refused:
        report.note(
            f"source {label}: {len(refused)} codes contradict another code of a single-choice "
            "group on the same sentence; the first was kept as a label, every range is kept"
        )
    for ref in _kids(src, "NoteRef"):
        _memo(session, ref, notes, coders, aid, None, report)


def _memo(
    session: Session,
    ref: ET.Element,
    notes: dict[str, tuple[str | None, str]],
    coders: _Coders,
    article: int,
    sentence: int | None,
    report: RefiImportReport,
) -> None:
    note = notes.get(_guid(ref.get("targetGUID")) or "")
    if note is None or not note[1].strip():
        return
    coder = coders.id_for(note[0])
    if upsert_memo(session, coder, article, sentence, note[1], stored_time(None)) == "added":
        report.memos_added += 1
