"""Builders shared by the exchange tests (export, import-labels, merge, REFI); no tests here."""

from __future__ import annotations

import shutil
from pathlib import Path

from annotator.paths import sample_articles_dir
from annotator.project import Project
from annotator.storage.article_writes import NewArticle, insert_articles
from annotator.storage.unit_of_work import write_session


def sample_files() -> list[Path]:
    return sorted(sample_articles_dir().glob("*.txt"))


def copy_project(source: Path, target: Path) -> Project:
    shutil.copy(source, target)
    return Project.open(target)


def same_articles(source: Project, path: Path) -> Project:
    """A project with the source's articles (same uids, sentences and metadata) and codebook,
    no labels."""
    from sqlalchemy import select

    from annotator.exports.codebook_export import codebook_model
    from annotator.storage import tables as t
    from annotator.storage.unit_of_work import read_session

    with read_session(source.engine) as s:
        meta = dict(s.execute(select(t.article.c.uid, t.article.c.meta_json)).all())
    target = Project.create(path, codebook=codebook_model(source.codebook))
    with write_session(target.engine) as s:
        insert_articles(
            s,
            [
                NewArticle(
                    text=a.text,
                    spans=[(x.start, x.end) for x in source.sentences(a.id)],
                    content_hash=a.content_hash,
                    title=a.title,
                    source=a.source,
                    date=a.date,
                    url=a.url,
                    language=a.language,
                    uid=a.uid,
                    meta_json=meta[a.uid],
                )
                for a in source.articles()
            ],
        )
    return target
