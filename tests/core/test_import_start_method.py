"""ANNOTATOR_IMPORT_START_METHOD picks how the import starts its workers: the smoke test of the
built app sets "spawn" so the command line starts them as the app does; anything unknown is
ignored."""

from __future__ import annotations

import multiprocessing
import sys

import pytest

from annotator import importer


def test_the_variable_chooses_the_start_method(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(importer.START_METHOD_VARIABLE, "spawn")
    assert importer.start_method() == "spawn"


def test_an_unknown_start_method_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(importer.START_METHOD_VARIABLE, raising=False)
    default = importer.start_method()
    monkeypatch.setenv(importer.START_METHOD_VARIABLE, "teleport")
    assert importer.start_method() == default
    assert default in multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "PySide6" not in sys.modules:
        assert default == "fork"
