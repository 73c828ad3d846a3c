"""`make wheel-test`: the wheel and `pipx install .` work on their own, away from this repository.

    .venv/bin/python packaging/wheel_test.py            # builds dist/annotator-<version>-*.whl

1. builds the wheel into dist/;
2. `pip install dist/annotator-*.whl` into a fresh venv in a temporary folder (its dependencies
   come from the package index), then, run from that folder with a fresh HOME: `annotator
   --version`, `annotator demo`, `annotator export` to CSV, the window offscreen, and a check that
   `annotator` was imported from the venv and its sample articles and icons are package data;
3. `pipx install <repo>` (pipx itself is pip-installed into a second temporary venv) with its
   own PIPX_HOME and PIPX_BIN_DIR, and the installed command's version and demo.

Not part of `make test`: it downloads the dependencies (PySide6 alone is ~100 MB) unless pip's
cache has them, and takes one to several minutes. The fast checks of the wheel's contents are
tests/core/test_packaging.py, which `make test` runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DIST = REPO / "dist"
sys.path.insert(0, str(REPO))

from annotator._version import version_from_pyproject  # noqa: E402

VERSION = version_from_pyproject(REPO / "pyproject.toml")


def bin_dir(env: Path) -> Path:
    return env / ("Scripts" if sys.platform == "win32" else "bin")


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """No PYTHONPATH, no virtualenv of the caller, a fresh HOME."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "SYSTEMROOT", "TEMP", "TMP")}
    keep["PATH"] = os.pathsep.join(
        p for p in keep.get("PATH", "").split(os.pathsep) if ".venv" not in p
    )
    return {**keep, "HOME": str(home), "USERPROFILE": str(home), **extra}


def run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 900) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise SystemExit(f"FAIL {' '.join(cmd)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def build_wheel() -> Path:
    DIST.mkdir(exist_ok=True)
    for old in DIST.glob("annotator-*.whl"):
        old.unlink()
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(DIST), str(REPO)],
        check=True,
    )  # fmt: skip
    (wheel,) = DIST.glob(f"annotator-{VERSION}-*.whl")
    return wheel


def check_installed(annotator: Path, python: Path | None, work: Path, env: dict[str, str]) -> None:
    out = run([str(annotator), "--version"], work, env).strip()
    assert out == f"annotator {VERSION}", out
    out = run([str(annotator), "demo", "demo.annotator"], work, env)
    assert "5 articles" in out, out
    run([str(annotator), "export", "demo.annotator", "labels.csv"], work, env)
    rows = (work / "labels.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) > 50, rows[:3]
    out = run([str(annotator), "open", "demo.annotator", "--coder", "w", "--quit-when-ready"],
              work, {**env, "QT_QPA_PLATFORM": "offscreen"})  # fmt: skip
    assert "window ready" in out, out
    if python is not None:
        probe = (
            "import annotator, annotator.paths as p, sys; "
            "print(annotator.__file__); print(p.sample_articles_dir()); print(p.icons_dir())"
        )
        where = run([str(python), "-c", probe], work, env).splitlines()
        for line in where:
            assert str(REPO) not in line, f"{line} is in the repository, not the venv"
        assert Path(where[1], "01-border-shelling.txt").is_file(), where
        assert Path(where[2], "annotator-256.png").is_file(), where


def main() -> int:
    t0 = time.perf_counter()
    wheel = build_wheel()
    print(f"built {wheel.relative_to(REPO)}")
    with tempfile.TemporaryDirectory(prefix="annotator-wheel-") as tmp:
        base = Path(tmp)
        home, work = base / "home", base / "work"
        home.mkdir()
        work.mkdir()
        env = clean_env(home)

        target = base / "venv"
        venv.create(target, with_pip=True)
        python = bin_dir(target) / "python"
        run([str(python), "-m", "pip", "install", "-q", str(wheel)], work, env)
        check_installed(bin_dir(target) / "annotator", python, work, env)
        print(f"ok   pip install {wheel.name} into a fresh venv ({time.perf_counter() - t0:.0f} s)")

        t1 = time.perf_counter()
        tools = base / "pipx-venv"
        venv.create(tools, with_pip=True)
        run([str(bin_dir(tools) / "python"), "-m", "pip", "install", "-q", "pipx"], work, env)
        pipx_env = {**env, "PIPX_HOME": str(base / "pipx"), "PIPX_BIN_DIR": str(base / "bin"),
                    "PIPX_MAN_DIR": str(base / "man")}  # fmt: skip
        run([str(bin_dir(tools) / "pipx"), "install", str(REPO)], work, pipx_env)
        pipx_work = work / "pipx"
        pipx_work.mkdir()
        check_installed(base / "bin" / "annotator", None, pipx_work, pipx_env)
        print(f"ok   pipx install . ({time.perf_counter() - t1:.0f} s)")
    print("wheel test: 2 passed, 0 failed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
