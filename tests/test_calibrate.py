"""Calibration: temperature and class biases are recovered from labels drawn with known values, and applied as
``softmax(z / T + b)`` by the detector."""

import json

import numpy as np
import pytest

from genre_detect import Detector
from genre_detect.errors import ModelError
from genre_detect.pipeline.calibrate import fit_temperature, fit_temperature_bias
from genre_detect.pipeline.pool import calibrate, softmax

TEXT = "The committee said the report would be published after the hearing on Thursday."


def _draw(temperature: float, bias: list[float], n: int = 4000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=2.0, size=(n, 3))
    p = softmax(z / temperature + np.array(bias))
    return z, np.array([rng.choice(3, p=row) for row in p])


def test_fit_temperature_bias_recovers_known_values():
    z, y = _draw(0.5, [0.0, 1.0, -1.0])
    t, b = fit_temperature_bias(z, y)
    assert t == pytest.approx(0.5, abs=0.05)
    assert b[0] == 0.0 and b[1:] == pytest.approx([1.0, -1.0], abs=0.15)


def test_bias_fits_better_than_temperature_alone_when_there_is_a_bias():
    z, y = _draw(1.0, [0.0, 0.0, -2.0])
    t0 = fit_temperature(z, y)
    t, b = fit_temperature_bias(z, y)

    def nll(p):
        return -np.log(p[np.arange(len(y)), y]).mean()

    assert nll(calibrate(z, t, b)) < nll(calibrate(z, t0)) - 0.01


def test_calibrate_without_bias_is_tempered_softmax():
    z = np.array([[1.0, -2.0, 0.5]])
    assert np.allclose(calibrate(z, 2.0), softmax(z, 2.0))
    assert np.allclose(calibrate(z, 2.0, []), softmax(z, 2.0))
    assert np.allclose(calibrate(z, 2.0, [0.0, 0.0, 1.0]), softmax(z / 2.0 + [0.0, 0.0, 1.0]))


def _with_settings(model_dir, **changes):
    path = model_dir / "genre_detect.json"
    raw = json.loads(path.read_text())
    raw.update(changes)
    path.write_text(json.dumps(raw))


def test_detector_applies_class_bias_to_document_and_windows(tiny_model_copy, tiny_detector):
    plain = tiny_detector.predict(TEXT)
    _with_settings(tiny_model_copy, class_bias=[0.0, 0.0, 3.0])
    biased = Detector.load(tiny_model_copy).predict(TEXT)
    assert biased.satire_probability > plain.satire_probability
    # The bias moves odds by exactly e^3 against each other genre, here for the whole document.
    expected = calibrate(np.log(list(plain.genre_scores.values())), 1.0, [0.0, 0.0, 3.0])[2]
    assert biased.satire_probability == pytest.approx(expected, rel=1e-6)
    assert all(b.satire_probability > p.satire_probability for b, p in zip(biased.windows, plain.windows))


@pytest.mark.parametrize("bias", [[0.0, 1.0], [0.0, "x", 1.0], [0.0, float("inf"), 1.0]])
def test_bad_class_bias_is_a_coded_model_error(tiny_model_copy, bias):
    _with_settings(tiny_model_copy, class_bias=bias)
    with pytest.raises(ModelError) as info:
        Detector.load(tiny_model_copy)
    assert info.value.code == "E201"


def test_register_bias_moves_only_the_register_it_names():
    # Row 0 reads as opinion (its larger sincere logit), row 1 as reporting.
    z = np.array([[2.0, 0.0, 0.0], [0.0, 2.0, 0.0]])
    out = calibrate(z, 1.0, [], [1.5, 0.0, 0.0], satire_index=2)
    assert np.allclose(out[0], softmax(z[0] + [0.0, 0.0, 1.5]))
    assert np.allclose(out[1], softmax(z[1]))
    assert np.allclose(calibrate(z, 1.0, [], []), softmax(z))


def test_fit_register_bias_recovers_a_register_offset():
    from genre_detect.pipeline.calibrate import fit_register_bias

    rng = np.random.default_rng(1)
    z = rng.normal(scale=1.5, size=(6000, 3))
    # Satire is under-called by 2 nats in the opinion register only.
    offset = np.where(z[:, 0] > z[:, 1], 2.0, 0.0)
    p = softmax(z + np.stack([np.zeros_like(offset), np.zeros_like(offset), offset], axis=1))
    y = np.array([rng.choice(3, p=row) for row in p])
    rb = fit_register_bias(z, y, 1.0, [0.0, 0.0, 0.0], satire_index=2)
    assert rb[0] == pytest.approx(2.0, abs=0.25)
    assert rb[1] == pytest.approx(0.0, abs=0.25)
    assert rb[2] == 0.0


def test_fit_register_bias_leaves_a_register_without_both_kinds_alone():
    from genre_detect.pipeline.calibrate import fit_register_bias

    z = np.array([[2.0, 0.0, 0.0], [1.0, 0.0, 0.5], [0.0, 2.0, 0.0], [0.0, 2.0, 1.0]])
    y = np.array([0, 0, 1, 2])
    rb = fit_register_bias(z, y, 1.0, [], satire_index=2)
    assert rb[0] == 0.0 and rb[1] != 0.0


def test_detector_applies_register_bias(tiny_model_copy, tiny_detector):
    plain = tiny_detector.predict(TEXT)
    register = max(("opinion", "reporting"), key=lambda g: plain.genre_scores[g])
    rb = [0.0, 0.0, 0.0]
    rb[["opinion", "reporting", "satire"].index(register)] = 2.0
    _with_settings(tiny_model_copy, register_bias=rb)
    biased = Detector.load(tiny_model_copy).predict(TEXT)
    assert biased.satire_probability > plain.satire_probability
    other = [0.0, 0.0, 0.0]
    other[["opinion", "reporting", "satire"].index({"opinion": "reporting", "reporting": "opinion"}[register])] = 2.0
    _with_settings(tiny_model_copy, register_bias=other)
    unmoved = Detector.load(tiny_model_copy).predict(TEXT)
    assert unmoved.satire_probability == pytest.approx(plain.satire_probability, rel=1e-9)


def test_bad_register_bias_is_a_coded_model_error(tiny_model_copy):
    _with_settings(tiny_model_copy, register_bias=[0.0, 1.0])
    with pytest.raises(ModelError) as info:
        Detector.load(tiny_model_copy)
    assert info.value.code == "E201"
