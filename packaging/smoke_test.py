"""`make package-test`: the BUILT app, not the source, in a clean environment.

    .venv/bin/python packaging/smoke_test.py                   # the newest dist/annotator-*.tar.gz
    .venv/bin/python packaging/smoke_test.py dist/annotator    # or a one-folder build, or .app

The archive is unpacked into a temporary folder and every command runs as
``env -i PATH=/usr/bin:/bin HOME=<fresh folder>`` (on Windows: only the variables the OS itself
needs, with a fresh profile folder), so neither this repository, its .venv, a Python on PATH nor a
setting of the developer's can help the app. It prints its version, builds the demo project,
runs every command of the command line on it (exports CSV, Excel, JSON Lines and REFI-QDA;
imports text, HTML, a Word file, a table and enough text to start the worker processes), opens
the window offscreen and closes it (on X11 too where Xvfb is installed), and on Linux installs
into the fresh HOME with install.sh and uninstalls again. Each step prints one line; the last
says how many passed.

The driver (this file) may run on any Python; it only makes the input files and reads outputs.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DIST = REPO / "dist"
SAMPLES = REPO / "resources" / "sample_articles"
APP_ID = "invalid.annotator.Annotator"
SIZE_BUDGET_MB = 250
#: every command of `annotator --help` (a new command must be added here and get a step below)
COMMANDS = (
    "open", "init", "import", "info", "demo", "backup", "agreement", "export", "codebook",
    "import-labels", "merge", "duplicates", "stats", "server", "assign", "gold", "push", "pull",
)  # fmt: skip
WORKER_BYTES = 9_000_000  # above annotator.importer.PARALLEL_MIN_BYTES: the import starts workers


class SmokeFailure(AssertionError):
    """A step of the smoke test did not do what it should."""


def expected_version() -> str:
    sys.path.insert(0, str(REPO))
    from annotator._version import version_from_pyproject

    return version_from_pyproject(REPO / "pyproject.toml")


def find_artefact(given: str | None) -> Path:
    if given:
        return Path(given).resolve()
    archives = sorted(DIST.glob("annotator-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if archives:
        return archives[-1]
    for candidate in (DIST / "annotator.app", DIST / "annotator"):
        if candidate.exists():
            return candidate
    raise SystemExit("no built app in dist/: run `make package` first")


def unpack(artefact: Path, into: Path) -> Path:
    """The app's folder (an .app bundle is its own folder)."""
    if artefact.name.endswith(".tar.gz"):
        with tarfile.open(artefact) as tar:
            tar.extractall(into, filter="tar")
        (top,) = [p for p in into.iterdir() if p.is_dir()]
        return top
    return artefact


def executable(folder: Path) -> Path:
    if folder.suffix == ".app":
        return folder / "Contents" / "MacOS" / "annotator"
    return folder / ("annotator.exe" if sys.platform == "win32" else "annotator")


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


class CleanRunner:
    """Runs the app with nothing of this machine's environment but PATH=/usr/bin:/bin."""

    def __init__(self, exe: Path, home: Path, work: Path) -> None:
        self.exe, self.home, self.work = exe, home, work

    def command(self, args: Sequence[str], extra: dict[str, str]) -> tuple[list[str], dict | None]:
        if sys.platform == "win32":
            root = os.environ.get("SYSTEMROOT", r"C:\Windows")
            env = {
                "SYSTEMROOT": root,
                "PATH": rf"{root}\System32;{root}",
                "USERPROFILE": str(self.home),
                "HOME": str(self.home),
                "APPDATA": str(self.home / "AppData" / "Roaming"),
                "LOCALAPPDATA": str(self.home / "AppData" / "Local"),
                "TEMP": str(self.home / "Temp"),
                "TMP": str(self.home / "Temp"),
                **extra,
            }
            (self.home / "Temp").mkdir(parents=True, exist_ok=True)
            return [str(self.exe), *args], env
        pairs = [f"{k}={v}" for k, v in extra.items()]
        cmd = ["env", "-i", "PATH=/usr/bin:/bin", f"HOME={self.home}", *pairs, str(self.exe)]
        return [*cmd, *args], None

    def run(
        self, *args: str, ok: bool = True, timeout: float = 180, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        cmd, env = self.command(args, extra)
        done = subprocess.run(
            cmd, cwd=self.work, env=env, capture_output=True, text=True, encoding="utf-8",
            errors="replace", timeout=timeout,
        )  # fmt: skip
        if ok and done.returncode != 0:
            raise SmokeFailure(
                f"`annotator {' '.join(args)}` exited {done.returncode}\n"
                f"--- stdout\n{done.stdout[-2000:]}\n--- stderr\n{done.stderr[-3000:]}"
            )
        return done


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def start_xvfb() -> tuple[subprocess.Popen[bytes], str] | None:
    """A virtual X server on a free display, to open the window with the xcb plugin as a Linux
    desktop would; None if it does not come up. The caller stops it."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        return None
    for n in range(90, 130):
        if Path(f"/tmp/.X{n}-lock").exists() or Path(f"/tmp/.X11-unix/X{n}").exists():
            continue
        server = subprocess.Popen(
            [xvfb, f":{n}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and server.poll() is None:
            if Path(f"/tmp/.X11-unix/X{n}").exists():
                return server, f":{n}"
            time.sleep(0.05)
        server.terminate()
        server.wait(timeout=10)
    return None


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF whose text a PDF reader extracts (written by hand: no library needed)."""
    stream = f"BT /F1 11 Tf 40 760 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def make_inputs(folder: Path) -> dict[str, Path]:
    """Files to import: plain text, a web page, a Word file (when python-docx is at hand), a CSV
    table, and a folder big enough for the import's worker processes."""
    folder.mkdir()
    articles = folder / "articles"
    articles.mkdir()
    (articles / "plain.txt").write_text(
        "Talks resumed in Veloria on Monday. Both delegations said the ceasefire held.\n",
        encoding="utf-8",
    )
    (articles / "page.html").write_text(
        "<html><head><title>Port reopens</title></head><body><nav>Home | World</nav><article>"
        "<h1>Port reopens after blockade</h1><p>The port of Sarn reopened on Friday after a "
        "three-week blockade, the harbour authority said. Ships carrying grain were the first "
        "to enter.</p><p>Officials expect trade to recover within a month.</p></article>"
        "<footer>Copyright</footer></body></html>",
        encoding="utf-8",
    )
    (articles / "statement.pdf").write_bytes(
        minimal_pdf("Ministers met in Sarn on Monday. They agreed to reopen the border crossing.")
    )
    try:
        import docx

        document = docx.Document()
        document.add_paragraph("Aid convoy reaches the north. Drivers reported no incidents.")
        document.save(str(articles / "report.docx"))
    except ImportError:
        pass
    table = folder / "table.csv"
    with table.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["headline", "body"])
        writer.writerow(["Bridge repaired", "Engineers repaired the bridge. Traffic resumed."])
        writer.writerow(["Curfew lifted", "The curfew was lifted. Shops opened again at noon."])
    many = folder / "many"
    many.mkdir()
    sentence = "The committee met again on Tuesday and agreed on a timetable for the talks. "
    body = sentence * 130  # ~10 KB per file
    for i in range(WORKER_BYTES // len(body) + 1):
        (many / f"{i:04d}.txt").write_text(f"Report {i}. {body}\n", encoding="utf-8")
    samples = folder / "samples"  # the demo's articles, to take the demo's labels back in
    samples.mkdir()
    for text in SAMPLES.glob("*.txt"):
        (samples / text.name).write_bytes(text.read_bytes())
    ratings = folder / "ratings.csv"
    with ratings.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["unit", "coder", "value"])
        for unit, (a, b) in enumerate([("x", "x"), ("y", "y"), ("x", "y"), ("y", "y")]):
            writer.writerow([unit, "a", a])
            writer.writerow([unit, "b", b])
    return {"articles": articles, "table": table, "many": many, "ratings": ratings,
            "samples": samples}  # fmt: skip


def steps(app: CleanRunner, work: Path, version: str, folder: Path) -> list[tuple[str, Callable]]:
    inputs: dict[str, Path] = {}

    def version_step() -> None:
        out = app.run("--version").stdout.strip()
        expect(out == f"annotator {version}", f"--version printed {out!r}, not {version!r}")

    def help_step() -> None:
        text = app.run("--help").stdout
        for command in COMMANDS:
            expect(command in text, f"--help does not list {command}")
            app.run(command, "--help")
        app.run("codebook", "export", "--help")

    def demo_step() -> None:
        out = app.run("demo", "demo.annotator").stdout
        expect("5 articles" in out, f"demo printed {out!r}")
        info = json.loads(app.run("info", "demo.annotator", "--json").stdout)
        expect(info.get("articles") == 5, f"info --json: {info}")

    def export_step() -> None:
        app.run("export", "demo.annotator", "labels.csv")
        with (work / "labels.csv").open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        expect(len(rows) >= 50, f"labels.csv holds {len(rows)} rows")
        expect({r["coder"] for r in rows} >= {"anna", "ben"}, "labels.csv lacks the demo coders")
        for name in ("labels.xlsx", "labels.jsonl", "project.qdpx"):
            app.run("export", "demo.annotator", name)
            expect((work / name).stat().st_size > 0, f"{name} is empty")
        app.run("export", "demo.annotator", "wide.csv", "--layout", "wide")

    def agreement_step() -> None:
        report = json.loads(app.run("agreement", "demo.annotator", "--format", "json").stdout)
        expect("krippendorff_alpha" in json.dumps(report), "agreement json lacks alpha")
        app.run("agreement", "demo.annotator", "--format", "html", "--out", "report.html")
        out = app.run("agreement", "--data", str(inputs["ratings"]), "--format", "json").stdout
        expect("krippendorff_alpha" in out, "agreement --data lacks alpha")

    def stats_step() -> None:
        out = app.run("stats", "demo.annotator").stdout
        expect("Per coder and code" in out and "anna" in out, f"stats printed {out!r}")
        app.run("stats", "demo.annotator", "--format", "csv", "--output", "stats.csv")
        head = (work / "stats.csv").read_text(encoding="utf-8").splitlines()[0]
        expect(head.startswith("table,coder,"), f"stats.csv starts {head!r}")

    def server_step() -> None:
        out = app.run("assign", "demo.annotator", "--coders", "anna,ben", "--seed", "1").stdout
        expect("coded by all 2 coders" in out, f"assign printed {out!r}")
        # No server here: the refusal shows the bundled PostgreSQL driver (libpq) loads.
        failed = app.run("server", "coders", "postgresql://anna:x@127.0.0.1:1/lab", ok=False)
        expect(
            failed.returncode == 1 and "cannot reach the server" in failed.stderr,
            f"server coders without a server: {failed.stderr!r}",
        )

    def gold_step() -> None:
        app.run("gold", "mark", "demo.annotator", "--all-done-by", "ben", "--gold-coder", "ben")
        expect("ben" in app.run("gold", "list", "demo.annotator").stdout, "gold list lacks ben")
        out = app.run("agreement", "demo.annotator", "--against", "gold", "--format", "json")
        expect('"coder": "anna"' in out.stdout, f"--against gold printed {out.stdout!r}")

    def pull_push_step() -> None:
        out = app.run("pull", "demo.annotator", "archive.annotator").stdout
        expect("every table copied" in out, f"pull printed {out!r}")
        out = app.run("push", "demo.annotator", "archive.annotator").stdout
        expect("0 labels added" in out, f"push printed {out!r}")

    def import_step() -> None:
        app.run("init", "new.annotator")
        out = app.run("import", "new.annotator", str(inputs["articles"])).stdout
        app.run("import", "new.annotator", str(inputs["table"]),
                "--text-column", "body", "--title-column", "headline")  # fmt: skip
        app.run("import", "new.annotator", "project.qdpx")
        info = json.loads(app.run("info", "new.annotator", "--json").stdout)
        expect(info["articles"] >= 5 + 5, f"after the imports: {info}\n{out}")

    def workers(method: str) -> Callable[[], None]:
        def step() -> None:
            t0 = time.perf_counter()
            project = f"big-{method}.annotator"
            app.run("init", project)
            extra = {"ANNOTATOR_IMPORT_START_METHOD": method} if method != "default" else {}
            app.run("import", project, str(inputs["many"]), timeout=600, **extra)
            info = json.loads(app.run("info", project, "--json").stdout)
            files = len(list(inputs["many"].iterdir()))
            expect(info["articles"] == files, f"{info['articles']} of {files} files imported")
            took = time.perf_counter() - t0
            print(f"     ({files} files, {WORKER_BYTES / 1e6:.0f} MB, {took:.1f} s)")

        return step

    def labels_codebook_merge_step() -> None:
        app.run("init", "relabel.annotator")
        app.run("import", "relabel.annotator", str(inputs["samples"]))
        app.run("import-labels", "relabel.annotator", "labels.csv")
        info = json.loads(app.run("info", "relabel.annotator", "--json").stdout)
        expect(info.get("labels", 0) >= 50, f"import-labels: {info}")
        app.run("codebook", "export", "demo.annotator", "codebook.yaml")
        app.run("codebook", "export", "demo.annotator", "codebook.qdc")
        app.run("init", "cb.annotator")
        app.run("codebook", "import", "cb.annotator", "codebook.qdc")
        app.run("init", "lead.annotator")
        app.run("merge", "lead.annotator", "demo.annotator")
        merged = json.loads(app.run("info", "lead.annotator", "--json").stdout)
        expect(merged.get("labels") == info.get("labels"), f"merge: {merged} vs {info}")
        app.run("backup", "demo.annotator")
        failed = app.run("info", "no-such.annotator", ok=False)
        expect(failed.returncode != 0 and "error" in failed.stderr, "a missing file is no error")

    def window_step() -> None:
        done = app.run(
            "open", "demo.annotator", "--coder", "smoke", "--quit-when-ready",
            QT_QPA_PLATFORM="offscreen", timeout=120,
        )  # fmt: skip
        expect("window ready" in done.stdout, f"no window: {done.stdout}\n{done.stderr}")
        # An icon font or a dialog module missing from the build is logged, not fatal: look.
        for log in app.home.rglob("annotator.log"):
            bad = [ln for ln in log.read_text(errors="replace").splitlines()
                   if " ERROR " in ln or "Traceback" in ln]  # fmt: skip
            expect(not bad, f"{log}: {bad[:5]}")

    def first_start_step() -> None:
        # No project named: what a double-click on the app does (a coder is given, or the first
        # start would ask for one): the demo is built from the bundled articles into the user's
        # data folder and opened. A HOME of its own: the other steps' settings name a last
        # project, which the app would reopen instead.
        home = app.home.parent / "home-first-start"
        home.mkdir()
        first = CleanRunner(app.exe, home, app.work)
        # Linux: the default data folder (XDG, under HOME); Windows and macOS find theirs through
        # the account, not HOME, so the data folder is named there
        data = (
            {} if sys.platform.startswith("linux") else {"ANNOTATOR_DATA_DIR": str(home / "data")}
        )
        done = first.run("open", "--coder", "smoke", "--quit-when-ready",
                         QT_QPA_PLATFORM="offscreen", timeout=120, **data)  # fmt: skip
        expect("window ready" in done.stdout, f"no window: {done.stdout}\n{done.stderr}")
        made = sorted(home.rglob("*.annotator"))
        expect(len(made) == 1, f"not one demo project in the data folder: {made}")

    def x11_window_step() -> None:
        xvfb = start_xvfb()
        if xvfb is None:
            raise SmokeFailure("Xvfb did not start")
        server, display = xvfb
        try:
            done = app.run(
                "open", "demo.annotator", "--coder", "smoke", "--quit-when-ready",
                QT_QPA_PLATFORM="xcb", DISPLAY=display, timeout=120,
            )  # fmt: skip
            expect("window ready" in done.stdout, f"no X11 window: {done.stdout}\n{done.stderr}")
        finally:
            server.terminate()
            server.wait(timeout=10)

    def install_step() -> None:
        env = ["env", "-i", "PATH=/usr/bin:/bin", f"HOME={app.home}"]
        done = subprocess.run([*env, "sh", str(folder / "install.sh")],
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        expect(done.returncode == 0, f"install.sh: {done.stdout}{done.stderr}")
        local = app.home / ".local"
        installed = local / "bin" / "annotator"
        out = subprocess.run([*env, str(installed), "--version"], capture_output=True, text=True)
        expect(out.stdout.strip() == f"annotator {version}", f"installed: {out.stdout!r}")
        desktop = (local / "share" / "applications" / f"{APP_ID}.desktop").read_text()
        expect(f'Exec="{local}/opt/annotator/annotator" open %f' in desktop, desktop)
        for rel in (f"share/metainfo/{APP_ID}.metainfo.xml", f"share/mime/packages/{APP_ID}.xml",
                    f"share/icons/hicolor/scalable/apps/{APP_ID}.svg",
                    f"share/icons/hicolor/256x256/apps/{APP_ID}.png"):  # fmt: skip
            expect((local / rel).is_file(), f"install.sh did not install {rel}")
        globs = local / "share" / "mime" / "globs2"
        if globs.exists():  # update-mime-database ran: the desktop now knows *.annotator
            expect("application/x-annotator-project:*.annotator" in globs.read_text(), "globs2")
        done = subprocess.run([*env, "sh", str(local / "opt" / "annotator" / "uninstall.sh")],
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        expect(done.returncode == 0, f"uninstall.sh: {done.stdout}{done.stderr}")
        expect(not installed.exists() and not (local / "opt" / "annotator").exists(), "left over")

    def inputs_step() -> None:
        inputs.update(make_inputs(work / "inputs"))

    plan = [
        ("prints its version", version_step),
        ("lists and explains every command", help_step),
        ("builds the demo project", demo_step),
        ("exports CSV, Excel, JSON Lines, REFI-QDA", export_step),
        ("makes test inputs (driver side)", inputs_step),
        ("agreement on a project and on --data", agreement_step),
        ("coding-time stats, as a table and as CSV", stats_step),
        ("assigns articles in a file; a server address it cannot reach", server_step),
        ("gold standard: mark, list, agreement against gold", gold_step),
        ("pulls a complete copy and pushes into it (nothing added twice)", pull_push_step),
        ("imports text, HTML, PDF, Word, a table, REFI-QDA", import_step),
        ("imports with worker processes", workers("default")),
        # the app's start (on Linux the command line forks instead): each worker re-runs the
        # frozen program, which must become a worker, not a second app or command line
        ("imports with spawned worker processes, as the app does", workers("spawn")),
        ("import-labels, codebook, merge, backup", labels_codebook_merge_step),
        # first start before any window: on Windows and macOS the settings (registry,
        # CFPreferences) are the account's, not the fresh HOME's, and a window opened before
        # would be remembered there as the last project
        ("first start: builds the demo in the data folder and opens it", first_start_step),
        ("opens the window offscreen and closes it", window_step),
    ]
    if sys.platform.startswith("linux") and shutil.which("Xvfb"):
        plan.append(("opens the window on X11 (Xvfb) and closes it", x11_window_step))
    if sys.platform.startswith("linux") and (folder / "install.sh").exists():
        plan.append(("install.sh into ~/.local and uninstall.sh", install_step))
    return plan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("artefact", nargs="?", help="archive, one-folder build or .app")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--name-only", action="store_true",
                        help="only check that the download's name carries the version "
                        "(for an installer or disk image tested after installing it)")  # fmt: skip
    args = parser.parse_args(argv)
    artefact = find_artefact(args.artefact)
    version = expected_version()
    if artefact.is_file() and f"annotator-{version}-" not in artefact.name:
        print(f"FAIL the download's name {artefact.name} does not carry the version {version}")
        return 1
    if args.name_only:
        print(f"ok   {artefact.name} carries the version {version}")
        return 0
    print(f"smoke test of {artefact} (expecting version {version})")
    temp = Path(tempfile.mkdtemp(prefix="annotator-smoke-"))
    passed = failed = 0
    try:
        folder = unpack(artefact, temp / "unpacked")
        size = folder_size(folder)
        print(f"     unpacked size {size / 1e6:.0f} MB (budget {SIZE_BUDGET_MB} MB)")
        if size > SIZE_BUDGET_MB * 1e6:
            print("FAIL over the size budget")
            failed += 1
        home, work = temp / "home", temp / "work"
        home.mkdir()
        work.mkdir()
        app = CleanRunner(executable(folder), home, work)
        for title, step in steps(app, work, version, folder):
            t0 = time.perf_counter()
            try:
                step()
            except Exception as exc:  # any failure of a step is reported, and the rest still run
                failed += 1
                print(f"FAIL {title}: {type(exc).__name__}: {exc}")
                continue
            passed += 1
            print(f"ok   {title} ({time.perf_counter() - t0:.1f} s)")
    finally:
        if args.keep:
            print(f"kept {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)
    print(f"smoke test: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
