"""``annotator server ...`` and ``annotator assign`` driven as a lab's lead would, against a
real server; each refusal is one line a user can act on."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from annotator.cli import main
from tests.core.server_fixtures import PgDatabase, pg_db, seed_articles

__all__ = ["pg_db"]


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(
    pg_db: PgDatabase, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> PgDatabase:
    code, _out, err = run(capsys, mp, "server", "init", pg_db.url)
    assert (code, err) == (0, ""), err
    return pg_db


@pytest.fixture
def mp(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    return monkeypatch


def test_init_makes_the_caller_lead_of_a_blind_project(
    pg_db: PgDatabase, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(capsys, mp, "server", "init", pg_db.url)
    assert code == 0
    assert f"project created in database {pg_db.database}" in out and "blind: on" in out
    code, out, _ = run(capsys, mp, "server", "coders", pg_db.url)
    assert code == 0 and "lead" in out.splitlines()[1]


def test_add_coder_reads_the_password_from_stdin_and_the_coder_logs_in_with_it(
    project: PgDatabase, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    anna = project.role("anna")
    code, out, err = run(capsys, mp, "server", "add-coder", project.url, anna, stdin="s3cret\n")
    assert (code, out.strip(), err) == (0, f"{anna} added as coder", "")
    with project.connect(anna, "s3cret") as conn:
        assert conn.execute("SELECT session_user").fetchone() == (anna,)
    code, out, _ = run(capsys, mp, "server", "coders", project.tcp_url(anna, "s3cret"))
    assert code == 0 and anna in out


def test_the_password_is_never_in_the_log(
    project: PgDatabase,
    capsys: pytest.CaptureFixture[str],
    mp: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    anna = project.role("anna")
    run(capsys, mp, "--debug", "server", "add-coder", project.url, anna, stdin="Tr0ub4dor&3\n")
    logs = tmp_path_factory.getbasetemp() / "logs"
    written = "".join(p.read_text(errors="replace") for p in logs.rglob("*") if p.is_file())
    assert anna in written and "Tr0ub4dor&3" not in written


def test_coders_lists_role_and_progress(
    project: PgDatabase, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    anna, ben = project.role("anna"), project.role("ben")
    run(capsys, mp, "server", "add-coder", project.url, anna, stdin="pw\n")
    run(capsys, mp, "server", "add-coder", project.url, ben, "--lead", stdin="pw\n")
    seed_articles(project.url, [("AP", {}) for _ in range(4)])
    code, out, _ = run(
        capsys,
        mp,
        "assign",
        project.url,
        "--coders",
        f"{anna},{ben}",
        "--overlap",
        "0.5",
        "--seed",
        "1",
    )
    assert code == 0
    assert out.splitlines()[0] == "4 articles: 2 coded by all 2 coders"
    with project.superuser() as su:
        anna_id = su.execute("SELECT id FROM coder WHERE name = %s", (anna,)).fetchone()[0]  # type: ignore[index]
        articles = [r[0] for r in su.execute("SELECT id FROM article ORDER BY id")]
        su.execute(
            "INSERT INTO article_status (article_id, coder_id, status, updated_at) "
            "VALUES (%s, %s, 1, now()), (%s, %s, 2, now())",
            (articles[0], anna_id, articles[1], anna_id),
        )
        # Stored as naive UTC, as the app writes them: three adds in the last hour count, an
        # older add and a removal do not.
        for action, minutes_ago in [
            ("add", 5),
            ("add", 20),
            ("add", 50),
            ("add", 90),
            ("remove", 1),
        ]:
            su.execute(
                "INSERT INTO label_event (at, coder_id, sentence_id, code_id, action, batch) "
                "VALUES ((now() AT TIME ZONE 'UTC') - make_interval(mins => %s), %s, 1, 1, %s, '')",
                (minutes_ago, anna_id, action),
            )
    code, out, _ = run(capsys, mp, "server", "coders", project.url)
    lines = {line.split()[0]: line.split() for line in out.splitlines()[1:]}
    assert lines[anna][1:] == ["coder", "3", "1", "1", "3"]
    assert lines[ben][1:] == ["lead", "3", "0", "0", "0"]


def test_blind_off_and_on(
    project: PgDatabase, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    from annotator import server

    assert run(capsys, mp, "server", "blind", project.url, "off")[0] == 0
    assert server.is_blind(project.url) is False
    assert run(capsys, mp, "server", "blind", project.url, "on")[0] == 0
    assert server.is_blind(project.url) is True


def test_remove_coder_ends_their_access(
    project: PgDatabase, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    anna = project.role("anna")
    run(capsys, mp, "server", "add-coder", project.url, anna, stdin="pw\n")
    code, out, _ = run(capsys, mp, "server", "remove-coder", project.url, anna)
    assert code == 0 and "login revoked" in out and "labels stay" in out
    code, _, err = run(capsys, mp, "server", "coders", project.tcp_url(anna, "pw"))
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1


# -- one-line errors ------------------------------------------------------------------------


def one_line_error(code: int, err: str) -> str:
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1, err
    return err


def test_a_database_that_is_not_empty_is_refused(
    pg_db: PgDatabase, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    with pg_db.superuser() as su:
        su.execute("CREATE TABLE survey (id int)")
    code, _, err = run(capsys, mp, "server", "init", pg_db.url)
    assert "is not empty (it holds tables: survey)" in one_line_error(code, err)


def test_a_second_init_is_refused(
    project: PgDatabase, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, mp, "server", "init", project.url)
    assert "already holds an annotator project" in one_line_error(code, err)


def test_an_unreachable_server(capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch) -> None:
    url = "postgresql://anna:pw@127.0.0.1:1/lab"
    code, _, err = run(capsys, mp, "server", "coders", url)
    assert "cannot reach the server at 127.0.0.1:1: Connection refused" in one_line_error(code, err)


def test_a_wrong_password(
    project: PgDatabase, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    anna = project.role("anna")
    run(capsys, mp, "server", "add-coder", project.url, anna, stdin="right\n")
    code, _, err = run(capsys, mp, "server", "coders", project.tcp_url(anna, "wrong"))
    assert f"refused the login of {anna}: wrong password" in one_line_error(code, err)


@pytest.mark.parametrize(
    "argv",
    [
        ["assign", "{url}", "--coders", "{anna}"],
        ["server", "blind", "{url}", "off"],
        ["server", "add-coder", "{url}", "mallory_{token}"],
    ],
    ids=["assign", "unblind", "add-coder"],
)
def test_a_coder_is_refused_lead_work(
    project: PgDatabase, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch, argv: list[str]
) -> None:
    anna = project.role("anna")
    project.role("mallory")
    run(capsys, mp, "server", "add-coder", project.url, anna, stdin="pw\n")
    url = project.tcp_url(anna, "pw")
    filled = [a.format(url=url, anna=anna, token=project.token) for a in argv]
    code, _, err = run(capsys, mp, *filled, stdin="pw\n")
    assert one_line_error(code, err).startswith("error: permission denied")


def test_a_missing_database(
    pg_db: PgDatabase, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    url = pg_db.su.set(database=f"{pg_db.database}_missing").render_as_string(hide_password=False)
    code, _, err = run(capsys, mp, "server", "init", url)
    assert "create it first (createdb" in one_line_error(code, err)


def test_the_server_command_runs_as_a_program(project: PgDatabase) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "server", "coders", project.url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout.startswith("coder")
