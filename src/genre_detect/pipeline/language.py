"""Language identification. The model is English-only; other languages are flagged, never silently scored.

py3langid (a maintained fork of langid.py: a naive Bayes model over byte n-grams for 140 languages, shipped inside
its wheel as a NumPy array file, no download) ranks the languages. Its identifier is loaded once per process, on
first use, so that importing genre_detect and ``--help`` stay fast.

The answer is one of three flags, as :class:`~genre_detect.pipeline.prediction.Prediction` documents:

* ``"en"`` when English (or Nigerian Pidgin, an English-based language the model reads as English) is ranked
  first, or holds at least half of the probability;
* ``"non-en"`` when another language is ranked first with at least half of the probability;
* ``"unknown"`` when the text has fewer than :data:`MIN_WORDS` words (of two letters or more) or no language is clearly ahead (very short
  headlines made of names).

Example:
    >>> detect_language("Area man reads terms and conditions, nation stunned.")
    'en'
    >>> detect_language("Der Minister sagte, dass der Plan bis Ende des Jahres fertig sein werde.")
    'non-en'
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["MIN_WORDS", "detect_language", "rank_languages"]

MIN_WORDS = 3
_ENGLISH = ("en", "pcm")
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
_MAX_CHARS = 20_000  # more text does not change the answer, only the time


@lru_cache(maxsize=1)
def _identifier():
    from ..errors import GenreDetectError

    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:  # a core dependency: only a broken installation gets here
        raise GenreDetectError("E400", "'py3langid' is not installed: pip install genre-detect") from None
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def rank_languages(text: str, top: int = 3) -> list[tuple[str, float]]:
    """The ``top`` most probable languages of ``text`` as ``(ISO 639 code, probability)``, best first.

    Example:
        >>> rank_languages("Le ministre a dit que le plan serait prêt.", top=1)[0][0]
        'fr'
    """
    return [(lang, float(p)) for lang, p in _identifier().rank(text[:_MAX_CHARS])[:top]]


def detect_language(text: str, min_words: int = MIN_WORDS) -> str:
    """Return ``'en'`` for English, ``'non-en'`` for other text and ``'unknown'`` when too short to tell."""
    words = _WORD.findall(text[:_MAX_CHARS])
    # Scripts written without spaces (Chinese, Japanese, Thai) make one long "word" of a whole phrase.
    if len(words) < min_words and max(map(len, words), default=0) < 8:
        return "unknown"
    ranked = rank_languages(text, top=5)
    p_en = sum(p for lang, p in ranked if lang in _ENGLISH)
    if ranked[0][0] in _ENGLISH or p_en >= 0.5:
        return "en"
    return "non-en" if ranked[0][1] >= 0.5 else "unknown"
