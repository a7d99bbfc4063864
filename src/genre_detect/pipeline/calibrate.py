"""Calibration: choose the pooling of window logits and fit a temperature on a held-out split.

Both are fitted on the ``calib`` fold (publishers unseen in training), never on the seeds. The result is stored in
the model's ``genre_detect.json`` and applied by :class:`~genre_detect.pipeline.detector.Detector` at prediction time.

Example:
    >>> import numpy as np
    >>> logits = [np.array([[2.0, 0.0, 0.0]]), np.array([[0.0, 0.0, 2.0]])]
    >>> round(fit_temperature(np.array([l.mean(0) for l in logits]), np.array([0, 2])), 2) < 1.0
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .pool import pool_logits, register_of, softmax

__all__ = ["POOLING_CANDIDATES", "Calibration", "choose_pooling", "fit_register_bias", "fit_temperature",
           "fit_temperature_bias"]

# (method, sharpness) pairs tried on the calibration fold.
POOLING_CANDIDATES = [("mean", 0.0), ("softmax_mean", 0.5), ("softmax_mean", 1.0), ("softmax_mean", 2.0)]


def _nll(logits: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    p = softmax(logits, temperature)
    return float(-np.log(np.clip(p[np.arange(len(labels)), labels], 1e-12, None)).mean())


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """Temperature minimising the multi-class negative log-likelihood (golden-section search on log T)."""
    lo, hi = np.log(0.05), np.log(20.0)
    g = (np.sqrt(5) - 1) / 2
    a, b = hi - g * (hi - lo), lo + g * (hi - lo)
    fa, fb = _nll(logits, labels, np.exp(a)), _nll(logits, labels, np.exp(b))
    for _ in range(60):
        if fa < fb:
            hi, b, fb = b, a, fa
            a = hi - g * (hi - lo)
            fa = _nll(logits, labels, np.exp(a))
        else:
            lo, a, fa = a, b, fb
            b = lo + g * (hi - lo)
            fb = _nll(logits, labels, np.exp(b))
    return float(np.exp((lo + hi) / 2))


def fit_temperature_bias(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Temperature and per-class biases minimising the multi-class NLL of ``softmax(logits / T + b)``.

    The first class's bias is pinned at 0 (only differences between biases matter). Fitted by L-BFGS (scipy,
    which comes with the ``train`` extra) from ``T = 1, b = 0`` with the exact gradient.
    """
    from scipy.optimize import minimize

    z = np.asarray(logits, dtype=np.float64)
    onehot = np.eye(z.shape[1])[np.asarray(labels)]

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        a = np.exp(params[0])  # 1 / T, kept positive
        b = np.concatenate([[0.0], params[1:]])
        q = softmax(z * a + b)
        value = -np.log(np.clip((q * onehot).sum(axis=1), 1e-12, None)).mean()
        r = (q - onehot) / len(z)
        return float(value), np.concatenate([[(r * z).sum() * a], r.sum(axis=0)[1:]])

    res = minimize(loss, np.zeros(z.shape[1]), jac=True, method="L-BFGS-B")
    return float(np.exp(-res.x[0])), np.concatenate([[0.0], res.x[1:]])


def fit_register_bias(logits: np.ndarray, labels: np.ndarray, temperature: float, bias: np.ndarray | list[float],
                      satire_index: int, bound: float = 6.0) -> list[float]:
    """One extra satire bias per register, each minimising the NLL of the documents read as that register.

    ``z = logits / T + bias``; a document's register is the sincere genre with the higher ``z``. For each register
    the offset ``d`` on the satire logit minimises the mean NLL of ``softmax(z + d * e_satire)`` over the documents of
    that register (a one-dimensional convex problem, bounded to ``[-bound, bound]``; 0 where a register has no
    document of both kinds). The satire entry itself is always 0. The documents should hold whole publishers and
    writers out of training (the calibration fold plus held-out writers' pairs), never the seeds.
    """
    from scipy.optimize import minimize_scalar

    z = np.asarray(logits, dtype=np.float64) / temperature + np.asarray(bias if len(bias) else 0.0)
    labels = np.asarray(labels)
    n = z.shape[1]
    sat = satire_index % n
    register = register_of(z, sat)
    out = [0.0] * n
    for r in range(n):
        if r == sat:
            continue
        idx = register == r
        y = labels[idx]
        if not ((y == sat).any() and (y != sat).any()):
            continue
        zr = z[idx]

        def nll(d: float, zr=zr, y=y) -> float:
            q = softmax(zr + d * (np.arange(n) == sat))
            return float(-np.log(np.clip(q[np.arange(len(y)), y], 1e-12, None)).mean())

        out[r] = float(minimize_scalar(nll, bounds=(-bound, bound), method="bounded").x)
    return out


@dataclass
class Calibration:
    pooling: str
    sharpness: float
    temperature: float
    calib_nll: float
    calib_macro_f1: float
    candidates: list[dict]


def _binary_macro_f1(p_sat: np.ndarray, y: np.ndarray, threshold: float = 0.5) -> float:
    pred = (p_sat >= threshold).astype(int)
    f1s = []
    for cls in (0, 1):
        tp = np.sum((pred == cls) & (y == cls))
        fp = np.sum((pred == cls) & (y != cls))
        fn = np.sum((pred != cls) & (y == cls))
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(f1s))


def choose_pooling(doc_window_logits: list[np.ndarray], genre_labels: np.ndarray, satire_index: int) -> Calibration:
    """Try each pooling candidate with its own fitted temperature; keep the best binary macro-F1 (ties: NLL)."""
    y_sat = (genre_labels == satire_index).astype(int)
    results = []
    for method, sharp in POOLING_CANDIDATES:
        pooled = np.stack([pool_logits(w, method, sharp, satire_index) for w in doc_window_logits])
        t = fit_temperature(pooled, genre_labels)
        p_sat = softmax(pooled, t)[:, satire_index]
        results.append({"pooling": method, "sharpness": sharp, "temperature": t,
                        "nll": _nll(pooled, genre_labels, t), "macro_f1": _binary_macro_f1(p_sat, y_sat)})
    best = max(results, key=lambda r: (round(r["macro_f1"], 3), -r["nll"]))
    return Calibration(best["pooling"], best["sharpness"], best["temperature"], best["nll"], best["macro_f1"],
                       results)
