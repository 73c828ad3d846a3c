"""The window on a server project whose server goes away: it says so at once, the coder keeps
coding (each change kept on their disk), and the changes reach the server when it is back.

A real PostgreSQL server of the test's own is stopped and started in the middle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from tests.core.helpers.private_server import PrivateServer
from tests.core.test_server_outage import _labels_and_adds, _project, outage_server

__all__ = ["outage_server"]  # the fixture, used below


@pytest.fixture
def coder_url(outage_server: PrivateServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield _project(outage_server, monkeypatch)


def test_the_window_keeps_coding_while_the_server_is_away_and_sends_it_back(
    qtbot: QtBot,
    make_window: Callable[..., object],
    outage_server: PrivateServer,
    coder_url: str,
) -> None:
    window = make_window(coder_url, "anna")
    assert window.project.is_server  # type: ignore[attr-defined]
    panel = window.article_panel  # type: ignore[attr-defined]
    view = window.sentence_view  # type: ignore[attr-defined]
    panel.select_row(0)
    qtbot.keyClick(view, "m")  # Military action, written to the server
    assert not window.offline_label.isVisible()  # type: ignore[attr-defined]

    outage_server.stop()
    for row in (1, 2):
        panel.select_row(row)
        qtbot.keyClick(view, "m")
    label = window.offline_label  # type: ignore[attr-defined]
    assert label.isVisible() and "2 changes kept on this computer" in label.text()
    model = window.sentence_model  # type: ignore[attr-defined]
    assert [c.name for c in model.own_codes(2)] == ["Military action"]  # shown as saved

    outage_server.start()
    window.send_journal()  # what the retry timer does every 3 s
    qtbot.waitUntil(lambda: not label.isVisible(), timeout=10_000)
    labels, adds = _labels_and_adds(outage_server)
    assert len(labels) == 3 and adds == 3
