"""Slang cues: the spoken, casual register (slang words and conversational fillers) inside an article.

Burfoot and Baldwin (2009) used slang as a satire feature: news parody makes its characters talk as nobody talks
in a press release, and first-person satire chats with its reader. Analyses and editorials are written in a formal
register throughout. Measured on the training fold (first 250 words): 14.5% of satire articles, none of the analyses and
editorials, 0.2% of news reports.

Both count only inside quoted speech: an opinion columnist may write casually in their own voice.

* ``slang.casual_word``: slang and casual spellings ("gonna", "yeah", "dude", "stuff", "okay").
* ``slang.filler``: conversational fillers and openers ("you know", "I mean", "Oh,", "Look,").

Example:
    >>> from genre_detect.explain.cues import detect_cues
    >>> [c.text for c in detect_cues("“They are gonna fix it, probably,” officials said.") if c.family == "slang"]
    ['gonna']
"""

from __future__ import annotations

import re

from .base import APOS, compile_words, pattern_detector

_CASUAL = compile_words([
    r"gonna", r"wanna", r"gotta", r"kinda", r"sorta", r"dunno", r"lemme", r"gimme", r"ain" + APOS + "t",
    r"y" + APOS + "all", r"yeah", r"yep", r"yup", r"nope", r"nah", r"okay", r"hey", r"wow", r"whoa", r"yikes",
    r"oops", r"lol", r"lmao", r"omg", r"dude", r"dudes", r"bro", r"buddy", r"you guys", r"stuff", r"awesome",
    r"freaking", r"frickin\w*", r"heck", r"gosh", r"geez", r"jeez", r"booze", r"bucks", r"a bunch of",
    r"pretty much", r"no way(?=[!.,?])", r"for real", r"big deal(?=[!.,?])", r"super (?:cool|easy|excited|happy)",
    r"chill(?:ing|ed)? out", r"hang(?:ing)? out", r"freak(?:ed|ing)? out", r"weird",
])

casual_word = pattern_detector(
    "slang.casual_word", "slang", "2", _CASUAL, quoted_only=True,
    why="slang in an article: the casual, spoken register that news parody gives its characters",
    description='Slang and casual spellings ("gonna", "yeah", "dude", "stuff").',
)

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
