"""Label tables as pandas DataFrames (the Python API's labels_frame)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, select
from sqlmodel import Session

from annotator.storage import tables as t

if TYPE_CHECKING:
    import pandas as pd

LABEL_COLUMNS = [
    "article_id",
    "article_uid",
    "article_title",
    "sentence_id",
    "sentence_index",
    "sentence_start",
    "sentence_end",
    "sentence_text",
    "coder",
    "group",
    "code",
    "code_uid",
    "labelled_at",
    "partial",
]


def labels_select() -> Select[Any]:
    """The label join every export and frame starts from, ordered article, sentence, coder."""
    return (
        select(
            t.article.c.id.label("article_id"),
            t.article.c.uid.label("article_uid"),
            t.article.c.title.label("article_title"),
            t.sentence.c.id.label("sentence_id"),
            t.sentence.c.index.label("sentence_index"),
            t.sentence.c.start.label("sentence_start"),
            t.sentence.c.end.label("sentence_end"),
            func.substr(
                t.article.c.text, t.sentence.c.start + 1, t.sentence.c.end - t.sentence.c.start
            ).label("sentence_text"),
            t.coder.c.name.label("coder"),
            t.code_group.c.name.label("group"),
            t.code.c.name.label("code"),
            t.code.c.uid.label("code_uid"),
            t.label.c.created_at.label("labelled_at"),
        )
        .select_from(t.label)
        .join(t.sentence, t.sentence.c.id == t.label.c.sentence_id)
        .join(t.article, t.article.c.id == t.sentence.c.article_id)
        .join(t.coder, t.coder.c.id == t.label.c.coder_id)
        .join(t.code, t.code.c.id == t.label.c.code_id)
        .join(t.code_group, t.code_group.c.id == t.code.c.group_id)
        .order_by(
            t.article.c.id,
            t.sentence.c.index,
            t.coder.c.name,
            t.code_group.c.position,
            t.code.c.position,
        )
    )


def partial_column() -> Any:
    """1 when the label's imported selection covered only part of its sentence, else 0 (the
    query must outer-join ``partial_label`` on the label)."""
    from sqlalchemy import case

    return case((t.partial_label.c.label_id.is_(None), 0), else_=1).label("partial")


def labels_frame(session: Session) -> pd.DataFrame:
    import pandas as pd

    stmt = (
        labels_select()
        .add_columns(partial_column())
        .outerjoin(t.partial_label, t.partial_label.c.label_id == t.label.c.id)
    )
    rows = session.execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=LABEL_COLUMNS)
