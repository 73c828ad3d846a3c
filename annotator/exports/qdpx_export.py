"""REFI-QDA 1.5 project export (``.qdpx``): a zip of ``project.qde`` and ``sources/<guid>.txt``.

Mapping: coders -> ``<User>``; the codebook -> ``<CodeBook>`` as ``write_qdc`` writes it (groups
are non-codable parent codes); each article -> ``<TextSource>`` whose plain text is the stored
text; a coded range imported from another program -> its ``<PlainTextSelection>`` as it came
(while every sentence it touches still carries the code); each coder's other codes on a
sentence -> one ``<PlainTextSelection>`` spanning the sentence (``startPosition``/
``endPosition`` in characters) with one ``<Coding>`` per code
(``creationDateTime`` = when it was labelled); memos -> ``<Note>`` referenced from the selection
(sentence memos) or the source (article memos). Article status has no place in REFI and is not
exported. GUIDs are derived from stable ids, so exporting twice gives the same XML.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from annotator._version import read_version
from annotator.codebook import generated_id
from annotator.codebook.refi_format import CODEBOOK_NS, PROJECT_NS, normalize_guid, write_qdc
from annotator.exports.codebook_export import codebook_model
from annotator.exports.common import ExportOptions, atomic_target, iso_utc
from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.selection_placing import Placer
from annotator.spreadsheet_safety import clean
from annotator.storage import queries
from annotator.storage.export_facts import (
    code_uids_and_groups,
    named_memos,
    sentences_by_article,
    source_articles,
)
from annotator.storage.export_queries import article_batches, label_rows
from annotator.storage.selection_store import StoredSelection, selections_of
from annotator.storage.unit_of_work import Engine, Session, read_session


def refi_guid(item_id: str) -> str:
    """Same rule as codebook.refi_format: a UUID id as it is, any other id hashed to a stable
    UUID."""
    try:
        return normalize_guid(item_id)
    except ValueError:
        return generated_id("refi-guid", item_id)


def user_guid(coder: str) -> str:
    return generated_id("refi-user", coder)


def _q(local: str) -> str:
    return f"{{{PROJECT_NS}}}{local}"


def _to_project_ns(elem: ET.Element) -> None:
    for node in elem.iter():
        if node.tag.startswith(f"{{{CODEBOOK_NS}}}"):
            node.tag = _q(node.tag.split("}", 1)[1])


def write_qdpx(
    engine: Engine,
    path: Path,
    options: ExportOptions,
    *,
    force: bool = False,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> int:
    """Write the project as .qdpx; returns the number of codings written."""
    with read_session(engine) as session:
        pcb = queries.project_codebook(session)
        coders = sorted(queries.coder_names(session).values())
        if options.coders is not None:
            coders = [c for c in coders if c in options.coders]
        batches = article_batches(session, options)
    root = ET.Element(_q("Project"), {"name": path.stem, "origin": f"annotator {read_version()}"})
    users = ET.SubElement(root, _q("Users"))
    for coder in coders:
        ET.SubElement(users, _q("User"), {"guid": user_guid(coder), "name": clean(coder)})
    cb_root = ET.fromstring(write_qdc(codebook_model(pcb)))  # our own output: trusted
    _to_project_ns(cb_root)
    cb_sets = cb_root.find(_q("Sets"))
    if cb_sets is not None:
        cb_root.remove(cb_sets)
    cb_root.attrib.clear()
    root.append(cb_root)
    sources = ET.SubElement(root, _q("Sources"))
    notes = ET.Element(_q("Notes"))
    texts: list[tuple[str, str]] = []
    codings = 0
    with read_session(engine) as session:
        for n, batch in enumerate(batches):
            if cancel is not None:
                cancel.check()
            codings += _write_batch(session, batch, options, set(coders), sources, notes, texts)
            progress(n + 1, len(batches) + 1)
    if len(notes):
        root.append(notes)
    if cb_sets is not None:
        root.append(cb_sets)
    ET.indent(root, space=" ")
    ET.register_namespace("", PROJECT_NS)  # write_qdc registers its own default namespace
    xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    with atomic_target(path, force=force) as tmp:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("project.qde", xml)
            for guid, text in texts:
                zf.writestr(f"sources/{guid}.txt", text.encode("utf-8"))
        if cancel is not None:
            cancel.check()
        tmp.write_bytes(buf.getvalue())
    progress(1, 1)
    return codings


def _write_batch(
    session: Session,
    batch: list[int],
    options: ExportOptions,
    coders: set[str],
    sources: ET.Element,
    notes: ET.Element,
    texts: list[tuple[str, str]],
) -> int:
    articles = source_articles(session, batch)
    sentences = sentences_by_article(session, batch)
    labels: dict[tuple[int, str], list[tuple[str, str]]] = {}
    for sid, coder, _group, _code, code_uid, at, _v in label_rows(session, batch, options):
        labels.setdefault((sid, coder), []).append((code_uid, iso_utc(at)))
    memos: dict[tuple[int, int | None, str], str] = {}
    for aid, sid, coder, text in named_memos(session, batch):
        if coder in coders:
            memos[(aid, sid, coder)] = text
    code_info = code_uids_and_groups(session)
    names = queries.coder_names(session)
    stored: dict[int, list[StoredSelection]] = {}
    for kept in selections_of(session, batch):
        stored.setdefault(kept.article_id, []).append(kept)
    written = 0
    for aid, uid, title, text, imported in articles:
        guid = refi_guid(uid)
        texts.append((guid, text))
        src = ET.SubElement(
            sources,
            _q("TextSource"),
            {
                "guid": guid,
                "name": clean(title) or uid,
                "plainTextPath": f"internal://{guid}.txt",
                "creationDateTime": iso_utc(imported).split(".")[0] + "Z" if imported else "",
            },
        )
        spans = sentences.get(aid, [])
        ranges = _ranges(
            uid, text, spans, stored.get(aid, []), labels, memos, aid, coders, names, code_info,
            options,
        )  # fmt: skip
        used: set[str] = set()
        for (start, end, coder), (sel_guid, name, codes, memo) in sorted(ranges.items()):
            if sel_guid in used:
                sel_guid = generated_id("refi-selection", uid, str(start), str(end), coder)
            used.add(sel_guid)
            sel = ET.SubElement(
                src,
                _q("PlainTextSelection"),
                {
                    "guid": sel_guid,
                    "name": name,
                    "startPosition": str(start),
                    "endPosition": str(end),
                    "creatingUser": user_guid(coder),
                },
            )
            for code_uid, at in codes:
                coding = ET.SubElement(
                    sel,
                    _q("Coding"),
                    {
                        "guid": generated_id("refi-coding", sel_guid, code_uid),
                        "creatingUser": user_guid(coder),
                        "creationDateTime": at,
                    },
                )
                ET.SubElement(coding, _q("CodeRef"), {"targetGUID": refi_guid(code_uid)})
                written += 1
            if memo is not None:
                _note(notes, sel, generated_id("refi-note", sel_guid), coder, memo)
        for coder in sorted(coders):
            memo = memos.get((aid, None, coder))
            if memo is not None:
                _note(notes, src, generated_id("refi-note", uid, coder), coder, memo)
    return written


#: (start, end, coder) -> (selection guid, name, [(code uid, coded at)], memo)
Ranges = dict[tuple[int, int, str], tuple[str, str, list[tuple[str, str]], str | None]]


def _ranges(
    uid: str,
    text: str,
    spans: list[tuple[int, int, int, int]],
    stored: list[StoredSelection],
    labels: dict[tuple[int, str], list[tuple[str, str]]],
    memos: dict[tuple[int, int | None, str], str],
    aid: int,
    coders: set[str],
    names: dict[int, str],
    code_info: dict[int, tuple[str, str]],
    options: ExportOptions,
) -> Ranges:
    """The selections to write for one article.

    A range imported from another program is written back as it came while it still stands for
    its labels: every sentence it touches still carries its code by its coder (a coder who took
    one of those labels away changed the coding, and the labels left are written per sentence).
    Labels no stored range stands for are written as selections spanning their sentence.
    """
    explained: set[tuple[int, str, str]] = set()
    out: Ranges = {}
    placer = Placer(text, [(start, end) for _sid, _i, start, end in spans]) if stored else None
    for sel in stored:
        assert placer is not None
        coder = names.get(sel.coder_id, "")
        code_uid, group = code_info.get(sel.code_id, ("", ""))
        if coder not in coders or not code_uid:
            continue
        touched = [spans[i][0] for i in placer.touched(sel.start, sel.end)]
        if touched:
            if not all(
                any(c == code_uid for c, _at in labels.get((sid, coder), ())) for sid in touched
            ):
                continue
        elif options.group is not None and group.casefold() != options.group.casefold():
            continue
        explained.update((sid, coder, code_uid) for sid in touched)
        key = (sel.start, sel.end, coder)
        guid = _stored_guid(sel.guid) or generated_id(
            "refi-selection", uid, str(sel.start), str(sel.end), coder
        )
        entry = out.setdefault(key, (guid, "selection", [], None))
        at = iso_utc(sel.created_at) if sel.created_at else ""
        if all(c != code_uid for c, _ in entry[2]):
            entry[2].append((code_uid, at))
    for sid, index, start, end in spans:
        for coder in sorted(coders):
            codes = [
                (c, at)
                for c, at in labels.get((sid, coder), [])
                if (sid, coder, c) not in explained
            ]
            memo = memos.get((aid, sid, coder))
            if not codes and memo is None:
                continue
            key = (start, end, coder)
            guid = generated_id("refi-selection", uid, str(index), coder)
            entry = out.setdefault(key, (guid, f"sentence {index + 1}", [], None))
            entry[2].extend(c for c in codes if all(c[0] != x for x, _ in entry[2]))
            if memo is not None:
                out[key] = (entry[0], entry[1], entry[2], memo)
    return out


def _stored_guid(value: str) -> str | None:
    try:
        return normalize_guid(value) if value else None
    except ValueError:
        return None


def _note(notes: ET.Element, owner: ET.Element, guid: str, coder: str, text: str) -> None:
    note = ET.SubElement(
        notes,
        _q("Note"),
        {
            "guid": guid,
            "name": clean(f"memo by {coder}"),
            "creatingUser": user_guid(coder),
        },
    )
    ET.SubElement(note, _q("PlainTextContent")).text = clean(text)  # XML cannot hold all text
    ET.SubElement(owner, _q("NoteRef"), {"targetGUID": guid})
