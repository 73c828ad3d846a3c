"""Child process that holds a project file's write lock (BEGIN EXCLUSIVE) until stdin closes.

usage: lock_holder.py PROJECT   -- prints "locked" once it holds the lock.
"""

from __future__ import annotations

import sqlite3
import sys


def main(path: str) -> int:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    sys.stdout.write("locked\n")
    sys.stdout.flush()
    sys.stdin.read()  # hold the lock until the test closes our stdin
    conn.execute("ROLLBACK")
    conn.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
