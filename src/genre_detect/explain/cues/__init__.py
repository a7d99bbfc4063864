"""Cue detectors: the spans that make a text read as satire, each with a reason.

One module per family, each from the literature's devices of satire: :mod:`.fake_quote`, :mod:`.slang`,
:mod:`.profanity`, :mod:`.punctuation`, :mod:`.hyperbole`, :mod:`.news_parody`. The op-ed parody families of
session 12 (self-undermining, spin, reductio, mock authority), developed on the training writers, were dropped in
session 13: no detector of theirs fired on 2 of the 24 parodies of the held-out writers w7 and w8
(``experiments/cues/``). Every detector is a named, versioned function over the *normalised* text
(:func:`genre_detect.pipeline.normalise.normalise`) registered in :data:`REGISTRY`; :func:`detect_cues` runs them all. They are plain lexicon and structure patterns (no model, no
downloads), developed on the training fold of :func:`genre_detect.training.data.publisher_split` (and the training
writers of ``training/data/written``), never on the seed documents or the held-out folds. How often each fires on
satire and on sincere writing is measured by :func:`genre_detect.evaluation.cue_report.cue_report`.

Cues are not the model's reasons by themselves: :func:`genre_detect.explain.explain` measures how much the model
relied on each one.

Example:
    >>> from genre_detect.explain.cues import detect_cues
    >>> from genre_detect.pipeline.normalise import normalise
    >>> text = normalise("“Well, you know, I’m gonna need a bigger budget!” the minister said.")
    >>> sorted({c.family for c in detect_cues(text)})
    ['fake_quote', 'punctuation', 'slang']
"""

from __future__ import annotations

from collections.abc import Iterable

from . import (  # noqa: F401 - importing a family registers its detectors
    fake_quote,
    hyperbole,
    news_parody,
    profanity,
    punctuation,
    slang,
)
from .base import REGISTRY, Cue, CueDetector, cue_detector

__all__ = ["FAMILIES", "REGISTRY", "Cue", "CueDetector", "cue_detector", "detect_cues", "detector_versions"]

FAMILIES = (
    "fake_quote", "slang", "profanity", "punctuation", "hyperbole", "news_parody",
)


def detect_cues(text: str, families: Iterable[str] | None = None) -> list[Cue]:
    """All cues in normalised ``text``, ordered by position.

    Args:
        text: output of :func:`genre_detect.pipeline.normalise.normalise` (offsets refer to it).
        families: restrict to these families (default: all).
    """
    wanted = set(families) if families is not None else None
    cues: list[Cue] = []
    for det in REGISTRY.values():
        if wanted is None or det.family in wanted:
            cues.extend(det.run(text))
    # Two detectors of one family on the same stretch are one finding for a reader: keep the first registered.
    cues.sort(key=lambda c: (c.start, -c.end))
    out: list[Cue] = []
    for c in cues:
        if any(o.family == c.family and c.start < o.end and o.start < c.end for o in out[-8:]):
            continue
        out.append(c)
    return out


def detector_versions() -> dict[str, str]:
    """``{name: version}`` of every registered detector (recorded in reports)."""
    return {name: det.version for name, det in sorted(REGISTRY.items())}
