"""What the Project API accepts where it needs an article, a sentence or a code.

A script may pass an id or the record it read; these helpers turn either into the id.
"""

from __future__ import annotations

from annotator.records import ArticleRecord, ArticleSummary, CodeRecord, SentenceRecord

SentenceRef = int | SentenceRecord
CodeRef = int | str | CodeRecord
ArticleRef = int | ArticleRecord | ArticleSummary


def article_id(ref: ArticleRef) -> int:
    return ref if isinstance(ref, int) else ref.id


def sentence_id(ref: SentenceRef) -> int:
    return ref if isinstance(ref, int) else ref.id
