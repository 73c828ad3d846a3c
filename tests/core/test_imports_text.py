"""Plain text, Markdown and the encodings they arrive in."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from annotator.imports import ImportProblem, ParsedArticle, read_path

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


def read_one(path: Path) -> ParsedArticle | ImportProblem:
    results = list(read_path(path))
    assert len(results) == 1, results
    return results[0]


def read_article(path: Path) -> ParsedArticle:
    result = read_one(path)
    assert isinstance(result, ParsedArticle), result
    return result


def read_problem(path: Path) -> ImportProblem:
    result = read_one(path)
    assert isinstance(result, ImportProblem), result
    return result


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_real_wire_report_is_read_whole_with_normalised_text() -> None:
    source = SHARED / "corpus" / "ukraine-war-2025-01.txt"
    if not source.exists():
        pytest.skip("shared corpus folder beside the repo is absent")
    article = read_article(source)
    assert article.text == source.read_text(encoding="utf-8").strip()
    assert article.origin == str(source)


def test_short_first_line_of_text_file_becomes_title_and_stays_in_text(tmp_path: Path) -> None:
    path = write(
        tmp_path, "a.txt", b"Drones hit Kyiv overnight\n\nSeveral drones struck the city.\n"
    )
    article = read_article(path)
    assert article.title == "Drones hit Kyiv overnight"
    assert article.text.startswith("Drones hit Kyiv overnight\n\nSeveral")


def test_first_line_ending_like_a_sentence_is_not_a_title(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", b"Several drones struck the city.\nMore followed.\n")
    assert read_article(path).title == ""


def test_line_endings_controls_and_trailing_spaces_are_normalised(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", b"One\x07 line  \r\nTwo\tcols\rThree\x1b\n\n\n")
    assert read_article(path).text == "One line\nTwo\tcols\nThree"


def test_cp1252_smart_quotes_decode_correctly(tmp_path: Path) -> None:
    words = "He said \u201cwe hold\u201d \u2014 it\u2019s the front line\u2026 Caf\u00e9 closed."
    article = read_article(write(tmp_path, "a.txt", words.encode("cp1252")))
    assert article.text == words


def test_latin1_accents_decode_correctly(tmp_path: Path) -> None:
    words = "Le président a déclaré que la situation était très grave à Kharkiv."
    assert read_article(write(tmp_path, "a.txt", words.encode("latin-1"))).text == words


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_decodes_correctly(tmp_path: Path, codec: str) -> None:
    words = "Київ: Президент заявив — «ситуація складна».\nZweite Zeile mit Umlauten: äöü."
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    assert read_article(write(tmp_path, "a.txt", bom + words.encode(codec))).text == words


def test_utf8_bom_is_not_part_of_the_text(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", codecs.BOM_UTF8 + "Grüße aus Kyjiw".encode())
    assert read_article(path).text == "Grüße aus Kyjiw"


def test_mostly_utf8_file_with_one_stray_byte_stays_utf8(tmp_path: Path) -> None:
    words = "Zelensky’s “peace formula” — a plan in ten points. " * 5
    data = words.encode() + b"\xff" + b"Ende."
    assert read_article(write(tmp_path, "a.txt", data)).text.startswith(words.strip())


def test_empty_file_is_a_problem(tmp_path: Path) -> None:
    assert read_problem(write(tmp_path, "a.txt", b"")).message == "empty file"


def test_whitespace_only_file_is_a_problem(tmp_path: Path) -> None:
    assert read_problem(write(tmp_path, "a.md", b" \n\t\r\n  ")).message == "empty file"


def test_file_with_nul_bytes_is_binary(tmp_path: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    assert read_problem(write(tmp_path, "a.txt", data)).message == "binary file, not text"


def test_random_bytes_without_nul_are_refused(tmp_path: Path) -> None:
    data = random.Random(7).randbytes(4096).replace(b"\x00", b"\x01")
    message = read_problem(write(tmp_path, "a.txt", data)).message
    assert message.startswith(("binary file, not text", "unknown text encoding"))


def test_markdown_markup_is_stripped_to_words(tmp_path: Path) -> None:
    source = (
        "# Front *line* report\n\n"
        "Troops **advanced** near [Pokrovsk](https://example.org/p) and `held`.\n\n"
        "> A quoted _witness_ spoke.\n"
    )
    article = read_article(write(tmp_path, "a.md", source.encode()))
    assert article.text == (
        "Front line report\n\nTroops advanced near Pokrovsk and held.\n\nA quoted witness spoke."
    )


def test_markdown_heading_is_the_title(tmp_path: Path) -> None:
    path = write(tmp_path, "a.markdown", b"## Ceasefire *talks* resume\n\nDelegations met.\n")
    assert read_article(path).title == "Ceasefire talks resume"


def test_markdown_front_matter_fills_article_fields(tmp_path: Path) -> None:
    source = "---\ntitle: Talks\ndate: 2025-01-06\nsource: Wire\nauthor: A. B.\n---\nBody text.\n"
    article = read_article(write(tmp_path, "a.md", source.encode()))
    assert (article.title, article.date, article.source, article.text) == (
        "Talks",
        "2025-01-06",
        "Wire",
        "Body text.",
    )
    assert article.meta == {"author": "A. B."}


def test_oversized_file_is_refused_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import annotator.imports.reading as reading

    monkeypatch.setattr(reading, "MAX_ARTICLE_FILE_BYTES", 1000)
    path = write(tmp_path, "a.txt", b"x" * 1001)
    assert "larger than" in read_problem(path).message
