import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from genre_detect.errors import UsageError
from genre_detect.training.data import Document, dedupe, publisher_split, random_split
from genre_detect.training.model_card import ModelCardData
from genre_detect.training.trainer import TrainingArguments, _Tokenised, sample_windows

REPO = Path(__file__).resolve().parents[1]


def _doc(i, genre, pub, n=50):
    return Document(f"d{i}", " ".join(f"w{i}x{j}" for j in range(n)), genre, "s", pub)


def test_args_from_yaml_with_overrides(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("epochs: 2\nseed: 5\n", encoding="utf-8")
    args = TrainingArguments.from_file(str(f), ["epochs=3", "crops_per_doc={satire: 2}"])
    assert args.epochs == 3 and args.seed == 5 and args.crops_per_doc == {"satire": 2}
    with pytest.raises(UsageError):
        TrainingArguments.from_file(str(f), ["nope=1"])
    with pytest.raises(UsageError):
        TrainingArguments.from_file(str(f), ["epochs"])


def test_window_lengths_do_not_depend_on_genre():
    """The length shortcut: sampled window lengths must have the same distribution for every genre."""
    args = TrainingArguments(min_window_tokens=16, max_length=66, crops_per_doc={"satire": 3, "opinion": 3},
                             headline_docs=0)
    items = [_Tokenised(_doc(i, "satire", f"p{i}"), list(range(5, 400))) for i in range(200)]
    items += [_Tokenised(_doc(1000 + i, "opinion", f"q{i}"), list(range(5, 4000))) for i in range(200)]
    wins = sample_windows(items, args, random.Random(0), 1, 2)
    by = {0: [], 2: []}
    for ids, g in wins:
        by[g].append(len(ids))
    mean_sat, mean_op = sum(by[2]) / len(by[2]), sum(by[0]) / len(by[0])
    assert abs(mean_sat - mean_op) < 3
    assert max(by[0]) <= 66 and min(by[2]) >= 18


def test_dedupe_drops_repeats_and_cross_label_conflicts():
    a = Document("a", "Same text here.", "satire", "s1", "p1")
    b = Document("b", "same   TEXT here!", "satire", "s2", "p2")
    c = Document("c", "Conflict text.", "satire", "s1", "p1")
    d = Document("d", "conflict text", "reporting", "s2", "p2")
    out = dedupe([a, b, c, d])
    assert [x.id for x in out] == ["a"]


def test_publisher_split_never_shares_a_publisher():
    docs = [_doc(i, "satire" if i % 3 else "opinion", f"golbeck:site{i % 40}") for i in range(400)]
    folds = publisher_split(docs, seed=1)
    pubs = {k: {d.publisher for d in v} for k, v in folds.items()}
    assert not (pubs["train"] & pubs["test"]) and not (pubs["train"] & pubs["calib"])
    assert not (pubs["calib"] & pubs["test"])
    assert all(folds.values())


def test_random_split_covers_everything_once():
    docs = [_doc(i, "satire", f"p{i % 5}") for i in range(100)]
    folds = random_split(docs, seed=1)
    ids = [d.id for v in folds.values() for d in v]
    assert sorted(ids) == sorted(d.id for d in docs)


def test_model_card_has_required_sections():
    metrics = {"publisher_test": {"binary_macro_f1": 0.8, "satire_f1": 0.7, "roc_auc": 0.9, "genre_macro_f1": 0.6,
                                  "ece": 0.04, "n": 10},
               "length_check": {"satire": {"first_250": 0.8, "whole": 0.82, "n": 5}}}
    text = ModelCardData(name="m", metrics=metrics, sources=["pen0_analysis"],
                         settings={"max_length": 256, "stride": 192, "versions": {"torch": "x"}}).render()
    for heading in ("## Intended use", "## Out-of-scope use", "## Training data", "## Metrics", "## Limitations"):
        assert heading in text
    assert re.search(r"not a fact-checker", text, re.I)
    assert re.search(r"satire is not misinformation", text, re.I)
    assert re.search(r"\| publisher-held-out test \| 0\.800 \|", text)
    assert "pen0" in text
    assert "Synthetic material" not in text and "Hard-case check" not in text


def test_model_card_describes_synthetic_parody_and_the_register_check():
    metrics = {"register_check": {"n_parody": 10, "n_sincere": 10, "parody_mean": 0.172, "parody_called": 1,
                                  "sincere_mean": 0.01, "sincere_called": 0, "pairs_ranked": 10, "n_pairs": 10}}
    text = ModelCardData(name="m", metrics=metrics, training={"args": {"parody_docs": 300}}).render()
    assert "300 minimal pairs" in text and "genre_detect.training.parody" in text
    assert "called satire 1/10" in text and "in 10/10 pairs" in text
    assert "parody mean satire probability 0.172" in text and "{" not in text.split("## Metrics")[1]


def test_model_card_reports_hand_written_training_pairs_and_held_out_writers():
    row = {"n_parody": 12, "n_sincere": 12, "parody_mean": 0.612, "parody_called": 7, "sincere_mean": 0.041,
           "sincere_called": 1, "pairs_ranked": 11, "n_pairs": 12}
    text = ModelCardData(name="m", metrics={"written_check": {"w7": row}},
                         training={"args": {"written_writers": ["w1", "w2"]}}).render()
    assert "writers w1, w2" in text and "training/data/written/" in text
    assert "| w7 | 0.612 | 7/12 | 0.041 | 1/12 | 11/12 |" in text
    assert "{" not in text.split("## Metrics")[1]


@pytest.mark.slow
def test_short_real_training_run(tmp_path, shared_data_dir):
    """A few steps of real training on the shared data (off by default: `pytest -m slow`)."""
    from genre_detect.training import train

    args = TrainingArguments(output_dir=str(tmp_path), data_dir=str(shared_data_dir), epochs=1, limit_docs=24,
                             headline_docs=4, sources=["horne2017_fakenewsdata1", "golbeck2018_fake_vs_satire"])
    ckpt = train(args)
    assert (ckpt / "model.safetensors").is_file() and (ckpt / "training_run.json").is_file()


def test_splice_documents_are_balanced_and_built_from_given_docs():
    from genre_detect.training.trainer import splice_documents

    def doc(i, genre, source, word):
        text = " ".join(f"This is sentence number {j} about the {word} and nothing else at all." for j in range(8))
        return Document(f"{source}{i}", text, genre, source, f"{source}:p{i}")

    docs = [doc(i, "opinion", "pen0", "alliance") for i in range(5)]
    docs += [doc(i, "satire", "golbeck2018", "banana") for i in range(5)]
    docs += [doc(i, "reporting", "burfoot2009", "harbour") for i in range(5)]
    made = splice_documents(docs, 7, random.Random(0))
    assert [d.genre for d in made].count("satire") == 7 and [d.genre for d in made].count("opinion") == 7
    for d in made:
        assert "alliance" in d.text
        assert ("banana" in d.text) == (d.genre == "satire")
        assert ("harbour" in d.text) == (d.genre == "opinion")


def test_model_card_states_the_calibration():
    card = ModelCardData(name="m", metrics={}, settings={"temperature": 1.5, "labels": ["opinion", "reporting",
                                                                                        "satire"]}).render()
    assert "temperature (T = 1.500) and no class biases" in card
    card = ModelCardData(name="m", metrics={}, settings={"temperature": 1.5, "labels": ["opinion", "reporting",
                         "satire"], "class_bias": [0.0, -0.5, -1.25]}).render()
    assert "class biases (opinion +0.000, reporting -0.500, satire -1.250)" in card


def test_recalibrate_needs_a_finished_run(tmp_path):
    proc = subprocess.run([sys.executable, str(REPO / "training" / "train.py"), str(REPO / "training" / "minilm.yaml"),
                           f"output_dir={tmp_path / 'none'}", "--recalibrate"], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 2 and "--recalibrate needs a finished run" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_model_card_shows_the_cue_report_with_real_news_pooled_in():
    from genre_detect.training.model_card import cue_summary

    def block(sat, opi, news, rel=None):
        return {"comparisons": {
            "all": {"rate_satire": sat, "rate_sincere": opi, "balanced_precision": sat / (sat + opi),
                    "n_satire": 10, "n_sincere": 20},
            "sincere": {"rate_satire": sat, "rate_sincere": news, "balanced_precision": sat / (sat + news),
                        "n_satire": 10, "n_sincere": 30}}, **({"reliance": rel} if rel else {})}

    report = {"settings": {"split": "test", "max_words": 250},
              "families": {"fake_quote": block(0.5, 0.0, 0.1, {"n": 4, "mean": 0.02, "relied_on": 0.5}),
                           "any": block(0.6, 0.05, 0.2)},
              "faithfulness": {"all": {"comprehensiveness_top": 0.13, "comprehensiveness_random": 0.03,
                                       "sufficiency_top": -0.05, "sufficiency_random": 0.14}}}
    s = cue_summary(report, "cue_report.json")
    assert s["n_sincere"] == 30 and s["families"]["any"]["sincere"] == 0.2  # the pool with real news, not "all"
    text = ModelCardData(name="m", metrics={"cues": s}).render()
    assert "### Cues the model relied on" in text
    assert "| fake_quote | 50.0% | 10.0% | 0.83 | +0.0200 | 50.0% |" in text
    assert "| any | 60.0% | 20.0% | 0.75 | – | – |" in text
    assert "comprehensiveness +0.130 vs +0.030" in text
    assert "### Cues" not in ModelCardData(name="m", metrics={}).render()
