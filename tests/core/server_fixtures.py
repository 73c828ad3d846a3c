"""A fresh PostgreSQL database per test, from the superuser address in ANNOTATOR_TEST_PG_URL
(dev: postgresql://postgres@/postgres?host=/work/pg/socket&port=55432); the database and
every role the test made are dropped afterwards.

Without the variable the tests skip, saying why; with ANNOTATOR_REQUIRE_PG=1 (CI) they fail
instead, so a CI run cannot go green by skipping them. Roles are cluster-wide, so each test's
role names carry the test's token (``db.role("anna")`` -> ``anna_<token>``) and tests can run
in parallel. Coders log in over TCP with their password (127.0.0.1, the server's port), as a
lab's coders would.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from annotator.storage import tables as t
from annotator.storage.server_security import group_roles

ENV_URL = "ANNOTATOR_TEST_PG_URL"
ENV_REQUIRE = "ANNOTATOR_REQUIRE_PG"


def superuser_url() -> str:
    url = os.environ.get(ENV_URL, "")
    if not url:
        reason = f"{ENV_URL} is not set (a PostgreSQL superuser address)"
        if os.environ.get(ENV_REQUIRE) == "1":
            pytest.fail(f"{reason}, and {ENV_REQUIRE}=1 requires the server tests")
        pytest.skip(reason)
    return url


def _sa(url: URL) -> URL:
    return url.set(drivername="postgresql+psycopg")


@dataclass
class PgDatabase:
    """One test's database: its superuser address, and logins for the roles the test makes."""

    su: URL
    token: str
    roles: list[str] = field(default_factory=list)

    @property
    def database(self) -> str:
        return self.su.database or ""

    @property
    def url(self) -> str:
        """The superuser's address of the test database (init and lead work use it)."""
        return self.su.render_as_string(hide_password=False)

    @property
    def port(self) -> int:
        return int(self.su.port or self.su.query.get("port") or 5432)  # type: ignore[arg-type]

    def role(self, base: str) -> str:
        """A role name unique to this test (dropped afterwards)."""
        name = f"{base}_{self.token}"
        self.roles.append(name)
        return name

    def tcp_url(self, user: str, password: str) -> str:
        """The address a coder uses: TCP with a password."""
        url = URL.create(
            "postgresql",
            username=user,
            password=password,
            host="127.0.0.1",
            port=self.port,
            database=self.database,
        )
        return url.render_as_string(hide_password=False)

    def connect(self, user: str, password: str) -> psycopg.Connection[Any]:
        """A plain psycopg connection as ``user`` (autocommit: each statement stands alone)."""
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            dbname=self.database,
            user=user,
            password=password,
            autocommit=True,
        )

    def superuser(self) -> psycopg.Connection[Any]:
        """The superuser on the test database (bypasses row-level security: for checks)."""
        return psycopg.connect(self.su.render_as_string(hide_password=False), autocommit=True)


@pytest.fixture
def pg_db() -> Iterator[PgDatabase]:
    base = make_url(superuser_url())
    token = uuid.uuid4().hex[:10]
    name = f"annot_test_{token}"
    server = create_engine(_sa(base), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        server.dispose()
        pytest.fail(f"cannot create a test database from {ENV_URL}: {exc}")
    db = PgDatabase(su=base.set(database=name), token=token)
    try:
        yield db
    finally:
        groups = group_roles(name)
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for role in (*db.roles, groups.lead, groups.coder):
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        server.dispose()


def seed_articles(url: str, articles: list[tuple[str, dict[str, str]]]) -> list[int]:
    """Articles (source, meta) with one sentence each, written as the superuser; their ids."""
    engine = create_engine(_sa(make_url(url)))
    now = datetime.now(UTC)
    ids: list[int] = []
    try:
        with engine.begin() as conn:
            for i, (source, meta) in enumerate(articles):
                body = f"Article {i} from {source}."
                article_id = conn.execute(
                    t.article.insert()
                    .values(
                        uid=f"a{i}",
                        title=f"A{i}",
                        source=source,
                        text=body,
                        content_hash=f"h{i}",
                        meta_json=json.dumps(meta),
                        n_sentences=1,
                        imported_at=now,
                    )
                    .returning(t.article.c.id)
                ).scalar_one()
                conn.execute(
                    t.sentence.insert().values(
                        article_id=article_id, index=0, start=0, end=len(body)
                    )
                )
                ids.append(int(article_id))
    finally:
        engine.dispose()
    return ids
