"""Sentence spans on hard-wrapped, double-spaced and bulleted text (texts written for these tests)."""

import textwrap

from genre_detect.pipeline.normalise import normalise
from genre_detect.pipeline.sentences import logical_lines, split_sentences

PARAGRAPHS = [
    ("Some critics argue that the committee has no plan for the harbour. This is unfair. The committee has "
    "several plans, each of which it is prepared to review. What evidence is there that the committee is out of "
    "touch with the fishermen who use the harbour every day? Very little, its chair says."),
    ("Mr. Okafor, who chairs the committee, met the U.S. delegation on Tuesday. The talks lasted four hours and "
    "ended without an agreement on dredging."),
]
EXPECTED = [
    "Some critics argue that the committee has no plan for the harbour.", "This is unfair.",
    "The committee has several plans, each of which it is prepared to review.",
    "What evidence is there that the committee is out of touch with the fishermen who use the harbour every day?",
    "Very little, its chair says.",
    "Mr. Okafor, who chairs the committee, met the U.S. delegation on Tuesday.",
    "The talks lasted four hours and ended without an agreement on dredging.",
]


def _sentences(text):
    return [" ".join(text[s:e].split()) for s, e in split_sentences(text)]


def test_plain_paragraphs():
    text = "\n\n".join(PARAGRAPHS)
    assert _sentences(text) == EXPECTED
    short = "Dr. Smith arrived. He left again! Did he?"
    assert [short[s:e] for s, e in split_sentences(short)] == [
        "Dr. Smith arrived.", "He left again!", "Did he?"]


def test_hard_wrapped_at_78_columns_keeps_whole_sentences():
    text = normalise("\n\n".join(textwrap.fill(p, 78) for p in PARAGRAPHS))
    assert max(len(line) for line in text.split("\n")) <= 78 and text.count("\n") >= 6
    assert _sentences(text) == EXPECTED
    # Every span starts and ends on visible text and points into the wrapped text.
    for s, e in split_sentences(text):
        assert not text[s].isspace() and not text[e - 1].isspace()


def test_the_what_is_not_lost_when_a_line_ends_on_it():
    text = ("The council has several plans, each of which it is prepared to consider. What\n"
            "evidence is there that the council is out of touch? Apart from\nthat, there is none.")
    assert _sentences(text) == [
        "The council has several plans, each of which it is prepared to consider.",
        "What evidence is there that the council is out of touch?", "Apart from that, there is none."]


def test_double_spaced_text():
    lines = textwrap.fill(PARAGRAPHS[0], 70).split("\n")
    text = normalise("\n\n".join(lines))
    assert _sentences(text) == EXPECTED[:5]


def test_bullets_are_items_and_headings_stay_alone():
    text = normalise("Harbour plan\n\nThe committee agreed:\n- to dredge the channel\n- to repair the\n  sea wall\n"
                     "• to review fees\n1. first by June\n2. then by July")
    assert _sentences(text) == ["Harbour plan", "The committee agreed:", "- to dredge the channel",
                                "- to repair the sea wall", "• to review fees", "1. first by June",
                                "2. then by July"]


def test_logical_lines_join_only_wrapped_breaks():
    text = "A short title\nBody text that begins here and goes on\nto the next line in lower case."
    assert [text[s:e] for s, e in logical_lines(text)] == [
        "A short title", "Body text that begins here and goes on\nto the next line in lower case."]
