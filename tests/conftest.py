"""Fixtures shared by core and UI tests: real project files in tmp_path, and real databases on a
PostgreSQL server (``pg_url``; ``backend`` runs a test on a project file and on a server)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or skip the test saying why (a lone clone has no shared/)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (shared test material is only beside the main checkout)")
    return path


@pytest.fixture(autouse=True)
def _isolated_logs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANNOTATOR_LOG_DIR", str(tmp_path_factory.getbasetemp() / "logs"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: in a BOTH_BACKENDS module, a test about project files only"
    )


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """In a module that sets ``BOTH_BACKENDS = True``, every test that makes its project with
    make_project runs twice: on a project file and on a PostgreSQL server (``backend``), unless
    it is marked sqlite_only (it is about files: headers, WAL, permissions, backups)."""
    if (
        getattr(metafunc.module, "BOTH_BACKENDS", False)
        and "make_project" in metafunc.fixturenames
        and "backend" not in metafunc.fixturenames
        and metafunc.definition.get_closest_marker("sqlite_only") is None
    ):
        metafunc.fixturenames.append("backend")
        metafunc.parametrize("backend", BACKENDS, indirect=True)


NO_SERVER = (
    "no PostgreSQL server: install postgresql or set ANNOTATOR_TEST_PG_URL "
    "(.ci/postgres start DIR prints one)"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def pg_superuser_url() -> Iterator[str]:
    """A superuser URL of a PostgreSQL server: ANNOTATOR_TEST_PG_URL, or a private server this
    test process starts (.ci/postgres, on a free port of its own) and stops at the end. Without
    either the server tests skip -- or fail, where ANNOTATOR_REQUIRE_PG=1 (CI) says they must run.
    """
    given = os.environ.get("ANNOTATOR_TEST_PG_URL")
    if given:
        yield given
        _wait_for_drops()
        return
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        if os.environ.get("ANNOTATOR_REQUIRE_PG") == "1":
            pytest.fail(NO_SERVER)
        pytest.skip(NO_SERVER)
    folder = tempfile.mkdtemp(prefix="annotator-pg-")
    os.chmod(folder, 0o755)  # the server runs as the postgres user
    script = str(REPO / ".ci" / "postgres")
    env = {**os.environ, "ANNOTATOR_PG_PORT": str(_free_port())}
    started = subprocess.run(
        ["bash", script, "start", folder], env=env, capture_output=True, text=True, check=False
    )
    if started.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"could not start a PostgreSQL server: {started.stderr.strip()}")
    try:
        yield started.stdout.strip().splitlines()[-1]
        _wait_for_drops()
    finally:
        subprocess.run(["bash", script, "stop", folder], env=env, check=False)
        shutil.rmtree(folder, ignore_errors=True)


#: Test databases are dropped in the background: a drop waits on the server's disk for a second
#: or so, and the next test need not wait with it. pg_superuser_url waits for them at the end.
_dropper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drop-test-database")
_drops: list[Future[None]] = []


def _drop_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def drop_later(server: str, name: str) -> None:
    _drops.append(_dropper.submit(_drop_database, server, name))


def _wait_for_drops() -> None:
    for done in _drops:
        done.result()
    _drops.clear()


def database_url(server_url: str, database: str) -> str:
    """``server_url`` naming another database on the same server."""
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{database}"))


@pytest.fixture
def pg_url(pg_superuser_url: str) -> Iterator[str]:
    """A fresh, empty database for this test (dropped after it), as a URL for Project.create."""
    import psycopg

    name = f"annotator_t_{uuid.uuid4().hex}"
    with psycopg.connect(pg_superuser_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield database_url(pg_superuser_url, name)
    finally:
        drop_later(pg_superuser_url, name)


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture
def pg_schema_url(request: pytest.FixtureRequest, pg_superuser_url: str, pg_template: str) -> str:
    """A fresh database that holds a new project's schema (a copy of pg_template), as a URL."""
    return _fresh_database(request, pg_superuser_url, pg_template)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Run the test once on a project file and once on a PostgreSQL server; make_project,
    new_project and project_location follow it."""
    return str(request.param)


@pytest.fixture
def project_location(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[str], str | Path]:
    """Factory: project_location(name) -> where a new project goes on the test's backend: a file
    in tmp_path, or (with ``backend`` "postgresql") a fresh database's URL."""
    backend = request.getfixturevalue("backend") if "backend" in request.fixturenames else "sqlite"

    def location(name: str = "p") -> str | Path:
        if backend == "postgresql":
            server = request.getfixturevalue("pg_superuser_url")
            return _fresh_database(request, server)
        return tmp_path / f"{name}.annotator"

    return location


@pytest.fixture(scope="session")
def pg_template(pg_superuser_url: str) -> Iterator[str]:
    """A database holding a new project's schema (no codebook), made once per test process:
    PostgreSQL's DDL for the schema takes about a second, a copy of this database a tenth."""
    import psycopg

    from annotator import Project

    name = f"annotator_tpl_{uuid.uuid4().hex}"
    with psycopg.connect(pg_superuser_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        Project.create(database_url(pg_superuser_url, name)).close()
        yield name
    finally:
        with psycopg.connect(pg_superuser_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _fresh_database(
    request: pytest.FixtureRequest, server: str, template: str | None = None
) -> str:
    import psycopg

    name = f"annotator_t_{uuid.uuid4().hex}"
    copy = f" TEMPLATE {template}" if template else ""
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}{copy}")

    request.addfinalizer(lambda: drop_later(server, name))
    return database_url(server, name)


@pytest.fixture
def make_project(
    request: pytest.FixtureRequest, project_location: Callable[[str], str | Path]
) -> Iterator[Callable[..., object]]:
    """Factory: make_project(name="p", demo=False, codebook=default) -> an open Project, a file
    in tmp_path (or a server database, when the test uses the ``backend`` fixture: a copy of
    pg_template, which is what Project.create writes, opened and given the codebook)."""
    from annotator import Project
    from annotator.codebook import default_codebook

    opened: list[Project] = []
    on_server = "backend" in request.fixturenames and request.getfixturevalue("backend") != "sqlite"

    def factory(name: str = "p", demo: bool = False, codebook: object = "default") -> Project:
        cb = default_codebook() if codebook == "default" else codebook
        if demo:
            from annotator.demo import build_demo

            project = build_demo(project_location(name))  # type: ignore[arg-type]
        elif on_server:
            server = request.getfixturevalue("pg_superuser_url")
            template = request.getfixturevalue("pg_template")
            project = Project.open(_fresh_database(request, server, template))
            if cb is not None:
                project.load_codebook(cb)  # type: ignore[arg-type]
        else:
            project = Project.create(project_location(name), codebook=cb)  # type: ignore[arg-type]
        opened.append(project)
        return project

    yield factory
    for p in opened:
        p.close()


@pytest.fixture
def new_project(make_project: Callable[..., object], backend: str) -> object:
    """A fresh project with the default codebook on each backend (a file, a server database)."""
    return make_project()


@pytest.fixture
def sample_texts() -> list[str]:
    return [
        "Troops advanced on Monday. The ministry denied it.\n\nTalks resume in Geneva.",
        'Dr. Ilse Varga said strikes would increase. "We are ready," he said.',
    ]
