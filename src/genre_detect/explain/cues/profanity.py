"""Profanity cues: swearing, which news and analysis leave out and satire puts in people's mouths.

Burfoot and Baldwin (2009) found profanity one of the few lexical features that separate newswire satire from real
newswire. Measured on the training fold (first 250 words): the family fires in 14.9% of satire articles, 0.3% of
analyses and editorials, 0.1% of news reports (19.4%, 0.4% and 0.3% while it also had crude insults).

* ``profanity.swearing``: swear words and oaths ("damn", "what the hell", "bullshit").

Crude name-calling ("morons", "stupid") was dropped in session 13: on the publisher-held-out fold (first 250 words)
it fell short of the rule in ``experiments/cues/plan.md`` (precision at equal class sizes 0.82 < 0.85; editorials
call opponents stupid too).

Example:
    >>> from genre_detect.explain.cues import detect_cues
    >>> [c.name for c in detect_cues("The minister asked what the hell a budget was.")]
    ['profanity.swearing']
"""

from __future__ import annotations

from .base import APOS, compile_words, pattern_detector

_SWEAR = compile_words([
    r"fuck\w*", r"motherfuck\w*", r"shit(?:s|ty|ting|ted|head|show|load)?", r"bullshit\w*", r"horseshit",
    r"damn(?:ed|it|s)?", r"goddamn\w*", r"god damn", r"dammit",
    # "hell" only as an oath: "the hell", "hell no", "go to hell"; not the hell of war writing ("a living hell").
    r"(?:what|who|where|why|how) the hell", r"the hell (?:out|with|is|are|was|of it)", r"hell (?:no|yes|yeah)",
    r"go to hell", r"bloody hell", r"like hell", r"crap(?:py|s)?", r"piss(?:ed|ing)?(?: off)?", r"asshole\w*",
    r"arse(?:hole)?s?", r"kick(?:ing|s|ed)? (?:some )?ass", r"bastards?", r"bitch(?:es|ing|y)?", r"wtf",
    r"screw (?:you|them|him|her|it|this|that)", r"sucks", r"son of a bitch", r"for (?:christ|god)" + APOS + r"?s sake",
    r"jesus christ", r"holy (?:shit|crap|cow)",
])

swearing = pattern_detector(
    "profanity.swearing", "profanity", "1", _SWEAR,
    why="swearing: news and analysis leave it out, satire puts it in people's mouths for comic effect",
    description='Swear words and oaths ("damn", "what the hell", "bullshit").',
)
