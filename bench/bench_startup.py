"""Start-up of the frozen app (dist/annotator/, `make package`) against the source (`make run`).

Both open the demo project to a usable window: the time from starting the process to its
"window ready" line (`annotator open demo.annotator --coder bench --quit-when-ready`, which
prints once the window is exposed and painted, then quits), offscreen, each in a fresh HOME.
Runs alternate frozen/source so both see the same machine; the median of RUNS each is kept,
after one unmeasured warm-up of each (a user's second start finds the files in the page cache).

Target: frozen / source <= 1.5x. Skipped (no rows) when no frozen build exists.

Run: python bench/bench_startup.py        (BENCH_STARTUP_RUNS=9 for more runs)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FROZEN = REPO / "dist" / "annotator" / ("annotator.exe" if sys.platform == "win32" else "annotator")
SOURCE = Path(sys.executable).with_name("annotator")  # the .venv's console script: `make run`
RUNS = int(os.environ.get("BENCH_STARTUP_RUNS", "5"))
READY = "annotator: window ready"
Row = dict[str, Any]


def start_to_ready(exe: Path, project: Path, home: Path) -> float:
    """Seconds from starting exe to its READY line, in a clean environment."""
    cmd = ["env", "-i", "PATH=/usr/bin:/bin", f"HOME={home}", "QT_QPA_PLATFORM=offscreen",
           str(exe), "open", str(project), "--coder", "bench", "--quit-when-ready"]  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == READY:
            elapsed = time.perf_counter() - t0
            break
    else:
        proc.wait()
        raise RuntimeError(f"{exe} exited {proc.returncode} without a window")
    proc.wait(timeout=60)
    return elapsed


def run() -> list[Row]:
    if not FROZEN.exists():
        print(f"bench_startup: no frozen build at {FROZEN} (run `make package`)", file=sys.stderr)
        return []
    with tempfile.TemporaryDirectory(prefix="annotator-startup-") as tmp:
        folder = Path(tmp)
        project = folder / "demo.annotator"
        subprocess.run([str(SOURCE), "demo", str(project)], check=True, capture_output=True)
        times: dict[str, list[float]] = {"frozen": [], "source": []}
        exes = {"frozen": FROZEN, "source": SOURCE}
        for i in range(RUNS + 1):
            for kind, exe in exes.items():
                home = folder / f"home-{kind}-{i}"
                home.mkdir()
                took = start_to_ready(exe, project, home)
                if i > 0:  # the first of each is the warm-up
                    times[kind].append(took)
    frozen, source = statistics.median(times["frozen"]), statistics.median(times["source"])
    spread = {k: f"{min(v):.2f}-{max(v):.2f}" for k, v in times.items()}
    print(f"bench_startup: frozen {spread['frozen']} s, source {spread['source']} s",
          file=sys.stderr)  # fmt: skip
    return [
        {"benchmark": "startup", "metric": "frozen app to usable window (median)",
         "value": round(frozen, 2), "unit": "s", "target": ""},
        {"benchmark": "startup", "metric": "source (make run) to usable window (median)",
         "value": round(source, 2), "unit": "s", "target": ""},
        {"benchmark": "startup", "metric": "frozen / source", "value": round(frozen / source, 2),
         "unit": "x", "target": "<= 1.5x"},
    ]  # fmt: skip


if __name__ == "__main__":
    for row in run():
        print(f"{row['metric']:<45} {row['value']} {row['unit']}  {row['target']}")
