"""Request models of the HTTP service, bounded by the loaded model's limits.

The models are built per app by :func:`build_schemas` because the longest accepted text is the model's
``max_chars`` (a text longer than that would be refused by the Detector anyway; saying so in the schema makes the
limit visible in the OpenAPI document and lets pydantic reject it before any work is done).

Example:
    >>> s = build_schemas(max_chars=1000, max_batch=4)
    >>> s.PredictRequest(text="An article.").text
    'An article.'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from .feedback import MODERATOR_LABELS, VERDICTS

__all__ = ["MAX_COMMENT_CHARS", "MAX_TOP_K", "Schemas", "build_schemas"]

MAX_COMMENT_CHARS = 2000
MAX_TOP_K = 10


class _Strict(BaseModel):
    # Unknown fields are an error: a typo such as "txt" must not silently score nothing.
    model_config = ConfigDict(extra="forbid")


class _PredictBase(_Strict):
    @model_validator(mode="after")
    def _one_of(self):
        if (self.text is None) == (self.texts is None):
            raise ValueError("give exactly one of 'text' (one article) or 'texts' (a batch)")
        return self


@dataclass(frozen=True)
class Schemas:
    """The request models of one app."""

    PredictRequest: type[BaseModel]
    ExplainRequest: type[BaseModel]
    FeedbackRequest: type[BaseModel]


def build_schemas(max_chars: int, max_batch: int) -> Schemas:
    """Request models whose texts are at most ``max_chars`` long and whose batches hold at most ``max_batch``.

    The items of a batch are not checked here: one that cannot be scored (empty, too long) gets a coded error in its
    place in the answer and the rest are scored, so a single bad item never fails the whole batch.
    """
    Text = Annotated[str, Field(min_length=1, max_length=max_chars, description=f"At most {max_chars} characters.")]
    Item = Annotated[str, Field(description=f"An article; empty or over {max_chars} characters gets an error in "
                                            "its place.")]
    Band = (float | None, Field(None, ge=0, lt=0.5, description=(
        "Half-width of the 'uncertain' band around the threshold for this request (default: the server's). On "
        "each side it is clipped to half the distance from the threshold to 0 or 1.")))
    predict = create_model(
        "PredictRequest",
        __base__=_PredictBase,
        text=(Text | None, Field(None, description="One article: the response is one prediction.")),
        texts=(list[Item] | None, Field(None, min_length=1, max_length=max_batch, description=(
            f"A batch of 1-{max_batch} articles: the response is a list, in order; an item that cannot be scored "
            "is {\"error\": {\"code\", \"message\", \"id\"}, \"index\": i} in its place."))),
        uncertain_band=Band,
    )
    explain = create_model(
        "ExplainRequest",
        __base__=_Strict,
        text=(Text, Field(description="The article to explain.")),
        top_k=(int, Field(3, ge=1, le=MAX_TOP_K, description="How many evidence sentences to return.")),
        uncertain_band=Band,
    )
    feedback = create_model(
        "FeedbackRequest",
        __base__=_Strict,
        text=(Text, Field(description="The article the verdict was about, as it was submitted.")),
        verdict=(Literal[VERDICTS], Field(description="The verdict the page showed.")),  # type: ignore[valid-type]
        label=(Literal[tuple(MODERATOR_LABELS)],  # type: ignore[valid-type]
               Field(description="What the moderator says the text is: satire, or sincere (optionally its genre).")),
        comment=(str, Field("", max_length=MAX_COMMENT_CHARS, description="Free-text note from the moderator.")),
        satire_probability=(float | None, Field(None, ge=0, le=1, description="The probability the page showed.")),
    )
    return Schemas(predict, explain, feedback)
