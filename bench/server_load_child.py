"""One coder of the server load test: labels at full speed through the window's own path.

usage: server_load_child.py URL CODER SECONDS JOURNAL_DIR RESULT_FILE GO_FILE [RATE]

RATE (labels per second, default 0 = as fast as it can) paces the coder like a person: the
pauses between presses are random (exponential, mean 1/RATE), so twenty coders do not press in
step. Before the start each coder makes WARM_UP labels (counted for lost and doubled, not for
latency): the first writes of a process compile its statements once.

Once connected it creates RESULT_FILE.ready and waits for GO_FILE, which holds the start time
(every coder starts together, after the slowest has connected).

The password comes from PGPASSWORD (set by the parent), never from the command line. Every
write goes through JournaledTarget, as the window's do: acknowledged means committed on the
server or fsynced to the journal. After SECONDS the coder sends what the journal holds (the
server may have been restarted meanwhile) and writes a JSON result: the code last acknowledged
per sentence, the number of acknowledged adds and each write's latency.
"""

from __future__ import annotations

import faulthandler
import json
import random
import signal
import sys
import time
import zlib
from pathlib import Path

from annotator.offline_journal import Journal, JournaledTarget, journal_path
from annotator.project import Project
from annotator.records import LabelChange, Status

#: How often a coder whose server is away tries to send the journal (the window: 3 s).
RETRY_S = 1.0
WARM_UP = 3


def main(argv: list[str]) -> int:
    url, coder, seconds, journal_dir, result_file, go_file = argv[:6]
    rate = float(argv[6]) if len(argv) > 6 else 0.0
    faulthandler.register(signal.SIGUSR2)  # the parent asks where a coder that hangs is
    with Project.open(url) as project:
        codes = [c.id for c in project.codebook.codes]
        ids = [s.id for a in project.article_ids() for s in project.sentences(a)]
        me = project.coder_id(coder)
        journal = Journal(journal_path(project.name, coder, Path(journal_dir)))
        target = JournaledTarget(project, journal, lambda _a, _c: Status.NOT_STARTED)
        acked: dict[int, int] = {}
        n = 0
        offset = zlib.crc32(coder.encode()) % len(ids)
        for _ in range(WARM_UP):
            sid = ids[(offset + n) % len(ids)]
            target.write_changes([LabelChange(sid, codes[0], me, add=True)])
            acked[sid] = codes[0]
            n += 1
        Path(result_file + ".ready").touch()
        go = Path(go_file)
        while not go.exists() or not go.read_text().strip():
            time.sleep(0.02)
        start_at = float(go.read_text())
        while time.time() < start_at:
            time.sleep(0.005)
        deadline = time.time() + float(seconds)
        rng = random.Random(offset)
        next_press = time.time()
        most = len(ids) * len(codes)  # no (sentence, code) twice: each write adds one label
        latencies: list[float] = []
        journaled = 0
        last_try = 0.0
        while time.time() < deadline and n < most:
            if target.offline and time.monotonic() - last_try > RETRY_S:  # as the window does
                last_try = time.monotonic()
                target.send()
            sid = ids[(offset + n) % len(ids)]
            code = codes[(n // len(ids)) % len(codes)]
            t0 = time.perf_counter()
            was_offline = target.offline
            target.write_changes([LabelChange(sid, code, me, add=True)])
            latencies.append(time.perf_counter() - t0)
            journaled += int(target.offline or was_offline)
            acked[sid] = code
            n += 1
            if rate:
                next_press += rng.expovariate(rate)
                time.sleep(max(0.0, next_press - time.time()))
        give_up = time.time() + 120
        while target.pending and time.time() < give_up:
            target.send()
            if target.pending:
                time.sleep(0.5)
        result = {
            "coder": coder,
            "coder_id": me,
            "acked": acked,
            "adds": n,
            "journaled": journaled,
            "unsent": target.pending,
            "latencies": latencies,
        }
    Path(result_file).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
