"""Loaders over the real shared data (skipped without ../shared; .ci/run makes that skip a failure)."""

from genre_detect.pipeline.normalise import normalise, strip_shortcuts
from genre_detect.training.data import load_documents, publisher_split


def test_loaders_map_genres_and_publishers(shared_data_dir):
    docs = load_documents(shared_data_dir, ["horne2017_fakenewsdata1", "golbeck2018_fake_vs_satire"])
    genres = {d.genre for d in docs}
    assert genres == {"satire", "reporting"}
    assert all(d.publisher for d in docs)
    # Fake news is sincere reporting in form.
    assert not any(d.genre == "satire" for d in docs if "/fake/" in d.id.lower())


def test_outlet_names_are_stripped_from_training_text(shared_data_dir):
    docs = load_documents(shared_data_dir, ["horne2017_fakenewsdata1"])
    stripped = [strip_shortcuts(normalise(d.text)).text.lower() for d in docs if d.genre == "satire"]
    assert stripped and not any("borowitz report" in t or "satirewire" in t for t in stripped)


def test_horne_is_held_out_whole(shared_data_dir):
    docs = load_documents(shared_data_dir, ["horne2017_fakenewsdata1", "webis_editorials_coling2020"])
    folds = publisher_split(docs)
    assert all(d.source == "horne2017" for d in folds["test"] if d.source.startswith("horne"))
    assert not any(d.source == "horne2017" for d in folds["train"] + folds["calib"])
