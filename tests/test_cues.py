"""Cue detectors on short texts written for these tests (never taken from ../shared), and the seed acceptance check.

Each family must fire on a satirical sentence it has never seen and stay quiet on a sincere one on the same topic.
"""

import re

import pytest

from genre_detect.explain.cues import FAMILIES, REGISTRY, detect_cues
from genre_detect.pipeline.normalise import normalise

# family -> (satirical text, the span the family must report, a sincere text it must stay quiet on)
EXAMPLES = {
    "fake_quote": (
        "“Honestly, I’m just here for the canapés,” the trade envoy said after the summit.",
        "“Honestly, I’m just here for the canapés,”",
        "“We will publish the agreement in full next week,” the trade envoy said after the summit.",
    ),
    "slang": (
        "“We’ll fix the potholes, you know, probably,” the mayor told reporters.",
        "you know",
        "The mayor told reporters that the city would repair the potholes before winter.",
    ),
    "profanity": (
        "“What the hell is a fiscal framework?” asked the finance minister.",
        "What the hell",
        "“What is a fiscal framework for?” asked the finance minister at the hearing.",
    ),
    "punctuation": (
        "“The bridge is finished at last!” cried the engineer, pointing at the river.",
        "last!",
        "The bridge was finished in May, the engineer said, three months behind schedule.",
    ),
    "hyperbole": (
        "“It is the greatest ring road in the history of mankind,” the minister said.",
        "the greatest ring road in the history",
        "The ring road is the longest in the region, the minister said, and cost less than planned.",
    ),
    "news_parody": (
        "At press time, the area man had read the first page of the leaflet twice.",
        "At press time",
        "At the time of the survey, most residents had read the council leaflet.",
    ),
}


def test_every_family_has_an_example():
    assert set(EXAMPLES) == set(FAMILIES)


@pytest.mark.parametrize("family", FAMILIES)
def test_family_fires_on_unseen_satire(family):
    satire, span, _ = EXAMPLES[family]
    text = normalise(satire)
    found = [c for c in detect_cues(text) if c.family == family]
    assert found, f"{family} found nothing in {satire!r}"
    assert any(span in c.text for c in found), [c.text for c in found]
    for c in found:
        assert text[c.start:c.end] == c.text
        assert c.name.startswith(family + ".") and c.version and c.why


@pytest.mark.parametrize("family", FAMILIES)
def test_family_quiet_on_sincere_text(family):
    sincere = normalise(EXAMPLES[family][2])
    assert [c.text for c in detect_cues(sincere) if c.family == family] == []


def test_casual_words_in_the_writer_own_voice_do_not_count():
    # An opinion columnist may write "gonna" or "fantastic" in their own voice; only quoted speech is a cue.
    text = normalise("Frankly, the council is gonna need a fantastic plan, and everyone knows it!")
    assert {c.family for c in detect_cues(text)} <= {"profanity"}
    assert detect_cues(text) == []


def test_sincere_analysis_paragraph_has_no_cues():
    text = normalise(
        "Negotiations between the two governments are likely to resume in spring. Officials on both sides have "
        "called the talks “constructive”, and analysts expect a limited agreement on energy prices. “We have made "
        "progress on the customs regime,” the deputy minister said. However, the roadmaps agreed in 2019 have not "
        "been implemented, and it is unclear whether either side could accept a compromise.\n\nAnna Berg is a "
        "senior fellow at the Institute for Regional Studies in Tallinn."
    )
    assert detect_cues(text) == []


def test_a_first_person_contraction_alone_is_not_a_chatty_quote():
    # People interviewed for real news say "I'm" too: it counts only beside an exclamation, slang or a filler.
    plain = normalise("“I’m pleased with the result and I’ve thanked the volunteers,” the organiser said.")
    assert [c for c in detect_cues(plain) if c.family == "fake_quote"] == []
    chatty = normalise("“I’m pleased with the result, folks,” the organiser said.")
    assert [c.family for c in detect_cues(chatty) if c.family == "fake_quote"] == ["fake_quote"]


def test_either_apostrophe_counts():
    # Wire copy types ', web pages ’: a detector that knew only one would learn the typography of a source.
    for apos in ("'", "’"):
        text = normalise(f"“Look, I{apos}m the minister of ports,” he said.")
        assert [c.family for c in detect_cues(text) if c.family == "fake_quote"] == ["fake_quote"]


def test_offsets_refer_to_normalised_text():
    raw = "Intro line.\r\n\r\n\r\n“Oh, we’re   gonna\u200b win!”\t the coach said."
    text = normalise(raw)
    cues = detect_cues(text)
    assert {c.family for c in cues} == {"fake_quote", "slang", "punctuation"}
    for c in cues:
        assert text[c.start:c.end] == c.text


def test_quote_over_a_wrapped_line_is_one_quotation():
    text = normalise("“I’m not sure what a budget\nis, you know,” the treasurer said.")
    (cue,) = [c for c in detect_cues(text) if c.family == "fake_quote"]
    assert cue.text.startswith("“I’m") and cue.text.endswith("you know,”")


def test_registry_is_complete_and_versioned():
    assert {d.family for d in REGISTRY.values()} == set(FAMILIES)
    for name, det in REGISTRY.items():
        assert name == det.name and name.split(".")[0] == det.family
        assert re.fullmatch(r"\d+", det.version) and det.description
    d = detect_cues(normalise(EXAMPLES["news_parody"][0]))[0].to_dict()
    assert set(d) == {"name", "family", "start", "end", "text", "why", "version"}


def test_family_filter():
    text = normalise(EXAMPLES["profanity"][0] + " " + EXAMPLES["news_parody"][0])
    assert {c.family for c in detect_cues(text, families=["news_parody"])} == {"news_parody"}


# -- seeds: the final acceptance check only (the detectors were developed on the training fold, never on these) --

def _seed(seeds_dir, prefix):
    (path,) = sorted(seeds_dir.glob(prefix + "_*.txt"))
    return normalise(path.read_text(encoding="utf-8"))


def test_sincere_seeds_show_at_most_three_cues(seeds_dir):
    for prefix in ("000", "002", "003", "004"):
        cues = detect_cues(_seed(seeds_dir, prefix))
        assert len(cues) <= 3, (prefix, [(c.name, c.text) for c in cues])
