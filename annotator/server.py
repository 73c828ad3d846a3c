"""A shared project on a lab's PostgreSQL server: set it up, add and remove coders, assign
articles, blind and unblind. The rules (who may read and write what) are enforced by the
database itself (see annotator.storage.server_security), so they hold for every client.

Every function takes the project's address, ``postgresql://user[:password]@host[:port]/db``
(libpq's PGPASSWORD and ~/.pgpass work too), and connects as that user: the lead for all but
``coders`` (which a coder may call, and sees only what the policies let them see).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from annotator.assignment_plan import Plan
from annotator.codebook import Codebook, load_codebook
from annotator.names import check_name
from annotator.project import Project
from annotator.records import TeamMember
from annotator.server_errors import ServerError
from annotator.server_urls import is_server_url
from annotator.storage import server_admin as admin
from annotator.storage.assignment_store import assign_articles, team_members
from annotator.storage.assignment_store import assignments as assignment_rows
from annotator.storage.server_security import ROLE_PREFIX, GroupRoles
from annotator.storage.unit_of_work import Session, read_session, write_session

log = logging.getLogger(__name__)

ADJUDICATED = "adjudicated"


@dataclass(frozen=True)
class InitResult:
    database: str
    lead: str
    roles: GroupRoles


#: One coder of a server project as the lead sees them (role "" for a coder row with no
#: login in the project: the "adjudicated" coder, a removed coder).
CoderSummary = TeamMember


def init(url: str, codebook: Codebook | str | Path | None = None) -> InitResult:
    """Create a project in an EMPTY database (refuses one that holds any table); the connecting
    role becomes its lead, and the project starts blind. Needs a role that may create roles
    (CREATEROLE or a superuser) and owns or may create in the database."""
    address = admin.parse_address(url)
    cb = (
        codebook
        if isinstance(codebook, Codebook) or codebook is None
        else load_codebook(Path(codebook))
    )
    lead, roles = admin.init_project(address, cb)
    return InitResult(database=address.database, lead=lead, roles=roles)


def _check_login_name(name: str) -> str:
    check_name("coder", name)
    if not name or name != name.strip():
        raise ServerError(f"coder name {name!r} must not be empty or start or end with a space")
    if len(name.encode()) > 63:
        raise ServerError(f"coder name {name!r} is longer than the server allows (63 bytes)")
    if name == ADJUDICATED or name.startswith(("pg_", ROLE_PREFIX)):
        raise ServerError(f"{name!r} is reserved: choose another coder name")
    return name


def add_coder(url: str, name: str, password: str, lead: bool = False) -> bool:
    """A login for ``name`` with ``password`` (sent to the server only as a SCRAM verifier,
    never logged or stored here), in the project's coder group (or the lead group), and their
    coder row. Returns True if the server had no such user before; an existing user (the same
    person in another project on this server) keeps their role and gets this password."""
    _check_login_name(name)
    if not password:
        raise ServerError("an empty password is not allowed")
    return admin.add_login(admin.parse_address(url), name, password, lead)


def remove_coder(url: str, name: str) -> bool:
    """Take ``name`` out of the project: they can no longer connect to it; their login is
    revoked unless they belong to another project on the server (returns True if revoked).
    Their coder row, labels and history stay."""
    return admin.remove_login(admin.parse_address(url), name)


def coders(url: str) -> list[CoderSummary]:
    """Every coder row with role, assigned / in progress / done counts and labels added in the
    last hour (see storage.assignment_store.team_members)."""
    address = admin.parse_address(url)
    with admin.admin(address) as conn, Session(bind=conn) as session:
        return team_members(session, admin.coder_roles(conn, address.database))


def set_blind(url: str, on: bool) -> None:
    """Blind (coders see only their own labels, statuses and memos) or unblind the project."""
    address = admin.parse_address(url)
    with admin.admin(address) as conn:
        admin.set_blind(conn, on)
    log.info("project %s %s", address.database, "blinded" if on else "unblinded")


def is_blind(url: str) -> bool:
    address = admin.parse_address(url)
    with admin.admin(address) as conn:
        return admin.is_blind(conn)


def assign(
    target: str | Path,
    coders: Sequence[str],
    overlap: float = 0.2,
    seed: int | None = None,
    by: str | None = None,
) -> Plan[str]:
    """Assign every article to exactly one of ``coders`` (balanced) and a reliability sample of
    round(overlap * n) articles, stratified by ``by`` (source, language, date or a meta field)
    when given, to all of them. Replaces earlier assignments; labels are never touched.

    ``target`` is a server address or a project file; the same seed gives the same plan."""
    names = [check_name("coder", n) for n in coders]
    if is_server_url(target):
        address = admin.parse_address(target)
        with admin.admin(address) as conn, Session(bind=conn) as session:
            drawn = assign_articles(session, names, overlap, seed, by)
            session.flush()
        return drawn
    with Project.open(target) as project, write_session(project.engine) as session:
        return assign_articles(session, names, overlap, seed, by)


def assignments(target: str | Path) -> list[tuple[int, str, bool]]:
    """(article id, coder, overlap) rows, by article then coder: all of them for a lead or a
    project file, a coder's own on a server."""
    if is_server_url(target):
        with admin.admin(admin.parse_address(target)) as conn, Session(bind=conn) as session:
            return assignment_rows(session)
    with Project.open(target, read_only=True) as project, read_session(project.engine) as session:
        return assignment_rows(session)
