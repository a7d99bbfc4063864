"""Baselines that the fine-tuned model must beat, in the same harness
(:func:`genre_detect.evaluation.evaluate.evaluate`).

Each is a small scikit-learn-style estimator for satire (1) vs sincere (0): ``fit(texts, y)`` returns ``self``,
learned state ends in ``_``, ``predict_proba(texts)`` has one column per entry of ``classes_`` (``[0, 1]``),
randomness comes from ``seed``. They are refitted from data whenever they are needed and never saved: there is no
pickle to distribute.

* :class:`LengthBaseline`: logistic regression on the log word count. It measures the length shortcut: whatever it
  scores, a model can score without reading a word.
* :class:`TfidfBaseline`: word and bigram TF-IDF with logistic regression, on the same text the model sees
  (``strip_shortcuts(normalise(text))``).
* :class:`CueBaseline`: logistic regression on per-family counts of the cue detectors
  (:func:`genre_detect.explain.cues.detect_cues`): how far the hand-written cues alone go.

Example:
    >>> b = LengthBaseline().fit(["a b", "a b c d e f g h"], [1, 0])
    >>> bool(b.predict_proba(["x y"])[0, 1] > 0.5)
    True
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from ..errors import UsageError, require
from ..pipeline.normalise import normalise, strip_shortcuts

__all__ = ["BASELINES", "Baseline", "CueBaseline", "LengthBaseline", "TfidfBaseline", "make_baseline", "model_view"]

_WORD = re.compile(r"\S+")


@lru_cache(maxsize=20_000)
def model_view(text: str) -> str:
    """The text as the fine-tuned model sees it (normalised, shortcuts stripped); cached because protocols and
    baselines see the same documents many times."""
    return strip_shortcuts(normalise(text)).text


class Baseline:
    """Shared plumbing: features from texts, a balanced logistic regression on top."""

    name = "baseline"

    def __init__(self, seed: int = 0, C: float = 1.0) -> None:
        self.seed = seed
        self.C = C

    def _features(self, texts: Sequence[str], fitting: bool):
        raise NotImplementedError

    def fit(self, texts: Sequence[str], y: Sequence[int]) -> Baseline:
        """Fit on ``texts`` with binary labels ``y`` (1 = satire); returns ``self``."""
        lm = require("sklearn.linear_model", "eval")
        y = np.asarray(y, dtype=int)
        if len(set(y.tolist())) < 2:
            raise UsageError("E300", f"{self.name} baseline needs both classes in its training data")
        # Balanced class weights: satire is the minority in every split, and the threshold stays at 0.5.
        self.model_ = lm.LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000,
                                            random_state=self.seed)
        self.model_.fit(self._features(list(texts), fitting=True), y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities with columns in ``classes_`` order (sincere, satire)."""
        if not hasattr(self, "model_"):
            raise UsageError("E300", f"{self.name} baseline is not fitted; call fit() first")
        return self.model_.predict_proba(self._features(list(texts), fitting=False))

    def satire_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Satire probability per text (the column of class 1)."""
        return self.predict_proba(texts)[:, list(self.classes_).index(1)]


class LengthBaseline(Baseline):
    """Logistic regression on ``log(1 + word count)`` of the raw text.

    Example:
        >>> LengthBaseline().fit(["a", "a b c d e f"], [1, 0]).satire_proba(["a b"]).shape
        (1,)
    """

    name = "length"

    def _features(self, texts: Sequence[str], fitting: bool) -> np.ndarray:
        return np.array([[math.log1p(len(_WORD.findall(t)))] for t in texts])


class TfidfBaseline(Baseline):
    """Word uni- and bigram TF-IDF (sublinear term frequency) and logistic regression, on :func:`model_view`.

    Example:
        >>> TfidfBaseline(min_df=1).fit(["officials said", "area man wins"], [0, 1]).classes_.tolist()
        [0, 1]
    """

    name = "tfidf"

    def __init__(self, seed: int = 0, C: float = 4.0, min_df: int = 2, max_features: int = 200_000) -> None:
        super().__init__(seed, C)
        self.min_df = min_df
        self.max_features = max_features

    def _features(self, texts: Sequence[str], fitting: bool):
        views = [model_view(t) for t in texts]
        if fitting:
            fe = require("sklearn.feature_extraction.text", "eval")
            self.vectorizer_ = fe.TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=self.min_df,
                                                  max_features=self.max_features, strip_accents="unicode")
            return self.vectorizer_.fit_transform(views)
        return self.vectorizer_.transform(views)


@lru_cache(maxsize=20_000)
def _cue_families(text: str) -> tuple[str, ...]:
    from ..explain.cues import detect_cues

    return tuple(c.family for c in detect_cues(normalise(text)))


class CueBaseline(Baseline):
    """Logistic regression on cue counts per family from :func:`genre_detect.explain.cues.detect_cues`.

    Two features per family: ``log(1 + count)`` and ``log(1 + count per 1,000 words)``, so that neither raw volume
    (which grows with length) nor density alone decides.

    Example:
        >>> texts = ["It was 'alleged'. Totally, utterly absurd.", "Officials met."]
        >>> CueBaseline().fit(texts, [1, 0]).families_   # doctest: +SKIP
    """

    name = "cues"

    def _features(self, texts: Sequence[str], fitting: bool) -> np.ndarray:
        found = [_cue_families(t) for t in texts]
        if fitting:
            from ..explain.cues import base

            # Family order fixed at fit time: the registry may grow later, the fitted model must not shift columns.
            self.families_ = sorted({d.family for d in base.REGISTRY.values()} | {f for fs in found for f in fs})
        rows = []
        for t, fams in zip(texts, found):
            words = max(len(_WORD.findall(t)), 1)
            counts = [fams.count(f) for f in self.families_]
            rows.append([math.log1p(c) for c in counts] + [math.log1p(1000 * c / words) for c in counts])
        return np.array(rows, dtype=float).reshape(len(texts), 2 * len(self.families_))


BASELINES: dict[str, type[Baseline]] = {"length": LengthBaseline, "tfidf": TfidfBaseline, "cues": CueBaseline}


def make_baseline(name: str, seed: int = 0) -> Baseline:
    """A fresh, unfitted baseline by name (``length``, ``tfidf``, ``cues``).

    Example:
        >>> make_baseline("tfidf").name
        'tfidf'
    """
    if name not in BASELINES:
        raise UsageError("E300", f"unknown baseline {name!r}; known: {', '.join(BASELINES)}")
    return BASELINES[name](seed=seed)
