"""Child process for the outage test: labels through the journal and prints each sentence id,
flushed, only once the write returned (every id printed is one the window showed as saved).

usage: offline_coder.py URL JOURNAL  (PGPASSWORD from the environment)

It prints "ready" once connected, labels the first sentences, then waits for SIGUSR1 (sent
once the parent has stopped the server) and labels the rest while the server is away.
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

from annotator.offline_journal import Journal, JournaledTarget
from annotator.project import Project
from annotator.records import LabelChange, Status


def main(url: str, journal: str) -> int:
    go = threading.Event()
    signal.signal(signal.SIGUSR1, lambda *_: go.set())
    with Project.open(url) as p:
        me = p.coder_id("anna")
        code = p.codebook.codes[0].id
        ids = [s.id for s in p.sentences(p.article_ids()[0])]
        target = JournaledTarget(p, Journal(Path(journal)), lambda *_: Status.NOT_STARTED)
        print("ready", flush=True)
        go.wait()
        for sid in ids:
            target.write_changes([LabelChange(sid, code, me, add=True)])
            print(sid, flush=True)
        threading.Event().wait()  # until killed
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
