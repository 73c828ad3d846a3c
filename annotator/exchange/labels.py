"""Reading labels back from the long layout (CSV, or the ``labels`` sheet of an export .xlsx).

Matching, never guessing: the article by ``article_id`` (its uid) or else by ``article_hash``
(content hash, so labels move between projects that imported the same texts); the sentence by
its offsets ``sentence_start``/``sentence_end`` (and, when given, ``sentence_text`` must be the
text at those offsets); the code by ``group`` and ``code`` name; coders are created as needed.
``labelled_at`` is kept from the file, so export -> import -> export gives the same file.

Rows of kind ``memo`` (a memo on a sentence without a label) and ``article`` (a coder's status
and article memo) bring memos and the coder's status across; a status is raised, never
lowered. Rows that match nothing are reported by row number (the spreadsheet row: the header
is row 1) and skipped; the valid rows are imported in one transaction. A file that is not a
long-layout table (not CSV, a column missing) changes nothing.

Imported labels are recorded as made under the project's current codebook version: a table's
``codebook_version`` column numbers the versions of the project it came from, and a table
carries no history to tell whether that project's codebook is this one's (a merge of project
files can tell, and keeps the version when it can).
"""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.errors import AnnotatorError
from annotator.names import name_problem
from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.records import Status, plural
from annotator.spreadsheet_safety import restore_series
from annotator.storage import exchange_queries
from annotator.storage.coding_state import ensure_coder
from annotator.storage.exchange_queries import Engine, Session, stored_time
from annotator.storage.label_writes import OnConflict, add_labels
from annotator.storage.memo_writes import add_memo
from annotator.storage.unit_of_work import write_session

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pandas as pd

log = logging.getLogger(__name__)

REQUIRED = ["sentence_start", "sentence_end", "coder", "group", "code"]
TEXT_COLUMNS = [
    "article_id",
    "article_title",
    "sentence_text",
    "coder",
    "group",
    "code",
    "memo",
    "coder_status",
    "record",
]
#: Kinds of rows in the long layout (its ``record`` column; absent or empty means a label).
LABEL, MEMO, ARTICLE = "label", "memo", "article"
STATUS_BY_NAME = {s.label: int(s) for s in Status}
CHUNK_ROWS = 50_000
MAX_LISTED = 1_000
MAX_XLSX_BYTES = 256 * 1024 * 1024
MAX_HEADER_BYTES = 1024 * 1024
"""A long-layout label table has about a dozen columns; its header is a few hundred bytes."""


class LabelImportError(AnnotatorError):
    """The file cannot be read as a label table; nothing was imported."""


@dataclass
class LabelImportReport:
    rows: int = 0
    imported: int = 0
    already_present: int = 0
    memos_added: int = 0
    coders_added: list[str] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)
    problem_count: int = 0

    def problem(self, row: int, reason: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append((row, reason))

    def summary(self) -> str:
        text = (
            f"read {plural(self.rows, 'row')}: {plural(self.imported, 'label')} imported, "
            f"{self.already_present:,} already there, {plural(self.memos_added, 'memo')} added"
        )
        if self.coders_added:
            text += f", new coders: {', '.join(self.coders_added)}"
        if self.problem_count:
            text += f", {plural(self.problem_count, 'row')} not imported"
        return text


def import_labels(
    engine: Engine,
    path: str | Path,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> LabelImportReport:
    """Import a long-layout label file into the project of ``engine`` (writable), in one
    transaction; Project.import_labels checks that the project may be written."""
    path = Path(path)
    report = LabelImportReport()
    size = max(path.stat().st_size, 1) if path.exists() else 1
    with write_session(engine) as session:
        state = _State(session, report)
        for first_row, chunk in _read_chunks(path):
            if cancel is not None:
                cancel.check()
            state.import_chunk(first_row, chunk)
            progress(min(size, int(size * report.rows / max(report.rows + 1, 1))), size)
        state.apply_statuses()
    progress(size, size)
    log.info("import-labels %s: %s", path.name, report.summary())
    return report


def _read_chunks(path: Path) -> Iterator[tuple[int, pd.DataFrame]]:
    import pandas as pd

    if not path.is_file():
        raise LabelImportError(f"{path} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        frames: Any = [_read_xlsx(path)]
    elif suffix in (".csv", ".txt", ".tsv"):
        _check_header_width(path, "\t" if suffix == ".tsv" else ",")
        try:
            frames = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                encoding="utf-8-sig",
                chunksize=CHUNK_ROWS,
                sep="\t" if suffix == ".tsv" else ",",
            )
        except (
            UnicodeDecodeError,
            pd.errors.ParserError,
            pd.errors.EmptyDataError,
            ValueError,
        ) as exc:
            raise LabelImportError(
                f"{path.name} is not a readable CSV file: {_short(exc)}"
            ) from None
    else:
        raise LabelImportError(
            f"{path.name}: labels are imported from .csv or .xlsx, not '{suffix}'"
        )
    first_row = 2
    checked = False
    try:
        for frame in frames:
            if not checked:
                _check_columns(path, list(frame.columns))
                checked = True
            yield first_row, frame
            first_row += len(frame)
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError) as exc:
        raise LabelImportError(
            f"{path.name} is not a readable CSV file (near row {first_row}): {_short(exc)}; "
            "nothing was imported"
        ) from None
    if not checked:
        raise LabelImportError(f"{path.name} is empty")


def _check_header_width(path: Path, sep: str) -> None:
    """Refuse a header of thousands of columns before pandas parses the file: a header of
    1,000,000 columns took pandas 48 s and 1.1 GB to find the label columns missing."""
    import csv

    from annotator.imports.tables import MAX_COLUMNS

    with path.open("rb") as fh:
        head = fh.read(MAX_HEADER_BYTES + 1)
    line, ended, _rest = head.partition(b"\n")
    if not ended and len(head) > MAX_HEADER_BYTES:
        raise LabelImportError(
            f"{path.name}: the header row is longer than {MAX_HEADER_BYTES // 1024} KiB; "
            "this is not a long-layout label table; nothing was imported"
        )
    try:
        columns = len(next(csv.reader([line.decode("utf-8", "replace")], delimiter=sep), []))
    except csv.Error:
        return  # pandas says what is wrong with it
    if columns > MAX_COLUMNS:
        raise LabelImportError(
            f"{path.name}: the header row has {columns:,} columns, over the limit of "
            f"{MAX_COLUMNS:,}; this is not a long-layout label table; nothing was imported"
        )


def _read_xlsx(path: Path) -> pd.DataFrame:
    import pandas as pd

    from annotator.imports.base import UnreadableFile
    from annotator.imports.zip_safety import check_zip

    if path.stat().st_size > MAX_XLSX_BYTES:
        raise LabelImportError(f"{path.name} is larger than {MAX_XLSX_BYTES // 2**20} MB")
    data = path.read_bytes()
    try:
        check_zip(data, ".xlsx")
    except UnreadableFile as exc:
        raise LabelImportError(f"{path.name}: {exc.message}") from None
    try:
        frame = pd.read_excel(path, sheet_name="labels", dtype=str, keep_default_na=False)
    except ValueError as exc:
        raise LabelImportError(f"{path.name}: no 'labels' sheet ({_short(exc)})") from None
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise LabelImportError(f"{path.name} is not a readable .xlsx file: {_short(exc)}") from None
    return frame


def _check_columns(path: Path, columns: list[str]) -> None:
    missing = [c for c in REQUIRED if c not in columns]
    if "article_id" not in columns and "article_hash" not in columns:
        missing.insert(0, "article_id or article_hash")
    if missing:
        raise LabelImportError(
            f"{path.name} is not a long-layout label table: missing column"
            f"{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(found: {', '.join(map(str, columns[:12])) or 'none'}); nothing was imported"
        )


def _short(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__


def parse_time(value: str) -> str:
    """An ISO 8601 timestamp (``Z`` or offset; naive taken as UTC) as stored; '' -> now."""
    if not value.strip():
        return stored_time(None)
    stamp = datetime.fromisoformat(value.strip())
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stored_time(stamp)


class _State:
    def __init__(self, session: Session, report: LabelImportReport) -> None:
        self.session = session
        self.report = report
        self.by_uid: dict[str, int] = {}
        self.by_hash: dict[str, int] = {}
        for i, u, h in exchange_queries.article_keys(session):
            self.by_uid[u] = i
            self.by_hash[h] = i
        self.codes: dict[tuple[str, str], int] = {}
        rows = exchange_queries.codes_by_group_and_name(session)
        for cid, name, group in rows:
            self.codes.setdefault((group, name), cid)
        for cid, name, group in rows:
            self.codes.setdefault((group.casefold(), name.casefold()), cid)
        self.coders: dict[str, int] = exchange_queries.coder_ids(session)
        self.sentences: dict[int, dict[tuple[int, int], int]] = {}
        self.texts: dict[int, str] = {}
        self.file_status: dict[tuple[int, int], int] = {}

    def _load_articles(self, ids: set[int]) -> None:
        todo = sorted(i for i in ids if i not in self.sentences)
        for aid in todo:
            self.sentences[aid] = {}
        for aid, spans in exchange_queries.sentence_spans(self.session, todo).items():
            self.sentences[aid] = {(start, end): sid for sid, start, end in spans}
        self.texts.update(exchange_queries.article_texts(self.session, todo))

    def _article(self, row: dict[str, str]) -> int | None:
        uid = row.get("article_id", "")
        if uid and uid in self.by_uid:
            return self.by_uid[uid]
        chash = row.get("article_hash", "")
        if chash and chash in self.by_hash:
            return self.by_hash[chash]
        return None

    def import_chunk(self, first_row: int, frame: pd.DataFrame) -> None:
        for col in TEXT_COLUMNS:
            if col in frame.columns:
                frame[col] = restore_series(frame[col].astype(str))
        records = frame.to_dict("records")
        self.report.rows += len(records)
        articles = {a for a in (self._article(r) for r in records) if a is not None}
        self._load_articles(articles)
        pending: list[tuple[int, int, int, str]] = []
        pending_rows: list[int] = []
        memos: dict[tuple[int, int, int | None], tuple[int, str]] = {}
        for n, raw in enumerate(records):
            row_no = first_row + n
            row = {k: str(v) for k, v in raw.items()}
            kind = row.get("record", "").strip() or LABEL
            if kind not in (LABEL, MEMO, ARTICLE):
                self.report.problem(row_no, f"record '{kind}' is not label, memo or article")
                continue
            # the status is checked first: _match creates a coder new to the project
            status = self._status(row_no, row)
            if status is None:
                continue
            found = self._match(row_no, row, kind)
            if found is None:
                continue
            aid, sid, code, coder, at = found
            if kind == LABEL:
                assert sid is not None and code is not None
                pending.append((sid, code, coder, at))
                pending_rows.append(row_no)
            key = (aid, coder)
            self.file_status[key] = max(self.file_status.get(key, 0), status)
            memo = row.get("memo", "")
            if memo.strip():
                memos.setdefault((coder, aid, sid), (row_no, memo))
        outcome = add_labels(self.session, pending, "import-labels", on_conflict=OnConflict.KEEP)
        self.report.imported += outcome.added
        self.report.already_present += outcome.already
        for index, reason in outcome.refused:
            self.report.problem(pending_rows[index], reason)
        now = stored_time(None)
        for (coder, aid, sid), (row_no, memo) in memos.items():
            result = add_memo(self.session, coder, aid, sid, memo, now)
            if result == "added":
                self.report.memos_added += 1
            elif result == "differs":
                self.report.problem(
                    row_no, "memo differs from the one in the project; kept the project's"
                )

    def _status(self, row_no: int, row: dict[str, str]) -> int | None:
        """The row's ``coder_status`` as a number (0 when the column is absent or empty)."""
        given = row.get("coder_status", "").strip().casefold()
        if not given:
            return 0
        if given not in STATUS_BY_NAME:
            self.report.problem(
                row_no, f"coder_status '{given}' is not done, in progress or not started"
            )
            return None
        return STATUS_BY_NAME[given]

    def _match(
        self, row_no: int, row: dict[str, str], kind: str = LABEL
    ) -> tuple[int, int | None, int | None, int, str] | None:
        """(article, sentence, code, coder, time) of a row; an ``article`` row has no sentence,
        ``article`` and ``memo`` rows no code."""
        aid = self._article(row)
        if aid is None:
            self.report.problem(row_no, "no article with this article_id or article_hash")
            return None
        sid: int | None = None
        if kind != ARTICLE:
            sid = self._sentence(row_no, row, aid)
            if sid is None:
                return None
        code: int | None = None
        if kind == LABEL:
            group, code_name = row["group"].strip(), row["code"].strip()
            code = self.codes.get((group, code_name)) or self.codes.get(
                (group.casefold(), code_name.casefold())
            )
            if code is None:
                self.report.problem(row_no, f"no code '{code_name}' in group '{group}'")
                return None
        try:
            at = parse_time(row.get("labelled_at", "")) if kind == LABEL else ""
        except ValueError:
            self.report.problem(
                row_no, f"labelled_at '{row.get('labelled_at')}' is not an ISO time"
            )
            return None
        coder = self._coder(row_no, row)  # last: it creates a coder new to the project
        if coder is None:
            return None
        return aid, sid, code, coder, at

    def _sentence(self, row_no: int, row: dict[str, str], aid: int) -> int | None:
        try:
            start, end = int(row["sentence_start"]), int(row["sentence_end"])
        except ValueError:
            self.report.problem(row_no, "sentence_start/sentence_end are not whole numbers")
            return None
        sid = self.sentences.get(aid, {}).get((start, end))
        if sid is None:
            self.report.problem(row_no, f"the article has no sentence at {start}-{end}")
            return None
        given = row.get("sentence_text", "")
        if given and self.texts[aid][start:end] != given:
            self.report.problem(
                row_no, "sentence_text differs from the project's text at those offsets"
            )
            return None
        return sid

    def _coder(self, row_no: int, row: dict[str, str]) -> int | None:
        name = row["coder"].strip()
        if not name:
            self.report.problem(row_no, "no coder given")
            return None
        coder = self.coders.get(name)
        if coder is None:
            problem = name_problem(name)
            if problem is not None:
                self.report.problem(row_no, f"coder name {problem}")
                return None
            coder = ensure_coder(self.session, name)
            self.coders[name] = coder
            self.report.coders_added.append(name)
        return coder

    def apply_statuses(self) -> None:
        """Statuses from the file's ``coder_status``: raised, never lowered (as merge does)."""
        exchange_queries.raise_statuses(
            self.session,
            [
                (aid, coder, status, None)
                for (aid, coder), status in sorted(self.file_status.items())
                if status > 0
            ],
        )
