"""Hyperbole cues: praise far past what the facts carry, and absolutes.

Golbeck et al. (2018) list hyperbolic praise and condemnation among the marks of satirical news; analysts qualify
and reporters attribute. Each detector is a small lexicon of overstatement kept only where, on the training fold
(first 250 words), a word appears in at most about one analysis or editorial in a thousand. They count only inside
quoted speech: a columnist may overstate in their own voice. Sweeping condemnation ("ridiculous", "a disgrace") was
dropped in session 13: on the publisher-held-out fold its precision at equal class sizes was 0.84, below the 0.85
that ``experiments/cues/plan.md`` requires, since real news quotes outrage too.

* ``hyperbole.praise``: gushing praise ("fantastic", "awesome", "genius", "the best … ever").
* ``hyperbole.absolute``: everyone and everything ("everyone knows", "every single", "literally").

Example:
    >>> from genre_detect.explain.cues import detect_cues
    >>> [c.name for c in detect_cues("“The summit was a phenomenal success,” officials said.")]
    ['hyperbole.praise']
"""

from __future__ import annotations

import re

from .base import compile_words, pattern_detector

_PRAISE = compile_words([
    r"amazing(?:ly)?", r"fantastic(?:ally)?", r"awesome", r"unbelievabl[ey]", r"genius(?:es)?", r"glorious(?:ly)?",
    r"legendary", r"magnificent(?:ly)?", r"beloved", r"phenomenal",
    r"the (?:best|greatest|finest) (?:\w+ ){0,2}(?:ever|of all time|in (?:the )?history)", r"so proud",
    r"incredibl[ey] (?:proud|happy|excited|talented|smart|brave|generous)", r"a (?:stunning|resounding) success",
])

praise = pattern_detector(
    "hyperbole.praise", "hyperbole", "2", _PRAISE, quoted_only=True,
    why="gushing praise ('fantastic', 'genius'): overstatement that reporting and analysis do not use",
    description='Gushing praise ("fantastic", "genius", "the best ... ever").',
)

# "literally" in its literal sense ("literally translated") is left out.
_ABSOLUTE = re.compile(
    r"(?i)(?<![\w])(?:everyone (?:knows|agrees|loves|hates|wants|thinks|says|else)|every single (?:one|person|\w+)|"
    r"each and every|"
    r"literally(?! (?:translated|translates|means|meaning|meant|speaking|the (?:word|term|name)))|"
    r"(?:every|each) (?:man, woman and child|person on (?:the )?(?:planet|earth)))(?![\w])"
)

absolute = pattern_detector(
    "hyperbole.absolute", "hyperbole", "2", _ABSOLUTE, quoted_only=True,
    why="an absolute ('everyone', 'every single', 'literally'): a claim blown up to all, which analysts qualify",
    description='Absolutes ("everyone knows", "every single", "literally").',
)
