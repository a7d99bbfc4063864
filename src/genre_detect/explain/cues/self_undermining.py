"""Self-undermining cues: an argument that concedes or assumes what it sets out to deny (op-ed parody).

Deadpan parody of analysis keeps the register of the real thing and lets the reasoning give itself away. These
detectors were developed on the training writers of ``training/data/written`` (parodies of policy analysis and their
sincere twins, w1-w6) and checked for silence on the training fold's analyses and editorials at full length.

* ``self_undermining.circular``: a conclusion made true "by definition" ("a policy that does what it predicted is,
  by definition, well designed").
* ``self_undermining.narrow_sense``: critics conceded to be right "in a narrow sense", and then ignored.

Example:
    >>> from genre_detect.explain.cues import detect_cues
    >>> [c.name for c in detect_cues("The critics were, in a narrow sense, correct. We disagree.")]
    ['self_undermining.narrow_sense']
"""

from __future__ import annotations

import re

from .base import pattern_detector

circular = pattern_detector(
    "self_undermining.circular", "self_undermining", "1",
    re.compile(r"(?i)\b(?:is|are|was|were|be),? by definition,|\bby definition,? (?:a |an |the )?(?:success|"
               r"well-designed|correct|right|working|effective|efficient)\b"),
    why="the conclusion is made true 'by definition': the argument assumes what it claims to show",
    description='A conclusion made true "by definition".',
)

narrow_sense = pattern_detector(
    "self_undermining.narrow_sense", "self_undermining", "1",
    re.compile(r"(?i)\bin a (?:narrow|strict|technical|limited) sense,? (?:they|he|she|critics|the critics|it|this)?"
               r" ?(?:are|is|were|was)? ?(?:right|correct|true)\b|\b(?:they|critics|the critics) (?:were|are),? in a "
               r"(?:narrow|strict|technical) sense,? (?:right|correct)\b"),
    why="the critics are conceded to be right 'in a narrow sense' and then ignored: the writer admits the case "
        "against them",
    description='Critics conceded to be right "in a narrow sense".',
)
