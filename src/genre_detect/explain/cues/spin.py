"""Spin cues: a failure presented as a success, in the calm voice of an official report (op-ed parody).

Developed on the training writers of ``training/data/written`` (w1-w6) and checked for silence on the training
fold's analyses and editorials at full length.

* ``spin.as_designed``: a thing that plainly failed declared to be "working exactly as designed".
* ``spin.sign_of_success``: a loss, a shortage or a complaint read as "a sign of success" (or of trust, of
  demand, of a maturing conversation), or as "the highest compliment".

Example:
    >>> from genre_detect.explain.cues import detect_cues
    >>> [c.name for c in detect_cues("The empty trains are a clear sign of success.")]
    ['spin.sign_of_success']
"""

from __future__ import annotations

import re

from .base import pattern_detector

as_designed = pattern_detector(
    "spin.as_designed", "spin", "1",
    re.compile(r"(?i)\b(?:working|worked|works|functioning|functioned|functions|performing|performed|performs) "
               r"(?:exactly|precisely|just) as (?:designed|intended|planned)\b|\bthe (?:plan|system|policy|scheme|"
               r"programme|program) working as intended\b"),
    why="'working exactly as designed' said of something that failed: the failure is spun as the plan",
    description='A failure declared to be "working exactly as designed".',
)

sign_of_success = pattern_detector(
    "spin.sign_of_success", "spin", "1",
    re.compile(r"(?i)\b(?:is|are|was|were|as) (?:not a sign of (?:failure|weakness|decline) but )?(?:a |an )?"
               r"(?:clear |welcome |healthy |sure |further )?(?:sign|mark|measure|testament|proof) of (?:success|"
               r"trust|confidence|strength|maturity|health|progress|demand|a maturing \w+)\b|\bno clearer sign of "
               r"success\b|\bthe highest compliment\b|\bsuccess of adaptation\b|\bnot as a (?:loss|failure|setback)"
               r"(?: \w+)? but as\b|\breflects well on everyone\b"),
    why="a loss or a complaint read as 'a sign of success': values turned upside down with a straight face",
    description='A loss or complaint read as "a sign of success".',
)
