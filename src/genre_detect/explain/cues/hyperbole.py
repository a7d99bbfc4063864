"""Hyperbole cues: praise and condemnation far past what the facts carry, and absolutes.

Golbeck et al. (2018) list hyperbolic praise and condemnation among the marks of satirical news; analysts qualify
and reporters attribute. Each detector is a small lexicon of overstatement kept only where, on the training fold
(first 250 words), a word appears in at most about one analysis or editorial in a thousand. They count only inside
quoted speech: a columnist may overstate in their own voice.

* ``hyperbole.praise``: gushing praise ("fantastic", "awesome", "genius", "the best … ever").
* ``hyperbole.condemnation``: sweeping condemnation ("ridiculous", "a disgrace", "a total disaster").
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

_CONDEMN = compile_words([
    r"ridiculous(?:ly)?", r"disgrace(?:s|ful|fully)?", r"despicable", r"shameful(?:ly)?",
    r"horrible", r"disgusting", r"pathetic", r"insane(?:ly)?", r"idiotic", r"nightmarish",
    r"(?:a )?(?:total|complete|utter|absolute) (?:disaster|catastrophe|failure|mess|joke|nightmare|disgrace)",
    r"the worst (?:\w+ ){0,2}(?:ever|of all time|in (?:the )?history)",
])

condemnation = pattern_detector(
    "hyperbole.condemnation", "hyperbole", "2", _CONDEMN, quoted_only=True,
    why="sweeping condemnation ('ridiculous', 'a disgrace'): outrage overstated past what the facts carry",
    description='Sweeping condemnation ("ridiculous", "a disgrace", "a total disaster").',
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
