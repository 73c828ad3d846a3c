"""The database itself enforces who may read and write what in a server project: each role is
tried with plain SQL over its own login, as a coder with a SQL client would."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
import pytest
from psycopg import errors

from annotator import server
from annotator.codebook import default_codebook
from annotator.server_errors import ServerPermissionError
from tests.core.server_fixtures import PgDatabase, pg_db, seed_articles

__all__ = ["pg_db"]  # the fixture, imported for the tests below

PASSWORD = {"anna": "anna-secret", "ben": "ben-secret", "lena": "lena-secret"}
OWN_ROWS = ("label", "label_event", "article_status", "memo")


@dataclass
class Lab:
    """A project with a lead (lena, not a superuser), two coders and two one-sentence articles."""

    db: PgDatabase
    name: dict[str, str]
    article: int
    other_article: int
    sentence: int
    code: int
    ids: dict[str, int]
    opened: list[psycopg.Connection[Any]] = field(default_factory=list)

    def as_(self, who: str) -> psycopg.Connection[Any]:
        conn = self.db.connect(self.name[who], PASSWORD[who])
        self.opened.append(conn)
        return conn

    def url(self, who: str) -> str:
        return self.db.tcp_url(self.name[who], PASSWORD[who])

    def su(self) -> psycopg.Connection[Any]:
        conn = self.db.superuser()
        self.opened.append(conn)
        return conn


@pytest.fixture
def lab(pg_db: PgDatabase) -> Iterator[Lab]:
    server.init(pg_db.url, default_codebook())
    names = {who: pg_db.role(who) for who in PASSWORD}
    for who, name in names.items():
        server.add_coder(pg_db.url, name, PASSWORD[who], lead=who == "lena")
    article, other = seed_articles(pg_db.url, [("Reuters", {}), ("AP", {})])
    with pg_db.superuser() as su:
        sentence = su.execute("SELECT id FROM sentence WHERE article_id = %s", (article,))
        code = su.execute("SELECT min(id) FROM code").fetchone()
        ids = dict(su.execute("SELECT name, id FROM coder").fetchall())
        found = Lab(
            db=pg_db,
            name=names,
            article=article,
            other_article=other,
            sentence=sentence.fetchone()[0],  # type: ignore[index]
            code=code[0],  # type: ignore[index]
            ids={who: ids[name] for who, name in names.items()},
        )
    yield found
    for conn in found.opened:
        conn.close()


def insert_label(conn: psycopg.Connection[Any], lab: Lab, coder: str) -> int:
    row = conn.execute(
        "INSERT INTO label (sentence_id, code_id, coder_id, created_at, codebook_version) "
        "VALUES (%s, %s, %s, now(), 1) RETURNING id",
        (lab.sentence, lab.code, lab.ids[coder]),
    ).fetchone()
    assert row is not None
    return int(row[0])


def insert_own_row(conn: psycopg.Connection[Any], lab: Lab, table: str, coder: str) -> None:
    """One row of ``table`` belonging to ``coder``."""
    cid, sentence, article, code = lab.ids[coder], lab.sentence, lab.article, lab.code
    statements = {
        "label": (
            "INSERT INTO label (sentence_id, code_id, coder_id, created_at, codebook_version) "
            "VALUES (%s, %s, %s, now(), 1)",
            (sentence, code, cid),
        ),
        "label_event": (
            "INSERT INTO label_event (at, coder_id, sentence_id, code_id, action, batch) "
            "VALUES (now(), %s, %s, %s, 'add', '')",
            (cid, sentence, code),
        ),
        "article_status": (
            "INSERT INTO article_status (article_id, coder_id, status, updated_at) "
            "VALUES (%s, %s, 1, now())",
            (article, cid),
        ),
        "memo": (
            "INSERT INTO memo (coder_id, article_id, text, updated_at) VALUES (%s, %s, 'x', now())",
            (cid, article),
        ),
        "selection": (
            'INSERT INTO selection (article_id, coder_id, code_id, start, "end", origin, '
            "source_guid, source_start, source_end, guid, created_at) "
            "VALUES (%s, %s, %s, 0, 3, '', '', 0, 3, '', '')",
            (article, cid, code),
        ),
    }
    sql, params = statements[table]
    conn.execute(sql, params)


def visible_coders(conn: psycopg.Connection[Any], table: str) -> set[int]:
    return {row[0] for row in conn.execute(f"SELECT coder_id FROM {table}")}


# -- writing one's own rows, and no one else's ------------------------------------------------


@pytest.mark.parametrize("table", [*OWN_ROWS, "selection"])
def test_a_coder_writes_rows_of_their_own(lab: Lab, table: str) -> None:
    insert_own_row(lab.as_("anna"), lab, table, "anna")
    assert visible_coders(lab.su(), table) == {lab.ids["anna"]}


@pytest.mark.parametrize("table", [*OWN_ROWS, "selection"])
def test_a_coder_cannot_write_a_row_under_another_coders_name(lab: Lab, table: str) -> None:
    with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
        insert_own_row(lab.as_("anna"), lab, table, "ben")
    assert visible_coders(lab.su(), table) == set()


@pytest.mark.parametrize("blind", [True, False])
def test_a_coder_cannot_change_or_delete_another_coders_label(lab: Lab, blind: bool) -> None:
    ben_label = insert_label(lab.as_("ben"), lab, "ben")
    server.set_blind(lab.db.url, blind)
    anna = lab.as_("anna")
    changed = anna.execute("UPDATE label SET code_id = code_id WHERE id = %s", (ben_label,))
    deleted = anna.execute("DELETE FROM label WHERE id = %s", (ben_label,))
    assert (changed.rowcount, deleted.rowcount) == (0, 0)
    still = lab.su().execute("SELECT coder_id FROM label WHERE id = %s", (ben_label,)).fetchone()
    assert still == (lab.ids["ben"],)


def test_a_coder_cannot_hand_their_label_to_another_coder(lab: Lab) -> None:
    anna = lab.as_("anna")
    own = insert_label(anna, lab, "anna")
    with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
        anna.execute("UPDATE label SET coder_id = %s WHERE id = %s", (lab.ids["ben"], own))


def test_a_coder_changes_and_deletes_their_own_label(lab: Lab) -> None:
    anna = lab.as_("anna")
    own = insert_label(anna, lab, "anna")
    assert anna.execute("UPDATE label SET codebook_version = 1 WHERE id = %s", (own,)).rowcount == 1
    assert anna.execute("DELETE FROM label WHERE id = %s", (own,)).rowcount == 1


FLAG = {
    "label_review": "INSERT INTO label_review (label_id, reason, flagged_at) "
    "VALUES (%s, '', now())",
    "partial_label": "INSERT INTO partial_label (label_id) VALUES (%s)",
}


@pytest.mark.parametrize("table", sorted(FLAG))
def test_a_coder_flags_only_their_own_labels(lab: Lab, table: str) -> None:
    anna_label = insert_label(lab.as_("anna"), lab, "anna")
    ben_label = insert_label(lab.as_("ben"), lab, "ben")
    anna = lab.as_("anna")
    insert = FLAG[table]
    anna.execute(insert, (anna_label,))
    with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
        anna.execute(insert, (ben_label,))


def test_a_coder_adds_only_their_own_coder_row(lab: Lab) -> None:
    anna = lab.as_("anna")
    lab.su().execute("DELETE FROM coder WHERE id = %s", (lab.ids["anna"],))
    with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
        anna.execute("INSERT INTO coder (name, created_at) VALUES ('mallory', now())")
    anna.execute("INSERT INTO coder (name, created_at) VALUES (session_user, now())")
    row = anna.execute("SELECT annotator_coder_id() IS NOT NULL").fetchone()
    assert row == (True,)


# -- blind and unblinded reading --------------------------------------------------------------


@pytest.fixture
def both_coded(lab: Lab) -> Lab:
    for who in ("anna", "ben"):
        for table in OWN_ROWS:
            insert_own_row(lab.as_(who), lab, table, who)
    return lab


@pytest.mark.parametrize("table", OWN_ROWS)
def test_while_blind_a_coder_reads_only_their_own_rows(both_coded: Lab, table: str) -> None:
    assert server.is_blind(both_coded.db.url)  # a server project starts blind
    assert visible_coders(both_coded.as_("anna"), table) == {both_coded.ids["anna"]}


@pytest.mark.parametrize("table", OWN_ROWS)
def test_unblinded_a_coder_reads_everyones_rows(both_coded: Lab, table: str) -> None:
    server.set_blind(both_coded.db.url, False)
    ids = both_coded.ids
    assert visible_coders(both_coded.as_("anna"), table) == {ids["anna"], ids["ben"]}
    server.set_blind(both_coded.db.url, True)
    assert visible_coders(both_coded.as_("anna"), table) == {ids["anna"]}


def test_while_blind_a_coder_sees_no_flags_on_another_coders_labels(lab: Lab) -> None:
    ben_label = insert_label(lab.as_("ben"), lab, "ben")
    lab.su().execute(
        "INSERT INTO label_review (label_id, reason, flagged_at) VALUES (%s, 'x', now())",
        (ben_label,),
    )
    assert lab.as_("anna").execute("SELECT count(*) FROM label_review").fetchone() == (0,)


# -- what coders may only read ----------------------------------------------------------------

READ_ONLY_WRITES = {
    "insert an article": "INSERT INTO article (uid, title, source, date, url, language, text, "
    "content_hash, meta_json, n_sentences, imported_at) "
    "VALUES ('x', '', '', '', '', '', 'x', 'x', '{}', 0, now())",
    "edit an article": "UPDATE article SET title = 'mine'",
    "delete a sentence": "DELETE FROM sentence",
    "rename a code": "UPDATE code SET name = 'mine'",
    "add a code group": "INSERT INTO code_group (uid, codebook_id, name, multiple, description, "
    "position, active) SELECT 'g', id, 'g', false, '', 9, true FROM codebook",
    "publish a codebook version": "INSERT INTO codebook_version (number, note, published_at, "
    "published_by, changes_json) VALUES (9, '', now(), '', '[]')",
    "unblind the project": "UPDATE annotator_meta SET value = 'off' WHERE key = 'blind'",
    "adjudicate": "INSERT INTO adjudication (sentence_id, group_id, decided_by, decided_at, note) "
    "SELECT s.id, g.id, '', now(), '' FROM sentence s, code_group g LIMIT 1",
    "mark a gold article": "INSERT INTO gold_article "
    "(article_id, gold_coder, marked_by, marked_at) "
    "SELECT id, 'adjudicated', '', now() FROM article LIMIT 1",
    "assign": "INSERT INTO assignment (article_id, coder_id, overlap, assigned_at) "
    "SELECT a.id, c.id, false, now() FROM article a, coder c",
}


@pytest.mark.parametrize("what", sorted(READ_ONLY_WRITES))
def test_a_coder_may_not(lab: Lab, what: str) -> None:
    with pytest.raises(errors.InsufficientPrivilege):
        lab.as_("anna").execute(READ_ONLY_WRITES[what])


@pytest.mark.parametrize(
    "table", ["article", "sentence", "codebook", "code_group", "code", "annotator_meta"]
)
def test_a_coder_reads_articles_and_the_codebook(lab: Lab, table: str) -> None:
    count = lab.as_("anna").execute(f"SELECT count(*) FROM {table}").fetchone()
    assert count is not None and count[0] > 0


def test_a_coder_cannot_assign_through_the_api(lab: Lab) -> None:
    with pytest.raises(ServerPermissionError, match="permission denied"):
        server.assign(lab.url("anna"), [lab.name["anna"], lab.name["ben"]], overlap=0.5)


def test_a_coder_reads_only_their_own_assignments(lab: Lab) -> None:
    server.assign(lab.url("lena"), [lab.name["anna"], lab.name["ben"]], overlap=1.0, seed=1)
    assert visible_coders(lab.as_("anna"), "assignment") == {lab.ids["anna"]}
    assert visible_coders(lab.as_("lena"), "assignment") == {lab.ids["anna"], lab.ids["ben"]}


def test_a_coder_cannot_make_a_temporary_table_to_pose_as_another(lab: Lab) -> None:
    with pytest.raises(errors.InsufficientPrivilege):
        lab.as_("anna").execute("CREATE TEMP TABLE coder (id int, name text)")


# -- the lead ---------------------------------------------------------------------------------


def test_the_lead_writes_any_coders_labels_and_reads_them_while_blind(lab: Lab) -> None:
    lena = lab.as_("lena")
    ben_label = insert_label(lena, lab, "ben")  # e.g. the adjudicated coder's labels
    insert_label(lab.as_("anna"), lab, "anna")
    assert visible_coders(lena, "label") == {lab.ids["anna"], lab.ids["ben"]}
    assert lena.execute("DELETE FROM label WHERE id = %s", (ben_label,)).rowcount == 1


@pytest.mark.parametrize("what", sorted(set(READ_ONLY_WRITES) - {"delete a sentence"}))
def test_the_lead_may(lab: Lab, what: str) -> None:
    lab.as_("lena").execute(READ_ONLY_WRITES[what])


# -- who may connect --------------------------------------------------------------------------


def test_a_removed_coder_can_no_longer_connect(lab: Lab) -> None:
    insert_label(lab.as_("anna"), lab, "anna")
    assert server.remove_coder(lab.db.url, lab.name["anna"]) is True
    with pytest.raises(psycopg.OperationalError):
        lab.as_("anna")
    assert visible_coders(lab.su(), "label") == {lab.ids["anna"]}  # their labels stay


def test_a_role_outside_the_project_cannot_connect(lab: Lab) -> None:
    outsider = lab.db.role("outsider")
    lab.su().execute(f"CREATE ROLE \"{outsider}\" LOGIN PASSWORD 'x'")
    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        lab.db.connect(outsider, "x")


# -- a lead who is not a superuser set the project up -----------------------------------------


def test_an_owner_who_is_no_superuser_sets_up_the_project_and_obeys_the_lead_policy(
    pg_db: PgDatabase,
) -> None:
    owner = pg_db.role("owner")
    with pg_db.superuser() as su:
        su.execute(f"CREATE ROLE \"{owner}\" LOGIN CREATEROLE PASSWORD 'own'")
        su.execute(f'ALTER DATABASE "{pg_db.database}" OWNER TO "{owner}"')
    owner_url = pg_db.tcp_url(owner, "own")
    done = server.init(owner_url, default_codebook())
    assert done.lead == owner
    anna = pg_db.role("anna")
    server.add_coder(owner_url, anna, "pw")
    seed_articles(pg_db.url, [("AP", {})])
    with pg_db.connect(owner, "own") as lead, pg_db.connect(anna, "pw") as coder:
        rls = lead.execute(
            "SELECT bool_and(relforcerowsecurity) FROM pg_class WHERE relname "
            "IN ('label', 'memo', 'assignment')"
        ).fetchone()
        assert rls == (True,)
        ids = dict(lead.execute("SELECT name, id FROM coder").fetchall())
        sentence = lead.execute("SELECT min(id) FROM sentence").fetchone()[0]  # type: ignore[index]
        code = lead.execute("SELECT min(id) FROM code").fetchone()[0]  # type: ignore[index]
        insert = (
            "INSERT INTO label (sentence_id, code_id, coder_id, created_at, codebook_version) "
            "VALUES (%s, %s, %s, now(), 1)"
        )
        lead.execute(insert, (sentence, code, ids[anna]))  # the lead writes any coder's rows
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            coder.execute(insert, (sentence, code, ids[owner]))


def test_init_refuses_the_servers_own_databases() -> None:
    from annotator.storage.server_admin import reserved_database_problem

    for name in ("postgres", "template0", "template1"):
        assert "one of the server's own databases" in (reserved_database_problem(name) or "")
    assert reserved_database_problem("lab_study") is None


def test_init_by_a_role_that_cannot_create_roles_is_refused_and_leaves_the_database_empty(
    pg_db: PgDatabase,
) -> None:
    owner = pg_db.role("owner")
    with pg_db.superuser() as su:
        su.execute(f"CREATE ROLE \"{owner}\" LOGIN PASSWORD 'own'")
        su.execute(f'ALTER DATABASE "{pg_db.database}" OWNER TO "{owner}"')
    with pytest.raises(ServerPermissionError, match="cannot create roles"):
        server.init(pg_db.tcp_url(owner, "own"))
    with pg_db.superuser() as su:
        tables = su.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert tables.fetchone() == (0,)


def test_a_coder_draws_only_from_the_id_sequences_of_tables_they_write(lab: Lab) -> None:
    anna = lab.as_("anna")
    anna.execute("SELECT nextval(pg_get_serial_sequence('label', 'id'))")
    with pytest.raises(errors.InsufficientPrivilege):
        anna.execute("SELECT nextval(pg_get_serial_sequence('article', 'id'))")
