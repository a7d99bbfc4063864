"""Pooling window logits into one document score, and calibration by temperature and class biases.

``mean`` averages the window logits. ``softmax_mean`` weights windows by ``softmax(sharpness * satire_margin)``,
so that a parody whose first paragraphs are played straight still counts its absurd later windows; with
``sharpness=0`` it is the plain mean. Which one a model uses is chosen on held-out validation data and stored in
its ``genre_detect.json``.

Example:
    >>> import numpy as np
    >>> pool_logits(np.array([[0.0, 0.0, 1.0], [0.0, 0.0, -1.0]]), "mean", 0.0, satire_index=2)
    array([0., 0., 0.])
"""

from __future__ import annotations

import numpy as np

__all__ = ["calibrate", "pool_logits", "register_of", "register_offsets", "satire_margin", "softmax"]


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def calibrate(logits: np.ndarray, temperature: float, bias: list[float] | np.ndarray | None = None,
              register_bias: list[float] | np.ndarray | None = None, satire_index: int = -1) -> np.ndarray:
    """Calibrated probabilities ``softmax(logits / temperature + bias)`` along the last axis; no bias when
    ``bias`` is empty or None (models calibrated by temperature alone).

    ``register_bias`` (one number per label, or empty) adds a further bias to the satire logit that depends on the
    text's register: the sincere genre (``opinion`` or ``reporting``) with the higher calibrated logit. A threshold
    learnt on news is wrong for analysis, so a model may carry a different satire offset for each register
    (:func:`genre_detect.pipeline.calibrate.fit_register_bias`).
    """
    z = np.asarray(logits, dtype=np.float64) / temperature
    if bias is not None and len(bias):
        z = z + np.asarray(bias, dtype=np.float64)
    if register_bias is not None and len(register_bias) and any(register_bias):
        z = z + register_offsets(z, register_bias, satire_index)
    return softmax(z)


def register_of(z: np.ndarray, satire_index: int) -> np.ndarray:
    """The register each row of ``z`` is read as: the index of its largest non-satire column."""
    z = np.asarray(z, dtype=np.float64)
    n = z.shape[-1]
    return np.where(np.arange(n) == satire_index % n, -np.inf, z).argmax(axis=-1)


def register_offsets(z: np.ndarray, register_bias: list[float] | np.ndarray, satire_index: int) -> np.ndarray:
    """The register term of :func:`calibrate`: ``register_bias[r]`` on the satire column, where ``r`` is
    :func:`register_of` the row."""
    z = np.asarray(z, dtype=np.float64)
    out = np.zeros_like(z)
    out[..., satire_index % z.shape[-1]] = np.asarray(register_bias, dtype=np.float64)[register_of(z, satire_index)]
    return out


def satire_margin(logits: np.ndarray, satire_index: int) -> np.ndarray:
    """Log-odds of satire against the other genres, per row."""
    others = np.delete(logits, satire_index, axis=-1)
    m = others.max(axis=-1, keepdims=True)
    lse = m[..., 0] + np.log(np.exp(others - m).sum(axis=-1))
    return logits[..., satire_index] - lse


def pool_logits(window_logits: np.ndarray, method: str, sharpness: float, satire_index: int) -> np.ndarray:
    """Pool ``(n_windows, n_labels)`` logits into one ``(n_labels,)`` vector."""
    window_logits = np.asarray(window_logits, dtype=np.float64)
    if window_logits.shape[0] == 1 or method == "mean" or sharpness == 0:
        return window_logits.mean(axis=0)
    weights = softmax(sharpness * satire_margin(window_logits, satire_index))
    return (weights[:, None] * window_logits).sum(axis=0)
