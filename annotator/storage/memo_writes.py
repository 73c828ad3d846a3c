"""Memos that come from another file (a merge, a label import, a REFI-QDA project).

A coder's own memo edits go through ``coding_state.set_memo`` (write, replace or delete); a memo
from elsewhere never replaces the project's: the project is the lead (docs/exchange.md).
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import bindparam, select
from sqlmodel import Session

from annotator.storage import tables as t
from annotator.storage.dialect import StoredTime

MemoOutcome = Literal["added", "same", "differs"]


def add_memo(
    session: Session, coder: int, article: int, sentence: int | None, text: str, updated: str
) -> MemoOutcome:
    """Add the coder's memo on the article (or sentence) unless there is one: 'added', 'same',
    or 'differs' (the existing memo is kept). ``updated`` is a stored time (exchange_queries)."""
    where = (
        (t.memo.c.coder_id == coder)
        & (t.memo.c.article_id == article)
        & (t.memo.c.sentence_id.is_(None) if sentence is None else t.memo.c.sentence_id == sentence)
    )
    found = session.execute(select(t.memo.c.text).where(where)).scalar()
    if found is None:
        session.execute(
            t.memo.insert().values(
                coder_id=coder,
                article_id=article,
                sentence_id=sentence,
                text=text,
                updated_at=bindparam("u", value=updated, type_=StoredTime()),
            )
        )
        return "added"
    return "same" if found == text else "differs"
