"""`make package`: the one-folder app with PyInstaller, then the archive a researcher downloads.

    .venv/bin/python packaging/build.py            # dist/annotator/ and dist/<artefact>.tar.gz
    .venv/bin/python packaging/build.py --no-archive

Build files go to build/, results to dist/ (both gitignored). On Linux the archive also carries the
.desktop entry, AppStream metainfo, MIME type, icons and install.sh (see packaging/README.md); on
Windows and macOS the CI wraps dist/annotator/ (dist/annotator.app) in an installer or a .dmg.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from annotator._version import read_version  # noqa: E402

SPEC = REPO / "packaging" / "annotator.spec"
LINUX = REPO / "packaging" / "linux"
ICONS = REPO / "resources" / "icons"
DIST = REPO / "dist"
BUILD = REPO / "build"
APP_ID = "invalid.annotator.Annotator"
SIZE_BUDGET_MB = 250


def platform_tag() -> str:
    """linux-x86_64, windows-amd64, macos-arm64: the artefact's name says where it runs."""
    system = {"darwin": "macos", "win32": "windows"}.get(sys.platform, sys.platform)
    if system.startswith("linux"):
        system = "linux"
    return f"{system}-{platform.machine().lower()}"


def artefact_name(version: str | None = None) -> str:
    """annotator-<version>-<platform>: the folder inside the archive and the archive's name."""
    return f"annotator-{version or read_version()}-{platform_tag()}"


def run_pyinstaller() -> Path:
    """Freeze the app into dist/annotator/ (built from a clean work folder each time)."""
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(DIST), "--workpath", str(BUILD / "pyinstaller"), str(SPEC)],
        check=True, cwd=REPO,
    )  # fmt: skip
    return DIST / "annotator"


def strip_debug_info(folder: Path) -> int:
    """Remove debug sections from the libraries that carry them (libpython, the standard library's
    extensions, a few wheels'); returns the bytes saved. Only those: a full strip of every library
    breaks the wheels' patchelf-ed ones (numpy's OpenBLAS then fails to load)."""
    strip = shutil.which("strip")
    readelf = shutil.which("readelf")
    if not sys.platform.startswith("linux") or strip is None or readelf is None:
        return 0
    saved = 0
    for lib in folder.rglob("*.so*"):
        if not lib.is_file() or lib.is_symlink() or lib.parent.name.endswith(".libs"):
            continue
        sections = subprocess.run([readelf, "-S", str(lib)], capture_output=True, text=True)
        if ".debug_info" not in sections.stdout:
            continue
        before = lib.stat().st_size
        subprocess.run([strip, "--strip-debug", str(lib)], check=True)
        saved += before - lib.stat().st_size
    return saved


def folder_size(folder: Path) -> int:
    """Bytes of every file under folder (what a user's disk holds once it is unpacked)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def linux_extras() -> list[tuple[Path, str]]:
    """(source, path in the archive) of the desktop integration that install.sh puts in place."""
    extras = [
        (LINUX / "install.sh", "install.sh"),
        (LINUX / "uninstall.sh", "uninstall.sh"),
        (LINUX / "README.txt", "README.txt"),
        (LINUX / f"{APP_ID}.desktop", f"share/applications/{APP_ID}.desktop"),
        (LINUX / f"{APP_ID}.metainfo.xml", f"share/metainfo/{APP_ID}.metainfo.xml"),
        (LINUX / f"{APP_ID}.mime.xml", f"share/mime/packages/{APP_ID}.xml"),
        (ICONS / "annotator.svg", f"share/icons/hicolor/scalable/apps/{APP_ID}.svg"),
    ]
    for png in sorted(ICONS.glob("annotator-*.png")):
        size = png.stem.rsplit("-", 1)[1]
        extras.append((png, f"share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png"))
    return extras


def make_tarball(app: Path, name: str) -> Path:
    """dist/<name>.tar.gz: the one-folder app under <name>/, with the Linux desktop files."""
    out = DIST / f"{name}.tar.gz"
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(app, arcname=name)
        if sys.platform.startswith("linux"):
            for source, inside in linux_extras():
                tar.add(source, arcname=f"{name}/{inside}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-archive", action="store_true", help="stop after dist/annotator/")
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    t0 = time.perf_counter()
    app = run_pyinstaller()
    saved = strip_debug_info(app)
    size = folder_size(app)
    print(f"built {app.relative_to(REPO)} in {time.perf_counter() - t0:.0f} s: "
          f"{size / 1e6:.0f} MB unpacked (budget {SIZE_BUDGET_MB} MB; "
          f"{saved / 1e6:.0f} MB of debug info stripped)")  # fmt: skip
    if size > SIZE_BUDGET_MB * 1e6:
        print(f"error: over the size budget of {SIZE_BUDGET_MB} MB", file=sys.stderr)
        return 1
    if not args.no_archive:
        archive = make_tarball(app, artefact_name())
        print(f"packed {archive.relative_to(REPO)}: {archive.stat().st_size / 1e6:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
