"""Punctuation cues: exclamation marks, which reporting and analysis almost never use.

Rubin et al. (2016) found punctuation one of the five features that best separate news satire from real news. On
the training fold (first 250 words) a quoted exclamation appears in 13.2% of satire articles, 0.4% of analyses
and editorials and 0.3% of news reports.

* ``punctuation.exclamation``: a quoted sentence that ends in "!" (or "?!", "!!"). Only quoted speech counts: on
  the training fold, editorials exclaimed in their own voice in 15% of texts.

Example:
    >>> from genre_detect.explain.cues import detect_cues
    >>> [c.text for c in detect_cues("The minister was thrilled. “A great day!” he said.", ["punctuation"])]
    ['day!']
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .base import Hit, cue_detector, quotations

# "!" after a word, closing a sentence or a quotation; "Yahoo!" or "Jeopardy!" inside a name runs on in lower case.
_EXCLAIM = re.compile(r"[\w’'%)]+[?]?!+[?!]*(?=[\"”’')\]]*(?:\s+[^a-z\s]|\s*$))")


@cue_detector("punctuation.exclamation", "punctuation", "2")
def exclamation(text: str) -> Iterator[Hit]:
    """A quoted sentence ending in an exclamation mark."""
    for _, q1, i0, i1 in quotations(text):
        for m in _EXCLAIM.finditer(text[:q1], i0, q1):
            yield m.start(), m.end(), ("an exclamation mark in a quotation: people quoted in the news speak "
                                       "flatly, satire's characters exclaim")
