"""The one output shape: a :class:`Prediction`, flat, the same whatever options were used.

``label`` and ``score`` follow the transformers pipeline convention; everything else is an extra key. Options add
keys (``cues``, ``evidence`` from ``explain``), they never nest the existing ones differently.

In a batch, an item that cannot be scored (empty, binary, too large) comes back in its place as a
:class:`PredictionError` (``ok`` is ``False``; ``to_dict()`` gives ``{"code", "message", "id"}``) and the other items
are scored; ``Prediction.ok`` is always ``True``, so ``[p for p in preds if p.ok]`` keeps the scored ones.

Example:
    >>> p = Prediction(label="satire", score=0.9, satire_probability=0.9, genre="satire",
    ...                genre_scores={"opinion": 0.05, "reporting": 0.05, "satire": 0.9})
    >>> p.to_dict()["label"]
    'satire'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["ERROR_KEYS", "PREDICTION_KEYS", "Prediction", "PredictionError", "Window"]


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
        genre: ``opinion``, ``reporting`` or ``satire``, always agreeing with ``label``: ``satire`` for a satire
            label, else the likelier of the sincere genres (:mod:`genre_detect.pipeline.verdict`).
        genre_scores: calibrated probability of each genre; they sum to 1.
        uncertain: ``satire_probability`` lies inside the detector's uncertainty band around the threshold
            (:func:`genre_detect.pipeline.verdict.uncertain_interval`).
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

    @property
    def ok(self) -> bool:
        """Always ``True``: a scored text (:class:`PredictionError` has ``ok`` ``False``)."""
        return True

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the fields above plus any extras (``cues``, ``evidence``) at the top level."""
        out = asdict(self)
        extras = out.pop("extras")
        out.update(extras)
        return out

    def to_pipeline(self, top_k: int | None = 1, task: str = "satire") -> dict[str, Any] | list[dict[str, Any]]:
        """The transformers text-classification shape: ``{"label", "score"}``, or a list of them.

        ``task="satire"``: ``label`` and ``score`` (the verdict), then the other of ``satire``/``sincere``;
        ``task="genre"``: ``genre`` first, then the other genres by ``genre_scores``. The verdict always comes
        first, also when a threshold other than 0.5 gives it the lower probability, so that ``top_k=1`` (one dict)
        is the first entry of ``top_k=None`` (every label, a list); any other ``k`` gives the first ``k``.

        Example:
            >>> p = Prediction(label="satire", score=0.9, satire_probability=0.9, genre="satire",
            ...                genre_scores={"opinion": 0.05, "reporting": 0.05, "satire": 0.9})
            >>> p.to_pipeline()
            {'label': 'satire', 'score': 0.9}
            >>> [d["label"] for d in p.to_pipeline(top_k=None, task="genre")]
            ['satire', 'opinion', 'reporting']
        """
        if task == "satire":
            scores = {"satire": self.satire_probability, "sincere": 1.0 - self.satire_probability}
            first = self.label
        elif task == "genre":
            scores, first = dict(self.genre_scores), self.genre
        else:
            raise ValueError(f"task must be 'satire' or 'genre', not {task!r}")
        rest = sorted((k for k in scores if k != first), key=lambda k: -scores[k])
        rows = [{"label": k, "score": float(scores[k])} for k in [first, *rest]]
        if top_k == 1:
            return rows[0]
        return rows if top_k is None else rows[:top_k]


@dataclass
class PredictionError:
    """An item of a batch that could not be scored, in the place its :class:`Prediction` would have been.

    Attributes:
        code: the error code (:data:`genre_detect.errors.CODES`), e.g. ``E101`` for an empty text.
        message: one line saying what is wrong.
        id: the caller's identifier for the item, when there is one.
        index: the item's position in the batch.

    Example:
        >>> PredictionError("E101", "text is empty or has no words", id="b").to_dict()
        {'code': 'E101', 'message': 'text is empty or has no words', 'id': 'b'}
    """

    code: str
    message: str
    id: str | None = None
    index: int | None = None

    @property
    def ok(self) -> bool:
        """Always ``False``: nothing was scored."""
        return False

    @classmethod
    def from_exception(cls, exc, id: str | None = None, index: int | None = None) -> PredictionError:
        """From a :class:`~genre_detect.errors.GenreDetectError` (its code and message)."""
        return cls(exc.code, exc.message, id, index)

    def to_exception(self):
        """The :class:`~genre_detect.errors.InputError` this stands for (source: the id, or ``texts[index]``)."""
        from ..errors import InputError

        where = self.id if self.id is not None else (None if self.index is None else f"texts[{self.index}]")
        return InputError(self.code, self.message, source=where)

    def to_dict(self) -> dict[str, Any]:
        """``{"code", "message", "id"}``, JSON-ready (the index is the item's place in the list)."""
        return {"code": self.code, "message": self.message, "id": self.id}


# The keys every ``to_dict()`` has, in order; the schema test pins them.
PREDICTION_KEYS = (
    "label", "score", "satire_probability", "genre", "genre_scores", "uncertain", "truncated", "num_tokens",
    "language", "windows", "id",
)
# The keys of ``PredictionError.to_dict()``.
ERROR_KEYS = ("code", "message", "id")
