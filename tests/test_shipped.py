"""The shipped model on the acceptance seeds (never used for training, tuning or calibration)."""

import json
import subprocess
import sys

import pytest

SATIRE = "001_"


def test_shipped_model_directory_is_complete(shipped_model_dir):
    for name in ("model.onnx", "tokenizer.json", "config.json", "genre_detect.json", "metrics.json", "README.md"):
        assert (shipped_model_dir / name).is_file(), name
    cfg = json.loads((shipped_model_dir / "config.json").read_text())
    assert cfg["id2label"] == {"0": "opinion", "1": "reporting", "2": "satire"}
    metrics = json.loads((shipped_model_dir / "metrics.json").read_text())
    assert "publisher_test" in metrics


@pytest.fixture(scope="module")
def seed_predictions(shipped_model_dir, seeds_dir) -> dict:
    """`genre-detect predict --json` over the five seeds, exactly as a user runs it."""
    files = sorted(str(p) for p in seeds_dir.glob("*.txt"))
    assert len(files) == 5
    proc = subprocess.run([sys.executable, "-m", "genre_detect", "predict", "--json", "--model",
                           str(shipped_model_dir), *files], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    preds = {json.loads(line)["id"]: json.loads(line) for line in proc.stdout.splitlines()}
    assert len(preds) == 5
    for p in preds.values():
        assert p["truncated"] is False and p["language"] == "en"
    return preds


def test_sincere_seeds_are_sincere_with_a_wide_margin(seed_predictions):
    for path, p in seed_predictions.items():
        if SATIRE not in path:
            assert p["label"] == "sincere" and p["satire_probability"] <= 0.10, (path, p["satire_probability"])


# Known miss, stated in the model card: the shipped model reads the deadpan op-ed parody as sincere analysis.
# strict=True: the day a model meets the target this test fails, and the mark must go.
@pytest.mark.xfail(strict=True, reason="shipped model scores the deadpan op-ed parody (seed 001) as sincere")
def test_parody_seed_is_satire_with_a_wide_margin(seed_predictions):
    for path, p in seed_predictions.items():
        if SATIRE in path:
            assert p["label"] == "satire" and p["satire_probability"] >= 0.90, (path, p["satire_probability"])


def test_bundled_examples(shipped_detector):
    from pathlib import Path

    examples = Path(__file__).resolve().parents[1] / "examples"
    parody = shipped_detector.predict((examples / "parody_oped.txt").read_text(encoding="utf-8"))
    report = shipped_detector.predict((examples / "council_report.txt").read_text(encoding="utf-8"))
    assert parody.satire_probability > report.satire_probability
    assert report.label == "sincere"


def test_hand_written_register_parodies_outscore_their_sincere_twins(shipped_detector):
    """eval/data/register_pairs.jsonl (the project's own texts): the shipped model ranks each parody above its twin
    (10 of 10 when it was shipped) and calls no twin satire. The parodies themselves mostly stay below the threshold:
    that is the open hard case, recorded in the model card, not asserted here."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "eval" / "data" / "register_pairs.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    p = shipped_detector.satire_proba([r["text"] for r in rows])
    ranked = sum(p[i] > p[i + 1] for i in range(0, len(rows), 2))
    assert ranked >= 9, list(p)
    assert all(p[i + 1] < 0.5 for i in range(0, len(rows), 2)), list(p)


@pytest.mark.parametrize("words", [250])
def test_seed_scores_do_not_hinge_on_length(shipped_detector, seeds_dir, words):
    """The first N words of each seed get the same verdict as the whole text."""
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        whole = shipped_detector.predict(text)
        head = shipped_detector.predict(" ".join(text.split()[:words]))
        if SATIRE not in path.name:
            assert head.label == whole.label == "sincere", path.name


def test_held_out_writers_sincere_twins_are_not_called_satire(shipped_detector):
    """The sincere twins of the held-out writers (training/data/written/w7, w8: opinion pieces with an edge, in the
    same voice as their parodies) are the false positives a parody-aware model is most likely to make: at most 2 of
    24 may be called satire (0 when v3 was shipped; candidates trained on the other writers called 1-2)."""
    from pathlib import Path

    from genre_detect.training.written import DEFAULT_WRITTEN_DIR, HELD_OUT_WRITERS, load_written_pairs

    root = Path(__file__).resolve().parents[1] / DEFAULT_WRITTEN_DIR
    twins = [t for t in load_written_pairs(root, sorted(HELD_OUT_WRITERS)) if t.label == "sincere"]
    assert len(twins) == 24
    p = shipped_detector.satire_proba([t.text for t in twins])
    assert int((p >= 0.5).sum()) <= 2, {t.id: round(float(x), 3) for t, x in zip(twins, p) if x >= 0.5}
