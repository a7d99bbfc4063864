"""The one output shape: a :class:`Prediction`, flat, the same whatever options were used.

``label`` and ``score`` follow the transformers pipeline convention; everything else is an extra key. Options add
keys (``cues``, ``evidence`` from ``explain``), they never nest the existing ones differently.

Example:
    >>> p = Prediction(label="satire", score=0.9, satire_probability=0.9, genre="satire",
    ...                genre_scores={"opinion": 0.05, "reporting": 0.05, "satire": 0.9})
    >>> p.to_dict()["label"]
    'satire'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Prediction", "Window", "PREDICTION_KEYS"]


@dataclass
class Window:
    """One strided token window: its satire probability and where it lies in the normalised text."""

    start: int
    end: int
    num_tokens: int
    satire_probability: float


@dataclass
class Prediction:
    """The result for one text.

    Attributes:
        label: ``"satire"`` or ``"sincere"``, from ``satire_probability`` and the detector's threshold.
        score: probability of ``label`` (``satire_probability`` or its complement).
        satire_probability: calibrated probability that the text is satire or parody.
        genre: the most likely of ``opinion``, ``reporting``, ``satire``.
        genre_scores: calibrated probability of each genre; they sum to 1.
        uncertain: ``satire_probability`` lies inside the detector's uncertainty band around the threshold.
        truncated: always ``False`` for accepted input (long texts are windowed, never cut); kept so that callers
            can assert it.
        num_tokens: word-piece tokens in the text the model saw.
        language: ``"en"``, ``"non-en"`` or ``"unknown"``; a non-English text is still scored but flagged.
        windows: per-window satire probabilities with character offsets into the normalised text.
        id: the caller's identifier (file name, JSONL id) when there is one.
    """

    label: str
    score: float
    satire_probability: float
    genre: str
    genre_scores: dict[str, float]
    uncertain: bool = False
    truncated: bool = False
    num_tokens: int = 0
    language: str = "en"
    windows: list[Window] = field(default_factory=list)
    id: str | None = None
    extras: dict[str, Any] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the fields above plus any extras (``cues``, ``evidence``) at the top level."""
        out = asdict(self)
        extras = out.pop("extras")
        out.update(extras)
        return out


# The keys every ``to_dict()`` has, in order; the schema test pins them.
PREDICTION_KEYS = (
    "label", "score", "satire_probability", "genre", "genre_scores", "uncertain", "truncated", "num_tokens",
    "language", "windows", "id",
)
