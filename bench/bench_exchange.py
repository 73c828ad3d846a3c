"""Exchange benchmarks: CSV (long) export and merge of a project with 1,000,000 labels.

The project (~35,000 articles x 30 sentences, two coders, 1M labels, both coders done with every
article) is generated through Core inserts in a temporary folder; the long CSV holds the 1M label
rows plus one ``article`` row (status) per coder and article. The export runs in a fresh
subprocess so that its peak memory (ru_maxrss) is the export's alone.
Targets: export < 8 s, peak < 400 MB.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

N_ARTICLES = 35_000
N_SENTENCES = 30
N_LABELS = 1_000_000

WORDS = (
    "the",
    "army",
    "said",
    "troops",
    "advanced",
    "near",
    "the",
    "river",
    "while",
    "officials",
    "denied",
    "reports",
    "of",
    "strikes",
    "on",
    "the",
    "city",
    "and",
    "analysts",
    "expected",
    "talks",
    "to",
    "resume",
    "next",
    "week",
    "in",
    "geneva",
)


def build(path: Path) -> int:
    """Generate the project; returns the number of labels."""
    from annotator.codebook import default_codebook
    from annotator.project import Project
    from annotator.storage import tables as t
    from annotator.storage.article_writes import NewArticle, content_hash, insert_articles
    from annotator.storage.unit_of_work import write_session

    p = Project.create(path, codebook=default_codebook())
    codes = [c.id for c in p.codebook.codes]
    coders = [p.coder_id("anna"), p.coder_id("ben")]
    now = datetime.now(UTC)
    batch: list[NewArticle] = []
    for a in range(N_ARTICLES):
        sentences = []
        for s in range(N_SENTENCES):
            words = [WORDS[(a * 7 + s * 3 + k) % len(WORDS)] for k in range(9)]
            sentences.append(f"Report {a} line {s}: " + " ".join(words).capitalize() + ".")
        text = " ".join(sentences)
        spans, pos = [], 0
        for sentence in sentences:
            spans.append((pos, pos + len(sentence)))
            pos += len(sentence) + 1
        batch.append(
            NewArticle(
                text=text, spans=spans, content_hash=content_hash(text), title=f"Article {a}"
            )
        )
        if len(batch) == 5_000:
            with write_session(p.engine) as s:
                insert_articles(s, batch)
            batch = []
    if batch:
        with write_session(p.engine) as s:
            insert_articles(s, batch)
    n_sent = N_ARTICLES * N_SENTENCES
    with write_session(p.engine) as s:
        for lo in range(0, N_LABELS, 100_000):
            rows = []
            for i in range(lo, min(lo + 100_000, N_LABELS)):
                sid = i % n_sent + 1
                coder = coders[i // n_sent]
                rows.append(
                    {
                        "sentence_id": sid,
                        "code_id": codes[(sid + coder) % len(codes)],
                        "coder_id": coder,
                        "created_at": now,
                    }
                )
            s.execute(t.label.insert(), rows)
        s.execute(
            t.article_status.insert(),
            [
                {"article_id": a, "coder_id": c, "status": 2, "updated_at": now}
                for a in range(1, N_ARTICLES + 1)
                for c in coders
            ],
        )
    p.close()
    return N_LABELS


EXPORT_SCRIPT = """
import json, resource, sys, time
sys.path.insert(0, {repo!r})
from annotator.project import Project
p = Project.open({project!r}, read_only=True)
t0 = time.perf_counter()
n = p.export({out!r}, force=True)
elapsed = time.perf_counter() - t0
def peak_mb():
    # VmHWM belongs to this process image; ru_maxrss survives exec and can be the parent's.
    try:
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"rows": n, "seconds": elapsed, "peak_mb": peak_mb()}}))
"""


def run() -> list[dict[str, object]]:
    from annotator.project import Project

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = folder / "big.annotator"
        t0 = time.perf_counter()
        labels = build(project)
        built = time.perf_counter() - t0
        script = EXPORT_SCRIPT.format(
            repo=str(REPO), project=str(project), out=str(folder / "big.csv")
        )
        result = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
        export = json.loads(result.stdout.strip().splitlines()[-1])
        lead = Project.create(folder / "lead.annotator")
        t0 = time.perf_counter()
        report = lead.merge([project])
        merged = time.perf_counter() - t0
        lead.close()
    assert export["rows"] == labels + 2 * N_ARTICLES  # label rows + one article row per coder
    assert report.labels_added == labels
    return [
        {
            "benchmark": "exchange",
            "metric": "generate 1M-label project",
            "value": round(built, 2),
            "unit": "s",
            "target": "-",
        },
        {
            "benchmark": "exchange",
            "metric": "export csv long, 1M labels",
            "value": round(export["seconds"], 2),
            "unit": "s",
            "target": "< 8",
        },
        {
            "benchmark": "exchange",
            "metric": "export peak memory (VmHWM)",
            "value": round(export["peak_mb"], 1),
            "unit": "MB",
            "target": "< 400",
        },
        {
            "benchmark": "exchange",
            "metric": "merge 1M labels into an empty lead",
            "value": round(merged, 2),
            "unit": "s",
            "target": "-",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['metric']:<40} {row['value']:>10} {row['unit']:<3} (target {row['target']})")
