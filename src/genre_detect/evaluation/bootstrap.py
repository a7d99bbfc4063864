"""Paired bootstrap: is one model measurably better than another on the same documents?

Documents are resampled with replacement, the same draw for both models, and each metric's difference (candidate
minus baseline) is recomputed on every resample; the 95% percentile interval of those differences is the answer. An
interval that holds 0 is no measured change. Used by ``genre-detect eval --compare`` and by
``eval/compare_models.py`` (and the check scripts built on it).

Example:
    >>> import numpy as np
    >>> y = np.array([0, 1] * 50); a = np.where(y == 1, 0.6, 0.4); b = np.full(100, 0.5)
    >>> rows = paired_bootstrap(lambda i: {"acc": float(np.mean((a[i] >= .5) == y[i]))},
    ...                         lambda i: {"acc": float(np.mean((b[i] >= .5) == y[i]))}, 100, ["acc"], boot=200)
    >>> rows[0]["difference"], rows[0]["worse"]
    (-0.5, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = ["LOWER_IS_BETTER", "paired_bootstrap"]

# Metrics where a smaller value is the better one; for all others larger is better.
LOWER_IS_BETTER = frozenset({"ece", "brier", "log_loss"})


def paired_bootstrap(score_baseline: Callable[[np.ndarray], dict[str, float]],
                     score_candidate: Callable[[np.ndarray], dict[str, float]], n: int, keys: Sequence[str],
                     boot: int = 1000, seed: int = 0, level: float = 0.95,
                     lower_is_better: frozenset[str] | set[str] = LOWER_IS_BETTER) -> list[dict[str, Any]]:
    """Candidate-minus-baseline differences with percentile intervals from ``boot`` paired resamples.

    Args:
        score_baseline, score_candidate: ``f(index_array) -> {metric: value}`` on the documents at those indices
            (NaN where a metric is undefined on a resample: that resample is left out of that metric).
        n: number of documents; ``keys``: the metrics to report.
        boot, seed, level: resamples, their seed (``numpy.random.default_rng``) and the interval's coverage.

    Returns one row per key: ``metric``, ``baseline``, ``candidate`` (on all documents), ``difference``, ``low``,
    ``high`` (``None`` when no resample defined it), ``n``, ``boot``, and ``worse``/``better``: the interval lies
    wholly on the bad or the good side of 0 (for :data:`LOWER_IS_BETTER` metrics, above 0 is worse).
    """
    everything = np.arange(n)
    full_b, full_c = score_baseline(everything), score_candidate(everything)
    rng = np.random.default_rng(seed)
    diffs: dict[str, list[float]] = {k: [] for k in keys}
    for _ in range(boot):
        idx = rng.integers(0, n, n)
        b, c = score_baseline(idx), score_candidate(idx)
        for k in keys:
            if not (_nan(b[k]) or _nan(c[k])):
                diffs[k].append(c[k] - b[k])
    tail = (1 - level) / 2 * 100
    rows = []
    for k in keys:
        lo, hi = (float(v) for v in np.percentile(diffs[k], [tail, 100 - tail])) if diffs[k] else (None, None)
        lower = k in lower_is_better
        worse = lo is not None and ((lo > 0) if lower else (hi < 0))
        better = lo is not None and ((hi < 0) if lower else (lo > 0))
        diff = None if _nan(full_b[k]) or _nan(full_c[k]) else float(full_c[k] - full_b[k])
        rows.append({"metric": k, "baseline": _num(full_b[k]), "candidate": _num(full_c[k]), "difference": diff,
                     "low": lo, "high": hi, "n": n, "boot": boot, "worse": bool(worse), "better": bool(better)})
    return rows


def _nan(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _num(v: Any) -> float | None:
    return None if _nan(v) else float(v)
