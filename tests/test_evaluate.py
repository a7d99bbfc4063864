"""The evaluation harness: metric functions on arrays with known answers, evaluate() on small synthetic files with
the tiny model and with baselines, file reading and its errors, the leaderboard files and the CLI wrapper.

All text here is generated from a handful of words; nothing comes from ../shared.
"""

from __future__ import annotations

import csv
import json
import random

import numpy as np
import pytest

from genre_detect.errors import GenreDetectError
from genre_detect.evaluation import metrics as M
from genre_detect.evaluation.evaluate import LabelledSet, evaluate, first_words, load_labelled

SATIRE_WORDS = ["area", "man", "local", "nation", "alleged", "possibly", "considering", "thinking", "seriously",
                "suggesting", "concession"]
SINCERE_WORDS = ["the", "minister", "plan", "government", "report", "policy", "analysis", "experts", "russia",
                 "belarus", "talks", "peace"]


def _rows(n: int = 40, seed: int = 0) -> list[dict]:
    """Satire is short and sincere is long, so that the length shortcut is present and measurable."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        satire = i % 2 == 0
        words = SATIRE_WORDS if satire else SINCERE_WORDS
        length = rng.randint(15, 40) if satire else rng.randint(120, 200)
        text = " ".join(rng.choice(words) for _ in range(length)) + "."
        rows.append({"text": text, "label": "satire" if satire else "sincere", "source": f"site{i % 4}"})
    return rows


@pytest.fixture()
def jsonl_file(tmp_path):
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in _rows()) + "\n", encoding="utf-8")
    return path


# -- metric functions ---------------------------------------------------------------------------------------------
def test_ece_known_values():
    assert M.expected_calibration_error(np.array([0, 1]), np.array([0.0, 1.0])) == 0.0
    # Everything in one bin at 0.8 while half are satire: |0.5 - 0.8| = 0.3.
    y = np.array([0, 1] * 5)
    assert M.expected_calibration_error(y, np.full(10, 0.8)) == pytest.approx(0.3)
    # Two bins, each with half the items: 0.5 * |0.5 - 0.1| + 0.5 * |1.0 - 0.9| = 0.25.
    assert M.expected_calibration_error(np.array([0, 1, 1, 1]), np.array([0.1, 0.1, 0.9, 0.9])) == pytest.approx(0.25)


def test_ece_uses_15_equal_bins_and_puts_one_in_the_last():
    # 0.50 and 0.53 share bin 7 of 15 ([0.467, 0.533)); 0.54 is in bin 8. Probability 1.0 must not fall off the end.
    y = np.array([1, 0, 1, 1])
    p = np.array([0.50, 0.53, 0.54, 1.0])
    rows = M.reliability_table(y, p)
    assert [r["n"] for r in rows] == [2, 1, 1]
    assert rows[-1]["bin_high"] == 1.0
    expected = (2 * abs(0.5 - 0.515) + abs(1 - 0.54) + 0.0) / 4
    assert M.expected_calibration_error(y, p) == pytest.approx(expected)


def test_bootstrap_interval_contains_estimate_and_is_seeded():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    p = np.clip(0.3 * y + 0.7 * rng.random(300), 0, 1)
    point = M.binary_scores(y, p)
    ci = M.bootstrap_ci(y, p, n_boot=300, seed=5)
    for key in ("accuracy", "macro_f1", "roc_auc", "brier", "ece"):
        lo, hi = ci[key]
        assert lo < hi
        if key != "ece":  # ECE is biased upwards under resampling; its interval need not contain the estimate
            assert lo <= point[key] <= hi, key
    assert M.bootstrap_ci(y, p, n_boot=300, seed=5) == ci
    assert M.bootstrap_ci(y, p, n_boot=300, seed=6) != ci
    # More data, narrower interval.
    wide = M.bootstrap_ci(y[:60], p[:60], n_boot=300, seed=5)["accuracy"]
    assert wide[1] - wide[0] > ci["accuracy"][1] - ci["accuracy"][0]


def test_bootstrap_macro_f1_matches_scikit_learn():
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(2)
    for _ in range(20):
        y = rng.integers(0, 2, 50)
        pred = rng.integers(0, 2, 50)
        assert M._macro_f1_counts(y, pred) == pytest.approx(f1_score(y, pred, average="macro", zero_division=0))
    ones = np.ones(10, dtype=int)
    assert M._macro_f1_counts(ones, ones) == M.binary_scores(ones, np.ones(10))["macro_f1"] == 1.0


def test_threshold_sweep_known_values():
    y = np.array([0, 0, 1, 1])
    p = np.array([0.1, 0.6, 0.4, 0.9])
    rows = M.threshold_sweep(y, p, [0.3, 0.5, 0.7])
    assert [r["flagged"] for r in rows] == [3, 2, 1]
    assert [r["precision_satire"] for r in rows] == pytest.approx([2 / 3, 0.5, 1.0])
    assert [r["recall_satire"] for r in rows] == pytest.approx([1.0, 0.5, 0.5])
    assert [r["accuracy"] for r in rows] == pytest.approx([0.75, 0.5, 0.75])


def test_risk_coverage_and_abstention():
    y = np.array([0, 1, 1, 0])
    p = np.array([0.05, 0.45, 0.95, 0.55])
    rows = M.risk_coverage(y, p, bands=[0.0, 0.1, 0.5])
    # The band is the Detector's: at threshold 0.5, 0.5 is clipped to 0.25 on each side, so 0.05 and 0.95 stay decided.
    assert [r["coverage"] for r in rows] == [1.0, 0.5, 0.5]
    assert rows[0]["accuracy"] == 0.5 and rows[1]["accuracy"] == 1.0 and rows[2]["accuracy"] == 1.0
    high = M.risk_coverage(y, np.array([0.05, 0.8, 0.94, 0.96]), threshold=0.9, bands=[0.2])[0]
    assert high["n_kept"] == 2  # uncertain is (0.7, 0.95): 0.96 is decided
    assert M.abstention(y, p, np.array([False, True, False, False]))["accuracy"] == pytest.approx(2 / 3)


def test_scores_on_one_class_have_no_auc():
    s = M.binary_scores(np.zeros(5, dtype=int), np.array([0.1, 0.2, 0.7, 0.3, 0.4]))
    assert s["roc_auc"] is None and s["pr_auc"] is None
    assert s["accuracy"] == 0.8


def test_genre_scores_and_slices():
    labels = ["opinion", "reporting", "satire"]
    probs = np.array([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.5, 0.2, 0.3], [0.1, 0.1, 0.8]])
    g = M.genre_scores(["opinion", "reporting", "satire", "satire"], probs, labels)
    assert g["genre_accuracy"] == 0.75
    assert g["confusion"]["matrix"][2] == [1, 0, 1]
    rows = M.slice_table(np.array([0, 1, 1]), np.array([0.2, 0.9, 0.1]), ["b", "a", "a"], order=["b", "a"])
    assert [(r["group"], r["n"], r["accuracy"]) for r in rows] == [("b", 1, 1.0), ("a", 2, 0.5)]
    assert M.length_bucket(99) == "0-100" and M.length_bucket(5000) == "3000+"


def test_first_words_keeps_layout():
    assert first_words("a b\n\nc d", 3) == "a b\n\nc"
    assert first_words("a b", 5) == "a b"
    assert first_words("a b", None) == "a b"


# -- evaluate() -----------------------------------------------------------------------------------------------
def test_evaluate_tiny_model_goes_through_the_detector(tiny_model_dir, tiny_detector, jsonl_file):
    r = evaluate(str(tiny_model_dir), jsonl_file, n_boot=50)
    s = r.scores
    assert s["n"] == 40 and s["n_satire"] == 20 and s["max_words"] == 2000
    for key in ("accuracy", "macro_f1", "roc_auc", "pr_auc", "brier", "ece", "roc_auc_ci_low", "coverage_uncertain"):
        assert s[key] is not None, key
    assert {"per_class", "confusion", "reliability", "threshold_sweep", "risk_coverage", "by_source",
            "by_length"} <= set(r.tables)
    assert sum(row["n"] for row in r.tables["by_source"]) == 40
    texts = [json.loads(line)["text"] for line in jsonl_file.read_text().splitlines()]
    # One window per forward pass: the evaluation's scores are the Detector's, whatever else is scored with them.
    np.testing.assert_allclose(r.prob, tiny_detector.satire_proba(texts), atol=1e-6)
    # Labels that are genre names give genre metrics.
    assert "genre_macro_f1" not in s  # satire/sincere labels are not genres
    json.dumps(r.to_dict(with_predictions=True))  # everything serialises (no NaN, no numpy types)


def test_evaluate_genre_labels(tiny_detector, tmp_path):
    rows = _rows(12)
    for i, row in enumerate(rows):
        row["label"] = "satire" if row["label"] == "satire" else ("opinion" if i % 4 == 1 else "reporting")
    path = tmp_path / "genres.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    r = evaluate(tiny_detector, path, n_boot=0)
    assert r.scores["n_satire"] == 6 and r.scores["genre_macro_f1"] is not None
    assert r.scores["accuracy_ci_low"] is None  # no bootstrap asked for
    assert len(r.tables["genre_confusion"]["matrix"]) == 3


def test_length_baseline_shows_the_length_shortcut(jsonl_file):
    full = evaluate("length", jsonl_file, train=jsonl_file, n_boot=0)
    cut = evaluate("length", jsonl_file, train=jsonl_file, n_boot=0, cut_words=10)
    assert full.scores["roc_auc"] == 1.0  # satire is short here, so length alone separates it
    assert cut.scores["roc_auc"] == 0.5  # every text is 10 words: nothing left to go on
    assert cut.scores["cut_words"] == 10


def test_tfidf_baseline_and_fitted_object(jsonl_file):
    from genre_detect.evaluation.baselines import TfidfBaseline

    ds = load_labelled(jsonl_file)
    model = TfidfBaseline(min_df=1).fit(ds.texts, ds.y)
    assert model.predict_proba(ds.texts).shape == (40, 2) and list(model.classes_) == [0, 1]
    r = evaluate(model, ds, n_boot=0, cut_words=10)
    assert r.model == "tfidf" and r.scores["roc_auc"] == 1.0  # the words differ, whatever the length


def test_baseline_errors(jsonl_file):
    from genre_detect.evaluation.baselines import LengthBaseline, make_baseline

    with pytest.raises(GenreDetectError, match="needs training data"):
        evaluate("tfidf", jsonl_file)
    with pytest.raises(GenreDetectError, match="not fitted"):
        LengthBaseline().predict_proba(["a"])
    with pytest.raises(GenreDetectError, match="both classes"):
        LengthBaseline().fit(["a", "b"], [0, 0])
    with pytest.raises(GenreDetectError, match="unknown baseline"):
        make_baseline("nope")


def test_column_mapping_csv(tmp_path):
    path = tmp_path / "mine.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["body", "is_satire", "outlet"])
        for r in _rows(20):
            w.writerow([r["text"], 1 if r["label"] == "satire" else 0, r["source"]])
    ds = load_labelled(path, text_column="body", label_column="is_satire", source_column="outlet")
    assert len(ds) == 20 and int(ds.y.sum()) == 10 and ds.sources[:2] == ["site0", "site1"]
    r = evaluate("length", path, train=path, text_column="body", label_column="is_satire",
                 source_column="outlet", n_boot=0)
    assert [row["group"] for row in r.tables["by_source"]] == ["site0", "site1", "site2", "site3"]
    # Without a source column the source slices are simply absent.
    assert load_labelled(path, text_column="body", label_column="is_satire").sources is None
    ds = load_labelled(path, text_column="body", label_column="outlet", positive_labels=["site0"])
    assert int(ds.y.sum()) == 5


@pytest.mark.parametrize("content, suffix, match", [
    ('{"text": "fine words here", "label": "satire"}\n{not json\n', ".jsonl", "cannot read"),
    ('{"body": "fine words here", "label": "satire"}\n', ".jsonl", "no text column 'text'"),
    ('{"text": "fine words here", "label": "maybe"}\n', ".jsonl", "unknown label 'maybe'"),
    ("text,label\n", ".csv", "cannot read|no rows"),
    ("whatever", ".txt", "expected a .jsonl"),
])
def test_bad_files_give_coded_errors(tmp_path, content, suffix, match):
    path = tmp_path / f"bad{suffix}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GenreDetectError, match=match) as exc:
        load_labelled(path)
    assert exc.value.code == "E500"
    with pytest.raises(GenreDetectError, match="not found"):
        load_labelled(tmp_path / "missing.jsonl")


def test_documents_and_leaderboard_files(tmp_path):
    """The shared-data path end to end on synthetic Documents: results and every file of eval/results."""
    from genre_detect.evaluation.benchmark import BenchmarkConfig, BenchmarkResult, Run, baseline_training_sample
    from genre_detect.evaluation.leaderboard import write_results
    from genre_detect.training.data import Document

    docs = [Document(f"d{i}", r["text"], "satire" if r["label"] == "satire" else "reporting", "synthetic",
                     r["source"]) for i, r in enumerate(_rows(40))]
    assert len(baseline_training_sample(docs)) == 40  # under every cap
    test = LabelledSet.from_documents(docs)
    bench = BenchmarkResult(BenchmarkConfig(n_boot=20, cut_words=10))
    for name in ("length", "tfidf"):
        for length, cut in (("full", None), ("first 10 words", 10)):
            r = evaluate(name, test, train=test, n_boot=20, cut_words=cut)
            bench.runs += [Run(name, "publisher", length, r), Run(name, "random", length, r)]
    bench.runs.append(Run("fine-tuned", "random", "full", status="not run (no model)"))
    bench.loso = [{"model": "length", "held_out": "synthetic", "length": ln, "n": 40, "n_satire": 20,
                   "accuracy": 1.0, "macro_f1": 1.0, "roc_auc": 1.0} for ln in ("full", "first 10 words")]
    paths = write_results(bench, tmp_path / "results")
    md = paths["markdown"].read_text()
    assert "| length | 1.000 [" in md and "not run" in md and "Leave-one-source-out" in md
    board = json.loads(paths["json"].read_text())
    assert {r["model"] for r in board["leaderboard"]} == {"length", "tfidf", "fine-tuned"}
    html = paths["html"].read_text()
    assert html.count("data:image/png;base64,") == 3 and "<script" not in html
    for key in ("roc", "reliability", "per_source"):
        assert paths[key].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# -- CLI ------------------------------------------------------------------------------------------------------
def test_cli_eval_json_and_table(tiny_model_dir, jsonl_file, capsys):
    from genre_detect.cli import main

    assert main(["eval", str(jsonl_file), "--model", str(tiny_model_dir), "--json", "--n-boot", "20"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["scores"]["n"] == 40 and "by_source" in out["tables"]
    assert main(["eval", str(jsonl_file), "--baseline", "length", "--train", str(jsonl_file), "--cut-words",
                 "10", "--n-boot", "0"]) == 0
    text = capsys.readouterr().out
    assert "roc_auc" in text and "first 10 words" in text and "by source" in text


def test_cli_eval_errors(tmp_path, jsonl_file, capsys):
    from genre_detect.cli import main

    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    assert main(["eval", str(bad), "--baseline", "length", "--train", str(jsonl_file)]) == 1
    err = capsys.readouterr().err
    assert "E500" in err and "Traceback" not in err
    assert main(["eval"]) == 2
    assert main(["eval", str(jsonl_file), "--baseline", "length"]) == 2
    assert main(["eval", "--shared", str(jsonl_file)]) == 2
