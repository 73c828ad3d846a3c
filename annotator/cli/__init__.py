"""The command line: a thin layer over annotator.project. Each command group is one module.

``main`` takes an optional ``launch_app`` so that the desktop app (in ``ui``) can be started by the
same ``annotator`` command without the core ever importing Qt.
"""

from __future__ import annotations

import argparse
import importlib
import io
import logging
import sys
from collections.abc import Callable, Sequence

from annotator import __version__
from annotator.errors import AnnotatorError
from annotator.logs import configure_logging
from annotator.names import name_problem

log = logging.getLogger(__name__)

#: modules that each define ``register(subparsers)``; their handlers return an exit code.
COMMAND_MODULES = (
    "annotator.cli.project_cmds",
    "annotator.cli.agreement_cmd",
    "annotator.cli.exchange_cmds",
    "annotator.cli.duplicates_cmd",
    "annotator.cli.stats_cmd",
    "annotator.cli.sync_cmds",
    "annotator.cli.server_cmds",
    "annotator.cli.gold_cmds",
)

AppLauncher = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Code news articles sentence by sentence and measure inter-coder agreement. "
        "With no command, starts the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="log verbosely (to the log file and stderr)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p_open = sub.add_parser("open", help="open a project in the desktop app")
    p_open.add_argument("project", nargs="?", help="project file (.annotator) or PostgreSQL URL")
    p_open.add_argument("--coder", help="code as this coder")
    p_open.add_argument(
        "--quit-when-ready",
        action="store_true",
        help="print 'window ready' once the window is shown, then close it (for smoke tests "
        "of an installed build and start-up timing)",
    )
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _print_any_file_name() -> None:
    """A file name that is not valid UTF-8 reaches Python with its bad bytes as lone surrogates;
    printed to a strict UTF-8 terminal (en_US.UTF-8) it raised "surrogates not allowed" and
    ended the command with a traceback. Such characters are written as the bytes they stand for,
    as Python already does under the C locale and as `ls` does."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="surrogateescape")


def main(argv: Sequence[str] | None = None, launch_app: AppLauncher | None = None) -> int:
    _print_any_file_name()
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    configure_logging(debug=args.debug)
    if args.command in (None, "open"):
        if launch_app is None:
            print(
                "error: the desktop app is started by the installed `annotator` command "
                "(ui.launcher); this entry point runs only the command line",
                file=sys.stderr,
            )
            return 2
        if args.command is None:
            args.project, args.coder, args.quit_when_ready = None, None, False
        problem = name_problem(args.coder.strip()) if args.coder else None
        if problem is not None:
            print(f"error: --coder: coder name {problem}", file=sys.stderr)
            return 2
        return launch_app(args)
    try:
        return int(args.handler(args))
    except AnnotatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`annotator info x | head`): not an error worth a message.
        sys.stderr.close()
        return 0
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
