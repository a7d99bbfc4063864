"""Why a text reads as satire: the passages the model relied on, and the cue patterns they match.

:func:`explain` returns the normal :class:`~genre_detect.pipeline.prediction.Prediction` with these extra top-level
keys:

* ``text``: the normalised text; every offset below refers to it.
* ``evidence``: the ``top_k`` sentences that moved the satire probability most towards the verdict, strongest
  first, each with ``reliance``, ``relied_on`` and ``families`` (the cue families of the cues inside it). This is
  the report's first part: it is grounded in the model, whether or not any cue pattern matched.
* ``cues``: the spans found by :mod:`genre_detect.explain.cues`, each with ``reliance``, ``relied_on`` and ``note``:
  one plain sentence saying what the model made of it (leaned towards satire, leaned away, did not rely on it).
* ``window_reliance``: one number per entry of ``windows``: the satire probability minus that with the window
  left out of the pooling (no forward pass needed), so the passages that decided the verdict are known even when
  no sentence passes the floor on its own; null for a text of one window (leaving it out leaves no text).
* ``reliance_floor`` (:data:`RELIANCE_FLOOR`), ``stopped_early``, ``windows_explained``, ``windows_total``.

**One sign everywhere** (CLI, JSON, the page): ``reliance = p(satire | text) - p(satire | text without the
passage)``. Positive: the passage pushed the text towards satire; negative: away from it. A change smaller than
the floor is not a reason: such an item has ``relied_on`` false and is never listed as evidence. (The int8 model
quantises activations per forward pass; one window per pass keeps scores exact, but pooled changes of a few
thousandths are still too small to call a reason.)

How removal is measured (one pipeline, the detector's own): the text is prepared once by
:meth:`Detector.prepare`; a span is removed by deleting its word pieces from every window that contains them (the
window is shorter; no mask token the model never saw in training). Windows without the span keep the logits
already computed, and the detector's own pooling and calibration (:meth:`Detector.finish`) give the new probability.
All perturbed windows go through :meth:`Detector.window_logits` in one batched call, or, with ``time_budget_s``, in
one call per window, the most decisive windows (largest ``|window_reliance|``) first, stopping once the budget is
spent: sentences and cues of windows not reached have ``reliance`` null and the result says ``stopped_early``.

Text that the model never sees (author bios, datelines and other shortcuts removed by
:func:`genre_detect.pipeline.normalise.strip_shortcuts`) has reliance 0 by construction and is marked as unseen.

Example:
    >>> from genre_detect import Detector
    >>> det = Detector.load()                                                    # doctest: +SKIP
    >>> d = explain(det, "“I’m just here for the free lunch!” the envoy said.").to_dict()   # doctest: +SKIP
    >>> d["reliance_floor"], d["cues"][0]["family"], d["cues"][0]["relied_on"]    # doctest: +SKIP
    (0.01, 'fake_quote', True)
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InputError, UsageError
from ..pipeline.prediction import Prediction
from ..pipeline.sentences import split_sentences
from .cues import Cue, detect_cues

if TYPE_CHECKING:  # explain receives a Detector and uses only its public steps; it never imports detector.py
    from ..pipeline.detector import Detector, Prepared

__all__ = ["RELIANCE_FLOOR", "Explanation", "SpanDrop", "explain", "explain_details", "reliance_note"]

# Changes in satire probability below this are not shown as reasons (CLI, JSON and page alike).
RELIANCE_FLOOR = 0.01


@dataclass
class SpanDrop:
    """A character span of the normalised text and the model's reliance on it.

    ``drop`` is the reliance: ``p(satire | text) - p(satire | text without the span)``; None when the span's window
    was not reached within the time budget. ``seen`` is False when the model never saw the span (stripped as a
    shortcut): its reliance is 0 by construction.
    """

    start: int
    end: int
    drop: float | None
    seen: bool

    @property
    def reliance(self) -> float | None:
        return self.drop

    def relied_on(self, floor: float = RELIANCE_FLOOR) -> bool:
        """Whether the change passes the floor (an unexplained or unseen span never does)."""
        return self.seen and self.drop is not None and abs(self.drop) >= floor


def reliance_note(sd: SpanDrop, floor: float = RELIANCE_FLOOR) -> str:
    """One plain sentence on what the model made of a span (the CLI and the page show it beside a cue).

    Example:
        >>> reliance_note(SpanDrop(0, 5, -0.04, True))
        'the model read this as a sign of sincere writing: without it the satire probability rises by 0.040'
    """
    if not sd.seen:
        return "the model never sees this part (it is stripped before scoring), so it did not move the verdict"
    if sd.drop is None:
        return "not measured: the time budget ran out before this part of the text was reached"
    if abs(sd.drop) < floor:
        return f"the model did not rely on this: without it the satire probability moves by less than {floor:g}"
    if sd.drop > 0:
        return f"the model leaned towards satire here: without it the satire probability falls by {sd.drop:.3f}"
    return (f"the model read this as a sign of sincere writing: without it the satire probability rises by "
            f"{-sd.drop:.3f}")


@dataclass
class Explanation:
    """Everything :func:`explain` computes for one text (the eval scripts use the full sentence list)."""

    prediction: Prediction
    text: str
    sentences: list[SpanDrop]
    cues: list[tuple[Cue, SpanDrop]]
    window_reliance: list[float | None] = field(default_factory=list)
    windows_explained: int = 0
    stopped_early: bool = False

    def evidence(self, top_k: int = 3, floor: float = RELIANCE_FLOOR) -> list[SpanDrop]:
        """The ``top_k`` sentences that moved the probability most towards the verdict (past ``floor``)."""
        sign = 1.0 if self.prediction.label == "satire" else -1.0
        ranked = sorted((s for s in self.sentences if s.relied_on(floor) and sign * s.drop > 0),
                        key=lambda s: -sign * s.drop)
        return ranked[:top_k]

    def to_prediction(self, top_k: int = 3) -> Prediction:
        """The prediction with ``text``, ``evidence``, ``cues`` and the reliance settings added to its extras."""
        pred = replace(self.prediction, extras=dict(self.prediction.extras))
        pred.extras["text"] = self.text
        pred.extras["evidence"] = [
            {"start": s.start, "end": s.end, "text": self.text[s.start:s.end], "reliance": s.drop, "drop": s.drop,
             "relied_on": True, "families": sorted({c.family for c, _ in self.cues
                                                    if c.start < s.end and s.start < c.end})}
            for s in self.evidence(top_k)]
        pred.extras["cues"] = [{**c.to_dict(), "reliance": d.drop, "relied_on": d.relied_on(),
                                "seen": d.seen, "note": reliance_note(d)} for c, d in self.cues]
        pred.extras["window_reliance"] = list(self.window_reliance)
        pred.extras["reliance_floor"] = RELIANCE_FLOOR
        pred.extras["stopped_early"] = self.stopped_early
        pred.extras["windows_explained"] = self.windows_explained
        pred.extras["windows_total"] = len(self.prediction.windows)
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

    def first_window(self, a: int, b: int) -> int:
        """Index of the first window whose body holds any of word pieces ``[a, b)``."""
        for k, (f, t) in enumerate(self.win_tokens):
            if a < t and b > f:
                return k
        return 0


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


def _pooled(detector: Detector, doc: _Doc, rows: list[np.ndarray], wins: list, empty: dict) -> float:
    """Satire probability of ``doc`` scored on the window logits ``rows`` (an empty text when there are none)."""
    if not rows:  # the whole text was removed: score an empty window, as the detector would (once per call)
        if not empty:
            prep = detector.prepare([""])[0]
            empty.update(rows=list(detector.window_logits([w.ids for w in prep.windows])), wins=prep.windows)
        rows, wins = empty["rows"], empty["wins"]
    # Pooling is order-free; the detector's own pooling and calibration give the new probability.
    return detector.finish(replace(doc.prep, windows=wins), np.stack(rows)).satire_probability


def explain_details(detector: Detector, texts: Sequence[str], time_budget_s: float | None = None,
                    should_stop: Callable[[], bool] | None = None) -> list[Explanation]:
    """Predictions, per-sentence and per-cue reliance and window reliance for ``texts``, in batched passes.

    Args:
        detector: the :class:`~genre_detect.pipeline.detector.Detector` whose pipeline is explained.
        texts: raw texts (checked with the detector's coded errors).
        time_budget_s: stop perturbing after about this many seconds (``None``: explain everything in one batch).
            The windows that move the probability most are explained first; the rest get ``drop=None``.
        should_stop: called between windows (a cancelled request); when it returns True the explanation stops as
            if the budget had run out. Either option explains one window per forward-pass batch.

    Example:
        >>> exps = explain_details(Detector.load(), ["Some text. More text."])   # doctest: +SKIP
        >>> [round(s.drop, 3) for s in exps[0].sentences]                        # doctest: +SKIP
    """
    if time_budget_s is not None and time_budget_s < 0:
        raise UsageError("E300", "time_budget_s must be 0 or more")
    started = time.monotonic()
    for t in texts:
        detector.check_text(t)  # the same coded errors as predict
    preps = detector.prepare(list(texts))
    flat = [w.ids for p in preps for w in p.windows]
    base_logits = detector.window_logits(flat)
    docs, pos = [], 0
    for p in preps:
        docs.append(_Doc(detector, p, base_logits[pos:pos + len(p.windows)]))
        pos += len(p.windows)

    bases = [detector.finish(doc.prep, doc.logits) for doc in docs]
    empty: dict = {}
    # Window reliance: leave one window out of the pooling (logits already known; no forward pass).
    win_rel: list[list[float | None]] = []
    for doc, base in zip(docs, bases):
        n = len(doc.prep.windows)
        if n == 1:  # leaving out the only window leaves no text: no meaningful number
            win_rel.append([None])
            continue
        win_rel.append([base.satire_probability - _pooled(detector, doc, [doc.logits[j] for j in range(n) if j != k],
                                                          [doc.prep.windows[j] for j in range(n) if j != k], empty)
                        for k in range(n)])

    # Every distinct perturbation (a word-piece range of one text), grouped by the first window it touches.
    plans: list[tuple[list[tuple[int, int]], list[Cue]]] = []
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for i, doc in enumerate(docs):
        text = doc.prep.normalised
        sents = split_sentences(text)
        cues = detect_cues(text)
        plans.append((sents, cues))
        seen: set[tuple[int, int]] = set()
        for s, e in sents + [(c.start, c.end) for c in cues]:
            a, b = doc.token_range(s, e)
            if b > a and (a, b) not in seen:
                seen.add((a, b))
                groups.setdefault((i, doc.first_window(a, b)), []).append((a, b))
    # Most decisive windows first (largest |window reliance|), across all texts of the call.
    order = sorted(groups, key=lambda key: (-abs(win_rel[key[0]][key[1]] or 0.0), key))
    stepwise = time_budget_s is not None or should_stop is not None
    chunks = [[key] for key in order] if stepwise else [order]

    results: dict[tuple[int, int, int], float] = {}
    done_windows: set[tuple[int, int]] = set()
    stopped = False
    for chunk in chunks:
        over = time_budget_s is not None and time.monotonic() - started > time_budget_s
        if done_windows and (over or (should_stop is not None and should_stop())):
            stopped = True
            break
        jobs, batch = [], []
        for i, k in chunk:
            for a, b in groups[(i, k)]:
                keep, new, new_idx = _perturb(detector, docs[i], (a, b))
                jobs.append((i, a, b, keep, new_idx, len(batch)))
                batch.extend(new)
        logits = detector.window_logits(batch)
        for i, a, b, keep, new_idx, at in jobs:
            doc = docs[i]
            rows = [doc.logits[k] for k in keep] + [logits[at + j] for j in range(len(new_idx))]
            wins = [doc.prep.windows[k] for k in keep + new_idx]
            results[(i, a, b)] = bases[i].satire_probability - _pooled(detector, doc, rows, wins, empty)
        done_windows.update(chunk)

    out = []
    for i, doc in enumerate(docs):
        sents, cues = plans[i]

        def measure(span: tuple[int, int], i: int = i, doc: _Doc = doc) -> SpanDrop:
            a, b = doc.token_range(*span)
            if b <= a:
                return SpanDrop(span[0], span[1], 0.0, False)
            return SpanDrop(span[0], span[1], results.get((i, a, b)), True)

        n_win = len(doc.prep.windows)
        explained = sum(1 for k in range(n_win) if (i, k) in done_windows or (i, k) not in groups)
        out.append(Explanation(bases[i], doc.prep.normalised, [measure(s) for s in sents],
                               [(c, measure((c.start, c.end))) for c in cues], win_rel[i],
                               windows_explained=explained if stopped else n_win,
                               stopped_early=stopped and explained < n_win))
    return out


def explain(detector: Detector, texts: str | Sequence[str], top_k: int = 3, ids: Sequence[str] | None = None,
            time_budget_s: float | None = None, should_stop: Callable[[], bool] | None = None
            ) -> Prediction | list[Prediction]:
    """Predict and explain: a :class:`Prediction` (or a list, for a list of texts) with ``text``, ``evidence``,
    ``cues``, ``window_reliance`` and the reliance settings among its top-level keys. See the module docstring.

    Args:
        detector: the detector to explain.
        texts: one text or a list.
        top_k: evidence sentences per text.
        ids: identifiers copied into each prediction's ``id``.
        time_budget_s: seconds to spend perturbing (``None``: no limit); most decisive windows first, and
            ``stopped_early`` says when it ran out.
        should_stop: a callable checked between windows (for a cancelled request); True stops like the budget.

    Example:
        >>> from genre_detect import Detector
        >>> p = explain(Detector.load(), "“Wow, I’m totally stunned!” the envoy said.")   # doctest: +SKIP
        >>> [c["family"] for c in p.to_dict()["cues"]]                                 # doctest: +SKIP
        ['fake_quote', 'slang', 'punctuation']
    """
    single = isinstance(texts, str)
    if not single and not isinstance(texts, (list, tuple)):
        raise InputError("E104", "texts must be a string or a list of strings")
    if top_k < 0:
        raise UsageError("E300", "top_k must be 0 or more")
    batch = [texts] if single else list(texts)
    preds = [e.to_prediction(top_k)
             for e in explain_details(detector, batch, time_budget_s=time_budget_s, should_stop=should_stop)]
    if ids is not None:
        for p, i in zip(preds, ids):
            p.id = i
    return preds[0] if single else preds
