import random

import pytest

from genre_detect.explain.cues import detect_cues
from genre_detect.training.data import Document
from genre_detect.training.parody import DEVICES, frame_fillers, parody_pair

# Invented analysis sentences (not from any data set): the frame both sides of a pair share.
FRAME = [
    "The Baltic states have raised their defence budgets for the third year in a row.",
    "Officials in Vilnius argue that the increase reflects the changed security environment.",
    "The coalition agreement commits the government to modernising its air defence by 2030.",
    "Critics note that procurement delays have slowed the delivery of new equipment.",
    "Lithuania and Latvia are also negotiating joint purchases to reduce the cost of ammunition.",
    "The finance ministry expects the deficit to widen slightly as a result of the spending.",
    "Several analysts in Riga expect the trend to continue while the war in Ukraine lasts.",
    "The question of conscription remains contested among the parties in parliament.",
]


def _pairs(n=40, seed=0):
    rng = random.Random(seed)
    return [parody_pair(FRAME, rng) for _ in range(n)]


def test_pairs_share_the_frame_in_order_and_differ_only_between_its_sentences():
    for parody, sincere in _pairs(10):
        assert parody != sincere
        for side in (parody, sincere):
            positions = [side.find(s) for s in FRAME if s in side]
            assert len(positions) >= 3 and positions == sorted(positions)
        # Every frame sentence used on one side is used on the other.
        assert [s for s in FRAME if s in parody] == [s for s in FRAME if s in sincere]


def test_pairs_are_reproducible_from_the_seed():
    assert _pairs(5, seed=3) == _pairs(5, seed=3)
    assert _pairs(5, seed=3) != _pairs(5, seed=4)


def test_length_does_not_give_the_side_away():
    pairs = _pairs(200)
    ratio = sum(len(p) for p, _ in pairs) / sum(len(s) for _, s in pairs)
    assert 0.8 <= ratio <= 1.35, ratio


@pytest.mark.parametrize("device", sorted(DEVICES))
def test_each_device_gives_a_parody_and_a_plain_sentence_from_the_same_fillers(device):
    rng = random.Random(1)
    parody, sincere = DEVICES[device](rng, "Vilnius", "Riga", "conscription")
    assert parody.endswith((".", "?")) and sincere.endswith((".", "?"))
    assert parody != sincere
    assert "conscription" in sincere or "Vilnius" in sincere or "Riga" in sincere


def test_the_report_cues_stay_quiet_on_the_sincere_twins():
    # The templates are not written to the detectors' patterns. Since the op-ed families were dropped (session 13,
    # experiments/cues/) the news-parody families rarely fire on either side; they must not fire on the twins more
    # than on the parodies.
    pairs = _pairs(60)
    parody_hits = sum(bool(detect_cues(p)) for p, _ in pairs)
    sincere_hits = sum(bool(detect_cues(s)) for _, s in pairs)
    assert sincere_hits <= 2 and sincere_hits <= parody_hits, (parody_hits, sincere_hits)


def test_fillers_are_names_and_nouns_from_the_frame():
    actors, words = frame_fillers(FRAME, random.Random(0))
    assert "Vilnius" in actors and "Riga" in actors
    assert "February" not in actors
    assert "budgets" in words or "conscription" in words or "deficit" in words
    assert not any(w.endswith(("ing", "ed", "ly")) for w in words)


def test_parody_documents_come_in_labelled_pairs_from_training_analyses_only():
    from genre_detect.training.trainer import parody_documents

    docs = [Document(f"a{i}", " ".join(FRAME), "opinion", "pen0", f"pen0:p{i}") for i in range(4)]
    docs.append(Document("s0", "A satire text that must not become a frame. " * 10, "satire", "golbeck2018", "g:x"))
    made = parody_documents(docs, 9, random.Random(0))
    assert [d.genre for d in made].count("satire") == 9 and [d.genre for d in made].count("opinion") == 9
    assert {d.publisher for d in made} == {"parody:satire", "parody:opinion"}
    assert all("must not become a frame" not in d.text for d in made)
    assert all(d.source == "parody" for d in made)


def test_families_limit_the_devices():
    rng = random.Random(2)
    parody, _ = parody_pair(FRAME, rng, families=["escalation"])
    assert "of its" in parody and parody.count(", and in the long run") >= 2
    with pytest.raises(ValueError, match="unknown device"):
        parody_pair(FRAME, rng, families=["sarcasm"])


def test_register_pairs_alternate_parody_and_twin_on_one_topic():
    import json
    from pathlib import Path

    rows = [json.loads(line) for line in
            (Path(__file__).parents[1] / "eval" / "data" / "register_pairs.jsonl").read_text("utf-8").splitlines()]
    assert len(rows) == 20
    for parody, twin in zip(rows[::2], rows[1::2]):
        assert (parody["label"], twin["label"]) == ("satire", "sincere")
        assert parody["topic"] == twin["topic"]
        assert 100 <= len(parody["text"].split()) <= 250 and 100 <= len(twin["text"].split()) <= 250
