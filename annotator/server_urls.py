"""Where a project lives: a file path, or a PostgreSQL URL (``postgresql://user@host/db``).

Everything that accepts a project file accepts a server URL too; this module is the one test of
which it is, and the one place that turns a URL into a name fit to show. A password never
appears in a name: passwords come from libpq (``~/.pgpass``, ``PGPASSFILE``, ``PGPASSWORD``), and
one written into a URL anyway is dropped from every name, message and log line.
"""

from __future__ import annotations

from typing import TypeGuard
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: The URL schemes a user may write; every one means PostgreSQL through psycopg.
SERVER_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
DRIVER_SCHEME = "postgresql+psycopg"


def is_server_url(text: object) -> TypeGuard[str]:
    """True if ``text`` names a PostgreSQL database (a URL), not a project file."""
    if not isinstance(text, str):
        return False
    scheme, sep, _rest = text.partition("://")
    return bool(sep) and scheme.lower() in SERVER_SCHEMES


def _without_password(url: str) -> tuple[str, str, str, str, str, list[tuple[str, str]]]:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "password"]
    user = parts.username or ""
    host = parts.hostname or ""
    port = str(parts.port) if parts.port else ""
    return parts.scheme, user, host, port, parts.path.lstrip("/"), query


def safe_url(url: str) -> str:
    """The URL as a user wrote it, less any password (in the user part or the query)."""
    scheme, user, host, port, db, query = _without_password(url)
    netloc = (f"{user}@" if user else "") + host + (f":{port}" if port else "")
    return urlunsplit((scheme, netloc, f"/{db}", urlencode(query, safe="/"), ""))


def driver_url(url: str) -> str:
    """The URL SQLAlchemy needs: the psycopg driver named (users write plain ``postgresql://``).

    The password, if the user wrote one, stays: libpq needs it; it is never shown."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in SERVER_SCHEMES:
        raise ValueError("not a PostgreSQL URL")
    return f"{DRIVER_SCHEME}://{rest}"


def database_name(url: str) -> str:
    """The database a URL names ('' when it names none: libpq then takes the user's name)."""
    return _without_password(url)[4]


def display_name(url: str) -> str:
    """A short name for a server project: ``db on host`` (``db`` alone for the local socket).

    It has no slash, so it also serves as ``Project.path``'s name for a server project."""
    _scheme, user, host, port, db, query = _without_password(url)
    params = dict(query)
    host = params.get("host", host)
    port = params.get("port", port)
    db = db or params.get("dbname", "") or user or "postgres"
    if not host or host.startswith("/"):
        return db
    return f"{db} on {host}" + (f":{port}" if port else "")
