import json
import os

import numpy as np
import pytest

from genre_detect import Detector, Prediction
from genre_detect.errors import InputError, ModelError
from genre_detect.pipeline.prediction import PREDICTION_KEYS

LONG = " ".join(["The minister said the plan would be ready after the talks."] * 60)


def test_str_gives_one_prediction_list_gives_list(tiny_detector):
    one = tiny_detector.predict("The minister said the plan would be ready.")
    many = tiny_detector.predict(["The minister said the plan.", "Area man finds new way."])
    assert isinstance(one, Prediction)
    assert isinstance(many, list) and len(many) == 2


def test_prediction_fields_are_consistent(tiny_detector):
    p = tiny_detector.predict("The minister said the plan would be ready after the talks with experts.")
    assert p.label in ("satire", "sincere")
    assert abs(sum(p.genre_scores.values()) - 1) < 1e-6
    assert set(p.genre_scores) == {"opinion", "reporting", "satire"}
    assert p.satire_probability == pytest.approx(p.genre_scores["satire"])
    want = p.satire_probability if p.label == "satire" else 1 - p.satire_probability
    assert p.score == pytest.approx(want)
    assert p.truncated is False and p.num_tokens > 0


def test_long_text_is_windowed_not_cut(tiny_detector):
    p = tiny_detector.predict(LONG)
    assert len(p.windows) > 3
    assert p.num_tokens > tiny_detector.settings.max_length
    assert p.truncated is False
    assert p.windows[-1].end == len(LONG)


def test_json_schema_is_pinned(tiny_detector):
    d = tiny_detector.predict("The minister said the plan would be ready.").to_dict()
    assert tuple(d) == PREDICTION_KEYS
    assert set(d["windows"][0]) == {"start", "end", "num_tokens", "satire_probability"}
    json.dumps(d)  # JSON-ready


def test_batch_matches_single(tiny_detector):
    texts = ["The minister said the plan.", LONG, "Area man finds new way to think."]
    batch = tiny_detector.predict(texts)
    singles = [tiny_detector.predict(t) for t in texts]
    # Dynamic int8 quantisation picks activation scales per forward pass; with one window per pass (the default
    # batch_size) a text's score cannot depend on the texts scored beside it.
    assert tiny_detector.settings.batch_size == 1
    for b, s in zip(batch, singles):
        assert b.to_dict() == s.to_dict()


@pytest.mark.parametrize("threads,lanes", [(1, 1), (2, 1), (2, 2), (3, 3)])
def test_lanes_and_threads_do_not_change_scores(tiny_model_dir, tiny_detector, threads, lanes):
    from genre_detect import Detector

    texts = ["The minister said the plan.", LONG, "Area man finds new way to think.", LONG[::-1]]
    det = Detector(tiny_model_dir, threads=threads, lanes=lanes)
    assert det.model.lanes == lanes
    done = []
    wins = [w.ids for p in det.prepare(texts) for w in p.windows]
    assert np.array_equal(det.window_logits(wins, done.append), tiny_detector.window_logits(wins))
    assert sum(done) == len(wins)
    assert [p.to_dict() for p in det.predict(texts)] == [p.to_dict() for p in tiny_detector.predict(texts)]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_lanes_work_in_a_forked_child(tiny_model_dir):
    import multiprocessing as mp

    from genre_detect import Detector

    det = Detector(tiny_model_dir, threads=2, lanes=2)
    texts = [LONG, LONG[::-1]]
    expected = [p.satire_probability for p in det.predict(texts)]  # the parent's lane threads now exist

    def child(queue):
        queue.put([p.satire_probability for p in det.predict(texts)])

    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=child, args=(queue,))
    proc.start()
    proc.join(60)
    if proc.is_alive():
        proc.kill()
        pytest.fail("scoring in a forked child hung")
    assert proc.exitcode == 0 and queue.get(timeout=5) == expected


def test_shared_batches_stay_close_to_single(tiny_detector, monkeypatch):
    monkeypatch.setattr(tiny_detector.settings, "batch_size", 8)
    texts = ["The minister said the plan.", LONG, "Area man finds new way to think."]
    batch = tiny_detector.predict(texts)
    singles = [tiny_detector.predict(t) for t in texts]
    for b, s in zip(batch, singles):
        assert b.satire_probability == pytest.approx(s.satire_probability, abs=5e-3)


def test_predict_proba_columns_follow_labels(tiny_detector):
    proba = tiny_detector.predict_proba(["The minister said.", "Area man finds."])
    assert proba.shape == (2, 3)
    assert np.allclose(proba.sum(1), 1)
    assert tiny_detector.labels == ["opinion", "reporting", "satire"]


@pytest.mark.parametrize("bad,code", [("", "E101"), ("   \n ", "E101"), ("a\x00b", "E102"), (5, "E104")])
def test_bad_input_raises_coded_error(tiny_detector, bad, code):
    with pytest.raises(InputError) as info:
        tiny_detector.predict(bad)
    assert info.value.code == code


def test_oversized_input_is_refused(tiny_detector):
    with pytest.raises(InputError) as info:
        tiny_detector.predict("word " * (tiny_detector.settings.max_chars // 5 + 10))
    assert info.value.code == "E103"


def test_non_english_is_flagged(tiny_detector):
    p = tiny_detector.predict("Der Minister sagte, dass der Plan nach den Gesprächen mit den Experten fertig sein werde.")
    assert p.language == "non-en"


def test_threshold_override_changes_label(tiny_model_dir):
    p_low = Detector.load(tiny_model_dir, threshold=0.01).predict("The minister said the plan.")
    p_high = Detector.load(tiny_model_dir, threshold=0.99).predict("The minister said the plan.")
    assert p_low.label == "satire" and p_high.label == "sincere"


def test_missing_or_broken_model_dir(tmp_path, tiny_model_copy):
    with pytest.raises(ModelError):
        Detector.load(tmp_path / "nope")
    (tiny_model_copy / "model.onnx").write_bytes(b"not a model")
    with pytest.raises(ModelError) as info:
        Detector.load(tiny_model_copy)
    assert info.value.code == "E200"


def test_env_var_selects_model(tiny_model_dir, monkeypatch):
    monkeypatch.setenv("GENRE_DETECT_MODEL", str(tiny_model_dir))
    assert Detector.load().model_dir == tiny_model_dir


def test_int8_agrees_with_fp32(tmp_path):
    """Per-channel int8 quantisation keeps the labels of the fp32 export (tiny model, random texts)."""
    from conftest import build_tiny_model

    from genre_detect.training.export import export_model

    model_dir = build_tiny_model(tmp_path / "a", seed=3)
    fp32_dir = export_model(tmp_path / "a" / "checkpoint", tmp_path / "fp32", quantize=False)
    texts = [f"The minister {w} said the plan would be ready after talks with {v}." for w in
             ("possibly", "seriously", "never", "alleged") for v in ("experts", "russia", "the west")]
    a = Detector.load(model_dir).predict(texts)
    b = Detector.load(fp32_dir).predict(texts)
    diffs = [abs(x.satire_probability - y.satire_probability) for x, y in zip(a, b)]
    assert max(diffs) < 0.05
