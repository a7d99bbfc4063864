"""The verdict rules, written once: the label from the satire probability, the ``uncertain`` interval around the
threshold, and the genre that agrees with the label.

Every consumer (:class:`~genre_detect.pipeline.detector.Detector`, the estimators, ``genre-detect eval``, the service)
goes through these functions, so that a verdict and its genre can never disagree and "uncertain" means the same thing
everywhere.

* **Label.** ``satire`` when ``satire_probability >= threshold``, else ``sincere``.
* **Uncertain.** The band is a half-width around the threshold that may not swallow either verdict: on each side it
  is at most half the distance from the threshold to that end of [0, 1]. A prediction is uncertain when
  ``threshold - low < p < threshold + high`` with ``low = min(band, threshold / 2)`` and
  ``high = min(band, (1 - threshold) / 2)``. At the default threshold 0.5 and band 0.15 that is (0.35, 0.65); at
  threshold 0.9 it is (0.75, 0.95), so a text at 0.95 or above is still confidently satire.
* **Genre.** A text labelled ``satire`` has genre ``satire``; a text labelled ``sincere`` has the more likely of the
  sincere genres (``opinion``, ``reporting``). The genre probabilities themselves are left as calibrated, so
  ``genre`` can differ from their argmax: "Hello." at satire 0.40, opinion 0.35, reporting 0.25 is ``sincere`` /
  ``opinion``, never ``sincere`` / ``satire``.

Example:
    >>> uncertain_interval(0.9, 0.15)
    (0.75, 0.95)
    >>> genre_for({"opinion": 0.35, "reporting": 0.25, "satire": 0.40}, threshold=0.5)
    'opinion'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["SATIRE", "SINCERE", "genre_for", "genres_for", "is_uncertain", "label_for", "uncertain_interval"]

SATIRE, SINCERE = "satire", "sincere"


def label_for(satire_probability: float, threshold: float) -> str:
    """``"satire"`` at or above ``threshold``, else ``"sincere"``."""
    return SATIRE if satire_probability >= threshold else SINCERE


def uncertain_interval(threshold: float, band: float) -> tuple[float, float]:
    """The open interval of satire probabilities reported as ``uncertain`` (see the module docstring).

    Example:
        >>> uncertain_interval(0.5, 0.15)
        (0.35, 0.65)
        >>> uncertain_interval(0.1, 0.15)
        (0.05, 0.25)
    """
    low = threshold - min(band, threshold / 2)
    high = threshold + min(band, (1 - threshold) / 2)
    return round(low, 12), round(high, 12)


def is_uncertain(satire_probability: float | np.ndarray, threshold: float, band: float) -> bool | np.ndarray:
    """Whether each probability lies strictly inside :func:`uncertain_interval` (band 0: never).

    Example:
        >>> is_uncertain(0.94, 0.9, 0.15), is_uncertain(0.96, 0.9, 0.15), is_uncertain(0.5, 0.5, 0.0)
        (True, False, False)
    """
    low, high = uncertain_interval(threshold, band)
    p = np.asarray(satire_probability, dtype=float)
    out = (p > low) & (p < high)
    return bool(out) if out.ndim == 0 else out


def genre_for(genre_scores: Mapping[str, float], threshold: float) -> str:
    """The genre that agrees with the label: ``satire`` when the label is satire, else the likelier sincere genre."""
    if label_for(genre_scores[SATIRE], threshold) == SATIRE:
        return SATIRE
    sincere = [g for g in genre_scores if g != SATIRE]
    return max(sincere, key=lambda g: genre_scores[g])


def genres_for(proba: np.ndarray, labels: Sequence[str], threshold: float) -> np.ndarray:
    """:func:`genre_for` for each row of an ``(n, len(labels))`` probability array; returns an array of names.

    Example:
        >>> genres_for(np.array([[0.35, 0.25, 0.40], [0.1, 0.1, 0.8]]), ["opinion", "reporting", "satire"], 0.5)
        array(['opinion', 'satire'], dtype='<U9')
    """
    proba = np.asarray(proba, dtype=float).reshape(-1, len(labels))
    labels = list(labels)
    sat = labels.index(SATIRE)
    masked = proba.copy()
    masked[:, sat] = -np.inf
    sincere = np.asarray(labels)[masked.argmax(axis=1)]
    return np.where(proba[:, sat] >= threshold, SATIRE, sincere)
