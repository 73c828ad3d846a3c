"""Core Table objects of the sqlmodel classes, for fast set-based SQL without ORM objects."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Result, Table

from annotator.storage import models


def _t(model: type) -> Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


article = _t(models.Article)
sentence = _t(models.Sentence)
codebook = _t(models.Codebook)
code_group = _t(models.CodeGroup)
code = _t(models.Code)
coder = _t(models.Coder)
label = _t(models.Label)
label_event = _t(models.LabelEvent)
article_status = _t(models.ArticleStatus)
memo = _t(models.Memo)
meta = _t(models.Meta)
adjudication = _t(models.Adjudication)
selection = _t(models.Selection)
partial_label = _t(models.PartialLabel)
article_minhash = _t(models.ArticleMinhash)
near_duplicate = _t(models.NearDuplicate)
codebook_version = _t(models.CodebookVersion)
codebook_event = _t(models.CodebookEvent)
label_review = _t(models.LabelReview)
gold_article = _t(models.GoldArticle)
assignment = _t(models.Assignment)


def inserted_id(result: Result[Any]) -> int:
    """The primary key of the row a single-row INSERT just wrote."""
    key = cast(CursorResult[Any], result).inserted_primary_key
    assert key is not None
    return int(key[0])
