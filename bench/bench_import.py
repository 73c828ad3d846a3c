"""Import throughput: MB of text per second end to end (files -> sentences -> SQLite),
beside the segmenter alone on the same text. Target: >= 3 MB/s and <= 1.5x the segmenter's time.

Size: BENCH_IMPORT_MB (default 50).

Where the time goes (profiled on 2 cores, 20 MB of 1.3 KB files): reading, decoding and
normalising each file costs about 0.14 s/MB of worker CPU, segmenting 0.09 s/MB, and the one
writer (this process: SQLite inserts of article text and sentence rows, content hashes) about
0.15 s/MB. Two worker processes read and segment while this process writes, so the pipeline runs
at roughly the writer's pace plus per-file overhead: about 2-3x the segmenter's time, not 1.5x.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import articles

from annotator import Project
from annotator.segmentation import segment


def run() -> list[dict[str, object]]:
    mb = float(os.environ.get("BENCH_IMPORT_MB", "50"))
    texts = articles(int(mb * 1_000_000))
    total_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        for i in range(0, len(texts), 1000):
            sub = folder / f"part{i // 1000:04d}"
            sub.mkdir(parents=True)
            for j, text in enumerate(texts[i : i + 1000]):
                (sub / f"a{i + j:07d}.txt").write_text(text, encoding="utf-8")
        t0 = time.perf_counter()
        for text in texts:
            segment(text)
        seg_s = time.perf_counter() - t0
        with Project.create(Path(tmp) / "bench.annotator") as project:
            t0 = time.perf_counter()
            report = project.import_paths([folder])
            import_s = time.perf_counter() - t0
        assert report.imported == len(set(texts)), report.summary()
        table = Path(tmp) / "corpus.jsonl"
        with table.open("w", encoding="utf-8") as fh:
            for i, text in enumerate(texts):
                fh.write(json.dumps({"id": i, "text": text}) + "\n")
        with Project.create(Path(tmp) / "table.annotator") as project:
            t0 = time.perf_counter()
            report = project.import_paths([table])
            table_s = time.perf_counter() - t0
        assert report.imported == len(set(texts)), report.summary()
    return [
        {
            "benchmark": "import",
            "metric": f"corpus ({len(texts):,} files)",
            "value": round(total_mb, 1),
            "unit": "MB",
            "target": ">= 50",
        },
        {
            "benchmark": "import",
            "metric": "segmenter alone",
            "value": round(total_mb / seg_s, 2),
            "unit": "MB/s",
            "target": "",
        },
        {
            "benchmark": "import",
            "metric": "end to end (read, segment, store)",
            "value": round(total_mb / import_s, 2),
            "unit": "MB/s",
            "target": ">= 3",
        },
        {
            "benchmark": "import",
            "metric": "end-to-end time / segmenter time",
            "value": round(import_s / seg_s, 2),
            "unit": "x",
            "target": "<= 1.5",
        },
        {
            "benchmark": "import",
            "metric": "same text as one .jsonl table, end to end",
            "value": round(total_mb / table_s, 2),
            "unit": "MB/s",
            "target": ">= 3",
        },
        {
            "benchmark": "import",
            "metric": "jsonl time / segmenter time",
            "value": round(table_s / seg_s, 2),
            "unit": "x",
            "target": "<= 1.5",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
