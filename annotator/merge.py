"""Merging coders' project files into a lead project, and the codebook merge other imports share.

Rules (docs/exchange.md):
* articles are matched by content hash (worked out again from the text: a file's own may be
  stale); new ones are added with their sentences. When the same article has different sentence
  boundaries, labels move by offsets: a lead sentence takes a label when the other project's
  sentence covers more than half of its non-whitespace characters (the same rule as REFI-QDA
  selections). Such moves are reported.
* an article with the id of a lead article but another text (not just other white space) is a
  conflict: nothing of it is merged (labels, memos, status), and the report says where each of
  its labels would have landed (merge_texts.TextConflict; the CLI exits with status 1).
* codes are matched by stable id, then by name within the matched group. Same id with another
  name or group: the lead's code is kept (labels still map by id) and the difference reported.
  Same name, different id in a single-choice group: a conflict, reported, its labels skipped.
  Codes new to the lead are added (a clashing shortcut key is dropped and reported).
* coders by name; labels, memos and statuses are carried over (the more advanced status wins;
  a memo that differs from the lead's is reported and the lead's kept; in a single-choice group
  a label that contradicts the lead's is reported and the lead's kept). Merging adds, never
  removes: merging the same file twice adds nothing.
* the whole merge is one transaction: it completes or changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import String, bindparam, select, type_coerce, update
from sqlmodel import Session

from annotator.codebook import Codebook, CodeGroup
from annotator.errors import AnnotatorError
from annotator.label_sink import LabelSink, upsert_memo
from annotator.merge_texts import TextConflict, map_sentences
from annotator.models import new_uid
from annotator.names import control_characters, spelled_name, visible_name
from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.records import ProjectCodebook
from annotator.storage import tables as t
from annotator.storage.article_writes import NewArticle, content_hash, insert_articles
from annotator.storage.codebook_store import save_codebook
from annotator.storage.coding_state import ensure_coder
from annotator.storage.unit_of_work import read_session, write_session

log = logging.getLogger(__name__)

ARTICLE_BATCH = 500
MAX_LISTED = 200  # conflicts listed one by one; the rest are counted


class MergeError(AnnotatorError):
    """A merge that cannot run; the lead project is unchanged."""


# --- codebooks -------------------------------------------------------------------------------


@dataclass
class CodebookMerge:
    codebook: Codebook
    code_map: dict[str, str]  # incoming code id -> lead code id (uid)
    added: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def merge_codebook(lead: Codebook | None, incoming: Codebook, origin: str) -> CodebookMerge:
    """The lead codebook plus what ``incoming`` adds; nothing of the lead is overwritten."""
    groups: list[dict[str, Any]] = []
    if lead is not None:
        for g in lead.groups:
            groups.append({"g": g, "codes": list(g.codes)})
    by_id = {c.id: (gi, c) for gi, entry in enumerate(groups) for c in entry["codes"]}
    group_ids = {entry["g"].id for entry in groups}
    keys = {c.key for entry in groups for c in entry["codes"] if c.key}
    out = CodebookMerge(codebook=lead or incoming, code_map={})
    for g in incoming.groups:
        gi = next((i for i, e in enumerate(groups) if e["g"].id == g.id), None)
        if gi is None:
            gi = next(
                (i for i, e in enumerate(groups) if e["g"].name.casefold() == g.name.casefold()),
                None,
            )
        if gi is None:
            if g.id in by_id:
                out.conflicts.append(
                    f"{origin}: group '{g.name}' has the id of a code in the lead; not added"
                )
                continue
            groups.append({"g": g.model_copy(update={"codes": ()}), "codes": []})
            group_ids.add(g.id)
            gi = len(groups) - 1
        lead_group: CodeGroup = groups[gi]["g"]
        for c in g.codes:
            if c.id in by_id:
                ggi, lc = by_id[c.id]
                if lc.name != c.name or ggi != gi:
                    out.conflicts.append(
                        f"{origin}: code '{g.name} / {c.name}' has the id of the lead's "
                        f"'{groups[ggi]['g'].name} / {lc.name}': kept the lead's name and group"
                    )
                out.code_map[c.id] = lc.id
                continue
            same = next(
                (x for x in groups[gi]["codes"] if x.name.casefold() == c.name.casefold()), None
            )
            if same is not None:
                if not lead_group.multiple:
                    out.conflicts.append(
                        f"{origin}: code '{g.name} / {c.name}' has another id than the lead's "
                        f"code of that name in single-choice group '{lead_group.name}': "
                        "not merged, its labels are skipped"
                    )
                else:
                    out.code_map[c.id] = same.id
                continue
            if c.id in group_ids:
                out.conflicts.append(f"{origin}: code '{c.name}' has the id of a group; not added")
                continue
            new = c
            if c.key and c.key in keys:
                out.conflicts.append(
                    f"{origin}: key '{c.key}' of new code '{c.name}' is taken in the lead; "
                    "added without a key"
                )
                new = c.model_copy(update={"key": ""})
            keys.add(new.key)
            groups[gi]["codes"].append(new)
            by_id[new.id] = (gi, new)
            out.code_map[c.id] = new.id
            out.added.append(f"{lead_group.name} / {new.name}")
    base = lead or incoming
    try:
        out.codebook = Codebook(
            name=base.name,
            version=base.version,
            description=base.description,
            groups=tuple(
                CodeGroup(
                    id=e["g"].id,
                    name=e["g"].name,
                    multiple=e["g"].multiple,
                    ordered=e["g"].ordered,
                    description=e["g"].description,
                    codes=tuple(e["codes"]),
                )
                for e in groups
            ),
        )
    except ValidationError as exc:
        raise MergeError(
            f"{origin}: the codebooks cannot be combined: {exc.errors()[0]['msg']}"
        ) from None
    return out


def lead_codebook(pcb: ProjectCodebook) -> Codebook | None:
    """The project's codebook as a Codebook, or None while it has no groups."""
    if not pcb.groups:
        return None
    from annotator.exports.codebook_export import codebook_model

    return codebook_model(pcb)


def code_ids_by_uid(session: Session) -> dict[str, int]:
    return {str(u): int(i) for i, u in session.execute(select(t.code.c.id, t.code.c.uid))}


# --- merge -----------------------------------------------------------------------------------


@dataclass
class MergeReport:
    files: list[str] = field(default_factory=list)
    articles_added: int = 0
    labels_added: int = 0
    labels_present: int = 0
    labels_moved: int = 0  # mapped onto differently split sentences
    memos_added: int = 0
    statuses_raised: int = 0
    coders_added: list[str] = field(default_factory=list)
    codes_added: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    skipped: int = 0  # labels not carried over (see conflicts)
    #: articles not merged: another text under the lead's id (each also one line in conflicts)
    text_conflicts: list[TextConflict] = field(default_factory=list)

    def note(self, message: str) -> None:
        if len(self.conflicts) < MAX_LISTED:
            self.conflicts.append(message)
        elif len(self.conflicts) == MAX_LISTED:
            self.conflicts.append("... more conflicts not listed")

    def summary(self) -> str:
        parts = [
            f"merged {len(self.files)} file{'s' if len(self.files) != 1 else ''}",
            f"{self.articles_added} articles added",
            f"{self.labels_added} labels added ({self.labels_present} already there)",
            f"{self.memos_added} memos added",
            f"{self.statuses_raised} statuses advanced",
        ]
        if self.codes_added:
            parts.append(f"{len(self.codes_added)} codes added")
        if self.coders_added:
            parts.append(f"coders added: {', '.join(self.coders_added)}")
        if self.labels_moved:
            parts.append(f"{self.labels_moved} labels moved onto differently split sentences")
        if self.skipped:
            parts.append(f"{self.skipped} labels skipped")
        if self.text_conflicts:
            n = len(self.text_conflicts)
            parts.append(
                f"{n} article{'s' if n != 1 else ''} NOT merged: another text under the lead's id"
            )
        if self.conflicts:
            parts.append(f"{len(self.conflicts)} conflicts (see the list)")
        return ", ".join(parts)


def merge(
    lead: Any,
    others: Sequence[str | Path],
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> MergeReport:
    """Merge other project files into ``lead`` (an open, writable Project) in one transaction."""
    from annotator.project import Project

    lead._writable()
    report = MergeReport()
    opened: list[Any] = []
    try:
        for p in others:
            path = Path(p)
            if path.resolve() == Path(lead.path).resolve():
                raise MergeError(f"{path.name} is the lead project itself: choose the other files")
            opened.append(Project.open(path, read_only=True))
        totals = []
        for other in opened:
            with read_session(other.engine) as s:
                totals.append(int(s.execute(select(t.article.c.id).order_by(None)).all().__len__()))
        total = sum(totals) or 1
        done = 0
        with write_session(lead.engine) as session:
            for other in opened:
                report.files.append(other.path.name)

                def step(n: int, base: int = done) -> None:
                    progress(base + n, total)

                _merge_one(session, other, report, step, cancel)
                done += totals[opened.index(other)]
        lead._forget_caches()
    finally:
        for other in opened:
            other.close()
    progress(total, total)
    log.info("merge: %s", report.summary())
    return report


def _merge_one(
    session: Session,
    other: Any,
    report: MergeReport,
    step: Callable[[int], None],
    cancel: CancelToken | None,
) -> None:
    origin = other.path.name
    # codebook
    from annotator.storage import queries

    incoming_pcb = other.codebook
    if incoming_pcb.groups:
        from annotator.exports.codebook_export import codebook_model

        cm = merge_codebook(
            lead_codebook(queries.project_codebook(session)), codebook_model(incoming_pcb), origin
        )
        save_codebook(session, cm.codebook)
        report.codes_added.extend(cm.added)
        for c in cm.conflicts:
            report.note(c)
        code_map_uid = cm.code_map
    else:
        code_map_uid = {}
    lead_codes = code_ids_by_uid(session)
    with read_session(other.engine) as o:
        other_codes = {int(i): str(u) for i, u in o.execute(select(t.code.c.id, t.code.c.uid))}
        other_coders = {int(i): str(n) for i, n in o.execute(select(t.coder.c.id, t.coder.c.name))}
        code_names = {int(i): str(n) for i, n in o.execute(select(t.code.c.id, t.code.c.name))}
        other_articles = list(o.execute(select(t.article.c.id).order_by(t.article.c.id)).scalars())
    code_map = {
        oid: lead_codes[code_map_uid[uid]]
        for oid, uid in other_codes.items()
        if uid in code_map_uid and code_map_uid[uid] in lead_codes
    }
    coder_map = _map_coders(session, other_coders, origin, report)
    sink = LabelSink(session, f"merge:{origin}")
    # The lead's hashes are worked out again from its texts too, as the other file's are: a
    # stale stored hash must not make a copy of the same text look like another text.
    lead_by_hash: dict[str, tuple[int, str]] = {}
    lead_by_uid: dict[str, tuple[int, str]] = {}
    stale_stored: dict[str, tuple[int, str]] = {}
    for i, u, stored, text in session.execute(
        select(t.article.c.id, t.article.c.uid, t.article.c.content_hash, t.article.c.text)
    ):
        h = content_hash(str(text))
        lead_by_hash.setdefault(h, (int(i), str(u)))
        lead_by_uid[str(u)] = (int(i), h)
        if stored != h:
            stale_stored[str(stored)] = (int(i), str(u))
    for b in range(0, len(other_articles), ARTICLE_BATCH):
        if cancel is not None:
            cancel.check()
        batch = other_articles[b : b + ARTICLE_BATCH]
        with read_session(other.engine) as o:
            _merge_batch(
                session,
                o,
                batch,
                origin,
                report,
                sink,
                code_map,
                coder_map,
                (lead_by_hash, lead_by_uid, stale_stored),
                (other_coders, code_names),
            )
        step(b + len(batch))


def _map_coders(
    session: Session, other_coders: dict[int, str], origin: str, report: MergeReport
) -> dict[int, int]:
    """The other file's coder ids -> the lead's, by name. A name stored before names were
    checked (with control characters) is taken as its visible form, unless another coder of
    that file already has that name: then it is spelled out (``anna\\x01``), so two coders'
    labels are never pooled, and the report says so."""
    known = set(session.execute(select(t.coder.c.name)).scalars())
    claimed: dict[str, str] = {}  # lead name -> the other file's name merged under it
    targets: dict[int, str] = {}
    exact = [(o, n) for o, n in other_coders.items() if n in known or not control_characters(n)]
    legacy = [(o, n) for o, n in other_coders.items() if (o, n) not in exact]
    for oid, name in exact:
        targets[oid] = claimed.setdefault(name, name)
    for oid, name in legacy:
        target = visible_name(name)
        if claimed.get(target, name) != name:
            spelled = spelled_name(name)
            report.note(
                f"{origin}: coders {name!r} and {claimed[target]!r} read alike ({target!r}): "
                f"{name!r} was merged as {spelled!r}"
            )
            target = spelled
        claimed.setdefault(target, name)
        targets[oid] = target
    coder_map = {}
    for oid, name in targets.items():
        coder_map[oid] = ensure_coder(session, name)
        if name not in known:
            report.coders_added.append(name)
            known.add(name)
    return coder_map


def _unique_uids(articles: Sequence[Any]) -> list[str]:
    """The articles' uids, a new one for any repeated (a damaged file may repeat one)."""
    seen: set[str] = set()
    out = []
    for a in articles:
        uid = a.uid if a.uid not in seen else new_uid()
        seen.add(uid)
        out.append(uid)
    return out


def _merge_batch(
    session: Session,
    o: Session,
    batch: list[int],
    origin: str,
    report: MergeReport,
    sink: LabelSink,
    code_map: dict[int, int],
    coder_map: dict[int, int],
    lead: tuple[dict[str, tuple[int, str]], dict[str, tuple[int, str]], dict[str, tuple[int, str]]],
    names: tuple[dict[int, str], dict[int, str]],
) -> None:
    """Merge one batch of the other file's articles. `lead` is `lead_by_hash` (content hash of
    the text -> lead id, uid) and `lead_by_uid` (uid -> lead id, content hash), which grow with
    the articles added, and `stale_stored` (a stale hash still stored in the lead -> lead id,
    uid: a new article with that hash is reported, as it could not be stored); `names` are
    the other file's coder and code names, for the report."""
    lead_by_hash, lead_by_uid, stale_stored = lead
    arts = o.execute(
        select(
            t.article.c.id,
            t.article.c.uid,
            t.article.c.title,
            t.article.c.source,
            t.article.c.date,
            t.article.c.url,
            t.article.c.language,
            t.article.c.text,
            t.article.c.content_hash,
            t.article.c.meta_json,
        ).where(t.article.c.id.in_(batch))
    ).all()
    o_sents: dict[int, list[tuple[int, int, int]]] = {}
    for sid, aid, start, end in o.execute(
        select(t.sentence.c.id, t.sentence.c.article_id, t.sentence.c.start, t.sentence.c.end)
        .where(t.sentence.c.article_id.in_(batch))
        .order_by(t.sentence.c.article_id, t.sentence.c.index)
    ):
        o_sents.setdefault(aid, []).append((sid, start, end))

    # The hash is worked out again from the text: the file's own may be stale (a file edited
    # outside the app), and a stale hash matched another text to the lead's article.
    hashes = {a.id: content_hash(a.text) for a in arts}
    conflicting: dict[int, int] = {}  # article -> the lead's article of its id, another text
    new = []
    for a in arts:
        if hashes[a.id] in lead_by_hash:
            continue
        if a.uid in lead_by_uid:
            conflicting[a.id] = lead_by_uid[a.uid][0]
        elif hashes[a.id] in stale_stored:
            conflicting[a.id] = stale_stored[hashes[a.id]][0]
        else:
            new.append(a)
    if new:
        new_rows = [
            NewArticle(
                text=a.text,
                spans=[(s, e) for _i, s, e in o_sents.get(a.id, [])],
                content_hash=hashes[a.id],
                title=a.title,
                source=a.source,
                date=a.date,
                url=a.url,
                language=a.language,
                meta_json=a.meta_json or "{}",
                uid=uid,
            )
            for a, uid in zip(new, _unique_uids(new), strict=True)
        ]
        ids = insert_articles(session, new_rows)
        for row, new_id in zip(new_rows, ids, strict=True):
            assert row.uid is not None
            lead_by_hash[row.content_hash] = (new_id, row.uid)
            lead_by_uid[row.uid] = (new_id, row.content_hash)
        report.articles_added += len(new)
    art_map = {a.id: lead_by_hash[hashes[a.id]][0] for a in arts if a.id not in conflicting}
    lead_ids = [*art_map.values(), *conflicting.values()]
    l_sents: dict[int, list[tuple[int, int, int]]] = {}
    for sid, aid, start, end in session.execute(
        select(t.sentence.c.id, t.sentence.c.article_id, t.sentence.c.start, t.sentence.c.end)
        .where(t.sentence.c.article_id.in_(lead_ids))
        .order_by(t.sentence.c.article_id, t.sentence.c.index)
    ):
        l_sents.setdefault(aid, []).append((sid, start, end))
    lead_text = {
        int(i): str(x)
        for i, x in session.execute(
            select(t.article.c.id, t.article.c.text).where(t.article.c.id.in_(lead_ids))
        )
    }
    sent_map: dict[int, list[int]] = {}
    exact: dict[int, int] = {}
    moved_sentences: set[int] = set()
    # sentence -> (its index, where it would land, the conflict) for conflicting articles
    unmerged: dict[int, tuple[int, list[int], TextConflict]] = {}
    conflicts: list[TextConflict] = []
    for a in arts:
        mine = o_sents.get(a.id, [])
        lead_id = art_map.get(a.id, conflicting.get(a.id))
        assert lead_id is not None
        theirs = l_sents.get(lead_id, [])
        mapped = map_sentences(a.text, mine, lead_text[lead_id], theirs)
        if a.id in conflicting:
            conflict = TextConflict(origin, a.uid, a.title)
            conflicts.append(conflict)
            lead_index = {sid: i for i, (sid, _s, _e) in enumerate(theirs)}
            for i, (sid, _s, _e) in enumerate(mine):
                landing = [lead_index[lsid] for lsid in mapped.targets[sid]]
                unmerged[sid] = (i, landing, conflict)
            continue
        sent_map.update(mapped.targets)
        exact.update(mapped.exact)
        moved_sentences |= mapped.moved
    # labels
    rows: list[tuple[int, int, int, str]] = []
    skipped_code = 0
    lost = 0
    moved = 0
    for osid, ocode, ocoder, at in o.execute(
        select(
            t.label.c.sentence_id,
            t.label.c.code_id,
            t.label.c.coder_id,
            type_coerce(t.label.c.created_at, String),
        )
        .join(t.sentence, t.sentence.c.id == t.label.c.sentence_id)
        .where(t.sentence.c.article_id.in_(batch))
        .order_by(t.label.c.id)
    ):
        if osid in unmerged:
            index, landing, conflict = unmerged[osid]
            coder_name, code_names = names
            conflict.land(coder_name.get(ocoder, "?"), code_names.get(ocode, "?"), index, landing)
            continue
        code = code_map.get(ocode)
        if code is None:
            skipped_code += 1
            continue
        targets = sent_map.get(osid, [])
        if not targets:
            lost += 1
            continue
        if osid in moved_sentences:
            moved += 1
        for lsid in targets:
            rows.append((lsid, code, coder_map[ocoder], at))
    for conflict in conflicts:
        report.text_conflicts.append(conflict)
        report.skipped += conflict.labels
        report.note(conflict.line())
    fresh = {lead_by_hash[hashes[a.id]][0] for a in new}
    only_new = bool(new) and len(fresh) == len(arts)
    added, present, refused = sink.add(rows, fresh=only_new)
    report.labels_added += added
    report.labels_present += present
    report.labels_moved += moved
    report.skipped += skipped_code + lost + len(refused)
    if skipped_code:
        report.note(
            f"{origin}: {skipped_code} labels on codes that could not be merged were skipped"
        )
    if lost:
        report.note(
            f"{origin}: {lost} labels on sentences that match no sentence of the lead were skipped"
        )
    if refused:
        report.note(
            f"{origin}: {len(refused)} labels contradict the lead's code in a single-choice group; "
            "kept the lead's"
        )
    # memos
    for aid, osid, ocoder, text, updated in o.execute(
        select(
            t.memo.c.article_id,
            t.memo.c.sentence_id,
            t.memo.c.coder_id,
            t.memo.c.text,
            type_coerce(t.memo.c.updated_at, String),
        ).where(t.memo.c.article_id.in_(batch))
    ):
        if aid not in art_map:
            continue  # its article was not merged (a text conflict)
        target: int | None = None
        if osid is not None:
            target = exact.get(osid)
            if target is None:
                report.note(
                    f"{origin}: a memo on a sentence the lead splits differently was skipped"
                )
                continue
        result = upsert_memo(session, coder_map[ocoder], art_map[aid], target, text, updated)
        if result == "added":
            report.memos_added += 1
        elif result == "differs":
            report.note(f"{origin}: a memo differs from the lead's; kept the lead's")
    # statuses
    lead_status = {
        (int(a), int(c)): int(s)
        for a, c, s in session.execute(
            select(
                t.article_status.c.article_id,
                t.article_status.c.coder_id,
                t.article_status.c.status,
            ).where(t.article_status.c.article_id.in_(lead_ids))
        )
    }
    for aid, ocoder, status, updated in o.execute(
        select(
            t.article_status.c.article_id,
            t.article_status.c.coder_id,
            t.article_status.c.status,
            type_coerce(t.article_status.c.updated_at, String),
        ).where(t.article_status.c.article_id.in_(batch))
    ):
        if aid not in art_map:
            continue
        key = (art_map[aid], coder_map[ocoder])
        current = lead_status.get(key)
        if current is None:
            session.execute(
                t.article_status.insert().values(
                    article_id=key[0],
                    coder_id=key[1],
                    status=int(status),
                    updated_at=bindparam("u", value=updated, type_=String),
                )
            )
        elif status > current:
            session.execute(
                update(t.article_status)
                .where(
                    (t.article_status.c.article_id == key[0])
                    & (t.article_status.c.coder_id == key[1])
                )
                .values(status=int(status), updated_at=bindparam("u", value=updated, type_=String))
            )
        else:
            continue
        lead_status[key] = int(status)
        report.statuses_raised += 1
