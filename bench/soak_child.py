"""Child process of the fault campaign (bench/soak_faults.py): one operation, reporting on stdout.

usage: soak_child.py OPERATION PROJECT [ARGS...]

It works through the public Python API (the calls the app and the CLI make) and writes, flushed:
``ready`` once the project is open, ``p`` for every progress callback (the parent kills after a
random number of these), ``ack ...`` only after a call has returned (a promise the program made:
"this is saved"), and ``done`` at the end. The parent SIGKILLs it at random points, so nothing
here gets to tidy up.

Operations:
  label PROJECT CODER START COUNT   label sentences START.. one key press at a time
  import PROJECT FOLDER             import a folder of text files
  merge PROJECT OTHER               merge another coder's project file
  labels PROJECT FILE               import a long-layout label file
  export PROJECT TARGET             export labels (the format follows the suffix)
  backup PROJECT COUNT              take COUNT backups, one after another
  relabel PROJECT SID CODE CODER HOW   (two writers) give one sentence a code, HOW = add
                                    (add_label) or toggle (planned at the key press, as the UI
                                    does, applied after "go"); then, after "look", print what
                                    the sentence has

A refused change (an AnnotatorError) is printed as one ``error: ...`` line on stderr, exit 1,
as the CLI and the app show it.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from annotator.errors import AnnotatorError  # noqa: E402
from annotator.logs import configure_logging  # noqa: E402
from annotator.project import Project  # noqa: E402


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def progress(_done: int, _total: int) -> None:
    say("p")


def label(project: Project, coder: str, start: int, count: int) -> None:
    code = project.codebook.codes[0]
    ids = [s.id for a in project.article_ids() for s in project.sentences(a)]
    say("ready")
    for n, sid in enumerate(ids[start : start + count]):
        if n % 2:
            project.add_label(sid, code.id, coder)
        else:
            project.toggle_command([sid], code.id, coder).apply(project)
        say(f"ack {sid}")


def relabel(project: Project, sid: int, code: str, coder: str, how: str) -> None:
    command = project.toggle_command([sid], code, coder) if how == "toggle" else None
    say("ready")
    sys.stdin.readline()  # "go": both writers start together
    if command is not None:
        command.apply(project)
    else:
        project.add_label(sid, code, coder)
    say("ack")
    sys.stdin.readline()  # "look": both have written
    aid = project.sentence(sid).article_id
    say("sees " + ",".join(sorted(c for _, c in project.labels(aid, [coder]).get(sid, []))))


def main(argv: list[str]) -> int:
    configure_logging()  # as the app and the CLI do: warnings go to the log file
    try:
        return run(argv)
    except AnnotatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def run(argv: list[str]) -> int:
    op, path = argv[0], Path(argv[1])
    rest = argv[2:]
    with Project.open(path) as project:
        if op == "label":
            label(project, rest[0], int(rest[1]), int(rest[2]))
        elif op == "import":
            say("ready")
            report = project.import_paths([Path(rest[0])], progress=progress)
            say(f"ack {report.imported}")
        elif op == "merge":
            say("ready")
            merged = project.merge([Path(rest[0])], progress=progress)
            say(f"ack {merged.labels_added}")
        elif op == "labels":
            say("ready")
            imported = project.import_labels(Path(rest[0]), progress=progress)
            say(f"ack {imported.summary()}")
        elif op == "export":
            say("ready")
            rows = project.export(Path(rest[0]), progress=progress)
            say(f"ack {rows}")
        elif op == "backup":
            say("ready")
            for _ in range(int(rest[0])):
                say(f"ack {project.backup()}")
        elif op == "relabel":
            relabel(project, int(rest[0]), rest[1], rest[2], rest[3])
        else:
            raise SystemExit(f"unknown operation {op}")
    say("done")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
