"""The frozen app's entry point: the same ``ui.launcher.main`` as the installed ``annotator``
command, so the built binary starts the desktop app with no command and runs the command line with
one, exactly as the source does."""

import multiprocessing

if __name__ == "__main__":
    # The import's worker processes are spawned (always on Windows and macOS, and from the app on
    # Linux): in a frozen app each child re-runs this file, and freeze_support turns it into the
    # worker instead of a second app.
    multiprocessing.freeze_support()
    from ui.launcher import main

    raise SystemExit(main())
