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
* each label keeps the codebook version it was made under when both files recorded that version
  alike (same number, time and note: copies of one project share their history); otherwise,
  since the number means nothing in the lead, it gets the lead's current version.
* the whole merge is one transaction: it completes or changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from annotator.codebook.combine import CodebookCombineError, merge_codebook
from annotator.errors import AnnotatorError
from annotator.exports.codebook_export import lead_codebook
from annotator.merge_texts import TextConflict, map_sentences
from annotator.names import control_characters, spelled_name, visible_name
from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.records import plural
from annotator.storage import codebook_versions, exchange_queries, queries
from annotator.storage.article_writes import NewArticle, content_hash, insert_articles
from annotator.storage.codebook_store import save_codebook
from annotator.storage.coding_state import ensure_coder
from annotator.storage.exchange_queries import ArticleRow, Engine, Session
from annotator.storage.label_writes import OnConflict, add_labels
from annotator.storage.memo_writes import add_memo
from annotator.storage.models import new_uid
from annotator.storage.unit_of_work import read_session, write_session

log = logging.getLogger(__name__)

ARTICLE_BATCH = 500
MAX_LISTED = 200  # conflicts listed one by one; the rest are counted


class MergeError(AnnotatorError):
    """A merge that cannot run; the lead project is unchanged."""


@dataclass(frozen=True)
class MergeSource:
    """Another project file to merge: its name (for the report) and its engine, opened
    read-only by the caller (Project.merge), who also closes it."""

    name: str
    engine: Engine


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
            f"merged {plural(len(self.files), 'file')}",
            f"{plural(self.articles_added, 'article')} added",
            f"{plural(self.labels_added, 'label')} added ({self.labels_present:,} already there)",
            f"{plural(self.memos_added, 'memo')} added",
            f"{plural(self.statuses_raised, 'status', 'statuses')} advanced",
        ]
        if self.codes_added:
            parts.append(f"{plural(len(self.codes_added), 'code')} added")
        if self.coders_added:
            parts.append(f"coders added: {', '.join(self.coders_added)}")
        if self.labels_moved:
            parts.append(
                f"{plural(self.labels_moved, 'label')} moved onto differently split sentences"
            )
        if self.skipped:
            parts.append(f"{plural(self.skipped, 'label')} skipped")
        if self.text_conflicts:
            parts.append(
                f"{plural(len(self.text_conflicts), 'article')} NOT merged: another text under "
                "the lead's id"
            )
        if self.conflicts:
            parts.append(f"{plural(len(self.conflicts), 'conflict')} (see the list)")
        return ", ".join(parts)


def merge(
    lead: Engine,
    others: Sequence[MergeSource],
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> MergeReport:
    """Merge the other files into the lead project (its engine, writable) in one transaction."""
    report = MergeReport()
    totals = []
    for other in others:
        with read_session(other.engine) as s:
            totals.append(exchange_queries.article_count(s))
    total = sum(totals) or 1
    done = 0
    with write_session(lead) as session:
        for other, count in zip(others, totals, strict=True):
            report.files.append(other.name)

            def step(n: int, base: int = done) -> None:
                progress(base + n, total)

            _merge_one(session, other, report, step, cancel)
            done += count
    progress(total, total)
    log.info("merge: %s", report.summary())
    return report


def _merge_one(
    session: Session,
    other: MergeSource,
    report: MergeReport,
    step: Callable[[int], None],
    cancel: CancelToken | None,
) -> None:
    origin = other.name
    with read_session(other.engine) as o:
        incoming_pcb = queries.project_codebook(o)
        other_codes = exchange_queries.code_uids(o)
        other_coders = exchange_queries.coder_names(o)
        code_names = exchange_queries.code_names(o)
        other_articles = exchange_queries.article_ids(o)
        their_versions = codebook_versions.version_history(o)
    shared = codebook_versions.shared_versions(
        codebook_versions.version_history(session), their_versions
    )
    code_map_uid: dict[str, str] = {}
    incoming = lead_codebook(incoming_pcb)
    if incoming is not None:
        try:
            cm = merge_codebook(
                lead_codebook(queries.project_codebook(session)),
                incoming,
                origin,
            )
        except CodebookCombineError as exc:
            raise MergeError(str(exc)) from None
        save_codebook(session, cm.codebook)
        report.codes_added.extend(cm.added)
        for c in cm.conflicts:
            report.note(c)
        code_map_uid = cm.code_map
    lead_codes = exchange_queries.code_ids_by_uid(session)
    code_map = {
        oid: lead_codes[code_map_uid[uid]]
        for oid, uid in other_codes.items()
        if uid in code_map_uid and code_map_uid[uid] in lead_codes
    }
    coder_map = _map_coders(session, other_coders, origin, report)
    # The lead's hashes are worked out again from its texts too, as the other file's are: a
    # stale stored hash must not make a copy of the same text look like another text.
    lead = _LeadArticles()
    for i, u, stored, text in exchange_queries.articles_with_text(session):
        h = content_hash(text)
        lead.by_hash.setdefault(h, (i, u))
        lead.by_uid[u] = (i, h)
        if stored != h:
            lead.stale_stored[stored] = (i, u)
    batch_state = _Batch(
        session,
        origin,
        report,
        f"merge:{origin}",
        code_map,
        coder_map,
        lead,
        other_coders,
        code_names,
        shared,
    )
    for b in range(0, len(other_articles), ARTICLE_BATCH):
        if cancel is not None:
            cancel.check()
        batch = other_articles[b : b + ARTICLE_BATCH]
        with read_session(other.engine) as o:
            batch_state.merge(o, batch)
        step(b + len(batch))


@dataclass
class _LeadArticles:
    """``by_hash``: content hash of the text -> lead id, uid; ``by_uid``: uid -> lead id, content
    hash (both grow with the articles added); ``stale_stored``: a stale hash still stored in the
    lead -> lead id, uid (a new article with that hash is reported, as it could not be stored)."""

    by_hash: dict[str, tuple[int, str]] = field(default_factory=dict)
    by_uid: dict[str, tuple[int, str]] = field(default_factory=dict)
    stale_stored: dict[str, tuple[int, str]] = field(default_factory=dict)


def _map_coders(
    session: Session, other_coders: dict[int, str], origin: str, report: MergeReport
) -> dict[int, int]:
    """The other file's coder ids -> the lead's, by name. A name stored before names were
    checked (with control characters) is taken as its visible form, unless another coder of
    that file already has that name: then it is spelled out (``anna\\x01``), so two coders'
    labels are never pooled, and the report says so."""
    known = set(exchange_queries.coder_ids(session))
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


def _unique_uids(articles: Sequence[ArticleRow]) -> list[str]:
    """The articles' uids, a new one for any repeated (a damaged file may repeat one)."""
    seen: set[str] = set()
    out = []
    for a in articles:
        uid = a.uid if a.uid not in seen else new_uid()
        seen.add(uid)
        out.append(uid)
    return out


@dataclass
class _Batch:
    """Merges the other file's articles batch by batch into the lead's write session; ``names``
    are the other file's coder and code names, for the report."""

    session: Session
    origin: str
    report: MergeReport
    batch_name: str
    code_map: dict[int, int]
    coder_map: dict[int, int]
    lead: _LeadArticles
    coder_names: dict[int, str]
    code_names: dict[int, str]
    #: codebook versions both files recorded alike: a label made under one keeps its version
    shared_versions: set[int] = field(default_factory=set)

    def merge(self, o: Session, batch: list[int]) -> None:
        session, report, origin, lead = self.session, self.report, self.origin, self.lead
        arts = exchange_queries.articles(o, batch)
        o_sents = exchange_queries.sentence_spans(o, batch)
        # The hash is worked out again from the text: the file's own may be stale (a file
        # edited outside the app), and a stale hash matched another text to the lead's article.
        hashes = {a.id: content_hash(a.text) for a in arts}
        conflicting: dict[int, int] = {}  # article -> the lead's article of its id, another text
        new = []
        for a in arts:
            if hashes[a.id] in lead.by_hash:
                continue
            if a.uid in lead.by_uid:
                conflicting[a.id] = lead.by_uid[a.uid][0]
            elif hashes[a.id] in lead.stale_stored:
                conflicting[a.id] = lead.stale_stored[hashes[a.id]][0]
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
                lead.by_hash[row.content_hash] = (new_id, row.uid)
                lead.by_uid[row.uid] = (new_id, row.content_hash)
            report.articles_added += len(new)
        art_map = {a.id: lead.by_hash[hashes[a.id]][0] for a in arts if a.id not in conflicting}
        lead_ids = [*art_map.values(), *conflicting.values()]
        l_sents = exchange_queries.sentence_spans(session, lead_ids)
        lead_text = exchange_queries.article_texts(session, lead_ids)
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
        # statuses first: a label then puts an article the coder had not started in progress,
        # as a coder's own label does, without hiding a status the other file carries
        report.statuses_raised += exchange_queries.raise_statuses(
            session,
            [
                (art_map[aid], self.coder_map[ocoder], status, updated)
                for aid, ocoder, status, updated in exchange_queries.statuses_of_articles(o, batch)
                if aid in art_map
            ],
        )
        # labels
        rows: list[tuple[int, int, int, str]] = []
        versions: list[int | None] = []
        skipped_code = 0
        lost = 0
        moved = 0
        for osid, ocode, ocoder, at, version in exchange_queries.labels_of_articles(o, batch):
            if osid in unmerged:
                index, landing, conflict = unmerged[osid]
                conflict.land(
                    self.coder_names.get(ocoder, "?"),
                    self.code_names.get(ocode, "?"),
                    index,
                    landing,
                )
                continue
            code = self.code_map.get(ocode)
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
                rows.append((lsid, code, self.coder_map[ocoder], at))
                versions.append(version if version in self.shared_versions else None)
        for conflict in conflicts:
            report.text_conflicts.append(conflict)
            report.skipped += conflict.labels
            report.note(conflict.line())
        fresh = {lead.by_hash[hashes[a.id]][0] for a in new}
        only_new = bool(new) and len(fresh) == len(arts)
        outcome = add_labels(
            session,
            rows,
            self.batch_name,
            on_conflict=OnConflict.KEEP,
            fresh=only_new,
            versions=versions,
        )
        report.labels_added += outcome.added
        report.labels_present += outcome.already
        report.labels_moved += moved
        report.skipped += skipped_code + lost + len(outcome.refused)
        if skipped_code:
            report.note(
                f"{origin}: skipped {plural(skipped_code, 'label')} on codes that could not be "
                "merged"
            )
        if lost:
            report.note(
                f"{origin}: skipped {plural(lost, 'label')} on sentences that match no sentence "
                "of the lead"
            )
        if outcome.refused:
            report.note(
                f"{origin}: skipped {plural(len(outcome.refused), 'label')} contradicting the "
                "lead's code in a single-choice group; kept the lead's"
            )
        # memos
        for aid, memo_sid, ocoder, text, updated in exchange_queries.memos_of_articles(o, batch):
            if aid not in art_map:
                continue  # its article was not merged (a text conflict)
            target: int | None = None
            if memo_sid is not None:
                target = exact.get(memo_sid)
                if target is None:
                    report.note(
                        f"{origin}: a memo on a sentence the lead splits differently was skipped"
                    )
                    continue
            result = add_memo(session, self.coder_map[ocoder], art_map[aid], target, text, updated)
            if result == "added":
                report.memos_added += 1
            elif result == "differs":
                report.note(f"{origin}: a memo differs from the lead's; kept the lead's")
