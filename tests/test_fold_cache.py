"""The pieces moved from eval/ into the package: the fold-logit cache and the scoring of parody/twin pairs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from genre_detect.evaluation.fold_cache import FoldLogits, doc_window_logits, fit_text
from genre_detect.training.data import Document
from genre_detect.training.written import check, load_pairs, load_written_rows, summarise

REPO = Path(__file__).resolve().parents[1]
TEXTS = ["the minister said the plan was a report. " * 60, "Area man finds a study.", "officials announced talks."]


def _doc(i: int, text: str) -> Document:
    return Document(id=f"d{i}", text=text, genre="opinion", source="s", publisher="p")


def test_doc_window_logits_are_the_detectors_own_per_text(tiny_detector):
    got = doc_window_logits(tiny_detector, TEXTS)
    preps = tiny_detector.prepare(TEXTS)
    assert [len(w) for w in got] == [len(p.windows) for p in preps] and len(got[0]) > 1
    for prep, logits in zip(preps, got):
        own = tiny_detector.window_logits([w.ids for w in prep.windows])
        assert np.allclose(logits, own, atol=1e-5)
        # The public steps give predict's own answer.
        assert tiny_detector.finish(prep, logits).satire_probability == tiny_detector.predict(prep.normalised
                                                                                              ).satire_probability


def test_fit_text_cuts_at_a_word_under_the_cap():
    assert fit_text("one two three", 100) == "one two three"
    assert fit_text("one two three", 9) == "one two"


def test_fold_logits_are_cached_per_model_and_refreshed_when_the_fold_changes(tiny_detector, tmp_path, monkeypatch):
    folds = {"calib": [_doc(i, t) for i, t in enumerate(TEXTS)]}
    first = FoldLogits(tiny_detector, folds, tmp_path).logits("calib")
    files = list(tmp_path.glob("*/calib.npz"))
    assert len(files) == 1 and [len(w) for w in first] == [len(w) for w in doc_window_logits(tiny_detector, TEXTS)]

    # A second reader of the same model reads the file and runs nothing.
    monkeypatch.setattr(type(tiny_detector), "window_logits", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    again = FoldLogits(tiny_detector, folds, tmp_path).logits("calib")
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    monkeypatch.undo()

    # Another fold size under the same name is scored again, not read from the stale file.
    smaller = {"calib": folds["calib"][:2]}
    assert len(FoldLogits(tiny_detector, smaller, tmp_path).logits("calib")) == 2


def test_pairs_rows_summary_and_check(tiny_detector, tmp_path):
    rows = load_pairs()  # the repository's register pairs: parody, then its twin
    assert rows and [r["label"] for r in rows[:2]] == ["satire", "sincere"]
    got = summarise(np.array([0.9, 0.2, 0.1, 0.3]), [{"label": "satire"}, {"label": "sincere"}] * 2, 0.5)
    assert got == {"n_parody": 2, "n_sincere": 2, "parody_mean": 0.5, "parody_called": 1, "sincere_mean": 0.25,
                   "sincere_called": 0, "pairs_ranked": 1, "n_pairs": 2}
    for side in ("satire", "sincere"):
        (tmp_path / "w1").mkdir(exist_ok=True)
        (tmp_path / "w1" / f"01_{side}.txt").write_text(f"Title {side}\n\nthe plan is {side}.", encoding="utf-8")
    written = load_written_rows(tmp_path, ["w1"])
    assert [(r["label"], r["topic"]) for r in written] == [("satire", "Title satire"), ("sincere", "Title sincere")]
    probs, summary = check(tiny_detector, written)
    assert probs.shape == (2,) and summary["n_pairs"] == 1
    assert summary["parody_mean"] == float(tiny_detector.satire_proba([written[0]["text"]])[0])
    json.dumps(summary)  # metrics.json takes it as it is
