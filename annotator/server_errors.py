"""Typed failures of a shared (PostgreSQL) project, each one line a lab can act on."""

from __future__ import annotations

from annotator.errors import AnnotatorError


class ServerError(AnnotatorError):
    """The project's database server refused or could not do what was asked."""


class ServerUnreachableError(ServerError):
    """No server answered at the address (down, wrong host or port, a firewall)."""


class ServerLoginError(ServerError):
    """The server answered but refused the login (wrong password, unknown user)."""


class ServerPermissionError(ServerError):
    """Logged in, but this role may not do that (a coder writing the codebook, ...)."""


class DatabaseNotEmptyError(ServerError):
    """``server init`` was pointed at a database that already holds tables."""


class NoSuchDatabaseError(ServerError):
    """The database named in the address does not exist on the server."""
