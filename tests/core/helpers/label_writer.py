"""Child process for the crash and concurrency tests: labels sentences the way the UI does.

usage: label_writer.py PROJECT CODER START STEP COUNT   (PROJECT: a file or a server URL)

Takes the project's sentence ids in order, labels ids[START::STEP][:COUNT] one key press at a
time, alternating ``Project.toggle_command(...).apply(project)`` (the UI's undoable path) and
``Project.add_label`` (the script path), and prints each sentence id to stdout, flushed, only
after the call has returned: every id printed is a label the program told its user was saved.
"""

from __future__ import annotations

import sys
from pathlib import Path

from annotator.project import Project
from annotator.server_urls import is_server_url


def main(argv: list[str]) -> int:
    path, coder, start, step, count = argv[0], argv[1], *map(int, argv[2:5])
    out = sys.stdout
    with Project.open(path if is_server_url(path) else Path(path)) as project:
        code = project.codebook.codes[0]
        ids = [s.id for a in project.article_ids() for s in project.sentences(a)]
        out.write("ready\n")
        out.flush()
        for n, sid in enumerate(ids[start::step][:count]):
            if n % 2:
                project.add_label(sid, code.id, coder)
            else:
                project.toggle_command([sid], code.id, coder).apply(project)
            out.write(f"{sid}\n")
            out.flush()
    out.write("done\n")
    out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
