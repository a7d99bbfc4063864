"""training/probe_teacher.py: the logistic-regression head folded into one linear layer, and document scores."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")

REPO = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("probe_teacher", REPO / "training" / "probe_teacher.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _data(n: int = 240, dim: int = 12, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    # Features on very different scales and offsets, so that a head which forgot the standardisation would differ.
    x = rng.normal(size=(n, dim)) * np.linspace(0.1, 20, dim) + np.linspace(-50, 50, dim)
    x[:, 0] += 3.0 * y
    groups = np.arange(n) // 4
    return x, y, groups


def test_folded_head_gives_the_regressions_probabilities():
    from sklearn.linear_model import LogisticRegression

    probe = _script()
    x, y, groups = _data()
    head = probe.fit_head(x, y, groups, seed=13)
    assert head["C"] in (0.001, 0.003, 0.01, 0.03, 0.1)
    mu, sd = x.mean(0), x.std(0) + 1e-6
    ref = LogisticRegression(C=head["C"], class_weight="balanced", max_iter=4000).fit((x - mu) / sd, y)
    np.testing.assert_allclose(probe.window_probs(head, x), ref.predict_proba((x - mu) / sd), atol=1e-6)
    # The head learnt the signal planted in feature 0.
    assert (probe.window_probs(head, x).argmax(1) == y).mean() > 0.5


def test_document_score_is_the_mean_satire_probability_of_its_windows():
    probe = _script()
    identity = {"weight": np.eye(3), "bias": np.zeros(3)}
    logits = np.array([[0.0, 0.0, 2.0], [0.0, 0.0, -2.0], [5.0, 0.0, 0.0]])
    owner = np.array([0, 0, 1])
    scores = probe.doc_scores(identity, logits, owner, 2)
    p = probe.window_probs(identity, logits)[:, 2]
    np.testing.assert_allclose(scores, [p[:2].mean(), p[2]])
