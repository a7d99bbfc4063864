"""Cue detectors on short texts written for these tests (never taken from ../shared), and the seed acceptance check.

Each family must fire on a satirical sentence it has never seen and stay quiet on a sincere one on the same topic.
"""

import re

import pytest

from genre_detect.cues import FAMILIES, REGISTRY, detect_cues
from genre_detect.normalise import normalise
from genre_detect.sentences import split_sentences

# family -> (satirical text, the span the family must report, a sincere text it must stay quiet on)
EXAMPLES = {
    "irony": (
        "The self-proclaimed ‘geniuses’ at the ministry unveiled the tram timetable, printed upside down.",
        "self-proclaimed ‘geniuses’",
        "Ministry planners published the new tram timetable, which the city council called “ambitious”.",
    ),
    "reductio": (
        ("To calm the farmers, Brussels could waive a quarter, or preferably, 90 percent of the tariff. "
        "Or all of it. Or the entire customs union."),
        "a quarter, or preferably, 90 percent",
        "Brussels could waive a quarter of the tariff, or possibly half, depending on how talks with farmers go.",
    ),
    "hedging": (
        "The council is now perhaps tentatively exploring possibly considering a sort of preliminary pothole plan.",
        "perhaps tentatively exploring possibly considering a sort of preliminary",
        "The council may consider a pothole repair plan next spring if the budget allows it.",
    ),
    "self_undermining": (
        ("Is there any evidence that the reform failed, apart from every single audit since 2009? "
        "Beyond that, there is nothing."),
        "evidence that the reform failed, apart from every single audit since 2009?",
        "There is little evidence that the reform failed, although two audits raised concerns about its costs.",
    ),
    "mock_credentials": (
        ("The port should be sold tomorrow.\n\n"
        "Gerald Mumm is a visiting professor at several of the leading universities in Europe and holds a "
        "self-taught degree in maritime law."),
        "a visiting professor at several of the leading universities",
        "The port should be sold.\n\nGerald Mumm is a visiting professor of maritime law at the University of Leeds.",
    ),
    "hyperbole": (
        "Tax cuts are always the right answer, and every single economist on the planet agrees.",
        "are always the right",
        "Tax cuts can raise growth in the short run, though most economists expect the effect to fade.",
    ),
}


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


def test_sincere_analysis_paragraph_has_no_cues():
    text = normalise(
        "Negotiations between the two governments are likely to resume in spring. Officials on both sides have "
        "called the talks “constructive”, and analysts expect a limited agreement on energy prices. However, the "
        "so-called “roadmaps” agreed in 2019 have not been implemented, and it is unclear whether either side "
        "could accept a compromise on the customs regime.\n\nAnna Berg is a senior fellow at the Institute for "
        "Regional Studies in Tallinn."
    )
    assert detect_cues(text) == []


def test_offsets_refer_to_normalised_text():
    raw = "Intro line.\r\n\r\n\r\nThe   so-called “experts”\u200b agree,\tas any expert knows."
    text = normalise(raw)
    cues = detect_cues(text)
    assert {c.family for c in cues} == {"irony", "mock_credentials"}
    for c in cues:
        assert text[c.start:c.end] == c.text


def test_registry_is_complete_and_versioned():
    assert {d.family for d in REGISTRY.values()} == set(FAMILIES)
    for name, det in REGISTRY.items():
        assert name == det.name and name.split(".")[0] == det.family
        assert re.fullmatch(r"\d+", det.version)
    d = detect_cues(normalise(EXAMPLES["irony"][0]))[0].to_dict()
    assert set(d) == {"name", "family", "start", "end", "text", "why", "version"}


def test_family_filter():
    text = normalise(EXAMPLES["hyperbole"][0] + " " + EXAMPLES["irony"][0])
    assert {c.family for c in detect_cues(text, families=["irony"])} == {"irony"}


def test_sentence_spans():
    text = "Mr. Lee met the U.S. envoy. He left!\n\nA new paragraph starts here"
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Mr. Lee met the U.S. envoy.", "He left!", "A new paragraph starts here"]


# Seed 001 (the Versteher parody): the examples listed in ../shared/seeds/README.md, one per family, as
# (family, a phrase the reported span must contain). Hyperbole has no listed example; its check is the
# "always right" overstatement in the closing paragraphs.
SEED_001_EXAMPLES = [
    ("irony", "alleged “winner”"),
    ("reductio", "half, or ideally, 80 percent of the way"),
    ("reductio", "joint ownership of the state of Alaska"),
    ("hedging", "possibly considering thinking about seriously suggesting something resembling"),
    ("self_undermining", "What evidence is there for such assertions other than everything"),
    ("self_undermining", "Apart from that, there simply is none."),
    ("mock_credentials", "Senior Fellow at ‘all the think tanks,’"),
    ("hyperbole", "controversial ideas are always the right ones"),
]


def _seed(seeds_dir, prefix):
    (path,) = sorted(seeds_dir.glob(prefix + "_*.txt"))
    return normalise(path.read_text(encoding="utf-8"))


def test_seed_001_has_every_family_with_correct_spans(seeds_dir):
    text = _seed(seeds_dir, "001")
    cues = detect_cues(text)
    assert {c.family for c in cues} == set(FAMILIES)
    for family, phrase in SEED_001_EXAMPLES:
        where = text.index(phrase)
        hits = [c for c in cues if c.family == family and c.start <= where and where + len(phrase) <= c.end]
        assert hits, f"{family}: no span covers {phrase!r}; found {[c.text for c in cues if c.family == family]}"
        assert all(text[c.start:c.end] == c.text for c in hits)


@pytest.mark.parametrize("prefix", ["000", "002", "003", "004"])
def test_sincere_seeds_have_at_most_three_cues(seeds_dir, prefix):
    cues = detect_cues(_seed(seeds_dir, prefix))
    assert len(cues) <= 3, [(c.name, c.text) for c in cues]


def test_absurd_bio_that_opens_with_the_author():
    # "The author is ..." bios, and "every"/"each" with a singular institution.
    satire = normalise("Ports should be sold.\n\nThe author is a Senior Fellow at each institute on the Baltic coast.")
    sincere = normalise("Ports should be sold.\n\nThe author is a Senior Fellow at the Baltic Institute in Riga.")
    found = [c for c in detect_cues(satire) if c.name == "mock_credentials.absurd_bio"]
    assert [c.text for c in found] == ["a Senior Fellow at each institute"]
    assert not [c for c in detect_cues(sincere) if c.family == "mock_credentials"]
