"""Per-user UI state: every key has a type and a default, damaged values fall back to it, recent
files and each coder's place are kept per project."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings

from ui import settings as keys
from ui.settings import MAX_RECENT, Settings, data_dir, demo_project_path


def test_an_unset_key_gives_its_default() -> None:
    s = Settings()
    assert s.get(keys.CODER) == ""
    assert s.get(keys.THEME) == "system"
    assert s.get(keys.SHOW_OTHER_CODERS) is False
    assert s.get(keys.RECENT_PROJECTS) == []
    assert s.get(keys.SENTENCE_POINT_SIZE) == 0.0


def test_values_come_back_with_their_type_from_a_fresh_reader() -> None:
    s = Settings()
    s.set(keys.CODER, "anna")
    s.set(keys.SHOW_OTHER_CODERS, True)
    s.set(keys.SENTENCE_POINT_SIZE, 13.5)
    s.set(keys.RECENT_PROJECTS, ["/only/one.annotator"])  # an INI file stores one as a string
    s.set(keys.GEOMETRY, QByteArray(b"\x01\x02geometry"))
    s.sync()
    fresh = Settings()  # reads the file again
    assert fresh.get(keys.CODER) == "anna"
    assert fresh.get(keys.SHOW_OTHER_CODERS) is True
    assert fresh.get(keys.SENTENCE_POINT_SIZE) == 13.5
    assert fresh.get(keys.RECENT_PROJECTS) == ["/only/one.annotator"]
    assert bytes(fresh.get(keys.GEOMETRY).data()) == b"\x01\x02geometry"


@pytest.mark.parametrize("raw", ["false", "0", "no"])
def test_a_false_flag_written_as_text_reads_false(raw: str) -> None:
    QSettings().setValue(keys.SHOW_OTHER_CODERS.name, raw)
    assert Settings().get(keys.SHOW_OTHER_CODERS) is False


def test_a_damaged_value_falls_back_to_the_default() -> None:
    QSettings().setValue(keys.SENTENCE_POINT_SIZE.name, "large, please")
    assert Settings().get(keys.SENTENCE_POINT_SIZE) == 0.0


def test_recent_projects_newest_first_without_repeats_and_capped(tmp_path: Path) -> None:
    s = Settings()
    paths = [tmp_path / f"p{i}.annotator" for i in range(MAX_RECENT + 2)]
    for p in paths:
        s.add_recent(p)
    recent = s.add_recent(paths[3])  # opened again: moves to the top, not listed twice
    assert recent[0] == str(paths[3].resolve())
    assert len(recent) == MAX_RECENT
    assert len(set(recent)) == MAX_RECENT
    assert str(paths[0].resolve()) not in recent  # the oldest fell off
    assert s.get(keys.LAST_PROJECT) == str(paths[3].resolve())
    assert s.get(keys.RECENT_PROJECTS) == recent


def test_each_coder_comes_back_to_their_own_place_in_each_project(tmp_path: Path) -> None:
    s = Settings()
    one, two = tmp_path / "one.annotator", tmp_path / "two.annotator"
    s.set_position(one, "anna", 3, 41)
    s.set_position(one, "ben", 5, 77)
    s.set_position(two, "anna", 9, None)
    assert s.position(one, "anna") == (3, 41)
    assert s.position(one, "ben") == (5, 77)
    assert s.position(two, "anna") == (9, None)
    assert s.position(two, "ben") == (None, None)  # never been there


def test_the_data_folder_follows_the_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(tmp_path / "elsewhere"))
    assert data_dir() == tmp_path / "elsewhere"
    assert demo_project_path() == tmp_path / "elsewhere" / "demo.annotator"
    monkeypatch.delenv("ANNOTATOR_DATA_DIR")
    assert data_dir() != tmp_path / "elsewhere"
    assert data_dir().is_absolute()
