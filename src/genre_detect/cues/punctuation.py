"""Punctuation cues: exclamation marks, which reporting and analysis almost never use.

Rubin et al. (2016) found punctuation one of the five features that best separate news satire from real news. On
the training fold (first 250 words) an exclamation mark appears in 24% of satire articles, 2% of analyses and
editorials and 0.4% of news reports.

* ``punctuation.exclamation``: a sentence or a quotation that ends in "!" (or "?!", "!!").

Example:
    >>> from genre_detect.cues import detect_cues
    >>> [c.text for c in detect_cues("The minister was thrilled. What a day for the nation!")]
    ['nation!']
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
