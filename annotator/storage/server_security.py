"""What the database itself enforces on a shared (PostgreSQL) project: group roles, grants, and
row-level security, so that a coder's own SQL client is held to the same rules as the app.

Roles are cluster-wide, so each project's two group roles are named from its database
(``annot_<db>_lead``, ``annot_<db>_coder``); a person's login role is a member of one of them.
Privileges say which tables a group may touch at all; row-level policies say which rows:

- a coder writes only rows whose coder is themselves (label, label_event, article_status, memo,
  selection; partial_label and label_review through the label they flag) and may insert only
  their own coder row (``name = session_user``);
- while the project is blind (``annotator_meta`` key ``blind``, anything but ``off``) a coder
  reads none of another coder's labels, events, statuses, memos or selections;
- articles, sentences, the codebook and its history, gold articles, adjudications and the meta
  table are read-only to coders (no write privilege at all);
- a coder reads only their own assignment rows;
- the lead reads and writes everything (they adjudicate, which writes the labels of the coder
  "adjudicated", and they unblind).

Policies are FORCEd, so the owner (the role that ran ``server init``, a lead) goes through the
lead policy like any other lead; superusers bypass row-level security by PostgreSQL's design.
The session role is mapped to a coder by ``annotator_coder_id()``, whose body is parsed at
creation (``BEGIN ATOMIC``) with a fixed search path, so a temporary table named ``coder`` cannot
stand in for the real one; coders get no TEMP privilege either.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import Connection

from annotator.storage import tables as t

SCHEMA = "public"
ROLE_PREFIX = "annot_"
MAX_IDENTIFIER = 63  # PostgreSQL's NAMEDATALEN - 1

#: Tables with a coder_id whose rows belong to that coder.
OWN_ROW_TABLES = (
    t.label.name,
    t.label_event.name,
    t.article_status.name,
    t.memo.name,
    t.selection.name,
)
#: Tables keyed by a label: a row belongs to the label's coder.
VIA_LABEL_TABLES = (t.partial_label.name, t.label_review.name)
#: Tables where row-level security decides which rows a role sees or writes.
RLS_TABLES = (*OWN_ROW_TABLES, *VIA_LABEL_TABLES, t.coder.name, t.assignment.name)

CODER_ID_FUNCTION = "annotator_coder_id"
BLIND_FUNCTION = "annotator_blind"
BLIND_KEY = "blind"


@dataclass(frozen=True)
class GroupRoles:
    """The two cluster-wide group roles of one project database."""

    lead: str
    coder: str


def group_roles(database: str) -> GroupRoles:
    """``annot_<db>_lead`` / ``annot_<db>_coder``; a database name that would not fit a role
    name (or holds characters other than letters, digits and _) is shortened and made unique
    with a hash of the full name."""
    clean = re.sub(r"[^a-z0-9_]", "_", database.lower())
    room = MAX_IDENTIFIER - len(ROLE_PREFIX) - len("_coder")
    if clean != database.lower() or len(clean) > room:
        digest = hashlib.sha256(database.encode()).hexdigest()[:8]
        clean = f"{clean[: room - 9]}_{digest}"
    return GroupRoles(lead=f"{ROLE_PREFIX}{clean}_lead", coder=f"{ROLE_PREFIX}{clean}_coder")


def quote_ident(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(name)


def quote_literal(value: str) -> str:
    """A SQL string literal (standard_conforming_strings is on in every supported server)."""
    return "'" + value.replace("'", "''") + "'"


def role_exists(conn: Connection, name: str) -> bool:
    row = conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(n)s", {"n": name})
    return row.first() is not None


def create_group_roles(conn: Connection, roles: GroupRoles) -> None:
    """The two NOLOGIN group roles; kept if they exist (a database dropped and made again)."""
    for name in (roles.lead, roles.coder):
        if not role_exists(conn, name):
            conn.exec_driver_sql(f"CREATE ROLE {quote_ident(conn, name)} NOLOGIN")


def install(conn: Connection, database: str, roles: GroupRoles) -> None:
    """Grants, the SQL functions and the row-level policies, on the schema create_schema made.
    Safe to run again (policies are replaced, grants repeated)."""
    q = {name: quote_ident(conn, name) for name in (roles.lead, roles.coder, database)}
    lead, coder, db = q[roles.lead], q[roles.coder], q[database]
    _grant(conn, db, lead, coder)
    _functions(conn, lead, coder)
    for table in RLS_TABLES:
        conn.exec_driver_sql(f"ALTER TABLE {SCHEMA}.{table} ENABLE ROW LEVEL SECURITY")
        conn.exec_driver_sql(f"ALTER TABLE {SCHEMA}.{table} FORCE ROW LEVEL SECURITY")
        _policy(conn, table, "lead_all", f"FOR ALL TO {lead} USING (true) WITH CHECK (true)")
    # As scalar subqueries, so each is evaluated once per statement (an InitPlan) and
    # ``coder_id = (...)`` can use the coder's index: a bare function call in a policy is
    # evaluated for every row, and made each of a coder's writes scan the whole label table
    # (a 20-coder load test went from a 94 ms to a ... ms median key-to-durable).
    me = f"(SELECT {SCHEMA}.{CODER_ID_FUNCTION}())"
    readable = f"(coder_id = {me} OR NOT (SELECT {SCHEMA}.{BLIND_FUNCTION}()))"
    for table in OWN_ROW_TABLES:
        own = f"(coder_id = {me})"
        _coder_policies(conn, table, coder, readable, own)
    for table in VIA_LABEL_TABLES:
        # The label must be visible to the coder (label's own policy decides) ...
        seen = f"EXISTS (SELECT 1 FROM {SCHEMA}.label l WHERE l.id = label_id)"
        # ... and, to write, be theirs.
        own = f"EXISTS (SELECT 1 FROM {SCHEMA}.label l WHERE l.id = label_id AND l.coder_id = {me})"
        _coder_policies(conn, table, coder, seen, own)
    _policy(conn, t.coder.name, "coder_read", f"FOR SELECT TO {coder} USING (true)")
    _policy(
        conn,
        t.coder.name,
        "coder_insert_self",
        f"FOR INSERT TO {coder} WITH CHECK (name = session_user::text)",
    )
    _policy(
        conn,
        t.assignment.name,
        "coder_read_own",
        f"FOR SELECT TO {coder} USING (coder_id = {me})",
    )


def _grant(conn: Connection, db: str, lead: str, coder: str) -> None:
    run = conn.exec_driver_sql
    run(f"REVOKE ALL ON DATABASE {db} FROM PUBLIC")  # no CONNECT, no TEMP for other roles
    run(f"GRANT CONNECT ON DATABASE {db} TO {lead}, {coder}")
    run(f"REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC")
    run(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {lead}, {coder}")
    run(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {SCHEMA} TO {lead}")
    run(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO {lead}")
    run(f"GRANT SELECT ON ALL TABLES IN SCHEMA {SCHEMA} TO {coder}")
    writable = ", ".join(f"{SCHEMA}.{name}" for name in (*OWN_ROW_TABLES, *VIA_LABEL_TABLES))
    run(f"GRANT INSERT, UPDATE, DELETE ON {writable} TO {coder}")
    run(f"GRANT INSERT ON {SCHEMA}.{t.coder.name} TO {coder}")
    # nextval on the id sequences of the tables a coder inserts into, and no others.
    for table in (t.label, t.label_event, t.memo, t.selection, t.coder):
        sequence = run(
            "SELECT pg_get_serial_sequence(%(t)s, 'id')", {"t": f"{SCHEMA}.{table.name}"}
        ).scalar_one_or_none()
        if sequence is not None:
            run(f"GRANT USAGE ON SEQUENCE {sequence} TO {coder}")


def _functions(conn: Connection, lead: str, coder: str) -> None:
    fixed_path = "SET search_path = pg_catalog, pg_temp"
    conn.exec_driver_sql(
        f"CREATE OR REPLACE FUNCTION {SCHEMA}.{CODER_ID_FUNCTION}() RETURNS integer "
        f"LANGUAGE sql STABLE {fixed_path} BEGIN ATOMIC "
        f"SELECT id FROM {SCHEMA}.{t.coder.name} WHERE name = session_user::text; END"
    )
    conn.exec_driver_sql(
        f"CREATE OR REPLACE FUNCTION {SCHEMA}.{BLIND_FUNCTION}() RETURNS boolean "
        f"LANGUAGE sql STABLE {fixed_path} BEGIN ATOMIC "
        f"SELECT coalesce((SELECT value FROM {SCHEMA}.{t.meta.name} "
        f"WHERE key = {quote_literal(BLIND_KEY)}), 'on') <> 'off'; END"
    )
    for name in (CODER_ID_FUNCTION, BLIND_FUNCTION):
        conn.exec_driver_sql(f"REVOKE ALL ON FUNCTION {SCHEMA}.{name}() FROM PUBLIC")
        conn.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION {SCHEMA}.{name}() TO {lead}, {coder}")


def _coder_policies(conn: Connection, table: str, coder: str, readable: str, own: str) -> None:
    _policy(conn, table, "coder_read", f"FOR SELECT TO {coder} USING ({readable})")
    _policy(conn, table, "coder_insert", f"FOR INSERT TO {coder} WITH CHECK ({own})")
    _policy(conn, table, "coder_update", f"FOR UPDATE TO {coder} USING ({own}) WITH CHECK ({own})")
    _policy(conn, table, "coder_delete", f"FOR DELETE TO {coder} USING ({own})")


def _policy(conn: Connection, table: str, name: str, body: str) -> None:
    conn.exec_driver_sql(f"DROP POLICY IF EXISTS annot_{name} ON {SCHEMA}.{table}")
    conn.exec_driver_sql(f"CREATE POLICY annot_{name} ON {SCHEMA}.{table} {body}")
