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

from .base import compile_words, pattern_detector

_VERDICT = re.compile(
    r"(?i)\b(?:\w+\s+){0,2}?\w+s\s+(?:are|were)\s+(?:always|invariably|without exception)\s+(?:the\s+)?"
    r"(?:right|correct|best|wrong|true|smartest|worst)(?:\s+(?:ones?|answers?|choices?|call|solutions?|thing|"
    r"things))?\b|"
    r"\b(?:is|are|was|were)\s+(?:never|always)\s+(?:once\s+)?(?:been\s+)?(?:wrong|mistaken|right)\s+"
    r"(?:about\s+anything|in\s+(?:any|their|his|her)\s+\w+)\b"
)


universal_verdict = pattern_detector(
    "hyperbole.universal_verdict", "hyperbole", "1", _VERDICT,
    why=("a sweeping 'always right' verdict on a whole class of things: analysis does "
         "not talk in absolutes"),
    description='A whole class of ideas or people declared always right (or never wrong).',
)


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


extreme_scale = pattern_detector(
    "hyperbole.extreme_scale", "hyperbole", "1", _SCALE,
    why="overstatement of scale, far past anything an analyst would claim",
    description='Scale words far beyond the facts ("of biblical proportions", "a million times worse").',
)


# "literally" in its literal sense is common in analysis ("literally translated"); anything else is overstatement.
_LITERAL = re.compile(
    r"(?i)\bliterally\s+(?!(?:translated|translates|translating|translation|means|meaning|meant|speaking|"
    r"interpreted|true|the (?:word|term|name|phrase)|a (?:word|term|name|phrase)|as|in the sense|defined)\b)"
    r"(?:(?:in\s+(?:their|our|his|her|its|the)\s+(?:DNA|blood|genes|bones))|[\w’'-]+(?:\s+[\w’'-]+)?)"
)


literal_intensifier = pattern_detector(
    "hyperbole.literal_intensifier", "hyperbole", "2", _LITERAL,
    why="'literally' stamps an absolute or a figure of speech as fact: overstatement",
    description='"literally" on an absolute or a figure of speech ("literally everyone", "literally on fire").',
)


_UNIVERSAL = compile_words([
    r"every single (?:one|person|day|time|[a-z]+)", r"each and every (?:one|[a-z]+)",
    r"every (?:man|person), woman,? and child",
    r"(?:the )?entire (?:nation|country|world|planet|population|internet|universe|human race|galaxy)",
    r"the whole (?:world|planet|universe|human race|galaxy)",
    (r"the (?:best|greatest|worst|biggest|dumbest|smartest|most \w+) (?:\w+ ){0,2}(?:ever|of all time)"
     r"(?! (?:recorded|measured|registered|reported|seen in|held|built))"),
])


universal_quantifier = pattern_detector(
    "hyperbole.universal_quantifier", "hyperbole", "1", _UNIVERSAL,
    why=("a quantity blown up to everyone or everything: overstatement analysts leave "
         "out"),
    description='"every single", "the entire nation", "the greatest … ever": quantities blown up to all.',
)


_RHETORICAL = re.compile(
    r"(?i)\b(?:would|could|does|do|can|will)\s+any\s+(?:(?:rational|sane|reasonable|educated|serious|thinking|"
    r"intelligent|sensible|right-thinking|clear-eyed)\s*,?\s*)+(?:person|human|adult|observer|one|individual|"
    r"citizen|analyst)\b|\bno\s+(?:(?:rational|sane|reasonable|educated|thinking|intelligent|sensible)\s*,?\s*)+"
    r"(?:person|human|adult|observer|one|individual)\s+(?:would|could|can|will)\b"
)


rhetorical_absolute = pattern_detector(
    "hyperbole.rhetorical_absolute", "hyperbole", "1", _RHETORICAL,
    why=("a rhetorical absolute: anyone who disagrees is declared irrational instead "
         "of being answered"),
    description='"Would any rational person …": the question declares every dissenter irrational.',
)
