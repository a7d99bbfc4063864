"""Why a text reads as satire: reliance by removal (``occlusion``), the cue patterns (``cues``), and their rendering
for a terminal or one HTML page (``highlight``).

Example:
    >>> from genre_detect import Detector
    >>> from genre_detect.explain import explain
    >>> explain(Detector.load(), "Nation's experts agree ...").to_dict()["evidence"]   # doctest: +SKIP
"""

from __future__ import annotations

from .occlusion import RELIANCE_FLOOR, Explanation, SpanDrop, explain, explain_details, reliance_note

__all__ = ["RELIANCE_FLOOR", "Explanation", "SpanDrop", "explain", "explain_details", "reliance_note"]
