"""Slang cues: the spoken, casual register (conversational fillers) inside an article.

Burfoot and Baldwin (2009) used slang as a satire feature: news parody makes its characters talk as nobody talks
in a press release, and first-person satire chats with its reader. Analyses and editorials are written in a formal
register throughout. Measured on the training fold (first 250 words): 10.7% of satire articles, none of the analyses
and editorials, 0.1% of news reports (14.5%, none and 0.2% while it also had casual words).

Both count only inside quoted speech: an opinion columnist may write casually in their own voice.

* ``slang.filler``: conversational fillers and openers ("you know", "I mean", "Oh,", "Look,").

Casual words ("gonna", "stuff", "okay") were dropped in session 13: on the publisher-held-out fold (first 250
words) they fell short of the rule in ``experiments/cues/plan.md`` (precision at equal class sizes 0.83 < 0.85; the
people real news quotes say "okay" and "stuff" too). Inside a quotation they still count towards
``fake_quote.chatty_quote``.

Example:
    >>> from genre_detect.explain.cues import detect_cues
    >>> [c.text for c in detect_cues("“They will fix it, you know, probably,” officials said.") if c.family == "slang"]
    ['you know']
"""

from __future__ import annotations

import re

from .base import pattern_detector

_FILLER = re.compile(
    r"(?i)(?<![\w])(?:you know(?![\w])(?! (?:what|that|how|who|where|when|why|if|whether|the|a|it)\b)|i mean(?![\w])"
    r"(?! (?:that|it|to|what)\b)|i guess|i dunno|come on(?=[,.!?])|"
    r"(?<=[\"“‘.!?] )(?:oh|well|look|listen|honestly|seriously|okay|so yeah|anyway)(?=,)|"
    r"(?<=^)(?:oh|well|look|listen|honestly|seriously|anyway)(?=,)|"
    r"(?<=[\"“])(?:oh|well|look|listen|honestly|seriously|anyway)(?=,))",
    re.MULTILINE,
)

filler = pattern_detector(
    "slang.filler", "slang", "2", _FILLER, quoted_only=True,
    why="a conversational filler ('you know', 'I mean', 'Oh,'): speech as people chat, not as they write",
    description='Conversational fillers and openers ("you know", "I mean", "Oh,", "Look,").',
)
