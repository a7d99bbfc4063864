"""Detector batches with bad items (issue 15 item 4) and the uncertain band as its own setting (item 5)."""

import json

import numpy as np
import pytest

from genre_detect import Detector
from genre_detect.errors import InputError, ModelError
from genre_detect.pipeline.prediction import ERROR_KEYS, PREDICTION_KEYS, Prediction, PredictionError
from genre_detect.pipeline.verdict import is_uncertain, uncertain_interval

OK = "The minister said the plan would be ready after the talks."


def test_batch_with_bad_items_scores_the_rest(tiny_detector):
    preds = tiny_detector.predict([OK, "", "a\x00b", "Area man finds new way."], ids=["a", "b", "c", "d"])
    assert [p.ok for p in preds] == [True, False, False, True]
    assert isinstance(preds[0], Prediction) and isinstance(preds[1], PredictionError)
    assert preds[1].to_dict() == {"code": "E101", "message": preds[1].message, "id": "b"}
    assert tuple(preds[2].to_dict()) == ERROR_KEYS and preds[2].code == "E102" and preds[2].index == 2
    assert tuple(preds[3].to_dict()) == PREDICTION_KEYS and preds[3].id == "d"
    # The good items score exactly as they do alone.
    assert preds[0].to_dict() | {"id": None} == tiny_detector.predict(OK).to_dict()
    json.dumps([p.to_dict() for p in preds])


def test_single_bad_string_still_raises(tiny_detector):
    with pytest.raises(InputError) as info:
        tiny_detector.predict("")
    assert info.value.code == "E101"


def test_all_bad_batch_gives_only_errors(tiny_detector):
    preds = tiny_detector.predict(["", 5])
    assert [p.code for p in preds] == ["E101", "E104"]


@pytest.mark.parametrize("method", ["predict_proba", "satire_proba"])
def test_numeric_outputs_name_the_bad_index(tiny_detector, method):
    with pytest.raises(InputError) as info:
        getattr(tiny_detector, method)([OK, OK, "   "])
    assert info.value.code == "E101" and info.value.source == "texts[2]"
    assert "texts[2]" in str(info.value)


def test_numpy_and_tuple_batches(tiny_detector):
    a = tiny_detector.satire_proba(np.array([OK, "Area man finds new way."]))
    b = tiny_detector.satire_proba((OK, "Area man finds new way."))
    assert a.shape == (2,) and np.array_equal(a, b)
    with pytest.raises(InputError):
        tiny_detector.predict({"text": OK})


@pytest.mark.parametrize("t,band,low,high", [
    (0.5, 0.15, 0.35, 0.65),   # the default: +-band
    (0.9, 0.15, 0.75, 0.95),   # the high side keeps half the room to 1, so >= 0.95 is confident satire
    (0.1, 0.15, 0.05, 0.25),   # and the low side half the room to 0
    (0.9, 0.03, 0.87, 0.93),   # a narrow band is used as given
    (0.5, 0.0, 0.5, 0.5),
])
def test_uncertain_interval(t, band, low, high):
    assert uncertain_interval(t, band) == pytest.approx((low, high))


def test_band_never_swallows_a_verdict():
    for t in np.linspace(0.01, 0.99, 99):
        for band in (0.0, 0.1, 0.3, 0.49):
            low, high = uncertain_interval(t, band)
            assert 0 < low <= t + 1e-9 and t - 1e-9 <= high < 1
            assert not is_uncertain(high, t, band) and not is_uncertain(low, t, band)
            assert not is_uncertain(1.0, t, band) and not is_uncertain(0.0, t, band)


def test_threshold_0_9_and_band(tiny_model_dir):
    det = Detector.load(tiny_model_dir, threshold=0.9)
    assert det.settings.uncertain_band == 0.05  # the tiny model's stored band, untouched by the threshold
    assert is_uncertain(0.94, 0.9, 0.15) and not is_uncertain(0.96, 0.9, 0.15)
    narrow = Detector.load(tiny_model_dir, threshold=0.9, uncertain_band=0.03)
    assert narrow.settings.uncertain_band == 0.03 and narrow.settings.threshold == 0.9
    assert not is_uncertain(0.94, 0.9, 0.03)


def test_band_override_changes_uncertain_flag(tiny_model_dir, tiny_detector):
    p = tiny_detector.predict(OK).satire_probability
    t = min(max(p + 0.01, 0.02), 0.98)  # a threshold just past this text's probability
    wide = Detector.load(tiny_model_dir, threshold=t, uncertain_band=0.2).predict(OK)
    none = Detector.load(tiny_model_dir, threshold=t, uncertain_band=0.0).predict(OK)
    assert wide.uncertain is True and none.uncertain is False
    assert wide.satire_probability == none.satire_probability


@pytest.mark.parametrize("band", [-0.1, 0.5, 2.0])
def test_bad_band_is_a_coded_error(tiny_model_dir, band):
    with pytest.raises(ModelError) as info:
        Detector.load(tiny_model_dir, uncertain_band=band)
    assert info.value.code == "E201"
