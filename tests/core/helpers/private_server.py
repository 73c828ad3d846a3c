"""A PostgreSQL server of the benchmark's own (started with .ci/postgres), so that it can be
stopped and started in the middle of a run without touching anyone else's server."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / ".ci" / "postgres"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PrivateServer:
    folder: Path
    port: int
    superuser_url: str = ""

    def _run(self, action: str) -> str:
        env = {**os.environ, "ANNOTATOR_PG_PORT": str(self.port)}
        done = subprocess.run(
            [str(SCRIPT), action, str(self.folder)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout.strip()

    def start(self) -> None:
        self.superuser_url = self._run("start")

    def stop(self) -> None:
        self._run("stop")

    def database_url(self, database: str, user: str = "postgres") -> str:
        """The URL of a database: the superuser through the socket, a coder over TCP."""
        if user == "postgres":
            return f"postgresql://postgres@/{database}?host={self.folder}/socket&port={self.port}"
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"


@contextlib.contextmanager
def private_server() -> Iterator[PrivateServer]:
    with tempfile.TemporaryDirectory(prefix="annotator-pg-") as tmp:
        folder = Path(tmp)
        folder.chmod(0o755)
        server = PrivateServer(folder, free_port())
        server.start()
        try:
            yield server
        finally:
            with contextlib.suppress(subprocess.CalledProcessError):
                server.stop()
