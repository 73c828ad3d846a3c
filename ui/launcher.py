"""The ``annotator`` entry point: command-line commands, or the desktop app when none is given.

Lives in ``ui`` so that the core never imports Qt; Qt is imported only when the app starts.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from annotator.cli import main as cli_main


def _launch(args: argparse.Namespace) -> int:
    from ui.app import run_app

    return run_app(
        project=args.project,
        coder=args.coder,
        debug=args.debug,
        quit_when_ready=args.quit_when_ready,
    )


def command_line(argv: Sequence[str]) -> list[str]:
    """`annotator study.annotator` means `annotator open study.annotator`: what a file manager or
    macOS (a double-clicked project, through PyInstaller's argv emulation) passes."""
    args = list(argv)
    if len(args) == 1 and args[0].endswith(".annotator") and not args[0].startswith("-"):
        return ["open", args[0]]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    return cli_main(command_line(sys.argv[1:] if argv is None else argv), launch_app=_launch)
