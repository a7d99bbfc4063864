"""Mock-authority cues: an authority that turns out to be the writer's own (op-ed parody).

Developed on the training writers of ``training/data/written`` (w1-w6) and checked for silence on the training
fold's analyses and editorials at full length.

* ``mock_authority.self_consulted``: a panel of experts "comprising our own consultants", the internal review the
  writer chaired that found the writer's work exemplary, "our own analysis" confirming the writer's case.

Example:
    >>> from genre_detect.explain.cues import detect_cues
    >>> [c.name for c in detect_cues("An expert panel comprising our own staff endorsed the plan.")]
    ['mock_authority.self_consulted']
"""

from __future__ import annotations

import re

from .base import pattern_detector

self_consulted = pattern_detector(
    "mock_authority.self_consulted", "mock_authority", "1",
    re.compile(r"(?i)\b(?:experts?|panel|group|review|consultation)\b[^.]{0,40}\b(?:comprising|made up of|drawn "
               r"from|consisting of)\b[^.]{0,30}\bour own\b|\bchaired the (?:internal )?review that found\b|"
               r"\bour own (?:analysis|modelling|modeling|pilot|review|survey|research|study) (?:found|shows|showed|"
               r"confirms|confirmed|bears)\b"),
    why="the authority cited is the writer's own (their staff, their review, their analysis): it vouches for itself",
    description="Experts or reviews that turn out to be the writer's own.",
)
