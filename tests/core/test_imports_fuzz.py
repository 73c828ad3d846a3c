"""Any bytes under any supported name: read_path reports, it never raises or runs away."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.imports import SUPPORTED_SUFFIXES, ImportProblem, ParsedArticle, read_path

# Random bytes, and text-like bytes that get past the binary check into the format parsers.
CONTENT = st.one_of(
    st.binary(max_size=4096),
    st.text(max_size=1024).map(lambda text: text.encode("utf-8")),
    st.lists(
        st.sampled_from(
            ["text", "title", ",", ";", "\t", '"', "\n", "{", "}", ":", "#", "<p>", "x"]
        )
    ).map(lambda parts: "".join(parts).encode()),
)


@pytest.mark.parametrize("suffix", sorted(SUPPORTED_SUFFIXES))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=CONTENT)
def test_read_path_never_raises_and_stays_bounded(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        results = list(read_path(path))
    assert all(isinstance(item, ParsedArticle | ImportProblem) for item in results)
    assert len(results) <= data.count(b"\n") + 2
    for item in results:
        if isinstance(item, ParsedArticle):
            assert item.text.strip() and len(item.text) <= 2 * len(data)
            assert "\r" not in item.text and "\x00" not in item.text
        else:
            assert item.message and "\n" not in item.message
