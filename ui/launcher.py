"""The ``annotator`` entry point: command-line commands, or the desktop app when none is given.

Lives in ``ui`` so that the core never imports Qt; Qt is imported only when the app starts.
"""

from __future__ import annotations

import argparse
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


def main(argv: Sequence[str] | None = None) -> int:
    return cli_main(argv, launch_app=_launch)
