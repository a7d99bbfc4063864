"""Hyperbole cues: absolutes and overstatement out of the register of analysis.

Analysts qualify; parodies of analysis state that an idea is "always" right, that a failing is "literally in their
DNA", that an outrage happens "on an industrial scale". Each detector is a small lexicon of overstatement frames.

* ``hyperbole.universal_verdict``: a class of things declared always right or never wrong.
* ``hyperbole.extreme_scale``: scale words far past the facts ("of biblical proportions", "a million times worse",
  "the greatest in human history").
* ``hyperbole.literal_intensifier``: "literally" attached to an absolute or a figure of speech.
* ``hyperbole.universal_quantifier``: "every single", "the entire nation", "the greatest … ever".
* ``hyperbole.rhetorical_absolute``: "would any sane person …", "no rational person could …".

Example:
    >>> from genre_detect.cues import detect_cues
    >>> [c.name for c in detect_cues("Bold plans are always the best ones, say the committee.")]
    ['hyperbole.universal_verdict']
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .base import Hit, compile_words, cue_detector

_VERDICT = re.compile(
    r"(?i)\b(?:\w+\s+){0,2}?\w+s\s+(?:are|were)\s+(?:always|invariably|without exception)\s+(?:the\s+)?"
    r"(?:right|correct|best|wrong|true|smartest|worst)(?:\s+(?:ones?|answers?|choices?|call|solutions?|thing|"
    r"things))?\b|"
    r"\b(?:is|are|was|were)\s+(?:never|always)\s+(?:once\s+)?(?:been\s+)?(?:wrong|mistaken|right)\s+"
    r"(?:about\s+anything|in\s+(?:any|their|his|her)\s+\w+)\b"
)


@cue_detector("hyperbole.universal_verdict", "hyperbole", "1")
def universal_verdict(text: str) -> Iterator[Hit]:
    """A whole class of ideas or people declared always right (or never wrong)."""
    for m in _VERDICT.finditer(text):
        yield m.start(), m.end(), ("a sweeping 'always right' verdict on a whole class of things: analysis does "
                                   "not talk in absolutes")


_SCALE = compile_words([
    # "on an industrial scale" and "of epic proportions" are left out: analysts use them literally.
    r"on an? (?:biblical|cosmic|galactic|planetary) scale",
    r"of (?:biblical|cosmic|astronomical|galactic|apocalyptic|titanic) proportions",
    (r"(?:a|one) (?:million|billion|trillion|zillion|thousand) times (?:more|less|better|worse|bigger|smaller|"
     r"greater|faster|worse than)"),
    (r"(?:the )?(?:greatest|worst|best|biggest|most \w+) \w+(?: \w+)? (?:in|of) (?:all time|(?:all of )?human "
     r"history|the history of (?:mankind|humanity|the world|the universe|civilization|civilisation)|the (?:known )?"
     r"universe)"),
    r"since the dawn of (?:time|civilization|civilisation|man|mankind)",
    r"(?:every|each) (?:single )?(?:person|human being|man, woman and child) on (?:the )?(?:planet|earth)",
])


@cue_detector("hyperbole.extreme_scale", "hyperbole", "1")
def extreme_scale(text: str) -> Iterator[Hit]:
    """Scale words far beyond the facts ("on an industrial scale", "of biblical proportions")."""
    for m in _SCALE.finditer(text):
        yield m.start(), m.end(), "overstatement of scale, far past anything an analyst would claim"


# "literally" in its literal sense is common in analysis ("literally translated"); anything else is overstatement.
_LITERAL = re.compile(
    r"(?i)\bliterally\s+(?!(?:translated|translates|translating|translation|means|meaning|meant|speaking|"
    r"interpreted|true|the (?:word|term|name|phrase)|a (?:word|term|name|phrase)|as|in the sense|defined)\b)"
    r"(?:(?:in\s+(?:their|our|his|her|its|the)\s+(?:DNA|blood|genes|bones))|[\w’'-]+(?:\s+[\w’'-]+)?)"
)


@cue_detector("hyperbole.literal_intensifier", "hyperbole", "2")
def literal_intensifier(text: str) -> Iterator[Hit]:
    """ "literally" stamped on an absolute or a figure of speech ("literally everyone", "literally on fire")."""
    for m in _LITERAL.finditer(text):
        yield m.start(), m.end(), "'literally' stamps an absolute or a figure of speech as fact: overstatement"


_UNIVERSAL = compile_words([
    r"every single (?:one|person|day|time|[a-z]+)", r"each and every (?:one|[a-z]+)",
    r"every (?:man|person), woman,? and child",
    r"(?:the )?entire (?:nation|country|world|planet|population|internet|universe|human race|galaxy)",
    r"the whole (?:world|planet|universe|human race|galaxy)",
    (r"the (?:best|greatest|worst|biggest|dumbest|smartest|most \w+) (?:\w+ ){0,2}(?:ever|of all time)"
     r"(?! (?:recorded|measured|registered|reported|seen in|held|built))"),
])


@cue_detector("hyperbole.universal_quantifier", "hyperbole", "1")
def universal_quantifier(text: str) -> Iterator[Hit]:
    """ "every single", "the entire nation", "the greatest … ever": quantities blown up to everything."""
    for m in _UNIVERSAL.finditer(text):
        yield m.start(), m.end(), ("a quantity blown up to everyone or everything: overstatement analysts leave "
                                   "out")


_RHETORICAL = re.compile(
    r"(?i)\b(?:would|could|does|do|can|will)\s+any\s+(?:(?:rational|sane|reasonable|educated|serious|thinking|"
    r"intelligent|sensible|right-thinking|clear-eyed)\s*,?\s*)+(?:person|human|adult|observer|one|individual|"
    r"citizen|analyst)\b|\bno\s+(?:(?:rational|sane|reasonable|educated|thinking|intelligent|sensible)\s*,?\s*)+"
    r"(?:person|human|adult|observer|one|individual)\s+(?:would|could|can|will)\b"
)


@cue_detector("hyperbole.rhetorical_absolute", "hyperbole", "1")
def rhetorical_absolute(text: str) -> Iterator[Hit]:
    """ "Would any rational person …": the question declares every dissenter irrational."""
    for m in _RHETORICAL.finditer(text):
        yield m.start(), m.end(), ("a rhetorical absolute: anyone who disagrees is declared irrational instead "
                                   "of being answered")
