"""A project on a PostgreSQL server: addressed by URL wherever a file is accepted, never showing a
password, refusing what only a file can do, and failing with messages one can act on.

The store's behaviour on both backends is tested where it is specified (test_project_store,
test_label_writer_rules, test_merge, ...: their ``backend`` runs); this file holds what is
particular to a server.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psycopg
import pytest

from annotator import Project
from annotator.cli import main
from annotator.codebook import default_codebook
from annotator.errors import (
    NotAProjectError,
    ProjectError,
    ProjectLockedError,
    ReadOnlyProjectError,
    ServerLoginError,
    ServerUnavailableError,
    WriteDeniedError,
)
from annotator.imports import ParsedArticle
from annotator.server_urls import display_name, driver_url, is_server_url, safe_url
from annotator.storage import postgres
from annotator.storage import tables as t
from annotator.storage.export_facts import metadata_keys
from annotator.storage.unit_of_work import read_session, trial_session, write_session

TEXT = "Artillery fire struck Kovar on Tuesday. The army denied firing. Talks resume."


def _article(project: Project, meta: dict[str, str] | None = None) -> int:
    report = project.import_articles(
        [ParsedArticle(text=TEXT, origin="t", title="Kovar", meta=meta or {})]
    )
    return report.article_ids[0]


def test_a_url_is_told_from_a_file_path() -> None:
    assert is_server_url("postgresql://anna@db.lab.org/study")
    assert is_server_url("postgres://anna@db.lab.org/study")
    assert not is_server_url("study.annotator")
    assert not is_server_url("/home/anna/postgresql/study.annotator")
    assert not is_server_url(Path("postgresql:/x"))
    assert driver_url("postgresql://a@h/d") == "postgresql+psycopg://a@h/d"


def test_a_password_written_into_a_url_is_in_no_name() -> None:
    url = "postgresql://anna:s3cret@db.lab.org:5433/study?password=s3cret&sslmode=require"
    assert "s3cret" not in safe_url(url)
    assert safe_url(url) == "postgresql://anna@db.lab.org:5433/study?sslmode=require"
    assert display_name(url) == "study on db.lab.org:5433"
    assert display_name("postgresql://anna@/study?host=/run/postgresql") == "study"


def test_a_server_project_is_named_without_its_password(pg_url: str) -> None:
    parts = urlsplit(pg_url)
    with_password = pg_url.replace(f"{parts.username}@", f"{parts.username}:s3cret@", 1)
    with Project.create(with_password) as p:  # the socket trusts: the password is not asked
        shown = [repr(p), p.name, p.location, str(p.path), json.dumps(p.info())]
        assert not any("s3cret" in text for text in shown)
        assert p.name == urlsplit(pg_url).path.strip("/")


def test_a_new_project_needs_an_empty_database_and_an_empty_one_is_no_project(
    pg_url: str,
) -> None:
    with pytest.raises(NotAProjectError, match="not an annotator project"):
        Project.open(pg_url)
    Project.create(pg_url).close()
    with pytest.raises(ProjectError, match="not empty"):
        Project.create(pg_url)
    with Project.open(pg_url) as again:
        assert again.info()["articles"] == 0


def test_a_project_whose_creation_failed_leaves_the_database_empty(
    pg_url: str, tmp_path: Path
) -> None:
    with pytest.raises(Exception, match=r"missing\.yaml"):
        Project.create(pg_url, codebook=tmp_path / "missing.yaml")
    Project.create(pg_url).close()  # empty again: a new project can be made there


def test_a_server_that_cannot_be_reached_is_named_and_no_password_shown() -> None:
    url = "postgresql://anna:s3cret@127.0.0.1:9/study?connect_timeout=2"  # port 9: discard
    with pytest.raises(ServerUnavailableError, match="cannot be reached") as caught:
        Project.open(url)
    assert "s3cret" not in str(caught.value)
    assert "study on 127.0.0.1:9" in str(caught.value)


def test_a_wrong_password_is_a_login_error_that_says_where_passwords_go(
    pg_superuser_url: str,
) -> None:
    query = parse_qs(urlsplit(pg_superuser_url).query)
    port = query.get("port", ["5432"])[0]
    url = f"postgresql://postgres:wrong-s3cret@127.0.0.1:{port}/postgres"
    try:
        Project.open(url)
    except ServerLoginError as exc:
        assert ".pgpass" in str(exc) and "wrong-s3cret" not in str(exc)
    except ServerUnavailableError:
        pytest.skip("this server takes no TCP connections on 127.0.0.1")
    else:
        pytest.fail("a wrong password was accepted")


def test_a_read_only_server_project_refuses_writes_in_the_api_and_on_the_server(
    pg_url: str,
) -> None:
    with Project.create(pg_url, codebook=default_codebook()) as p:
        aid = _article(p)
    with Project.open(pg_url, read_only=True) as ro:
        with pytest.raises(ReadOnlyProjectError):
            ro.add_label(ro.sentences(aid)[0], "Denial", "anna")
        with pytest.raises(WriteDeniedError, match="read-only"), write_session(ro.engine) as s:
            s.execute(t.meta.insert().values(key="x", value="y"))


@pytest.fixture
def reader_url(pg_url: str, pg_superuser_url: str) -> Iterator[str]:
    """The project at pg_url, as a role that may read it but not write (a lab's observer)."""
    Project.create(pg_url, codebook=default_codebook()).close()
    role = f"reader_{uuid.uuid4().hex[:12]}"
    database = urlsplit(pg_url).path.strip("/")
    with psycopg.connect(pg_superuser_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    parts = urlsplit(pg_url)
    yield parts._replace(netloc=parts.netloc.replace("postgres@", f"{role}@", 1)).geturl()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP OWNED BY {role}")
    with psycopg.connect(pg_superuser_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        conn.execute(f"DROP ROLE {role}")


def test_a_role_the_server_lets_read_but_not_write_gets_write_denied(reader_url: str) -> None:
    with Project.open(reader_url) as p:
        assert p.info()["codes"] == 4
        with pytest.raises(WriteDeniedError, match="permission denied"):
            p.coder_id("anna")


def test_writers_take_turns_and_one_kept_waiting_too_long_is_told_the_project_is_busy(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As SQLite's write lock does for a file: a second writer waits, then gives up clearly."""
    monkeypatch.setattr(postgres, "LOCK_TIMEOUT_S", 1)
    p = Project.create(pg_url, codebook=default_codebook())
    aid = _article(p)
    with Project.open(p.location) as other, trial_session(other.engine) as holding:
        holding.execute(t.meta.insert().values(key="held", value="by the other window"))
        with pytest.raises(ProjectLockedError, match="busy"):
            p.add_label(p.sentences(aid)[0], "Denial", "anna")
    p.add_label(p.sentences(aid)[0], "Denial", "anna")  # the other writer is gone
    assert p.labels(aid)
    p.close()


def test_metadata_keys_skip_a_row_that_is_not_json_on_the_server(pg_url: str) -> None:
    with Project.create(pg_url) as p:
        _article(p, {"outlet": "Kovar Daily"})
        p.import_articles([ParsedArticle(text="Another one here.", origin="u", title="Two")])
        with write_session(p.engine) as s:
            s.execute(t.article.update().where(t.article.c.title == "Two").values(meta_json="{"))
        with read_session(p.engine) as s:
            keys = metadata_keys(s)
        assert "outlet" in keys  # the other row's '{' neither fails the export nor adds a key


def test_every_cli_command_takes_a_server_url(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "kovar.txt"
    article.write_text(TEXT, encoding="utf-8")
    assert main(["init", pg_url]) == 0
    assert main(["import", pg_url, str(article)]) == 0
    assert main(["info", pg_url]) == 0
    out = capsys.readouterr().out
    assert "articles            1" in out
    assert main(["export", pg_url, str(tmp_path / "out.csv")]) == 0
    assert (tmp_path / "out.csv").exists()
    assert main(["stats", pg_url]) == 0
    coder = tmp_path / "coder.annotator"
    with Project.create(coder, codebook=default_codebook()) as c:
        aid = _article(c)
        c.add_label(c.sentences(aid)[0], "Denial", "anna")
    assert main(["merge", pg_url, str(coder)]) == 0
    capsys.readouterr()
    assert main(["backup", pg_url]) == 1
    assert "backed up by its server (pg_dump)" in capsys.readouterr().err
    with Project.open(pg_url) as p:
        assert p.coders() == ["anna"]
