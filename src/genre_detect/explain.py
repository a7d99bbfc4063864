"""Why a text reads as satire: cue spans, and how much the model relied on each sentence and each cue.

:func:`explain` returns the normal :class:`~genre_detect.prediction.Prediction` with three extra top-level keys:

* ``text``: the normalised text; every offset below refers to it.
* ``cues``: the spans found by :mod:`genre_detect.cues`, each with ``reliance``: the drop in
  ``satire_probability`` when the span is deleted.
* ``evidence``: the ``top_k`` sentences that most support the verdict, each with ``drop``: the drop in
  ``satire_probability`` when the sentence is deleted (positive: the sentence pushed towards satire). For a
  ``satire`` verdict they are the sentences with the largest positive drops, for ``sincere`` the most negative
  ones; sentences that do not support the verdict are left out, so the list can be shorter than ``top_k``.

How deletion is measured (one pipeline, the detector's own): the text is prepared once by
:meth:`Detector.prepare`; a span is *deleted* by removing its word pieces from every window that contains them
(the window is then shorter; nothing is put in their place, so no mask token the model never saw in training).
Windows that do not contain the span keep the logits already computed, and the pooled, calibrated probability is
recomputed by the detector. Every perturbed window of every sentence and cue of every text goes through
:meth:`Detector.window_logits` in one batched call. This *local* deletion matches deleting the span from the text
and re-scoring it, except that windows after the span do not shift; it costs one window per sentence instead of
every window per sentence.

The int8 model quantises activations per batch, so a window's score moves by about 0.001 with its batch-mates:
drops smaller than that are noise.

Text that the model never sees (author bios, datelines and other shortcuts removed by
:func:`genre_detect.normalise.strip_shortcuts`) has reliance 0 by construction: a cue there, like a mock author bio,
is reported for the reader but did not move the score.

Example:
    >>> from genre_detect import Detector
    >>> det = Detector.load()                                      # doctest: +SKIP
    >>> d = det.explain("Officials may perhaps consider possibly ...").to_dict()   # doctest: +SKIP
    >>> sorted(d)[:3], d["cues"][0]["reliance"]                     # doctest: +SKIP
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from .cues import Cue, detect_cues
from .detector import Detector, Prepared
from .errors import InputError, UsageError
from .prediction import Prediction
from .sentences import split_sentences

__all__ = ["Explanation", "SpanDrop", "explain", "explain_details"]


@dataclass
class SpanDrop:
    """A character span of the normalised text and the drop in ``satire_probability`` when it is deleted."""

    start: int
    end: int
    drop: float
    seen: bool  # False when the model never saw the span (stripped as a shortcut): drop is 0 by construction


@dataclass
class Explanation:
    """Everything :func:`explain` computes for one text (the eval scripts use the full sentence list)."""

    prediction: Prediction
    text: str
    sentences: list[SpanDrop]
    cues: list[tuple[Cue, SpanDrop]]

    def evidence(self, top_k: int = 3) -> list[SpanDrop]:
        """The ``top_k`` seen sentences that most support the predicted label, strongest first."""
        sign = 1.0 if self.prediction.label == "satire" else -1.0
        ranked = sorted((s for s in self.sentences if s.seen and sign * s.drop > 0), key=lambda s: -sign * s.drop)
        return ranked[:top_k]

    def to_prediction(self, top_k: int = 3) -> Prediction:
        """The prediction with ``text``, ``cues`` and ``evidence`` added to its extras."""
        pred = replace(self.prediction, extras=dict(self.prediction.extras))
        pred.extras["text"] = self.text
        pred.extras["cues"] = [{**c.to_dict(), "reliance": d.drop} for c, d in self.cues]
        pred.extras["evidence"] = [{"start": s.start, "end": s.end, "text": self.text[s.start:s.end],
                                    "drop": s.drop} for s in self.evidence(top_k)]
        return pred


class _Doc:
    """One prepared text with its word pieces located in the normalised text and in the windows."""

    def __init__(self, detector: Detector, prep: Prepared, logits: np.ndarray) -> None:
        self.prep = prep
        self.logits = logits
        enc = detector.tokenizer.encode(prep.stripped.text, add_special_tokens=False)
        offsets = prep.stripped.offsets
        # Normalised-text offset of each word piece (pieces are in text order, so the list is sorted).
        self.tok_starts = [offsets[min(s, len(offsets) - 1)] if offsets else 0 for s, _ in enc.offsets]
        ids = np.asarray(enc.ids, dtype=np.int64)
        self.win_tokens: list[tuple[int, int]] = []  # [first, last) word-piece index of each window's body
        for w in prep.windows:
            body = w.ids[1:-1]
            first = bisect_left(self.tok_starts, w.start) if len(body) else 0
            if len(body) and not np.array_equal(ids[first:first + len(body)], body):
                # Two pieces can share a start offset; fall back to an exact search.
                hits = [i for i in range(len(ids) - len(body) + 1) if np.array_equal(ids[i:i + len(body)], body)]
                first = hits[0] if hits else first
            self.win_tokens.append((first, first + len(body)))

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """Word pieces whose first character lies in ``[start, end)`` of the normalised text."""
        return bisect_left(self.tok_starts, start), bisect_left(self.tok_starts, end)


def _perturb(detector: Detector, doc: _Doc, drop: tuple[int, int]) -> tuple[list[int], list[np.ndarray], list[int]]:
    """Windows of ``doc`` with word pieces ``drop`` removed: (indices kept unchanged, new windows, their indices)."""
    a, b = drop
    keep, new, new_idx = [], [], []
    for k, ((f, t), w) in enumerate(zip(doc.win_tokens, doc.prep.windows)):
        if b <= f or a >= t:
            keep.append(k)
            continue
        body = np.concatenate([w.ids[1:1 + max(a - f, 0)], w.ids[1 + min(b, t) - f:-1]])
        if len(body):
            new.append(np.concatenate([[detector.cls_id], body, [detector.sep_id]]).astype(np.int64))
            new_idx.append(k)
    return keep, new, new_idx


def explain_details(detector: Detector, texts: Sequence[str]) -> list[Explanation]:
    """Predictions, per-sentence drops and per-cue reliance for ``texts``, in batched forward passes.

    Example:
        >>> exps = explain_details(Detector.load(), ["Some text. More text."])   # doctest: +SKIP
        >>> [round(s.drop, 3) for s in exps[0].sentences]                        # doctest: +SKIP
    """
    for t in texts:
        detector.check_text(t)  # the same coded errors as predict
    preps = detector.prepare(list(texts))
    flat = [w.ids for p in preps for w in p.windows]
    base_logits = detector.window_logits(flat)
    docs, pos = [], 0
    for p in preps:
        docs.append(_Doc(detector, p, base_logits[pos:pos + len(p.windows)]))
        pos += len(p.windows)

    # Collect every distinct perturbation (a word-piece range of one text), then score all their windows at once.
    jobs: dict[tuple[int, int, int], tuple[list[int], list[int], int]] = {}
    batch: list[np.ndarray] = []
    plans: list[tuple[list[tuple[int, int]], list[tuple[Cue, tuple[int, int]]]]] = []
    for i, doc in enumerate(docs):
        text = doc.prep.normalised
        sents = [(s, e) for s, e in split_sentences(text)]
        cues = [(c, (c.start, c.end)) for c in detect_cues(text)]
        plans.append((sents, cues))
        for s, e in sents + [span for _, span in cues]:
            a, b = doc.token_range(s, e)
            if b > a and (i, a, b) not in jobs:
                keep, new, new_idx = _perturb(detector, doc, (a, b))
                jobs[(i, a, b)] = (keep, new_idx, len(batch))
                batch.extend(new)
    logits = detector.window_logits(batch)

    out = []
    for i, doc in enumerate(docs):
        base = detector._finish(doc.prep, doc.logits)
        cache: dict[tuple[int, int], float] = {}
        sents, cues = plans[i]

        def drop(span: tuple[int, int], i: int = i, doc: _Doc = doc, cache: dict = cache,
                 p0: float = base.satire_probability) -> SpanDrop:
            a, b = doc.token_range(*span)
            if b <= a:
                return SpanDrop(span[0], span[1], 0.0, False)
            if (a, b) not in cache:
                keep, new_idx, at = jobs[(i, a, b)]
                rows = [doc.logits[k] for k in keep] + [logits[at + j] for j in range(len(new_idx))]
                wins = [doc.prep.windows[k] for k in keep + new_idx]
                if not rows:  # the whole text was deleted: score an empty window, as the detector would
                    empty = detector.prepare([""])[0]
                    rows, wins = list(detector.window_logits([w.ids for w in empty.windows])), empty.windows
                # Pooling is order-free; the detector's own pooling and calibration give the new probability.
                p1 = detector._finish(replace(doc.prep, windows=wins), np.stack(rows)).satire_probability
                cache[(a, b)] = p0 - p1
            return SpanDrop(span[0], span[1], cache[(a, b)], True)

        out.append(Explanation(base, doc.prep.normalised, [drop(span) for span in sents],
                               [(c, drop(span)) for c, span in cues]))
    return out


def explain(detector: Detector, texts: str | Sequence[str], top_k: int = 3,
            ids: Sequence[str] | None = None) -> Prediction | list[Prediction]:
    """Predict and explain: a :class:`Prediction` (or a list, for a list of texts) with ``text``, ``cues`` and
    ``evidence`` among its top-level keys. See the module docstring for how reliance is measured.

    Example:
        >>> from genre_detect import Detector
        >>> p = explain(Detector.load(), "The so-called “experts” agree ...")   # doctest: +SKIP
        >>> [c["family"] for c in p.to_dict()["cues"]]                         # doctest: +SKIP
        ['irony']
    """
    single = isinstance(texts, str)
    if not single and not isinstance(texts, (list, tuple)):
        raise InputError("E104", "texts must be a string or a list of strings")
    if top_k < 0:
        raise UsageError("E300", "top_k must be 0 or more")
    batch = [texts] if single else list(texts)
    preds = [e.to_prediction(top_k) for e in explain_details(detector, batch)]
    if ids is not None:
        for p, i in zip(preds, ids):
            p.id = i
    return preds[0] if single else preds
