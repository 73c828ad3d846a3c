"""The packaging files agree with each other and with the package: one version, one app id, one
MIME type, every icon size, every command in the smoke test; install.sh puts the desktop files
where a Linux desktop looks for them. The built app itself is tested by `make package-test`
(packaging/smoke_test.py), which takes minutes and so is not part of `make test`."""

from __future__ import annotations

import configparser
import importlib.util
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from xml.etree import ElementTree as ET

import pytest

import annotator
from annotator._version import UNKNOWN, read_version, version_from_pyproject
from annotator.cli import build_parser

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging"
LINUX = PACKAGING / "linux"
ICONS = REPO / "resources" / "icons"
PYPROJECT_VERSION = version_from_pyproject(REPO / "pyproject.toml")
METAINFO = next(LINUX.glob("*.metainfo.xml"))
APP_ID = ET.parse(METAINFO).getroot().findtext("id")
MIME_TYPE = "application/x-annotator-project"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def load_script(name: str) -> ModuleType:
    """packaging/<name>.py as a module of its own name (a bare `import build` could find the
    repository's build/ folder or the PyPI package of that name)."""
    spec = importlib.util.spec_from_file_location(f"packaging_{name}", PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = load_script("build")
smoke_test = load_script("smoke_test")


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(LINUX / f"{APP_ID}.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


# -- one version ------------------------------------------------------------------------------


def test_the_version_comes_from_the_package_metadata_which_matches_pyproject() -> None:
    assert PYPROJECT_VERSION != UNKNOWN
    assert annotator.__version__ == read_version() == PYPROJECT_VERSION


def test_the_version_falls_back_to_pyproject_when_no_metadata_is_installed(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "9.8.7"\n')
    assert version_from_pyproject(tmp_path / "pyproject.toml") == "9.8.7"
    assert version_from_pyproject(tmp_path / "missing.toml") == UNKNOWN


def test_the_metainfo_changelog_and_artefact_name_carry_the_same_version() -> None:
    releases = ET.parse(METAINFO).getroot().find("releases")
    assert releases is not None
    assert releases[0].get("version") == PYPROJECT_VERSION  # the newest release comes first
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    first = re.search(r"^## \[?(\d[^\]\s]*)", changelog, re.MULTILINE)
    assert first is not None and first.group(1) == PYPROJECT_VERSION
    assert build.artefact_name().startswith(f"annotator-{PYPROJECT_VERSION}-")


def test_no_second_copy_of_the_version_number_in_the_code() -> None:
    # a module-level constant holding a number (not, say, an XML declaration's version="1.0")
    pattern = re.compile(
        r"""^(__version__|VERSION|APP_VERSION)\s*(:\s*str\s*)?=\s*["']\d+\.\d+""", re.MULTILINE
    )
    for path in [*(REPO / "annotator").rglob("*.py"), *(REPO / "ui").rglob("*.py")]:
        assert not pattern.search(path.read_text(encoding="utf-8")), path


# -- one app id, one MIME type -----------------------------------------------------------------


def test_every_file_names_the_same_app_id() -> None:
    assert APP_ID and APP_ID.count(".") >= 2
    files = (REPO / "ui" / "app.py", PACKAGING / "annotator.spec", PACKAGING / "build.py",
             PACKAGING / "smoke_test.py", LINUX / "install.sh", LINUX / "uninstall.sh")  # fmt: skip
    for path in files:
        ids = set(re.findall(r"""APP_ID\s*=\s*["']?([\w.]+)""", path.read_text()))
        assert ids == {APP_ID}, f"{path.name}: {ids}"
    for suffix in (".desktop", ".metainfo.xml", ".mime.xml"):
        assert (LINUX / f"{APP_ID}{suffix}").is_file()


def test_the_desktop_entry_opens_projects_with_the_app_and_its_icon() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "annotator open %f"  # install.sh puts the full path in
    assert entry["Icon"] == APP_ID
    assert MIME_TYPE in entry["MimeType"].split(";")
    assert entry["Terminal"] == "false"


def test_the_metainfo_launches_the_desktop_entry_and_provides_the_mime_type() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    assert root.findtext("provides/mediatype") == MIME_TYPE
    assert root.findtext("provides/binary") == "annotator"
    assert root.findtext("project_license") == "MIT"


def test_the_mime_type_claims_annotator_files_by_name() -> None:
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    root = ET.parse(LINUX / f"{APP_ID}.mime.xml").getroot()
    (mime,) = root.findall("m:mime-type", ns)
    assert mime.get("type") == MIME_TYPE
    assert [g.get("pattern") for g in mime.findall("m:glob", ns)] == ["*.annotator"]
    generic = mime.find("m:generic-icon", ns)
    assert generic is not None and generic.get("name") == APP_ID


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_the_desktop_entry_validates() -> None:
    done = subprocess.run(["desktop-file-validate", str(LINUX / f"{APP_ID}.desktop")],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0 and "error" not in done.stdout, done.stdout


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream not installed")
def test_the_metainfo_validates() -> None:
    done = subprocess.run(["appstreamcli", "validate", "--no-net", str(METAINFO)],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


# -- icons ------------------------------------------------------------------------------------


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


@pytest.mark.parametrize("size", SIZES)
def test_every_icon_size_is_there_and_has_its_size(size: int) -> None:
    assert png_size(ICONS / f"annotator-{size}.png") == (size, size)


def test_the_svg_icon_is_square_svg() -> None:
    root = ET.parse(ICONS / "annotator.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width") == root.get("height")


# -- the smoke test and the archive -------------------------------------------------------------


def test_the_smoke_test_runs_every_command_of_the_cli() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(smoke_test.COMMANDS) == set(sub.choices)  # type: ignore[arg-type]


def test_the_archive_carries_the_desktop_files_at_the_paths_install_sh_reads() -> None:
    inside = {dest for _src, dest in build.linux_extras()}
    for size in SIZES:
        assert f"share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png" in inside
    assert f"share/icons/hicolor/scalable/apps/{APP_ID}.svg" in inside
    assert {
        "install.sh",
        "uninstall.sh",
        f"share/applications/{APP_ID}.desktop",
        f"share/metainfo/{APP_ID}.metainfo.xml",
        f"share/mime/packages/{APP_ID}.xml",
    } <= inside
    for src, _dest in build.linux_extras():
        assert src.is_file(), src


@pytest.mark.skipif(sys.platform == "win32", reason="install.sh is for Linux")
def test_install_sh_puts_the_app_in_the_menu_and_uninstall_sh_takes_it_out(tmp_path: Path) -> None:
    # The archive's layout, with a stand-in for the frozen binary (the smoke test uses the real one)
    folder = tmp_path / "annotator-x"
    (folder / "_internal").mkdir(parents=True)
    (folder / "annotator").write_text('#!/bin/sh\necho annotator-stand-in "$@"\n')
    (folder / "annotator").chmod(0o755)
    for src, dest in build.linux_extras():
        (folder / dest).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, folder / dest)
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home)}
    done = subprocess.run(["sh", str(folder / "install.sh")], env=env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    local = home / ".local"
    out = subprocess.run([str(local / "bin" / "annotator"), "--version"], capture_output=True,
                         text=True)  # fmt: skip
    assert out.stdout.strip() == "annotator-stand-in --version"
    desktop = (local / "share" / "applications" / f"{APP_ID}.desktop").read_text()
    assert f'Exec="{local}/opt/annotator/annotator" open %f' in desktop
    assert (local / "share" / "icons" / "hicolor" / "48x48" / "apps" / f"{APP_ID}.png").is_file()
    assert (local / "share" / "mime" / "packages" / f"{APP_ID}.xml").is_file()
    if shutil.which("update-mime-database"):
        globs = (local / "share" / "mime" / "globs2").read_text()
        assert f"{MIME_TYPE}:*.annotator" in globs
    done = subprocess.run(["sh", str(local / "opt" / "annotator" / "uninstall.sh")], env=env,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not (local / "bin" / "annotator").exists()
    assert not (local / "opt" / "annotator").exists()
    assert not (local / "share" / "applications" / f"{APP_ID}.desktop").exists()
    assert os.listdir(local / "share" / "icons" / "hicolor" / "48x48" / "apps") == []


def test_install_sh_refuses_to_run_outside_the_unpacked_folder(tmp_path: Path) -> None:
    shutil.copy2(LINUX / "install.sh", tmp_path / "install.sh")
    done = subprocess.run(["sh", str(tmp_path / "install.sh")],
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode != 0
    assert "unpacked annotator folder" in done.stderr
    assert not (tmp_path / ".local").exists()


def test_the_ci_workflow_builds_and_smoke_tests_on_linux_windows_and_macos() -> None:
    import yaml

    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "package.yml").read_text())
    jobs = workflow["jobs"]
    assert set(jobs) == {"linux", "windows", "macos"}
    for name, job in jobs.items():
        commands = "\n".join(step.get("run", "") for step in job["steps"])
        assert "smoke_test.py" in commands or "make package-test" in commands, name
        assert "build.py" in commands or "make package" in commands, name
    assert "annotator.iss" in "\n".join(s.get("run", "") for s in jobs["windows"]["steps"])
    assert "hdiutil create" in "\n".join(s.get("run", "") for s in jobs["macos"]["steps"])
