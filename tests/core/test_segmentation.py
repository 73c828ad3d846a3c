"""Sentence segmentation: quality on the gold set, news layout, and manual split/merge checks."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml

from annotator.segmentation import (
    SegmentationError,
    Span,
    merge_spans,
    segment,
    split_span,
    validate_spans,
)

GOLD = Path(__file__).resolve().parent / "data" / "segmentation_gold.yaml"
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
MIN_F1 = 0.95


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in segment(text)]


def gold_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    return cases


def gold_spans(case: dict[str, Any]) -> set[Span]:
    """The expected sentences located in order in the text; each must follow the previous."""
    text, pos, spans = case["text"], 0, set()
    for sentence in case["sentences"]:
        start = text.index(sentence, pos)
        assert not text[pos:start].strip(), f"{case['covers']}: text skipped before {sentence!r}"
        pos = start + len(sentence)
        spans.add((start, pos))
    assert not text[pos:].strip(), f"{case['covers']}: text after the last sentence"
    return spans


# --- gold set ----------------------------------------------------------------------------------


def test_gold_set_has_thirty_passages_whose_sentences_tile_the_text() -> None:
    cases = gold_cases()
    assert len(cases) >= 30
    for case in cases:
        gold_spans(case)


def test_exact_span_f1_on_gold_set_is_at_least_095(record_property: Any) -> None:
    hits = predicted = expected = 0
    misses = []
    for case in gold_cases():
        gold = gold_spans(case)
        found = set(segment(case["text"]))
        hits += len(found & gold)
        predicted += len(found)
        expected += len(gold)
        if found != gold:
            misses.append(case["covers"])
    precision, recall = hits / predicted, hits / expected
    f1 = 2 * precision * recall / (precision + recall)
    record_property("segmentation_gold_f1", round(f1, 4))
    assert f1 >= MIN_F1, f"F1 {f1:.3f} (P {precision:.3f}, R {recall:.3f}); wrong: {misses}"


# --- news layout -------------------------------------------------------------------------------


def test_headline_without_period_is_its_own_sentence() -> None:
    text = "Kyiv hit by drones\nThe attack lasted two hours. Nobody was hurt."
    assert sentences(text) == [
        "Kyiv hit by drones",
        "The attack lasted two hours.",
        "Nobody was hurt.",
    ]


def test_each_bullet_item_is_its_own_sentence() -> None:
    text = "Demands:\n- a ceasefire\n- a prisoner swap\n• elections"
    assert sentences(text) == ["Demands:", "- a ceasefire", "- a prisoner swap", "• elections"]


def test_sentence_never_crosses_a_blank_line_even_without_punctuation() -> None:
    text = "the talks went on\n \t \nand on into the night"
    assert sentences(text) == ["the talks went on", "and on into the night"]


def test_lower_case_line_continues_the_sentence_above() -> None:
    text = "The army said it had pushed back\nthe attack near Pokrovsk. It gave no figures."
    assert sentences(text) == [
        "The army said it had pushed back\nthe attack near Pokrovsk.",
        "It gave no figures.",
    ]


def test_hard_wrapped_paragraph_is_rejoined_across_capitalised_lines() -> None:
    text = (
        "Officials in the city of Kramatorsk said the strike had destroyed a\n"
        "School and two apartment blocks, and that rescuers were still searching\n"
        "the rubble. Three people were pulled out alive.\n"
    )
    assert sentences(text) == [
        text[: text.index(" Three")],
        "Three people were pulled out alive.",
    ]


def test_title_abbreviation_before_a_name_does_not_end_a_sentence() -> None:
    assert sentences("He met Gen. Smith and Lt. Col. Jones. They talked.") == [
        "He met Gen. Smith and Lt. Col. Jones.",
        "They talked.",
    ]


def test_no_before_a_number_does_not_end_a_sentence_but_a_final_no_does() -> None:
    assert sentences("Unit No. 4 refused. The answer was no. Talks ended.") == [
        "Unit No. 4 refused.",
        "The answer was no.",
        "Talks ended.",
    ]


def test_crlf_line_ends_are_line_breaks_and_not_part_of_sentences() -> None:
    assert sentences("Headline\r\nBody one. Body two.\r\n") == [
        "Headline",
        "Body one.",
        "Body two.",
    ]


def test_empty_and_whitespace_only_text_have_no_sentences() -> None:
    assert segment("") == []
    assert segment(" \n\t\r\n ") == []


def test_language_code_selects_the_abbreviations_of_that_language() -> None:
    text = "Зустріч відбулася у м. Київ. Потім усі пішли."
    ukrainian = [text[start:end] for start, end in segment(text, language="uk")]
    assert ukrainian == ["Зустріч відбулася у м. Київ.", "Потім усі пішли."]


def test_war_report_corpus_is_covered_exactly_by_its_sentences() -> None:
    corpus = SHARED / "corpus" / "ukraine-war-2025-01.txt"
    if not corpus.is_file():
        pytest.skip(f"shared test corpus not found at {corpus}")
    text = corpus.read_text(encoding="utf-8")
    spans = segment(text)
    validate_spans(text, spans)  # in the text, ordered, stripped, nothing left out
    gaps = [text[end:start] for (_, end), (start, _) in itertools.pairwise(spans)]
    pieces = [text[start:end] for start, end in spans]
    rebuilt = text[: spans[0][0]] + "".join(p + g for p, g in zip(pieces, [*gaps, ""], strict=True))
    assert rebuilt + text[spans[-1][1] :] == text
    assert all(not gap.strip() for gap in gaps)
    assert len(spans) > len(text.splitlines())  # paragraphs hold several sentences


# --- split and merge ---------------------------------------------------------------------------

TEXT = "Russia denied it, Kyiv said. Talks resume Monday."


def test_split_gives_two_stripped_sentences() -> None:
    first, second = split_span(TEXT, (0, 28), TEXT.index(" Kyiv"))
    assert (TEXT[slice(*first)], TEXT[slice(*second)]) == ("Russia denied it,", "Kyiv said.")


@pytest.mark.parametrize("at", [0, 28, 40])
def test_split_outside_or_on_the_edge_of_the_sentence_is_refused(at: int) -> None:
    with pytest.raises(SegmentationError, match="not strictly inside"):
        split_span(TEXT, (0, 28), at)


def test_split_leaving_only_whitespace_before_the_point_is_refused() -> None:
    with pytest.raises(SegmentationError, match="first part empty"):
        split_span("Ab  cd", (2, 6), 3)


def test_split_leaving_only_whitespace_after_the_point_is_refused() -> None:
    with pytest.raises(SegmentationError, match="second part empty"):
        split_span("Ab   c", (0, 5), 3)


def test_split_of_a_span_outside_the_text_is_refused() -> None:
    with pytest.raises(SegmentationError, match="not inside the text"):
        split_span(TEXT, (30, 80), 40)


def test_merge_of_adjacent_sentences_spans_both() -> None:
    assert merge_spans(TEXT, (0, 28), (29, 49)) == (0, 49)


def test_merge_of_sentences_with_text_between_them_is_refused() -> None:
    with pytest.raises(SegmentationError, match="not adjacent"):
        merge_spans(TEXT, (0, 16), (29, 49))


def test_merge_in_the_wrong_order_is_refused() -> None:
    with pytest.raises(SegmentationError, match="does not come before"):
        merge_spans(TEXT, (29, 49), (0, 28))


def test_validate_spans_reports_text_left_out() -> None:
    with pytest.raises(SegmentationError, match="belongs to no sentence"):
        validate_spans(TEXT, [(0, 28)])


def test_validate_spans_reports_overlap() -> None:
    with pytest.raises(SegmentationError, match="overlaps"):
        validate_spans(TEXT, [(0, 28), (20, 49)])


def test_validate_spans_reports_span_outside_text() -> None:
    with pytest.raises(SegmentationError, match="not inside the text"):
        validate_spans(TEXT, [(0, 28), (29, 80)])


def test_a_text_that_makes_sentencex_panic_still_gets_valid_spans() -> None:
    """sentencex 1.0.32 panics ("not a char boundary") near odd Unicode spaces."""
    text = "Z\u2029.) TheČȘȸ!Київ. 🙂…"
    spans = segment(text)
    validate_spans(text, spans)
