"""An article's identity: its content hash and the stable id derived from it."""

from __future__ import annotations

import hashlib
import uuid

from hypothesis import example, given
from hypothesis import strategies as st

from annotator.storage.article_writes import content_hash, uid_for

NAMESPACE = uuid.UUID("6f1c2a4e-3b1d-5a8e-9c47-2d0e8b7f1a35")


@given(st.text())
def test_uid_is_the_uuid5_of_the_content_hash(name: str) -> None:
    assert uid_for(name) == str(uuid.uuid5(NAMESPACE, name))


def test_uid_of_a_known_article_never_changes() -> None:
    # Projects made by earlier versions hold this id; exports and merges match on it.
    digest = content_hash("Troops moved.\n\nOfficials denied it.")
    assert digest == "fa2e146e322ed372d6a70f2efdbd31d4546ae13f8b20e2d29ee4c3c4548c076d"
    assert uid_for(digest) == "3b0d3730-b065-51f9-b98a-2e7c00df2c2e"


def test_white_space_does_not_change_the_content_hash() -> None:
    assert content_hash("Troops moved.\n\nOfficials denied it.") == content_hash(
        "  Troops   moved. Officials\tdenied it.\n"
    )


def _general_content_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


# Mostly what decides the fast path: spaces and newlines in runs, other white space, non-ASCII.
_HASHED = st.lists(
    st.sampled_from([*"ab. \n", "  ", "\n\n", "   \n ", "\t", "\r", "\x0b", "\x1c", "\xa0", "é"]),
    max_size=40,
).map("".join)


@given(_HASHED)
@example(" \n Troops  moved.\n\n\n   Officials denied it. \n")
def test_the_plain_ascii_hash_is_the_general_hash(text: str) -> None:
    assert content_hash(text) == _general_content_hash(text)
