"""Importing REFI-QDA 1.5 projects (``.qdpx``, or a bare ``.qde``) written by other QDA programs.

What comes in: text sources become articles (segmented as usual; an article already in the
project, by content hash, is reused), the codebook is merged into the project's (codes matched
by id, then name: ``annotator.codebook.combine``), users become coders (no ``<Users>``: one
coder named ``imported``), codings become labels, notes referenced from a selection or a
source become memos.

Nothing of a coding is lost: a coded selection labels every sentence it touches (shares a
non-whitespace character with), its character range is stored as it came (``selection`` table:
our offsets, the file's offsets and guids), and a label whose sentence the selection covered only
in part is flagged partial (``annotator.selection_placing`` holds the rules). The .qdpx export
writes the stored ranges back. Offsets count characters of the source text; CRLF and CR line
endings are turned into LF and the offsets mapped with them.

The package and its XML are read by annotator.exchange.refi_reading (untrusted input: see
there). Anything malformed raises RefiImportError; the import is one transaction, so it never
leaves part of a project.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from annotator.codebook import Codebook
from annotator.codebook.combine import merge_codebook
from annotator.exchange.refi_reading import (
    REFI_SUFFIXES,
    Package,
    RefiImportError,
    codebook_of,
    guid,
    kid,
    kids,
    local,
    map_offset,
    normalise_line_ends,
    note_text,
    parse_qde,
    refi_time,
    source_text,
)
from annotator.exports.codebook_export import lead_codebook
from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.records import plural
from annotator.segmentation import segment
from annotator.selection_placing import Placer
from annotator.storage import exchange_queries, queries, selection_store
from annotator.storage.article_writes import NewArticle, content_hash, insert_articles, meta_json
from annotator.storage.codebook_store import save_codebook
from annotator.storage.coding_state import ensure_coder
from annotator.storage.exchange_queries import Engine, Session, stored_time
from annotator.storage.label_writes import OnConflict, add_labels
from annotator.storage.memo_writes import add_memo
from annotator.storage.selection_store import StoredSelection
from annotator.storage.unit_of_work import write_session

__all__ = [
    "REFI_SUFFIXES",
    "RefiImportError",
    "RefiImportReport",
    "import_refi",
    "map_offset",
    "normalise_line_ends",
]

log = logging.getLogger(__name__)

DEFAULT_CODER = "imported"
MAX_LISTED = 200


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
            f"{plural(self.sources, 'source')}: {plural(self.articles_added, 'article')} added, "
            f"{self.articles_reused:,} already in the project; {plural(self.codings, 'coding')} "
            f"in {plural(self.selections, 'selection')} gave {plural(self.labels_added, 'label')} "
            f"({self.labels_present:,} already there, {self.labels_partial:,} on part of a "
            f"sentence), {plural(self.ranges_kept, 'coded range')} kept; "
            f"{plural(self.memos_added, 'memo')}; {plural(len(self.codes_added), 'code')} and "
            f"{plural(len(self.coders_added), 'coder')} added"
            + (f"; {plural(len(self.problems), 'problem')}" if self.problems else "")
        )


# --- import ----------------------------------------------------------------------------------


def import_refi(
    engine: Engine,
    path: str | Path,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> RefiImportReport:
    """Import a .qdpx/.qde into the project of ``engine`` (writable) in one transaction;
    Project.import_refi checks that the project may be written."""
    path = Path(path)
    package = Package(path)
    root = parse_qde(package.qde, path.name)
    report = RefiImportReport()
    incoming = codebook_of(root, path.name)
    users = {
        g: (u.get("name") or u.get("id") or g).strip() or g
        for u in kids(kid(root, "Users"), "User")
        if (g := guid(u.get("guid"))) is not None
    }
    notes = {
        g: (n.get("creatingUser"), note_text(n))
        for n in kids(kid(root, "Notes"), "Note")
        if (g := guid(n.get("guid"))) is not None
    }
    sources = [s for s in kids(kid(root, "Sources"), "TextSource")]
    for other in kid(root, "Sources") or []:
        if local(other.tag) != "TextSource":
            report.note(
                f"source '{other.get('name') or other.get('guid')}' skipped: "
                f"{local(other.tag)} sources are not supported (text only)"
            )
    with write_session(engine) as session:
        code_map = _merge_codebook(session, incoming, path.name, report)
        group_ids = {g.id: g.name for g in incoming.groups} if incoming else {}
        coders = _Coders(session, users, report)
        batch = f"import:{path.name}"
        for n, src in enumerate(sources):
            if cancel is not None:
                cancel.check()
            _import_source(
                session, package, src, code_map, group_ids, coders, notes, batch, report, path.name
            )
            progress(n + 1, len(sources))
    log.info("REFI import %s: %s", path.name, report.summary())
    return report


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
    ids = exchange_queries.code_ids_by_uid(session)
    return {cid: ids[uid] for cid, uid in merged.code_map.items() if uid in ids}


class _Coders:
    def __init__(self, session: Session, users: dict[str, str], report: RefiImportReport) -> None:
        self.session = session
        self.users = users
        self.report = report
        self.known = set(exchange_queries.coder_ids(session))
        self.ids: dict[str, int] = {}

    def id_for(self, *guids: str | None) -> int:
        name = None
        for g in guids:
            ng = guid(g)
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


def _import_source(
    session: Session,
    package: Package,
    src: ET.Element,
    code_map: dict[str, int],
    group_ids: dict[str, str],
    coders: _Coders,
    notes: dict[str, tuple[str | None, str]],
    batch: str,
    report: RefiImportReport,
    origin: str,
) -> None:
    report.sources += 1
    label = f"'{src.get('name') or src.get('guid')}'"
    raw = source_text(package, src, label, report)
    if raw is None:
        return
    from_docx = (
        kid(src, "PlainTextContent") is None
        and (package.source(src.get("plainTextPath") or "") or b"").strip() == b""
    )
    text, removed = normalise_line_ends(raw)
    chash = content_hash(text)
    found = exchange_queries.article_by_hash(session, chash)
    if found is None:
        uid = guid(src.get("guid"))
        if uid is not None and exchange_queries.uid_taken(session, uid):
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
        aid, article_text = found
        report.articles_reused += 1
    sentences = exchange_queries.sentence_spans(session, [aid]).get(aid, [])
    sids = [sid for sid, _start, _end in sentences]
    placer = Placer(article_text, [(start, end) for _sid, start, end in sentences])
    first_at: dict[tuple[int, int, int], str] = {}  # (sentence id, code, coder) -> labelled at
    ranges: dict[tuple[int, int, int], list[tuple[int, int]]] = {}  # (sentence index, code, coder)
    stored: list[StoredSelection] = []
    untouched = 0
    skipped: dict[str, int] = {}
    for sel in kids(src, "PlainTextSelection"):
        report.selections += 1
        codings = kids(sel, "Coding")
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
            ref = kid(coding, "CodeRef")
            target = guid(ref.get("targetGUID") if ref is not None else None)
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
            at = refi_time(coding.get("creationDateTime") or sel.get("creationDateTime"))
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
        for ref in kids(sel, "NoteRef"):
            _memo(session, ref, notes, coders, aid, sids[hit[0]] if len(hit) == 1 else None, report)
    outcome = add_labels(
        session,
        [(*key, at) for key, at in first_at.items()],
        batch,
        on_conflict=OnConflict.KEEP,
    )
    new = set(outcome.new_keys)
    partial = {
        (sids[i], code, coder)
        for (i, code, coder), spans in ranges.items()
        if (sids[i], code, coder) in new and placer.partial(i, spans)
    }
    report.labels_partial += selection_store.mark_partial(session, partial)
    report.ranges_kept += selection_store.add_selections(session, stored)
    report.labels_added += outcome.added
    report.labels_present += outcome.already
    if untouched:
        report.note(
            f"source {label}: {plural(untouched, 'coded selection')} "
            f"{'holds' if untouched == 1 else 'hold'} only whitespace and touch"
            f"{'es' if untouched == 1 else ''} no sentence; the ranges are kept (and exported "
            "again), no label was made"
        )
    for why, n in skipped.items():
        report.note(f"source {label}: {plural(n, 'coding')} skipped: {why}")
    if outcome.refused:
        report.note(
            f"source {label}: {plural(len(outcome.refused), 'code')} contradicting another code "
            "of a single-choice group on the same sentence: the first was kept as a label, every "
            "range is kept"
        )
    for ref in kids(src, "NoteRef"):
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
    note = notes.get(guid(ref.get("targetGUID")) or "")
    if note is None or not note[1].strip():
        return
    coder = coders.id_for(note[0])
    if add_memo(session, coder, article, sentence, note[1], stored_time(None)) == "added":
        report.memos_added += 1
