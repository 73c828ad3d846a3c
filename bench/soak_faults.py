"""A fault campaign, as SQLite tests itself: hundreds of SIGKILLs across every writing operation.

    python bench/soak_faults.py --rounds 200 --seed 1          # the campaign (a few minutes)
    python bench/soak_faults.py --rounds 200 --seed 1 --scenarios   # and the fault scenarios

Each round starts a child (bench/soak_child.py) that does one operation through the public API
-- labelling, article import, merge, label import, export or backup -- and kills its process
group with SIGKILL at a random point chosen by progress: after a random number of the child's
progress lines (calibrated per operation on a copy first), then a random fraction of the time
one progress step takes. After every kill the parent checks the file straight through sqlite3:

- ``PRAGMA integrity_check`` is ``ok``;
- every label the child acknowledged (printed only after the call returned) is there, with its
  event row;
- no half-imported article (each has all its sentences, numbered 0..n-1, inside its text) and a
  killed import/merge/label import is all or nothing;
- no partial export or backup: the target is absent or complete, every listed backup passes
  quick_check, and no temporary file of a dead process survives the next export or backup into
  that folder that gets through (checked again after the last round, in a fresh process).

Not part of ``make test`` (tests/bench/test_soak_smoke.py runs three rounds of it so it cannot
rot). The fault scenarios (a nearly full disk, a read-only folder, the -wal deleted, two writers,
the clock set back) are in bench/soak_scenarios.py. Exit status 1 if anything was lost.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from annotator.codebook import default_codebook  # noqa: E402
from annotator.imports import ParsedArticle  # noqa: E402
from annotator.project import Project  # noqa: E402
from annotator.records import LabelChange  # noqa: E402

CHILD = Path(__file__).resolve().parent / "soak_child.py"
OPERATIONS = ("label", "import", "merge", "labels", "export", "backup")
EXPORT_SUFFIXES = (".csv", ".jsonl", ".xlsx")
WORDS = [
    "army",
    "said",
    "troops",
    "city",
    "rebels",
    "talks",
    "ceasefire",
    "border",
    "aid",
    "convoy",
]


def sentence_text(tag: str, i: int) -> str:
    rng = random.Random(f"{tag}-{i}")
    words = " ".join(rng.choice(WORDS) for _ in range(8))
    return f"Report {tag} line {i} {words}."


def article_text(tag: str, n: int) -> str:
    return " ".join(sentence_text(tag, i) for i in range(n))


@dataclass
class Outcome:
    """What one round saw and what the checks found."""

    op: str
    killed_mid_work: bool  # before the child's last acknowledgement
    committed_unacknowledged: bool = False  # killed after the commit, before the ack
    problems: list[str] = field(default_factory=list)


@dataclass
class Campaign:
    work: Path
    rng: random.Random
    project: Path = field(init=False)
    acked: set[int] = field(default_factory=set)
    next_sentence: int = 0
    calibration: dict[str, tuple[int, float]] = field(default_factory=dict)
    label_file: list[dict[str, str]] = field(default_factory=list)
    label_fields: list[str] = field(default_factory=list)
    committed: bool = False  # the last all-or-nothing round's work arrived

    # -- set-up ---------------------------------------------------------------------------
    def build(self, articles: int = 120, sentences: int = 40) -> None:
        self.project = self.work / "soak.annotator"
        with Project.create(self.project, codebook=default_codebook()) as p:
            p.import_articles(
                ParsedArticle(text=article_text(f"base{a}", sentences), origin=f"base-{a}")
                for a in range(articles)
            )
            ids = [s.id for a in p.article_ids()[: articles // 2] for s in p.sentences(a)]
            code = p.codebook.codes[0].id
            seed = p.coder_id("seed")
            p.apply_changes([LabelChange(sid, code, seed, add=True) for sid in ids])
            source = self.work / "seed-labels.csv"
            p.export(source, coders=["seed"])
        with source.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            self.label_fields = list(reader.fieldnames or [])
            self.label_file = list(reader)
        copy = self.work / "calibrate.annotator"
        shutil.copyfile(self.project, copy)
        for op in OPERATIONS:
            if op != "label":
                self.calibration[op] = self.calibrate(op, copy)

    def calibrate(self, op: str, project: Path) -> tuple[int, float]:
        """(progress lines, seconds from "ready" to "done") of one unkilled run, to spread the
        kill points over the work itself rather than the child's start-up."""
        proc = self.start(op, project, self.arguments(op, "cal", project))
        assert proc.stdout is not None
        lines, began, ended = 0, time.perf_counter(), time.perf_counter()
        for line in proc.stdout:
            if line == "ready\n":
                began = time.perf_counter()
            lines += line == "p\n" or line.startswith("ack ")
            ended = time.perf_counter()
        _, err = proc.communicate(timeout=300)
        if proc.returncode != 0:
            raise SystemExit(f"calibration of {op} failed: {err}")
        return lines, ended - began

    def arguments(self, op: str, tag: str, project: Path) -> list[str]:
        """The child's arguments for one round, making that round's input files."""
        if op == "import":
            folder = self.work / f"incoming-{tag}"
            folder.mkdir()
            for i in range(30):
                (folder / f"{tag}-{i:02}.txt").write_text(
                    f"Wire {tag} {i}.\n\n" + article_text(f"{tag}w{i}", 40), encoding="utf-8"
                )
            return [str(folder)]
        if op == "merge":
            return [str(self.other_project(tag))]
        if op == "labels":
            target = self.work / f"labels-{tag}.csv"
            with target.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.DictWriter(fh, self.label_fields)
                writer.writeheader()
                writer.writerows({**row, "coder": f"i{tag}"} for row in self.label_file)
            return [str(target)]
        if op == "export":
            folder = self.work / "exports"
            folder.mkdir(exist_ok=True)
            return [str(folder / f"r{tag}{self.rng.choice(EXPORT_SUFFIXES)}")]
        if op == "backup":
            return ["4"]
        raise ValueError(op)

    def other_project(self, tag: str) -> Path:
        """Another coder's file: 20 of the lead's articles and 3 new ones, every sentence coded."""
        path = self.work / f"other-{tag}.annotator"
        with Project.create(path, codebook=default_codebook()) as p:
            p.import_articles(
                [
                    ParsedArticle(text=article_text(f"base{a}", 40), origin=f"base-{a}")
                    for a in range(60, 80)
                ]
                + [
                    ParsedArticle(text=article_text(f"{tag}m{a}", 40), origin=f"{tag}-m{a}")
                    for a in range(3)
                ]
            )
            code = p.codebook.codes[1].id
            coder = p.coder_id(f"m{tag}")
            ids = [s.id for a in p.article_ids() for s in p.sentences(a)]
            p.apply_changes([LabelChange(sid, code, coder, add=True) for sid in ids])
        return path

    def start(self, op: str, project: Path, args: list[str]) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, str(CHILD), op, str(project), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            start_new_session=True,  # its own process group: the kill takes import workers too
        )

    # -- one round ------------------------------------------------------------------------
    def round(self, n: int, op: str) -> Outcome:
        tag = f"{n:04}"
        if op == "label":
            args = ["soak", str(self.next_sentence), "400"]
            self.next_sentence += 400
            kill_after, step = self.rng.randint(20, 150), 0.01
        else:
            args = self.arguments(op, tag, self.project)
            lines, seconds = self.calibration[op]
            kill_after = self.rng.randint(0, lines)
            step = seconds / (lines + 1)
        before = self.backups_before() if op == "backup" else set()
        proc = self.start(op, self.project, args)
        lines_seen = kill_child(proc, kill_after, self.rng.uniform(0, step))
        acks = [x[4:] for x in lines_seen if x.startswith("ack ")]
        expected = 400 if op == "label" else 4 if op == "backup" else 1
        outcome = Outcome(op, killed_mid_work=len(acks) < expected)
        if op == "label":
            self.acked |= {int(a) for a in acks}
        self.committed = False
        outcome.problems += self.check_file()
        outcome.problems += self.check_op(op, tag, args, acks, proc.pid, before)
        outcome.committed_unacknowledged = self.committed and not acks
        return outcome

    def backups_before(self) -> set[Path]:
        return set(backup_listing(self.project))

    # -- checks ---------------------------------------------------------------------------
    def check_file(self) -> list[str]:
        problems: list[str] = []
        conn = sqlite3.connect(self.project)
        try:
            check = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                problems.append(f"integrity_check: {check}")
            stored = {
                r[0]
                for r in conn.execute(
                    "SELECT sentence_id FROM label JOIN coder ON coder.id = label.coder_id "
                    "WHERE coder.name = 'soak'"
                )
            }
            lost = self.acked - stored
            if lost:
                problems.append(f"{len(lost)} acknowledged labels lost")
            events = conn.execute(
                "SELECT count(*) FROM label_event JOIN coder ON coder.id = label_event.coder_id "
                "WHERE coder.name = 'soak' AND action = 'add'"
            ).fetchone()[0]
            if events != len(stored):
                problems.append(f"{len(stored)} labels but {events} add events")
            half = conn.execute(
                "SELECT count(*) FROM article a LEFT JOIN (SELECT article_id, count(*) n, "
                'min("index") lo, max("index") hi, max("end") e FROM sentence '
                "GROUP BY article_id) s ON s.article_id = a.id "
                "WHERE s.n IS NULL OR s.n != a.n_sentences OR s.lo != 0 OR s.hi != s.n - 1 "
                "OR s.e > length(a.text)"
            ).fetchone()[0]
            if half:
                problems.append(f"{half} half-imported articles")
        finally:
            conn.close()
        return problems

    def check_op(
        self, op: str, tag: str, args: list[str], acks: list[str], pid: int, before: set[Path]
    ) -> list[str]:
        if op == "import":
            got = self.count("SELECT count(*) FROM article WHERE text LIKE ?", f"Wire {tag} %")
            self.committed = got == 30
            return all_or_nothing("import", got, 30, bool(acks))
        if op == "merge":
            other = sqlite3.connect(args[0])
            try:
                want = other.execute("SELECT count(*) FROM label").fetchone()[0]
            finally:
                other.close()
            got = self.labels_of(f"m{tag}")
            self.committed = got == want
            return all_or_nothing("merge", got, want, bool(acks))
        if op == "labels":
            self.committed = self.labels_of(f"i{tag}") == len(self.label_file)
            return all_or_nothing(
                "label import", self.labels_of(f"i{tag}"), len(self.label_file), bool(acks)
            )
        if op == "export":
            return check_export(self.project, Path(args[0]), pid, bool(acks))
        if op == "backup":
            return check_backups(self.project, acks, pid, before)
        return []

    def count(self, sql: str, *params: object) -> int:
        conn = sqlite3.connect(self.project)
        try:
            return int(conn.execute(sql, params).fetchone()[0])
        finally:
            conn.close()

    def labels_of(self, coder: str) -> int:
        return self.count(
            "SELECT count(*) FROM label JOIN coder ON coder.id = label.coder_id "
            "WHERE coder.name = ?",
            coder,
        )


def kill_child(proc: subprocess.Popen[str], after: int, delay: float) -> list[str]:
    """Wait for `after` progress or ack lines, sleep `delay`, SIGKILL the process group; the
    lines the child wrote (a line cut by the kill has no newline and is dropped)."""
    assert proc.stdout is not None
    seen: list[str] = []
    counted = 0
    try:
        while counted < after:
            ready, _, _ = select.select([proc.stdout], [], [], 60)
            if not ready:
                raise RuntimeError("the child did not answer in 60 s")
            line = proc.stdout.readline()
            if not line:
                break  # it finished before the kill point
            seen.append(line)
            counted += line in ("p\n",) or line.startswith("ack ")
        time.sleep(delay)
        with _quiet():
            os.killpg(proc.pid, signal.SIGKILL)
        seen.append(proc.stdout.read())
    finally:
        with _quiet():
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
        proc.stdout.close()
    return "".join(seen).split("\n")[:-1]


class _quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return exc[0] is ProcessLookupError or exc[0] is PermissionError


def all_or_nothing(what: str, got: int, want: int, acked: bool) -> list[str]:
    if got not in (0, want):
        return [f"{what} half done: {got} of {want}"]
    if acked and got != want:
        return [f"{what} acknowledged but {got} of {want} arrived"]
    return []


def partial_files(folder: Path) -> list[Path]:
    """Temporary files (and their SQLite journals) in `folder`; pathlib's glob sees dot files."""
    return sorted({*folder.glob("*.partial"), *folder.glob("*.partial-journal")})


def stale(partials: list[Path], pid: int) -> list[Path]:
    """Temporary files not of this round's child: an earlier kill's, the sweep should have gone."""
    return [p for p in partials if f"-{pid}." not in p.name]


def check_export(project: Path, target: Path, pid: int, swept: bool) -> list[str]:
    """The target is absent or whole; once an export got through (`swept`: its sweep ran), no
    temporary file of an earlier, killed one is left."""
    left = stale(partial_files(target.parent), pid) if swept else []
    problems = [f"left behind: {p.name}" for p in left]
    if not target.exists():
        return problems
    reference = target.with_name("reference" + target.suffix)
    reference.unlink(missing_ok=True)
    with Project.open(project, read_only=True) as p:
        want = p.export(reference)
    got = exported_rows(target)
    reference.unlink()
    if got != want:
        problems.append(f"truncated export {target.name}: {got} of {want} rows")
    return problems


def exported_rows(path: Path) -> int:
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as fh:
            return sum(1 for _ in csv.reader(fh)) - 1
    if path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as fh:
            return sum(1 for line in fh if json.loads(line) is not None)
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception:  # a truncated or damaged workbook: the point of the check
        return -1
    try:
        return sum(1 for _ in book.worksheets[0].iter_rows()) - 1
    finally:
        book.close()


def backup_listing(project: Path) -> list[Path]:
    from annotator.storage.backups import list_backups

    return list_backups(project)


def check_backups(project: Path, acks: list[str], pid: int, before: set[Path]) -> list[str]:
    from annotator.errors import DamagedProjectError
    from annotator.storage.backups import backup_dir, check_backup

    folder = backup_dir(project)
    left = stale(partial_files(folder), pid) if acks else []  # acks: a sweep has run
    problems = [f"left behind: {p.name}" for p in left]
    listed = backup_listing(project)
    for backup in listed:
        try:
            check_backup(backup)
        except DamagedProjectError as exc:
            problems.append(str(exc))
    if acks:
        last = Path(acks[-1])
        newer = [b for b in listed if b.name > last.name]
        if last not in listed and len(newer) < 5:
            problems.append(f"acknowledged backup {last.name} is gone")
    return problems


def run(
    rounds: int, seed: int, work: Path, log: bool = True, articles: int = 120
) -> dict[str, object]:
    """The campaign in `work`; a summary (rounds per operation, failures, ...) as a dict."""
    rng = random.Random(seed)
    campaign = Campaign(work, rng)
    t0 = time.perf_counter()
    campaign.build(articles=articles)
    if log:
        print(f"calibration (progress lines, seconds of work): {campaign.calibration}", flush=True)
    ops = [OPERATIONS[i % len(OPERATIONS)] for i in range(rounds)]
    rng.shuffle(ops)
    per_op: Counter[str] = Counter()
    mid_work: Counter[str] = Counter()
    late: Counter[str] = Counter()
    failures: list[str] = []
    for n, op in enumerate(ops):
        outcome = campaign.round(n, op)
        per_op[op] += 1
        mid_work[op] += outcome.killed_mid_work
        late[op] += outcome.committed_unacknowledged
        for problem in outcome.problems:
            failures.append(f"round {n} ({op}): {problem}")
            if log:
                print(f"LOSS round {n} ({op}): {problem}", flush=True)
        if log and (n + 1) % 20 == 0:
            print(f"{n + 1}/{rounds} rounds, {len(failures)} problems", flush=True)
    # The sweep: one more export and backup in a fresh process, after which no temporary file
    # of any killed child may remain.
    final = campaign.start("export", campaign.project, [str(work / "exports" / "final.csv")])
    final.communicate(timeout=300)
    final = campaign.start("backup", campaign.project, ["1"])
    final.communicate(timeout=300)
    from annotator.storage.backups import backup_dir

    for folder in (work / "exports", backup_dir(campaign.project)):
        for leftover in partial_files(folder) if folder.exists() else []:
            failures.append(f"after the campaign: {leftover.name} left behind")
    return {
        "rounds": rounds,
        "seed": seed,
        "per_operation": dict(sorted(per_op.items())),
        "killed_before_acknowledged": dict(sorted(mid_work.items())),
        "of_those_committed_already": dict(sorted(late.items())),
        "acknowledged_labels": len(campaign.acked),
        "calibration": {k: [n, round(t, 3)] for k, (n, t) in campaign.calibration.items()},
        "failures": failures,
        "seconds": round(time.perf_counter() - t0, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--scenarios", action="store_true", help="also run the fault scenarios")
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="soak-"))
    os.environ.setdefault("ANNOTATOR_LOG_DIR", str(work / "logs"))  # the children's log files
    try:
        result = run(args.rounds, args.seed, work)
        if args.scenarios:
            from soak_scenarios import run_scenarios

            result["scenarios"] = run_scenarios(work / "scenarios")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, indent=2))
    scenario_failures = [
        s for s in result.get("scenarios", {}).values() if isinstance(s, dict) and s.get("lost")
    ]
    return 1 if result["failures"] or scenario_failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
