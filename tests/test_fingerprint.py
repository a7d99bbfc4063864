"""The training-data fingerprint (issue 16 item 5): built from texts, no text stored, small, and it finds overlap."""

import zipfile

import numpy as np
import pytest

from genre_detect.errors import ModelError
from genre_detect.evaluation.fingerprint import FINGERPRINT_FILE, Fingerprint, shingle_hashes, write_fingerprint

# Texts written for this test: varied enough that no 8-word run repeats between them.
TRAIN = [
    " ".join(f"The {a} committee met on {d} to discuss the {b} budget for the {c} library and its staff."
             for d in ("Monday", "Tuesday", "Friday"))
    for a, b, c in (("finance", "annual", "central"), ("planning", "revised", "northern"), ("works", "draft", "old"))
] + ["Area man reads terms and conditions, nation stunned."]
UNSEEN = ("Rain is expected across the hills on Sunday, with snow above a thousand metres and strong winds "
          "along the coast until the evening, when a colder front moves in from the west and clears the sky.")


def test_hashes_are_stable_and_normalised():
    a = shingle_hashes("Hello,   WORLD! one two three four five six")
    b = shingle_hashes("hello world one two three four five six")
    assert a.dtype == np.uint64 and np.array_equal(a, b)
    assert len(shingle_hashes("")) == 0 and len(shingle_hashes("just three words")) == 1
    # The same input hashes the same in a fresh call (no per-process salt, unlike hash()).
    assert np.array_equal(shingle_hashes(UNSEEN), shingle_hashes(UNSEEN))


def test_overlap_finds_training_texts_and_their_prefixes():
    fp = Fingerprint.build(TRAIN, sample_one_in=2)
    first_words = " ".join(TRAIN[1].split()[:25])
    got = fp.overlap([TRAIN[0], first_words, TRAIN[3], UNSEEN, "Something else entirely, a nation unmoved."])
    assert got[0] == 1.0 and got[1] >= 0.5 and got[2] == 1.0
    assert got[3] == 0.0 and got[4] == 0.0
    assert fp.overlaps([TRAIN[2], UNSEEN]) == [True, False]


def test_file_round_trip_has_no_text(tmp_path):
    path = write_fingerprint(tmp_path, TRAIN, recipe="test")
    assert path == tmp_path / FINGERPRINT_FILE
    with zipfile.ZipFile(path) as z:  # plain arrays, no pickle, and no words of the training texts
        assert sorted(z.namelist()) == ["hashes.npy", "meta.npy"]
    raw = path.read_bytes()
    assert b"committee" not in raw and b"Area man" not in raw
    fp = Fingerprint.from_model_dir(tmp_path)
    assert fp.meta["recipe"] == "test" and fp.meta["documents"] == len(TRAIN)
    assert fp.overlap([TRAIN[1]]) == [1.0]
    assert Fingerprint.from_model_dir(tmp_path / "nope") is None
    path.write_bytes(b"not a zip")
    with pytest.raises(ModelError):
        Fingerprint.load(path)


def test_shipped_fingerprint_is_small_and_covers_the_training_fold(shipped_model_dir):
    path = shipped_model_dir / FINGERPRINT_FILE
    if not path.is_file():
        pytest.skip("the shipped model has no fingerprint yet")
    assert path.stat().st_size < 1_500_000
    fp = Fingerprint.load(path)
    assert fp.meta["recipe"] == "training/minilm.yaml" and fp.meta["documents"] > 20_000
    assert fp.overlap([UNSEEN]) == [0.0]


def test_shipped_fingerprint_matches_its_training_fold(shipped_model_dir, shared_data_dir):
    """Rebuilt the way training draws it, the training fold is found in the file; the test fold is not."""
    from genre_detect.evaluation.fingerprint import training_texts
    from genre_detect.training import TrainingArguments

    path = shipped_model_dir / FINGERPRINT_FILE
    if not path.is_file():
        pytest.skip("the shipped model has no fingerprint yet")
    fp = Fingerprint.load(path)
    args = TrainingArguments.from_file(str(shipped_model_dir.parents[1] / fp.meta["recipe"]))
    args.data_dir = str(shared_data_dir)
    texts = training_texts(args)
    assert len(texts) == fp.meta["texts"]
    assert all(fp.overlaps(texts[::97]))
    from genre_detect.training.data import load_documents, publisher_split

    test = [d.text for d in publisher_split(load_documents(str(shared_data_dir), args.sources),
                                            seed=args.seed)["test"] if d.source != "onion_or_not"]
    flagged = sum(fp.overlaps(test))
    assert flagged < 0.02 * len(test)  # a few fake-news stories were republished by two publishers
