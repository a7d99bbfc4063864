"""scikit-learn classifiers over a :class:`~genre_detect.pipeline.detector.Detector`: the model is already trained, so
they work in ``sklearn.metrics`` straight away, and ``fit`` is a no-op that lets ``clone`` and ``cross_val_predict``
run.

* :class:`SatireClassifier`: the binary task. ``classes_`` is ``[0, 1]`` (1 = satire) or the two labels you name
  (``classes=("sincere", "satire")``: first the sincere value, then the satire value); ``predict_proba`` has one
  column per entry of ``classes_``, so ``predict_proba(X)[:, 1]`` is the satire probability;
  ``decision_function`` is the satire log-odds minus the threshold's (positive: satire).
* :class:`GenreClassifier`: the three genres, ``classes_`` = ``["opinion", "reporting", "satire"]``;
  ``predict`` follows the verdict rule (:mod:`genre_detect.pipeline.verdict`: satire when the satire probability
  reaches the threshold, else the likelier sincere genre), which is not always the argmax of ``predict_proba``;
  ``decision_function`` gives the calibrated log-probabilities.

``X`` is a list of texts (or any sequence of strings: a numpy array, a pandas Series). A text that cannot be scored
raises :class:`~genre_detect.errors.InputError` naming its index. Needs the ``eval`` extra (scikit-learn).

Example:
    >>> from sklearn.metrics import classification_report, roc_auc_score      # doctest: +SKIP
    >>> clf = Detector.load().estimator()                                     # doctest: +SKIP
    >>> roc_auc_score(y, clf.predict_proba(texts)[:, 1])                      # doctest: +SKIP
    >>> print(classification_report(y, clf.predict(texts)))                   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from ..errors import require
from .verdict import genres_for

_base = require("sklearn.base", "eval")

__all__ = ["GenreClassifier", "SatireClassifier"]


@lru_cache(maxsize=4)
def _load(model_dir: str | None):
    # Clones made by cross_val_predict carry the path, not the model: load each directory once per process.
    from .detector import Detector

    return Detector.load(model_dir)


class _DetectorEstimator(_base.ClassifierMixin, _base.BaseEstimator):
    """Shared plumbing: the detector (a :class:`Detector`, a model directory or ``None`` for the shipped model),
    loaded once per estimator and shared by its clones."""

    def __init__(self, detector: Any = None, threshold: float | None = None) -> None:
        self.detector = detector
        self.threshold = threshold

    def _det(self):
        from .detector import Detector

        if isinstance(self.detector, Detector):
            return self.detector
        return _load(None if self.detector is None else str(self.detector))

    @property
    def threshold_(self) -> float:
        """The decision threshold in use: ``threshold`` if given, else the model's."""
        return float(self.threshold if self.threshold is not None else self._det().settings.threshold)

    def _genre_proba(self, X: Sequence[str]) -> np.ndarray:
        texts = [X] if isinstance(X, str) else X
        return self._det().predict_proba(list(texts))

    def fit(self, X: Sequence[str] | None = None, y: Sequence | None = None) -> _DetectorEstimator:
        """Does not train (the model is trained already); checks that ``y`` only holds labels in ``classes_``, so
        that a label mix-up fails loudly instead of being scored against the wrong column. Returns ``self``."""
        if y is not None:
            unknown = sorted({str(v) for v in np.asarray(y).tolist()} - {str(c) for c in self.classes_.tolist()})
            if unknown:
                raise ValueError(f"labels {unknown} are not in classes_ {self.classes_.tolist()}; name them with "
                                 "classes=(sincere_label, satire_label)")
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True  # X is a list of raw texts, not a numeric matrix
        tags.input_tags.one_d_array = True
        tags.input_tags.two_d_array = False
        return tags


class SatireClassifier(_DetectorEstimator):
    """Satire (``classes_[1]``) vs sincere (``classes_[0]``), scikit-learn style.

    Args:
        detector: a :class:`~genre_detect.pipeline.detector.Detector`, a model directory, or ``None`` (the
            shipped model).
        threshold: decision threshold for ``predict`` and ``decision_function`` (default: the model's).
        classes: the label values for sincere and for satire, in that order (default ``(0, 1)``).

    Example:
        >>> clf = SatireClassifier(classes=("sincere", "satire"))         # doctest: +SKIP
        >>> clf.predict(["Area man ..."])                                  # doctest: +SKIP
        array(['satire'], dtype='<U7')
    """

    def __init__(self, detector: Any = None, threshold: float | None = None, classes: Sequence = (0, 1)) -> None:
        super().__init__(detector, threshold)
        self.classes = classes

    @property
    def classes_(self) -> np.ndarray:
        classes = np.asarray(list(self.classes))
        if classes.shape != (2,) or classes[0] == classes[1]:
            raise ValueError("classes must be two different labels: (sincere_label, satire_label)")
        return classes

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """``(n, 2)``: sincere, satire probability (the calibrated ``satire_probability``), in ``classes_`` order."""
        texts = [X] if isinstance(X, str) else list(X)
        p = self._det().satire_proba(texts)
        return np.column_stack([1.0 - p, p])

    def decision_function(self, X: Sequence[str]) -> np.ndarray:
        """``(n,)``: ``logit(p) - logit(threshold)``; positive means satire (``classes_[1]``)."""
        p = np.clip(self.predict_proba(X)[:, 1], 1e-12, 1 - 1e-12)
        t = self.threshold_
        return np.log(p / (1 - p)) - np.log(t / (1 - t))

    def predict(self, X: Sequence[str]) -> np.ndarray:
        """``classes_[1]`` where the satire probability is at or above the threshold, else ``classes_[0]``."""
        return self.classes_[(self.predict_proba(X)[:, 1] >= self.threshold_).astype(int)]


class GenreClassifier(_DetectorEstimator):
    """Genre (``opinion``, ``reporting``, ``satire``), scikit-learn style; ``predict`` agrees with the verdict.

    Args:
        detector: a :class:`~genre_detect.pipeline.detector.Detector`, a model directory, or ``None`` (the
            shipped model).
        threshold: the satire threshold the verdict rule uses (default: the model's).

    Example:
        >>> GenreClassifier().predict(["The council approved the budget on Tuesday."])   # doctest: +SKIP
        array(['reporting'], dtype='<U9')
    """

    @property
    def classes_(self) -> np.ndarray:
        return np.asarray(self._det().labels)

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """``(n, 3)`` calibrated genre probabilities, columns in ``classes_`` order."""
        return self._genre_proba(X).reshape(-1, len(self.classes_))

    def decision_function(self, X: Sequence[str]) -> np.ndarray:
        """``(n, 3)`` calibrated log-probabilities, columns in ``classes_`` order."""
        return np.log(np.clip(self.predict_proba(X), 1e-300, None))

    def predict(self, X: Sequence[str]) -> np.ndarray:
        """The genre that agrees with the verdict (:func:`genre_detect.pipeline.verdict.genres_for`)."""
        return genres_for(self.predict_proba(X), self.classes_.tolist(), self.threshold_)
