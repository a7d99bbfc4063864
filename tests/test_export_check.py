"""eval/export_check.py on a tiny run: every recipe rebuilt from the fp32 file and compared with it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("sklearn")

REPO = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("export_check", REPO / "eval" / "export_check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture()
def tiny_run(tmp_path, tiny_model_dir):
    """A run directory as train.py leaves it: model.fp32.onnx next to model/."""
    from genre_detect.settings import ModelSettings
    from genre_detect.training.export import export_model

    run = tmp_path / "run"
    export_model(tiny_model_dir.parent / "checkpoint", run / "model", settings=ModelSettings(max_length=64, stride=48),
                 keep_fp32=run / "model.fp32.onnx")
    return run


def test_every_recipe_is_compared_with_the_fp32_model(tiny_run, tmp_path, monkeypatch):
    from genre_detect.training.data import Document

    script = _script()
    words = ["the", "minister", "said", "the", "plan", "would", "be", "ready", "after", "talks", "with", "experts"]
    docs = [Document(f"d{i}", " ".join(words[i % 5 :] * (3 + 9 * i)), "satire" if i % 2 else "opinion", "s", "p")
            for i in range(8)]
    monkeypatch.setattr(script, "evaluation_folds", lambda args: {"calib": docs, "test": docs[:2], "train": docs})
    monkeypatch.setenv("GENRE_DETECT_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "check.json"
    recipes = "old,fused,fused-attention-fp32,fused-but-attention,static-qdq"
    result = script.main([str(tiny_run), "--config", str(REPO / "training" / "minilm.yaml"), "--out", str(out),
                          "--recipes", recipes])
    rows = result["recipes"]
    assert set(rows) == {"as shipped in model/", "old", "fused", "fused-attention-fp32", "fused-but-attention",
                         "static-qdq"}
    assert rows["old"]["recipe"] == 1 and rows["fused"]["recipe"] == 2
    for row in rows.values():
        assert row["n"] == len(docs) and 0 <= row["label_agreement"] <= 1 and row["max_abs_delta"] >= 0
    # model/ was exported by the fused recipe from this very fp32 file: the rebuilt one scores identically.
    same = ("label_agreement", "max_abs_delta", "mean_abs_delta")
    assert [rows["fused"][k] for k in same] == [rows["as shipped in model/"][k] for k in same]
    assert result["layouts_bit_identical"] and all(result["layouts_bit_identical"].values())
    assert out.is_file()


def test_a_run_without_its_fp32_file_is_a_usage_error(tmp_path):
    script = _script()
    with pytest.raises(SystemExit) as info:
        script.main([str(tmp_path)])
    assert info.value.code == 2
