"""Fault scenarios of the campaign (run by ``python bench/soak_faults.py --scenarios``).

- a nearly full disk (a 2 MiB tmpfs) during each operation: one clear line, nothing lost;
- a read-only project folder (a read-only mount, and a folder without write permission for a
  process without root's override): reads and exports work, every change is refused with one
  line, the file's bytes are unchanged and no side file is left;
- the -wal deleted while the project is open, then a crash: no acknowledged label lost;
- two processes writing the same sentence's label at once: one wins cleanly, both see it;
- the clock set back an hour between two labels (libfaketime): the event log and the times a
  researcher sees still order them.

Each returns a dict with ``lost`` (acknowledged work missing, or a broken promise; 0 is the
target) and what was seen; a scenario that cannot run here says why in ``skipped``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from soak_faults import CHILD, REPO, article_text, kill_child  # type: ignore[import-not-found]

from annotator.codebook import default_codebook
from annotator.imports import ParsedArticle
from annotator.project import Project
from annotator.records import LabelChange

ENV = {**os.environ, "PYTHONPATH": str(REPO)}
FAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")
NO_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


def build(path: Path, articles: int = 20, coder: str = "seed", code: int = 0) -> Path:
    with Project.create(path, codebook=default_codebook()) as p:
        p.import_articles(
            ParsedArticle(text=article_text(f"base{a}", 40), origin=f"base-{a}")
            for a in range(articles)
        )
        cid = p.coder_id(coder)
        code_id = p.codebook.codes[code].id
        ids = [s.id for a in p.article_ids()[: articles // 2] for s in p.sentences(a)]
        p.apply_changes([LabelChange(sid, code_id, cid, add=True) for sid in ids])
    return path


def cli(*args: str, prefix: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*(prefix or []), sys.executable, "-m", "annotator", *args],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=REPO,
        timeout=300,
    )


def child(*args: str, prefix: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*(prefix or []), sys.executable, str(CHILD), *args],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=REPO,
        timeout=300,
    )


def state(path: Path) -> dict[str, Any]:
    """What the file holds, straight from SQLite: integrity, counts, half-imported articles."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            "integrity": conn.execute("PRAGMA integrity_check").fetchone()[0],
            "articles": conn.execute("SELECT count(*) FROM article").fetchone()[0],
            "labels": conn.execute("SELECT count(*) FROM label").fetchone()[0],
            "events": conn.execute("SELECT count(*) FROM label_event").fetchone()[0],
            "half_articles": conn.execute(
                "SELECT count(*) FROM article a WHERE a.n_sentences != "
                "(SELECT count(*) FROM sentence s WHERE s.article_id = a.id)"
            ).fetchone()[0],
        }
    finally:
        conn.close()


def one_clear_line(done: subprocess.CompletedProcess[str], *words: str) -> str | None:
    """None if the run failed with one ``error:`` line holding `words`; else what was wrong."""
    lines = [x for x in done.stderr.splitlines() if x.strip()]
    if done.returncode == 0:
        return "it succeeded"
    if len(lines) != 1 or not lines[0].startswith("error: ") or "Traceback" in done.stderr:
        return f"not one clear line: {done.stderr.strip()[-300:]}"
    missing = [w for w in words if w not in lines[0]]
    return f"{lines[0]!r} lacks {missing}" if missing else None


def partials(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if ".partial" in p.name)


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path | str]:
    """A small tmpfs mounted at `where`; yields the reason instead where mounting is refused."""
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True
    )
    if done.returncode != 0:
        yield f"cannot mount a tmpfs here (needs root): {done.stderr.decode().strip()}"
        return
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(folder: Path, leave: int) -> None:
    """Fill the file system of `folder` with a ballast file until `leave` bytes are free."""
    free = shutil.disk_usage(folder).free
    with (folder / "ballast").open("wb") as fh:
        fh.write(b"\0" * max(free - leave, 0))


# -- a nearly full disk -------------------------------------------------------------------
def nearly_full_disk(work: Path) -> dict[str, Any]:
    with tmpfs(work / "tiny", "2m") as disk:
        if isinstance(disk, str):
            return {"skipped": disk, "lost": 0}
        inputs = work / "inputs"
        inputs.mkdir(parents=True, exist_ok=True)
        big = inputs / "big"
        big.mkdir(exist_ok=True)
        for i in range(40):
            (big / f"w{i}.txt").write_text(article_text(f"big{i}", 200), encoding="utf-8")
        other = build(inputs / "other.annotator", articles=60, coder="other", code=1)
        with Project.open(inputs / "other.annotator") as p:
            p.export(inputs / "other-labels.csv")
        results: dict[str, Any] = {}
        lost = 0
        for op in ("label", "import", "merge", "labels", "export", "backup"):
            for leftover in disk.iterdir():
                shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
            project = disk / "p.annotator"
            shutil.copyfile(build(inputs / f"{op}.annotator", articles=60), project)
            (inputs / f"{op}.annotator").unlink()
            if op == "backup":
                with Project.open(project) as p:
                    p.backup()
            before = state(project)
            fill(disk, 160 * 1024)
            if op == "label":
                done = child("label", str(project), "soak", "0", "2400")
                acked = done.stdout.count("ack ")
                after = state(project)
                wrong = one_clear_line(done, "disk is full", "not saved")
                if after["labels"] < before["labels"] + acked:
                    wrong = (wrong or "") + f"; {acked} acknowledged, fewer stored"
            else:
                target = {
                    "import": ["import", str(project), str(big)],
                    "merge": ["merge", str(project), str(other)],
                    "labels": ["import-labels", str(project), str(inputs / "other-labels.csv")],
                    "export": ["export", str(project), str(disk / "out.csv")],
                    "backup": ["backup", str(project)],
                }[op]
                done = cli(*target)
                after = state(project)
                wrong = one_clear_line(done, "full")
                if after != before:
                    wrong = (wrong or "") + f"; the project changed: {before} -> {after}"
            if after["integrity"] != "ok" or after["half_articles"]:
                wrong = (wrong or "") + f"; {after}"
            if (disk / "out.csv").exists() or partials(disk):
                wrong = (wrong or "") + f"; left behind: {partials(disk)}"
            if op == "backup":
                from annotator.storage.backups import check_backup, list_backups

                for b in list_backups(project):
                    check_backup(b)
            lost += wrong is not None
            message = (done.stderr.strip().splitlines() or [""])[-1]
            results[op] = {
                "ok": wrong is None,
                "message": message,
                **({"wrong": wrong} if wrong else {}),
            }
        return {"lost": lost, "operations": results}


# -- a read-only project folder -----------------------------------------------------------
def read_only_folder(work: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"lost": 0}
    inputs = work / "ro-inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    other = build(inputs / "other.annotator", coder="other", code=1)
    with Project.open(other) as p:
        p.export(inputs / "other-labels.csv")
    (inputs / "new").mkdir(exist_ok=True)
    (inputs / "new" / "a.txt").write_text(article_text("newro", 30), encoding="utf-8")

    def attempt(folder: Path, prefix: list[str] | None) -> dict[str, Any]:
        project = folder / "p.annotator"
        digest = hashlib.sha256(project.read_bytes()).hexdigest()
        seen: dict[str, Any] = {}
        wrong: list[str] = []
        for name, args in {
            "label": None,
            "import": ["import", str(project), str(inputs / "new")],
            "merge": ["merge", str(project), str(other)],
            "labels": ["import-labels", str(project), str(inputs / "other-labels.csv")],
            "backup": ["backup", str(project)],
        }.items():
            if args is None:
                done = child("label", str(project), "soak", "0", "5", prefix=prefix)
            else:
                done = cli(*args, prefix=prefix)
            problem = one_clear_line(done)
            seen[name] = done.stderr.strip().splitlines()[-1:] or [""]
            if problem:
                wrong.append(f"{name}: {problem}")
        export = inputs / f"export-{len(prefix or [])}.csv"
        export.unlink(missing_ok=True)
        done = cli("export", str(project), str(export), prefix=prefix)
        seen["export elsewhere"] = done.returncode == 0 and export.exists()
        if not seen["export elsewhere"]:
            wrong.append(f"export elsewhere failed: {done.stderr.strip()}")
        if hashlib.sha256(project.read_bytes()).hexdigest() != digest:
            wrong.append("the file's bytes changed")
        side = [p.name for p in folder.iterdir() if p.name != "p.annotator"]
        if side:
            wrong.append(f"left in the folder: {side}")
        out["lost"] += len(wrong)
        return {"messages": seen, **({"wrong": wrong} if wrong else {})}

    with tmpfs(work / "romount", "4m") as disk:
        if isinstance(disk, str):
            out["read-only mount"] = {"skipped": disk}
        else:
            build(disk / "p.annotator")
            subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
            out["read-only mount"] = attempt(disk, None)
    folder = work / "ro-folder"
    folder.mkdir(parents=True, exist_ok=True)
    build(folder / "p.annotator")
    folder.chmod(0o555)
    probe = subprocess.run([*NO_OVERRIDE, "true"], capture_output=True)
    if probe.returncode != 0:
        out["folder without write permission"] = {"skipped": "setpriv cannot drop privileges"}
    else:
        out["folder without write permission"] = attempt(folder, NO_OVERRIDE)
    folder.chmod(0o755)
    return out


# -- the -wal deleted while the project is open ---------------------------------------------
def wal_deleted(work: Path, rounds: int = 10) -> dict[str, Any]:
    """A child labels; the -wal (and in some rounds the -shm) is deleted from outside while it
    labels on; it is killed a moment later, before it could close the project."""
    work.mkdir(parents=True, exist_ok=True)
    lost = 0
    acked_total = 0
    for n in range(rounds):
        project = build(work / f"wal-{n}.annotator", articles=10)
        proc = subprocess.Popen(
            [sys.executable, str(CHILD), "label", str(project), "soak", "0", "400"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
            cwd=REPO,
            start_new_session=True,
        )
        assert proc.stdout is not None
        seen = [proc.stdout.readline() for _ in range(30)]
        for suffix in ("-wal", "-shm") if n % 2 else ("-wal",):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{project}{suffix}")
        seen += kill_child(proc, 60, 0.01)
        acked = {int(x.split()[1]) for x in "".join(seen).split("\n") if x.startswith("ack ")}
        conn = sqlite3.connect(project)
        stored = {
            r[0]
            for r in conn.execute(
                "SELECT sentence_id FROM label JOIN coder ON coder.id = coder_id "
                "WHERE coder.name = 'soak'"
            )
        }
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        conn.close()
        lost += len(acked - stored) + (check != "ok")
        acked_total += len(acked)
    return {"lost": lost, "rounds": rounds, "acknowledged": acked_total}


# -- two processes writing the same sentence's label at once ---------------------------------
def two_writers(work: Path, rounds: int = 10) -> dict[str, Any]:
    """Two children give one sentence two different codes of a single-choice group at once,
    for the same coder: through add_label (planned inside the write) and through the UI's
    toggle command (planned at the key press, applied a moment later)."""
    work.mkdir(parents=True, exist_ok=True)
    project = build(work / "two.annotator", articles=4)
    with Project.open(project) as p:
        sids = [s.id for a in p.article_ids() for s in p.sentences(a)][-rounds * 2 :]
        codes = [c.name for c in p.codebook.codes[:2]]
    out: dict[str, Any] = {"lost": 0}
    for how in ("add", "toggle"):
        wrong: list[str] = []
        for n in range(rounds):
            sid = sids[n + (rounds if how == "toggle" else 0)]
            procs = [
                subprocess.Popen(
                    [
                        sys.executable,
                        str(CHILD),
                        "relabel",
                        str(project),
                        str(sid),
                        code,
                        "anna",
                        how,
                    ],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env=ENV,
                    cwd=REPO,
                )
                for code in codes
            ]
            for proc in procs:
                assert proc.stdout is not None
                proc.stdout.readline()  # ready
            for proc in procs:
                assert proc.stdin is not None
                proc.stdin.write("go\n")
                proc.stdin.flush()
            for proc in procs:
                assert proc.stdout is not None
                if proc.stdout.readline() != "ack\n":
                    wrong.append(f"sentence {sid}: a writer failed")
            answers = [proc.communicate("look\n", timeout=60) for proc in procs]
            for proc, (_out, err) in zip(procs, answers, strict=True):
                if proc.returncode != 0:
                    wrong.append(f"sentence {sid}: exit {proc.returncode} {err.strip()[-200:]}")
            sees = {x[5:] for o, _ in answers for x in o.splitlines() if x.startswith("sees ")}
            with Project.open(project, read_only=True) as p:
                aid = p.sentence(sid).article_id
                stored = sorted(c for _, c in p.labels(aid, ["anna"]).get(sid, []))
            if len(stored) != 1:
                wrong.append(f"sentence {sid}: single-choice group holds {stored}")
            if sees != {",".join(stored)}:
                wrong.append(f"sentence {sid}: the writers saw {sees}, the file holds {stored}")
        out[how] = {"rounds": rounds, **({"wrong": wrong} if wrong else {"ok": True})}
        out["lost"] += len(wrong)
    return out


# -- the clock set back an hour between two labels ----------------------------------------------
def clock_set_back(work: Path) -> dict[str, Any]:
    """One child labels sentence A, the (faked) wall clock goes back an hour, it labels B and
    marks the article done. The event log, the label times and the article's status time must
    put B after A."""
    if not FAKETIME.exists():
        return {
            "skipped": "libfaketime is not installed (Debian: apt-get install faketime)",
            "lost": 0,
        }
    work.mkdir(parents=True, exist_ok=True)
    project = build(work / "clock.annotator", articles=2, coder="seed")
    offset = work / "faketime.rc"
    offset.write_text("+0\n", encoding="utf-8")
    script = (
        "import sys\n"
        "from annotator.project import Project\n"
        f"p = Project.open({str(project)!r})\n"
        "aid = p.article_ids()[-1]\n"
        "s = p.sentences(aid)\n"
        "p.add_label(s[0].id, 'Denial', 'anna'); print('first', flush=True)\n"
        "sys.stdin.readline()\n"
        "p.add_label(s[1].id, 'Denial', 'anna'); p.set_status(aid, 'anna', 'done')\n"
        "print('second', flush=True)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={
            **ENV,
            "LD_PRELOAD": str(FAKETIME),
            "FAKETIME_TIMESTAMP_FILE": str(offset),
            "FAKETIME_NO_CACHE": "1",
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        },
    )
    assert proc.stdout is not None and proc.stdin is not None
    assert proc.stdout.readline() == "first\n"
    time.sleep(0.05)
    offset.write_text("-1h\n", encoding="utf-8")
    proc.stdin.write("go\n")
    proc.stdin.flush()
    proc.communicate(timeout=60)
    conn = sqlite3.connect(project)
    try:
        events = conn.execute(
            "SELECT e.id, e.sentence_id, e.at FROM label_event e JOIN coder c ON c.id = e.coder_id "
            "WHERE c.name = 'anna' ORDER BY e.id"
        ).fetchall()
        labels = conn.execute(
            "SELECT l.sentence_id, l.created_at FROM label l JOIN coder c ON c.id = l.coder_id "
            "WHERE c.name = 'anna' ORDER BY l.created_at, l.id"
        ).fetchall()
        status_at = conn.execute(
            "SELECT s.updated_at FROM article_status s JOIN coder c ON c.id = s.coder_id "
            "WHERE c.name = 'anna'"
        ).fetchone()[0]
    finally:
        conn.close()
    first, second = events[0][1], events[1][1]
    wrong = []
    if [e[0] for e in sorted(events, key=lambda e: e[2])] != [e[0] for e in events]:
        wrong.append(f"the event log's times put the second label first: {events}")
    if [sid for sid, _ in labels] != [first, second]:
        wrong.append(f"label times put the second label first: {labels}")
    if status_at < events[1][2]:
        wrong.append(f"the article was marked done at {status_at}, before its last label")
    return {
        "lost": len(wrong),
        "events": [list(map(str, e)) for e in events],
        **({"wrong": wrong} if wrong else {}),
    }


def run_scenarios(work: Path) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {}
    for name, scenario in (
        ("nearly full disk", nearly_full_disk),
        ("read-only folder", read_only_folder),
        ("-wal deleted while open", wal_deleted),
        ("two writers, one sentence", two_writers),
        ("clock set back an hour", clock_set_back),
    ):
        t0 = time.perf_counter()
        try:
            out[name] = scenario(work / name.split()[0].strip("-"))
        except Exception as exc:  # a scenario that breaks is a finding, not a crash of the run
            out[name] = {"lost": 1, "crashed": f"{type(exc).__name__}: {exc}"}
        out[name]["seconds"] = round(time.perf_counter() - t0, 1)
        print(f"{name}: {out[name]}", flush=True)
    return out


if __name__ == "__main__":
    import json
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="soak-scenarios-"))
    try:
        result = run_scenarios(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(result, indent=2))
    raise SystemExit(1 if any(r.get("lost") for r in result.values()) else 0)
