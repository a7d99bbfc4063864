"""Scores for the satire-vs-sincere decision and the three-way genre, for :mod:`genre_detect.evaluation.evaluate`.

Everything that scikit-learn provides comes from scikit-learn (never ``evaluate.load``, which fetches scripts from a
hub). Two things it lacks are written here: the expected calibration error over equal-width bins, and percentile
bootstrap intervals. Every function takes plain arrays and returns plain Python data (floats, dicts, lists of dicts)
so that results serialise to JSON as they are.

Example:
    >>> import numpy as np
    >>> y = np.array([0, 0, 1, 1]); p = np.array([0.1, 0.4, 0.35, 0.8])
    >>> round(binary_scores(y, p)["accuracy"], 2)
    0.75
    >>> expected_calibration_error(np.array([0, 1]), np.array([0.0, 1.0]))
    0.0
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from ..errors import require
from ..pipeline.verdict import is_uncertain

__all__ = [
    "BOOT_METRICS",
    "LENGTH_BUCKETS",
    "N_BINS",
    "abstention",
    "binary_scores",
    "bootstrap_ci",
    "bucket_names",
    "confusion",
    "expected_calibration_error",
    "genre_scores",
    "length_bucket",
    "reliability_table",
    "risk_coverage",
    "slice_table",
    "threshold_sweep",
]

N_BINS = 15
# Word-count buckets for slicing: headline-sized, news-brief, article, long article, report.
LENGTH_BUCKETS = ((0, 100), (100, 300), (300, 1000), (1000, 3000), (3000, math.inf))


def _sk():
    return require("sklearn.metrics", "eval")


def _clean(value: float) -> float | None:
    """JSON has no NaN: undefined scores (AUC on one class) become ``None``."""
    value = float(value)
    return None if math.isnan(value) else value


def _bin_index(prob: np.ndarray, n_bins: int) -> np.ndarray:
    # Equal-width bins over [0, 1]; a probability of exactly 1.0 belongs to the last bin.
    return np.minimum((np.asarray(prob, dtype=float) * n_bins).astype(int), n_bins - 1)


def expected_calibration_error(y_true: np.ndarray, prob: np.ndarray, n_bins: int = N_BINS) -> float:
    """Expected calibration error of satire probabilities: sum over equal-width bins of
    ``(n_bin / n) * |fraction of satire in bin - mean probability in bin|``.

    Example:
        >>> import numpy as np
        >>> expected_calibration_error(np.array([0, 1, 1, 1]), np.array([0.75, 0.75, 0.75, 0.75]), n_bins=4)
        0.0
    """
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(prob, dtype=float)
    if len(y) == 0:
        return float("nan")
    idx = _bin_index(p, n_bins)
    sum_p = np.bincount(idx, weights=p, minlength=n_bins)
    sum_y = np.bincount(idx, weights=y, minlength=n_bins)
    return float(np.abs(sum_y - sum_p).sum() / len(y))


def reliability_table(y_true: np.ndarray, prob: np.ndarray, n_bins: int = N_BINS) -> list[dict]:
    """One row per non-empty bin: its range, count, mean predicted probability and observed satire rate.

    Example:
        >>> import numpy as np
        >>> reliability_table(np.array([1, 0]), np.array([0.9, 0.1]), n_bins=2)[0]["observed"]
        0.0
    """
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(prob, dtype=float)
    idx = _bin_index(p, n_bins)
    rows = []
    for b in range(n_bins):
        m = idx == b
        if m.any():
            rows.append({"bin_low": b / n_bins, "bin_high": (b + 1) / n_bins, "n": int(m.sum()),
                         "mean_prob": float(p[m].mean()), "observed": float(y[m].mean())})
    return rows


def _auc(y: np.ndarray, p: np.ndarray, fn: Callable) -> float:
    return float(fn(y, p)) if len(np.unique(y)) == 2 else float("nan")


def binary_scores(y_true: np.ndarray, prob: np.ndarray, threshold: float = 0.5, n_bins: int = N_BINS) -> dict:
    """Flat scores for satire (1) vs sincere (0) given satire probabilities and a decision threshold.

    Keys: ``n``, ``n_satire``, ``accuracy``, ``balanced_accuracy``, ``macro_f1``, ``precision_/recall_/f1_`` +
    ``satire``/``sincere``, ``roc_auc``, ``pr_auc`` (average precision), ``brier``, ``ece``, ``mean_prob``. AUCs are
    ``None`` when the set has one class only.

    Example:
        >>> import numpy as np
        >>> binary_scores(np.array([0, 1]), np.array([0.2, 0.9]))["macro_f1"]
        1.0
    """
    sk = _sk()
    y = np.asarray(y_true, dtype=int)
    p = np.asarray(prob, dtype=float)
    pred = (p >= threshold).astype(int)
    prec, rec, f1, _ = sk.precision_recall_fscore_support(y, pred, labels=[0, 1], zero_division=0)
    out = {
        "n": len(y),
        "n_satire": int(y.sum()),
        "accuracy": float(sk.accuracy_score(y, pred)),
        # Balanced accuracy (mean recall) over the classes present: a slice of one class scores that class's recall,
        # so that an always-sincere model cannot look good on a mixed slice.
        "balanced_accuracy": float(sk.recall_score(y, pred, labels=sorted(set(y.tolist())), average="macro",
                                                   zero_division=0)) if len(y) else 0.0,
        # Macro-F1 over the classes present: on a one-class slice (all sincere) an absent class would add a 0.
        "macro_f1": float(sk.f1_score(y, pred, labels=sorted(set(y.tolist())), average="macro", zero_division=0)),
        "precision_satire": float(prec[1]), "recall_satire": float(rec[1]), "f1_satire": float(f1[1]),
        "precision_sincere": float(prec[0]), "recall_sincere": float(rec[0]), "f1_sincere": float(f1[0]),
        "roc_auc": _clean(_auc(y, p, sk.roc_auc_score)),
        "pr_auc": _clean(_auc(y, p, sk.average_precision_score)),
        "brier": float(sk.brier_score_loss(y, p, pos_label=1)) if len(y) else None,
        "ece": _clean(expected_calibration_error(y, p, n_bins)),
        "mean_prob": float(p.mean()) if len(p) else None,
    }
    return out


def confusion(y_true: np.ndarray, prob: np.ndarray, threshold: float = 0.5) -> dict:
    """Confusion matrix with named rows (true) and columns (predicted)."""
    pred = (np.asarray(prob) >= threshold).astype(int)
    cm = _sk().confusion_matrix(np.asarray(y_true, dtype=int), pred, labels=[0, 1])
    return {"labels": ["sincere", "satire"], "matrix": cm.tolist()}


def _macro_f1_counts(y: np.ndarray, pred: np.ndarray) -> float:
    """Macro-F1 over the classes present in ``y``, from counts: the same definition as scikit-learn's
    ``f1_score(average="macro", labels=present, zero_division=0)`` (a test checks that they agree), cheap enough to run
    a thousand times inside the bootstrap."""
    f1s = []
    for c in (0, 1):
        is_c, pred_c = y == c, pred == c
        if not is_c.any():
            continue
        tp = np.count_nonzero(is_c & pred_c)
        denom = is_c.sum() + pred_c.sum()
        f1s.append(2 * tp / denom if denom else 0.0)
    return float(np.mean(f1s)) if f1s else 0.0


# The metrics that get bootstrap intervals, each (y, p, threshold) -> float. The AUC comes from scikit-learn on every
# resample; the others are one-line array expressions of the same definitions.
BOOT_METRICS: dict[str, Callable[[np.ndarray, np.ndarray, float], float]] = {
    "accuracy": lambda y, p, t: float(np.mean((p >= t) == y)),
    "macro_f1": lambda y, p, t: _macro_f1_counts(y, (p >= t).astype(int)),
    "roc_auc": lambda y, p, t: _auc(y, p, _sk().roc_auc_score),
    "brier": lambda y, p, t: float(np.mean((p - y) ** 2)),
    "ece": lambda y, p, t: expected_calibration_error(y, p),
}
_BOOT_METRICS = BOOT_METRICS


def bootstrap_ci(y_true: np.ndarray, prob: np.ndarray, threshold: float = 0.5, n_boot: int = 1000, seed: int = 0,
                 level: float = 0.95, metrics: Sequence[str] | None = None) -> dict[str, tuple[float, float] | None]:
    """Percentile bootstrap intervals (documents resampled with replacement, seeded) for the scores above.

    A resample where a metric is undefined (one class only, for the AUCs) is left out of that metric's interval;
    a metric with no defined resample gets ``None``.

    Example:
        >>> import numpy as np
        >>> rng = np.random.default_rng(0); y = rng.integers(0, 2, 200); p = np.clip(y * 0.6 + 0.2, 0, 1)
        >>> lo, hi = bootstrap_ci(y, p, n_boot=50)["accuracy"]
        >>> lo <= 1.0 <= hi
        True
    """
    y = np.asarray(y_true, dtype=int)
    p = np.asarray(prob, dtype=float)
    names = list(metrics or _BOOT_METRICS)
    if n_boot <= 0 or len(y) == 0:
        return {m: None for m in names}
    sklearn = require("sklearn", "eval")
    rng = np.random.default_rng(seed)
    samples: dict[str, list[float]] = {m: [] for m in names}
    # Inputs were validated once above; skipping scikit-learn's per-call validation halves the AUC's cost.
    with sklearn.config_context(skip_parameter_validation=True, assume_finite=True):
        for _ in range(n_boot):
            idx = rng.integers(0, len(y), len(y))
            ys, ps = y[idx], p[idx]
            for m in names:
                v = _BOOT_METRICS[m](ys, ps, threshold)
                if not math.isnan(v):
                    samples[m].append(v)
    tail = (1 - level) / 2 * 100
    return {m: (float(np.percentile(v, tail)), float(np.percentile(v, 100 - tail))) if v else None
            for m, v in samples.items()}


def threshold_sweep(y_true: np.ndarray, prob: np.ndarray, thresholds: Sequence[float] | None = None) -> list[dict]:
    """Precision, recall and F1 of satire, accuracy and macro-F1 at each threshold (default 0.05 .. 0.95).

    Descriptive only: a threshold picked on a test set is an optimistic estimate of that threshold's performance.

    Example:
        >>> import numpy as np
        >>> rows = threshold_sweep(np.array([0, 1]), np.array([0.3, 0.7]), [0.5, 0.8])
        >>> [r["recall_satire"] for r in rows]
        [1.0, 0.0]
    """
    sk = _sk()
    y = np.asarray(y_true, dtype=int)
    p = np.asarray(prob, dtype=float)
    ts = thresholds if thresholds is not None else [round(0.05 * k, 2) for k in range(1, 20)]
    rows = []
    for t in ts:
        pred = (p >= t).astype(int)
        prec, rec, f1, _ = sk.precision_recall_fscore_support(y, pred, labels=[0, 1], zero_division=0)
        rows.append({"threshold": float(t), "precision_satire": float(prec[1]), "recall_satire": float(rec[1]),
                     "f1_satire": float(f1[1]), "accuracy": float(sk.accuracy_score(y, pred)),
                     "macro_f1": float(f1[sorted(set(y.tolist()))].mean()) if len(y) else 0.0,
                     "flagged": int(pred.sum())})
    return rows


def abstention(y_true: np.ndarray, prob: np.ndarray, abstain: np.ndarray, threshold: float = 0.5) -> dict:
    """Coverage and accuracy on the items kept when the items marked in ``abstain`` are set aside.

    Example:
        >>> import numpy as np
        >>> abstention(np.array([0, 1]), np.array([0.1, 0.45]), np.array([False, True]))
        {'coverage': 0.5, 'accuracy': 1.0, 'n_kept': 1}
    """
    y = np.asarray(y_true, dtype=int)
    p = np.asarray(prob, dtype=float)
    keep = ~np.asarray(abstain, dtype=bool)
    n_kept = int(keep.sum())
    acc = float(np.mean((p[keep] >= threshold) == y[keep])) if n_kept else None
    return {"coverage": n_kept / len(y) if len(y) else None, "accuracy": acc, "n_kept": n_kept}


def risk_coverage(y_true: np.ndarray, prob: np.ndarray, threshold: float = 0.5,
                  bands: Sequence[float] | None = None) -> list[dict]:
    """As the ``uncertain`` band around ``threshold`` widens, how much is still decided (coverage) and how often
    those decisions are right (accuracy; risk = 1 - accuracy). Band 0 decides everything. The band is the
    Detector's (:func:`genre_detect.pipeline.verdict.uncertain_interval`): on each side at most half the room to 0 or
    1.

    Example:
        >>> import numpy as np
        >>> rows = risk_coverage(np.array([0, 1, 1]), np.array([0.1, 0.45, 0.9]), bands=[0.0, 0.1])
        >>> [(r["coverage"], r["accuracy"]) for r in rows]
        [(1.0, 0.6666666666666666), (0.6666666666666666, 1.0)]
    """
    p = np.asarray(prob, dtype=float)
    ws = bands if bands is not None else [round(0.05 * k, 2) for k in range(10)]
    rows = []
    for w in ws:
        r = abstention(y_true, p, is_uncertain(p, threshold, w), threshold)
        rows.append({"band": float(w), **r, "risk": None if r["accuracy"] is None else 1 - r["accuracy"]})
    return rows


def genre_scores(true_genres: Sequence[str], probs: np.ndarray, labels: Sequence[str],
                 pred: Sequence[str] | None = None) -> dict:
    """Three-way genre scores from per-genre probabilities (columns in ``labels`` order).

    ``pred`` gives the predicted genres (a Detector's, which follow the verdict rule of
    :mod:`genre_detect.pipeline.verdict`); without it they are the argmax of ``probs``. Returns flat
    ``genre_accuracy``, ``genre_macro_f1`` plus ``per_class`` rows and a ``confusion`` matrix.

    Example:
        >>> import numpy as np
        >>> g = genre_scores(["satire", "opinion"], np.array([[0.1, 0.1, 0.8], [0.7, 0.2, 0.1]]),
        ...                  ["opinion", "reporting", "satire"])
        >>> g["genre_macro_f1"]
        1.0
    """
    sk = _sk()
    labels = list(labels)
    pred = list(pred) if pred is not None else [labels[i] for i in np.asarray(probs).argmax(axis=1)]
    present = [g for g in labels if g in set(true_genres)]
    prec, rec, f1, sup = sk.precision_recall_fscore_support(list(true_genres), pred, labels=labels, zero_division=0)
    return {
        "genre_accuracy": float(sk.accuracy_score(list(true_genres), pred)),
        "genre_macro_f1": float(sk.f1_score(list(true_genres), pred, labels=present, average="macro",
                                            zero_division=0)),
        "per_class": [{"genre": g, "precision": float(a), "recall": float(b), "f1": float(c), "support": int(d)}
                      for g, a, b, c, d in zip(labels, prec, rec, f1, sup)],
        "confusion": {"labels": labels,
                      "matrix": sk.confusion_matrix(list(true_genres), pred, labels=labels).tolist()},
    }


def bucket_names() -> list[str]:
    """Length bucket names, shortest first."""
    return [f"{lo}+" if math.isinf(hi) else f"{lo}-{hi}" for lo, hi in LENGTH_BUCKETS]


def length_bucket(n_words: int) -> str:
    """Name of the word-count bucket, e.g. ``"100-300"`` or ``"3000+"``."""
    for (lo, hi), name in zip(LENGTH_BUCKETS, bucket_names()):
        if lo <= n_words < hi:
            return name
    return "?"


def slice_table(y_true: np.ndarray, prob: np.ndarray, keys: Sequence[str], threshold: float = 0.5,
                order: Sequence[str] | None = None) -> list[dict]:
    """Scores per group (source, publisher, length bucket): size, satire count, accuracy, balanced accuracy, macro-F1,
    ROC-AUC and
    mean satire probability; in ``order`` when given, else by group size, largest first.

    Example:
        >>> import numpy as np
        >>> rows = slice_table(np.array([0, 1, 0]), np.array([0.2, 0.9, 0.7]), ["a", "a", "b"])
        >>> [(r["group"], r["accuracy"]) for r in rows]
        [('a', 1.0), ('b', 0.0)]
    """
    y = np.asarray(y_true, dtype=int)
    p = np.asarray(prob, dtype=float)
    k = np.asarray(list(keys), dtype=object)
    rows = []
    for g in sorted(set(k.tolist())):
        m = k == g
        s = binary_scores(y[m], p[m], threshold)
        rows.append({"group": g, "n": s["n"], "n_satire": s["n_satire"], "accuracy": s["accuracy"],
                     "balanced_accuracy": s["balanced_accuracy"], "macro_f1": s["macro_f1"], "roc_auc": s["roc_auc"],
                     "mean_prob": s["mean_prob"]})
    if order is not None:
        rank = {g: i for i, g in enumerate(order)}
        rows.sort(key=lambda r: rank.get(r["group"], len(rank)))
    else:
        rows.sort(key=lambda r: (-r["n"], r["group"]))
    return rows
