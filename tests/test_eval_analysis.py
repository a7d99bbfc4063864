"""genre-detect eval for error analysis (issue 16 items 4-5): per-document records, confusion and per-class tables in
the terminal, the report for any file, --compare, and the training-data overlap warning in eval and predict --json.

Texts are built from a handful of words (as in test_evaluate.py); the fingerprints are made here from those texts.
"""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from genre_detect import Detector
from genre_detect.cli import main
from genre_detect.evaluation.evaluate import DOCUMENT_KEYS, compare, evaluate
from genre_detect.evaluation.fingerprint import write_fingerprint
from genre_detect.pipeline.prediction import PREDICTION_KEYS

WORDS = {"satire": ["area", "man", "local", "nation", "alleged", "possibly", "considering", "thinking", "seriously",
                    "suggesting"],
         "sincere": ["the", "minister", "plan", "government", "report", "policy", "analysis", "experts", "russia",
                     "talks", "peace"]}


def _rows(n: int = 24, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        label = "satire" if i % 3 == 0 else "sincere"
        text = " ".join(rng.choice(WORDS[label]) for _ in range(rng.randint(20, 60))) + "."
        rows.append({"id": f"doc{i}", "text": text, "label": label})
    return rows


@pytest.fixture()
def data_file(tmp_path):
    path = tmp_path / "mine.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _rows()), encoding="utf-8")
    return path


@pytest.fixture()
def model_with_fingerprint(tiny_model_copy):
    """The tiny model, "trained" on the first 8 texts of the data file."""
    write_fingerprint(tiny_model_copy, [r["text"] for r in _rows()[:8]], recipe="test")
    return tiny_model_copy


@pytest.fixture(scope="module")
def other_model_dir(tmp_path_factory):
    from conftest import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("other"), seed=3)


def test_documents_have_one_record_per_text(tiny_detector, data_file):
    r = evaluate(tiny_detector, data_file, n_boot=0)
    assert len(r.documents) == 24 and all(tuple(d) == DOCUMENT_KEYS for d in r.documents)
    d0 = r.documents[0]
    assert d0["id"] == "doc0" and d0["gold"] == "satire" and d0["training_overlap"] is None
    preds = tiny_detector.predict([row["text"] for row in _rows()])
    for d, p in zip(r.documents, preds):
        assert d["satire_probability"] == pytest.approx(p.satire_probability, abs=1e-6)
        assert (d["label"], d["genre"], d["uncertain"]) == (p.label, p.genre, p.uncertain)
        assert d["verdict"] == ("uncertain" if p.uncertain else p.label)
        assert d["correct"] == (d["label"] == d["gold"])
    assert sum(not d["correct"] for d in r.documents) == sum(
        r.tables["confusion"]["matrix"][i][1 - i] for i in (0, 1))


def test_rows_without_ids_are_named_by_row(tiny_detector, tmp_path):
    path = tmp_path / "noid.jsonl"
    rows = [{"text": r["text"], "label": r["label"]} for r in _rows(4)]
    rows.insert(1, {"text": "", "label": "satire"})  # dropped, but the row numbers stay those of the file
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    r = evaluate(tiny_detector, path, n_boot=0)
    assert [d["id"] for d in r.documents] == ["noid.jsonl:1", "noid.jsonl:3", "noid.jsonl:4", "noid.jsonl:5"]


def test_overlap_is_counted_and_left_out(model_with_fingerprint, data_file):
    r = evaluate(str(model_with_fingerprint), data_file, n_boot=0)
    s = r.scores
    assert s["training_overlap_checked"] is True and s["n_training_overlap"] == 8 and s["n_unseen"] == 16
    assert [d["training_overlap"] == 1.0 for d in r.documents] == [i < 8 for i in range(24)]
    unseen = r.documents[8:]
    assert s["accuracy_unseen"] == pytest.approx(np.mean([d["correct"] for d in unseen]))
    assert all(d["training_overlap"] < 0.5 for d in unseen)


def test_compare_is_paired_on_the_same_documents(tiny_detector, other_model_dir, data_file):
    a = evaluate(tiny_detector, data_file, n_boot=0)
    same = compare(a, a, n_boot=50)
    assert all(r["difference"] in (0.0, None) and not r["worse"] and not r["better"] for r in same["rows"])
    b = evaluate(str(other_model_dir), data_file, n_boot=0)
    cmp = compare(a, b, n_boot=100, seed=1)
    assert cmp["n"] == 24 and cmp["n_unmatched"] == 0 and cmp["baseline"] != "" and len(cmp["rows"]) == 5
    acc = next(r for r in cmp["rows"] if r["metric"] == "accuracy")
    assert acc["difference"] == pytest.approx(b.scores["accuracy"] - a.scores["accuracy"])
    assert acc["low"] <= acc["difference"] <= acc["high"]
    assert compare(a, b, n_boot=100, seed=1) == cmp  # seeded


def test_cli_eval_terminal_report_and_files(model_with_fingerprint, other_model_dir, data_file, tmp_path, capsys):
    report = tmp_path / "report"
    out = tmp_path / "metrics.json"
    rc = main(["eval", str(data_file), "--model", str(model_with_fingerprint), "--n-boot", "20", "--out", str(out),
               "--report", str(report), "--compare", str(other_model_dir)])
    assert rc == 0
    cap = capsys.readouterr()
    assert "confusion (rows: true, columns: predicted)" in cap.out and "precision" in cap.out
    assert "training-data overlap: 8 of 24" in cap.out and "on the 16 texts not in the training data" in cap.out
    assert "minus" in cap.out and "paired bootstrap on the same 24 documents" in cap.out
    assert "warning: 8 of 24 texts overlap" in cap.err and "warning" not in cap.out
    docs = [json.loads(x) for x in (tmp_path / "metrics.documents.jsonl").read_text().splitlines()]
    assert [d["id"] for d in docs] == [f"doc{i}" for i in range(24)]
    body = json.loads(out.read_text())
    assert body["compare"]["n"] == 24 and body["scores"]["n_training_overlap"] == 8
    html = (report / "report.html").read_text()
    assert "data:image/png;base64," in html and "Confusion matrix" in html and "paired bootstrap" in html
    assert "<script" not in html and "Most confident errors" in html
    assert (report / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len((report / "documents.jsonl").read_text().splitlines()) == 24


def test_cli_eval_band_and_threshold_reach_the_model(tiny_model_dir, data_file, capsys):
    assert main(["eval", str(data_file), "--model", str(tiny_model_dir), "--n-boot", "0", "--json",
                 "--threshold", "0.3", "--uncertain-band", "0.01"]) == 0
    s = json.loads(capsys.readouterr().out)["scores"]
    assert s["threshold"] == 0.3 and s["uncertain_band"] == 0.01
    assert main(["eval", str(data_file), "--baseline", "length", "--train", str(data_file), "--threshold",
                 "0.3"]) == 2


def test_predict_json_warns_about_training_overlap(model_with_fingerprint, data_file, tmp_path, capsys):
    rows = _rows()
    sample = tmp_path / "in.jsonl"
    sample.write_text("".join(json.dumps(r) + "\n" for r in rows[5:11]), encoding="utf-8")  # 3 seen, 3 not
    assert main(["predict", "--model", str(model_with_fingerprint), "--jsonl", str(sample), "--json"]) == 0
    cap = capsys.readouterr()
    records = [json.loads(x) for x in cap.out.splitlines()]
    assert [tuple(r) for r in records] == [PREDICTION_KEYS] * 6  # the record shape is unchanged
    assert "warning: 3 of 6 inputs overlap" in cap.err and "doc5, doc6, doc7" in cap.err


def test_predict_uncertain_band_flag(tiny_model_dir, tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_text(_rows(1)[0]["text"], encoding="utf-8")
    p = Detector.load(tiny_model_dir).predict(f.read_text()).satire_probability
    t = f"{min(max(p + 0.01, 0.05), 0.95):.4f}"
    assert main(["predict", "--model", str(tiny_model_dir), "--threshold", t, "--uncertain-band", "0.2",
                 str(f)]) == 0
    assert " uncertain " in capsys.readouterr().out
    assert main(["predict", "--model", str(tiny_model_dir), "--threshold", t, "--uncertain-band", "0", str(f)]) == 0
    assert " uncertain " not in capsys.readouterr().out
    assert main(["predict", "--model", str(tiny_model_dir), "--uncertain-band", "0.7", str(f)]) == 2


def test_leaderboard_row_carries_its_provenance(tiny_detector, tiny_model_dir, tmp_path):
    """The citable row: the fine-tuned model's publisher/full scores, model and data hashes, seeds, versions."""
    from genre_detect.evaluation.benchmark import FINE_TUNED, BenchmarkConfig, BenchmarkResult, Run
    from genre_detect.evaluation.evaluate import LabelledSet
    from genre_detect.evaluation.leaderboard import file_sha256, write_results

    rows = _rows()
    data = tmp_path / "data"
    (data / "mine").mkdir(parents=True)
    (data / "mine" / "data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    test = LabelledSet([r["text"] for r in rows], np.array([r["label"] == "satire" for r in rows]),
                       ids=[r["id"] for r in rows], name="publisher-test")
    bench = BenchmarkResult(BenchmarkConfig(data_dir=str(data), sources=["mine", "absent"], n_boot=20, cut_words=10))
    for protocol in ("publisher", "random"):
        for length, cut in (("full", None), ("first 10 words", 10)):
            r = evaluate(tiny_detector, test, n_boot=20, cut_words=cut)
            bench.runs.append(Run(FINE_TUNED, protocol, length, r, model_path=str(tiny_model_dir)))
    paths = write_results(bench, tmp_path / "results")
    row = json.loads(paths["row"].read_text())
    s = bench.get(FINE_TUNED, "publisher", "full").result.scores
    assert row["n"] == 24 and row["macro_f1"] == pytest.approx(s["macro_f1"], abs=1e-4)
    assert row["macro_f1_ci"] == pytest.approx([s["macro_f1_ci_low"], s["macro_f1_ci_high"]], abs=1e-4)
    prov = row["provenance"]
    assert prov["models_sha256"][str(tiny_model_dir)]["model.onnx"] == file_sha256(tiny_model_dir / "model.onnx")
    assert prov["data_sha256"]["absent"] == "missing" and len(prov["data_sha256"]["mine"]) == 64
    assert prov["split_seed"] == 13 and prov["bootstrap"] == {"n_boot": 20, "seed": 0}
    assert {"python", "numpy", "onnxruntime", "scikit-learn"} <= set(prov["versions"])
    assert len(prov["test_fold_sha256"]["publisher"]) == 64
    assert json.loads(paths["json"].read_text())["provenance"]["data_sha256"] == prov["data_sha256"]
    assert "model.onnx sha256" in paths["markdown"].read_text()
    # A changed data file changes its fingerprint.
    (data / "mine" / "data.jsonl").write_text("changed\n", encoding="utf-8")
    from genre_detect.evaluation.leaderboard import provenance

    assert provenance(bench)["data_sha256"]["mine"] != prov["data_sha256"]["mine"]


def test_progress_bars_on_a_terminal(monkeypatch):
    """On a terminal the benchmark's "label: done/total" lines become bars; other lines pass through."""
    import io
    import sys

    from genre_detect.cli import eval as eval_cmd

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    log = eval_cmd._bench_log()
    log("[bench] 100 documents")
    for done in (32, 64, 100):
        log(f"[bench]   fine-tuned / publisher / full: {done}/100")
    bar = eval_cmd._progress("mine.jsonl")
    bar(5, 10)
    bar(10, 10)
    text = term.getvalue()
    assert "[bench] 100 documents" in text
    assert "fine-tuned / publisher / full:   0%|" in text and "/100 [" in text and "mine.jsonl:" in text
    assert "fine-tuned / publisher / full: 32/100\n" not in text  # drawn as a bar, not printed as a line
