"""Reductio cues: a proposal pushed past the point where anyone would follow it (op-ed parody).

Developed on the training writers of ``training/data/written`` (w1-w6) and checked for silence on the training
fold's analyses and editorials at full length.

* ``reductio.further_still``: having argued for more of something, the writer asks for more still ("life plus one
  hundred years would be better still", "the board should go further still", "why stop there?").

Example:
    >>> from genre_detect.explain.cues import detect_cues
    >>> [c.name for c in detect_cues("Ten years of delay is good; twenty would be better still.")]
    ['reductio.further_still']
"""

from __future__ import annotations

import re

from .base import pattern_detector

further_still = pattern_detector(
    "reductio.further_still", "reductio", "1",
    re.compile(r"(?i)\b(?:would be|is|are) better still\b|\bgo(?:es)? further still\b|\bwe would go further\b|"
               r"\bwhy stop (?:at|there)\b"),
    why="the proposal asks for more still ('better still', 'why stop there?'): it is pushed towards absurdity",
    description='A proposal escalated ("better still", "go further still", "why stop there?").',
)
