"""Child process for test_wal_deleted: labels, waits while its -wal is deleted, labels on.

usage: wal_victim.py PROJECT FIRST THEN

Labels the project's first FIRST sentences (printing ``ack SID`` after each call returned), prints
``wait`` and reads a line from stdin (the test deletes the side files meanwhile), then tries the
next THEN sentences, printing ``ack SID`` or ``refused MESSAGE`` for each, then ``idle``, and
sleeps until it is killed: the test then sees what a crash at that moment would have kept.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from annotator.errors import ChangeNotSavedError
from annotator.project import Project


def main(argv: list[str]) -> int:
    path, first, then = Path(argv[0]), int(argv[1]), int(argv[2])
    project = Project.open(path)
    ids = [s.id for a in project.article_ids() for s in project.sentences(a)]
    for sid in ids[:first]:
        project.add_label(sid, "Denial", "anna")
        print(f"ack {sid}", flush=True)
    print("wait", flush=True)
    sys.stdin.readline()
    for sid in ids[first : first + then]:
        try:
            project.add_label(sid, "Denial", "anna")
        except ChangeNotSavedError as exc:
            print(f"refused {exc}", flush=True)
        else:
            print(f"ack {sid}", flush=True)
    print("idle", flush=True)
    time.sleep(120)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
