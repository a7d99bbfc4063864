"""Fake-quote cues: direct speech in a chatty, first-person voice that no spokesperson would put on record.

News parody lives on invented quotations (Golbeck et al. 2018): a politician, an official or an "area man" is
quoted saying what a real one would never say out loud, in the voice of someone thinking aloud. Real reporting
quotes people too, but its quotations are mostly measured statements; analyses and editorials quote documents.
Measured on the training fold (first 250 words): 26.4% of satire articles, 0.6% of analyses and editorials, 0.4%
of news reports (v1, which also counted a first-person contraction on its own: 35.5%, 0.9% and 2.2%).

* ``fake_quote.chatty_quote``: a quotation of four words or more whose speaker swears, exclaims, or uses slang or
  fillers (a first-person "I'm" or "you're" alone is not enough: real interviewees talk like that too).

Example:
    >>> from genre_detect.explain.cues import detect_cues
    >>> [c.name for c in detect_cues("“I’m just here for the free lunch, folks,” the envoy said.")]
    ['fake_quote.chatty_quote']
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .base import APOS, Hit, cue_detector, quotations

# What makes a quotation chatty: an exclamation, slang, a filler or swearing. A first-person contraction ("I'm",
# "you're"; "we're" is in every press statement) counts only beside one of those: on the training fold it was the only
# marker in the quotations of 1.7% of news reports (people interviewed speak in contractions) and of 8.7% of satire.
_CONTRACTION = re.compile(r"(?i)(?<![\w])(?:i" + APOS + r"(?:m|ve|ll|d)|you" + APOS + r"(?:re|ve|ll|d))(?![\w])")
_CHATTY = re.compile(
    r"(?i)(?<![\w])(?:gonna|wanna|gotta|kinda|ain" + APOS + r"t|y" + APOS + r"all|dude|yeah|yep|nope|nah|okay|hey|wow|"
    r"whoa|lol|stuff|guys|folks|heck|gosh|damn\w*|hell|crap\w*|shit\w*|fuck\w*|awesome|crazy)(?![\w])"
    r"|(?<![\w])(?:you know|i mean|i guess)(?![\w])"
    r"|^\W*(?:oh|well|look|listen|honestly|seriously|sure|man),"
    r"|!"
)


@cue_detector("fake_quote.chatty_quote", "fake_quote", "2")
def chatty_quote(text: str) -> Iterator[Hit]:
    """A quotation in a casual, first-person speaking voice."""
    for q0, q1, i0, i1 in quotations(text):
        inner = text[i0:i1]
        if len(inner.split()) < 4:
            continue
        m = _CHATTY.search(inner)
        if m:
            me = _CONTRACTION.search(inner)
            shown = m.group(0).strip(" ,") if me is None else f"{me.group(0)}' with '{m.group(0).strip(' ,')}"
            yield q0, q1, (f"a quotation in a chatty, first-person voice ('{shown}'): the kind of "
                           "line news parody invents for its characters, not what spokespeople say on record")
