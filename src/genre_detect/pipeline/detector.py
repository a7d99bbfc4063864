"""The :class:`Detector`: the one pipeline behind the Python API, the CLI, the service and the eval scripts.

text -> normalise -> strip shortcuts -> tokenise -> strided windows -> ONNX model -> pool -> calibrate -> Prediction

Example:
    >>> from genre_detect import Detector
    >>> det = Detector.load()                       # doctest: +SKIP
    >>> det.predict("Area man ...").label           # doctest: +SKIP
    'satire'
    >>> det("Area man ...")                         # doctest: +SKIP
    {'label': 'satire', 'score': 0.93}
"""

from __future__ import annotations

import copy
import json
import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import numpy as np

from ..errors import InputError, ModelError, UsageError
from ..settings import ModelSettings
from .language import detect_language
from .normalise import NORMALISER_VERSION, Stripped, normalise, strip_shortcuts
from .pool import calibrate, pool_logits
from .prediction import Prediction, PredictionError, Window
from .verdict import genre_for, is_uncertain, label_for
from .windows import TokenWindow, load_tokenizer, special_token_ids, split_windows

__all__ = ["DEFAULT_MODEL_NAME", "Detector", "Prepared", "default_model_dir"]

DEFAULT_MODEL_NAME = "genre-detect-minilm"
MODEL_ENV = "GENRE_DETECT_MODEL"


def default_model_dir() -> Path:
    """``$GENRE_DETECT_MODEL`` if set, else the model shipped in the repository's ``models/`` directory."""
    env = os.environ.get(MODEL_ENV)
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for root in (here.parents[3], here.parents[2]):  # src layout checkout, then an installed tree
        cand = root / "models" / DEFAULT_MODEL_NAME
        if cand.is_dir():
            return cand
    return here.parents[3] / "models" / DEFAULT_MODEL_NAME


@dataclass
class Prepared:
    """A text after normalisation and windowing, ready for the model."""

    normalised: str
    stripped: Stripped
    windows: list[TokenWindow]
    num_tokens: int
    language: str


class Detector:
    """Satire-vs-sincere and genre classifier over an ONNX model directory.

    Args:
        model_dir: a model directory (see :mod:`genre_detect.settings`).
        threshold: override the stored decision threshold.
        uncertain_band: override the stored half-width of the ``uncertain`` band, independent of the threshold;
            on each side it is clipped to half the distance from the threshold to 0 or 1
            (:func:`genre_detect.pipeline.verdict.uncertain_interval`).
        threads: cores to use (default: all the process may use, or ``GENRE_DETECT_THREADS``).
        lanes: windows scored at once, each on one core (default: the runtime's per-machine probe, cached);
            ``lanes=1`` runs one window at a time over ``threads`` intra-op threads. Scores do not depend on it.
            See :class:`~genre_detect.pipeline.runtime.OnnxModel`.

    Three ways to ask, one pipeline: :meth:`predict` gives :class:`~genre_detect.pipeline.prediction.Prediction`
    objects, calling the detector gives transformers-pipeline dicts (:meth:`__call__`), and :meth:`estimator` gives a
    scikit-learn classifier (:mod:`genre_detect.pipeline.estimator`).

    The pipeline's three steps are public too, for code that changes what the model reads (:mod:`genre_detect.explain`
    removes a passage from some windows and scores them again; the training script scores whole folds):
    :meth:`prepare` (text to :class:`Prepared` windows), :meth:`window_logits` (windows to raw model logits) and
    :meth:`finish` (one text's window logits to its :class:`~genre_detect.pipeline.prediction.Prediction`).

    Example:
        >>> det = Detector.load("models/genre-detect-minilm")   # doctest: +SKIP
        >>> [p.label for p in det.predict(["text one ...", "text two ..."])]   # doctest: +SKIP
        >>> for out in det(texts, batch_size=8): ...             # doctest: +SKIP
    """

    def __init__(self, model_dir: str | Path, threshold: float | None = None, threads: int | None = None,
                 lanes: int | None = None, uncertain_band: float | None = None) -> None:
        from .runtime import OnnxModel

        self.model_dir = Path(model_dir)
        if not self.model_dir.is_dir():
            raise ModelError("E200", "model directory not found", source=str(model_dir))
        self.settings = ModelSettings.from_dir(self.model_dir)
        if self.settings.normaliser_version != NORMALISER_VERSION:
            # The model saw text prepared differently: scores are still produced, but say so once.
            warnings.warn(f"model was trained with normaliser v{self.settings.normaliser_version}, this is "
                          f"v{NORMALISER_VERSION}; re-evaluate before relying on it", stacklevel=2)
        if threshold is not None:
            if not 0 < threshold < 1:
                raise ModelError("E201", "threshold must be between 0 and 1")
            self.settings.threshold = threshold
        if uncertain_band is not None:
            if not 0 <= uncertain_band < 0.5:
                raise ModelError("E201", "uncertain_band must be at least 0 and below 0.5")
            self.settings.uncertain_band = uncertain_band
        tok_file = self.model_dir / "tokenizer.json"
        if not tok_file.is_file():
            raise ModelError("E200", "tokenizer.json not found", source=str(model_dir))
        self.tokenizer = load_tokenizer(str(tok_file))
        # [CLS]/[SEP] for MiniLM, <s>/</s> for an MPNet model (the teacher): what the tokenizer itself adds.
        self.cls_id, self.sep_id = special_token_ids(self.tokenizer)
        if self.cls_id is None or self.sep_id is None:
            raise ModelError("E201", "tokenizer has no [CLS]/[SEP] or <s>/</s> tokens", source=str(model_dir))
        self.model = OnnxModel(self.model_dir / "model.onnx", threads=threads, lanes=lanes)
        self.labels: list[str] = list(self.settings.labels)
        self.satire_index = self.labels.index("satire")

    @classmethod
    def load(cls, model_dir: str | Path | None = None, **kwargs) -> Detector:
        """Load ``model_dir``, or ``$GENRE_DETECT_MODEL``, or the shipped model."""
        return cls(model_dir or default_model_dir(), **kwargs)

    def __deepcopy__(self, memo: dict) -> Detector:
        # The ONNX session and the tokenizer are read-only and expensive (and cannot be pickled): copies share
        # them. The settings (threshold, band) are the mutable part and are copied. scikit-learn's clone() relies
        # on this when an estimator holds a Detector.
        new = copy.copy(self)
        new.settings = copy.deepcopy(self.settings, memo)
        new.labels = list(self.labels)
        return new

    @property
    def metrics(self) -> dict:
        path = self.model_dir / "metrics.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    # -- pipeline steps -------------------------------------------------------------------------------------
    def check_text(self, text: object, source: str | None = None) -> str:
        """Validate raw input; raise :class:`InputError` with a coded message when it cannot be scored."""
        if not isinstance(text, str):
            raise InputError("E104", "text must be a string", source=source)
        if len(text) > self.settings.max_chars:
            raise InputError("E103", f"text has {len(text)} characters; the limit is {self.settings.max_chars}",
                             source=source)
        if "\x00" in text:
            raise InputError("E102", "text looks binary (NUL bytes)", source=source)
        if not any(ch.isalnum() for ch in text):
            raise InputError("E101", "text is empty or has no words", source=source)
        return text

    def prepare(self, texts: Sequence[str]) -> list[Prepared]:
        """Normalise, strip shortcuts, tokenise (once, in one batch call) and window every text.

        The texts are not checked: call :meth:`check_text` first, as :meth:`predict` does. Each window's ``ids``
        is what :meth:`window_logits` takes; its ``start``/``end`` refer to the normalised text.

        Example:
            >>> prep = det.prepare(["Some text ..."])[0]                     # doctest: +SKIP
            >>> logits = det.window_logits([w.ids for w in prep.windows])    # doctest: +SKIP
            >>> det.finish(prep, logits).satire_probability                  # doctest: +SKIP
        """
        normed = [normalise(t) for t in texts]
        stripped = [strip_shortcuts(t, mask_names=self.settings.mask_names) for t in normed]
        encodings = self.tokenizer.encode_batch([s.text for s in stripped], add_special_tokens=False)
        out = []
        for norm, strip, enc in zip(normed, stripped, encodings):
            wins = split_windows(enc.ids, enc.offsets, self.cls_id, self.sep_id, self.settings.max_length,
                                 self.settings.stride)
            # Window offsets refer to the stripped text; map them back to the normalised text.
            for w in wins:
                w.start, w.end = strip.to_source(w.start, w.end) if w.end > w.start else (0, 0)
            out.append(Prepared(norm, strip, wins, len(enc.ids), detect_language(norm)))
        return out

    def window_logits(self, windows: list[np.ndarray], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Raw model logits, shape ``(len(windows), len(labels))``, for windows of token ids (``[CLS] ... [SEP]``,
        as in :attr:`TokenWindow.ids <genre_detect.pipeline.windows.TokenWindow>`), in order; batched by similar length
        so that padding stays small. ``progress`` is called with the number of windows each finished batch held."""
        if not windows:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        order = sorted(range(len(windows)), key=lambda i: windows[i].shape[0])
        out = np.zeros((len(windows), len(self.labels)), dtype=np.float32)
        bs = self.settings.batch_size
        groups = [order[k : k + bs] for k in range(0, len(order), bs)]
        results = self.model.run_batches([[windows[i] for i in idx] for idx in groups], progress)
        for idx, logits in zip(groups, results):
            out[idx] = logits
        return out

    def finish(self, prep: Prepared, logits: np.ndarray) -> Prediction:
        """The :class:`~genre_detect.pipeline.prediction.Prediction` for one prepared text from its window logits (one
        row per window of ``prep.windows``, in any order: pooling is order-free): pool, calibrate (temperature, class
        and register biases), then the verdict rules of :mod:`genre_detect.pipeline.verdict`."""
        s = self.settings
        pooled = pool_logits(logits, s.pooling, s.pool_sharpness, self.satire_index)
        probs = calibrate(pooled, s.temperature, s.class_bias, s.register_bias, self.satire_index)
        win_probs = calibrate(logits, s.temperature, s.class_bias, s.register_bias,
                              self.satire_index)[:, self.satire_index]
        p_sat = float(probs[self.satire_index])
        # Label, genre and uncertainty follow the rules of genre_detect.pipeline.verdict, written once for every
        # consumer.
        label = label_for(p_sat, s.threshold)
        genre_scores = {g: float(probs[i]) for i, g in enumerate(self.labels)}
        return Prediction(
            label=label,
            score=p_sat if label == "satire" else 1.0 - p_sat,
            satire_probability=p_sat,
            genre=genre_for(genre_scores, s.threshold),
            genre_scores=genre_scores,
            uncertain=is_uncertain(p_sat, s.threshold, s.uncertain_band),
            truncated=False,
            num_tokens=prep.num_tokens,
            language=prep.language,
            windows=[Window(w.start, w.end, w.num_tokens, float(p)) for w, p in zip(prep.windows, win_probs)],
        )

    def predict_prepared(self, preps: list[Prepared], progress: Callable[[int], None] | None = None
                         ) -> list[Prediction]:
        """Score already-prepared texts; windows of all texts share batches."""
        flat = [w.ids for p in preps for w in p.windows]
        logits = self.window_logits(flat, progress)
        out, pos = [], 0
        for p in preps:
            n = len(p.windows)
            out.append(self.finish(p, logits[pos : pos + n]))
            pos += n
        return out

    # -- public API -----------------------------------------------------------------------------------------
    @staticmethod
    def _as_batch(texts: object) -> list:
        """A list of the items of ``texts`` (list, tuple, numpy array, pandas Series, ...); E104 otherwise."""
        if isinstance(texts, (bytes, bytearray, Mapping)) or not isinstance(texts, Iterable):
            raise InputError("E104", "texts must be a string or a list of strings")
        return list(texts)

    def _predict_batch(self, batch: list, ids: Sequence[str] | None = None) -> list[Prediction | PredictionError]:
        if ids is not None and len(ids) != len(batch):
            raise UsageError("E300", f"ids has {len(ids)} entries for {len(batch)} texts")
        results: list[Prediction | PredictionError | None] = [None] * len(batch)
        good = []
        for i, t in enumerate(batch):
            name = None if ids is None else ids[i]
            try:
                self.check_text(t, source=name)
                good.append(i)
            except InputError as exc:
                results[i] = PredictionError.from_exception(exc, id=name, index=i)
        # str() turns numpy/pandas string scalars into plain str for the tokenizer.
        for i, p in zip(good, self.predict_prepared(self.prepare([str(batch[i]) for i in good]))):
            if ids is not None:
                p.id = ids[i]
            results[i] = p
        return results  # type: ignore[return-value]

    def _scored(self, texts: Sequence[str]) -> list[Prediction]:
        """Predictions for every text, or the first bad item's InputError naming its index (for numeric arrays,
        which cannot hold an error in place)."""
        preds = self._predict_batch(self._as_batch(texts))
        for p in preds:
            if not p.ok:
                raise p.to_exception()
        return preds  # type: ignore[return-value]

    @overload
    def predict(self, texts: str) -> Prediction: ...
    @overload
    def predict(self, texts: Sequence[str]) -> list[Prediction | PredictionError]: ...

    def predict(self, texts, ids: Sequence[str] | None = None):
        """Classify one text (returns a :class:`Prediction`) or a list of texts (returns a list, in order).

        One text that cannot be scored raises :class:`~genre_detect.errors.InputError` (a coded, one-line error).
        In a list, such an item comes back in its place as a :class:`~genre_detect.pipeline.prediction.PredictionError`
        (``ok`` False, ``to_dict()`` ``{"code", "message", "id"}``) and the other items are scored.

        Example:
            >>> preds = det.predict(["A long article ...", ""])     # doctest: +SKIP
            >>> [p.ok for p in preds], preds[1].to_dict()["code"]   # doctest: +SKIP
            ([True, False], 'E101')
        """
        if isinstance(texts, str):
            self.check_text(texts, source=None if ids is None else ids[0])
            preds = self._predict_batch([texts], ids)
            return preds[0]
        return self._predict_batch(self._as_batch(texts), ids)

    def predict_proba(self, texts: str | Sequence[str]) -> np.ndarray:
        """Calibrated **genre** probabilities, shape ``(n, 3)``, columns in :attr:`labels` order (``opinion``,
        ``reporting``, ``satire``). Column 1 is *reporting*, not satire: for the satire probability use
        :meth:`satire_proba`, or :meth:`estimator` for a scikit-learn classifier with ``classes_``.

        A bad item raises :class:`~genre_detect.errors.InputError` naming its index (``texts[3]``).
        """
        single = isinstance(texts, str)
        preds = [self.predict(texts)] if single else self._scored(texts)
        arr = np.array([[p.genre_scores[g] for g in self.labels] for p in preds]).reshape(len(preds), len(self.labels))
        return arr[0] if single else arr

    def satire_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated satire probabilities, shape ``(n,)``: ``satire_probability`` of each text, the number the
        label, the ``uncertain`` flag and the eval scripts use (equal to ``predict_proba(texts)[:, 2]``).

        A bad item raises :class:`~genre_detect.errors.InputError` naming its index.

        Example:
            >>> det.satire_proba(["text one ...", "text two ..."])   # doctest: +SKIP
            array([0.012, 0.871])
        """
        return np.array([p.satire_probability for p in self._scored(texts)], dtype=float)

    def __call__(self, texts: str | Iterable[str], batch_size: int | None = None, top_k: int | None = 1,
                 task: str = "satire") -> Any:
        """Pipeline manners, as a transformers text-classification pipeline: ``{"label", "score"}`` dicts.

        Args:
            texts: one string (one result), a list or tuple (a list of results), or any other iterable such as a
                generator or a ``datasets`` column (an iterator of results, scored ``batch_size`` texts at a time).
            batch_size: texts per model call (default 32). It bounds memory and sets how lazily an iterator is
                consumed; it never changes a score (the model scores one window per forward pass).
            top_k: 1 (default) gives one dict per text; ``None`` every label, a list with the verdict first;
                another ``k`` the first ``k`` of that list.
            task: ``"satire"`` (labels ``satire``/``sincere``, the verdict) or ``"genre"`` (``opinion``,
                ``reporting``, ``satire``, the genre that agrees with the verdict).

        Unlike :meth:`predict`, a bad item raises :class:`~genre_detect.errors.InputError` naming its index, as a
        pipeline would; use :meth:`predict` to keep errors in place. Unlike transformers, one string gives one dict
        (not a list of one).

        Example:
            >>> det("Area man reads terms and conditions, nation stunned.")   # doctest: +SKIP
            {'label': 'satire', 'score': 0.91}
            >>> for out in det(texts, batch_size=8, top_k=None): ...           # doctest: +SKIP
        """
        if batch_size is not None and batch_size < 1:
            raise UsageError("E300", "batch_size must be at least 1")
        if top_k is not None and top_k < 1:
            raise UsageError("E300", "top_k must be at least 1 or None")
        if task not in ("satire", "genre"):
            raise UsageError("E300", f"task must be 'satire' or 'genre', not {task!r}")
        if isinstance(texts, str):
            return self.predict(texts).to_pipeline(top_k, task)
        if isinstance(texts, (list, tuple)):
            for i, t in enumerate(texts):  # fail before scoring anything, naming the item
                self.check_text(t, source=f"texts[{i}]")
            return list(self._pipeline_stream(texts, batch_size or 32, top_k, task))
        return self._pipeline_stream(texts, batch_size or 32, top_k, task)

    def _pipeline_stream(self, texts: Iterable[str], batch_size: int, top_k: int | None, task: str) -> Iterator:
        if isinstance(texts, (bytes, bytearray, Mapping)) or not isinstance(texts, Iterable):
            raise InputError("E104", "texts must be a string or a list of strings")
        chunk: list = []
        start = 0

        def flush() -> Iterator:
            for i, p in enumerate(self._predict_batch(chunk)):
                if not p.ok:
                    p.index = start + i
                    raise p.to_exception()
                yield p.to_pipeline(top_k, task)

        for t in texts:
            chunk.append(t)
            if len(chunk) == batch_size:
                yield from flush()
                start += len(chunk)
                chunk = []
        if chunk:
            yield from flush()

    def estimator(self, task: str = "satire", **kwargs):
        """A scikit-learn classifier over this detector, ready without fitting (needs the ``eval`` extra).

        ``task="satire"``: :class:`~genre_detect.pipeline.estimator.SatireClassifier` (``classes_`` ``[0, 1]``, 1 =
        satire, or the ``classes`` you name); ``task="genre"``:
        :class:`~genre_detect.pipeline.estimator.GenreClassifier` (``classes_`` = :attr:`labels`). Keyword arguments go
        to the class.

        Example:
            >>> from sklearn.metrics import roc_auc_score                           # doctest: +SKIP
            >>> roc_auc_score(y, det.estimator().predict_proba(texts)[:, 1])        # doctest: +SKIP
        """
        from .estimator import GenreClassifier, SatireClassifier

        if task == "satire":
            return SatireClassifier(self, **kwargs)
        if task == "genre":
            return GenreClassifier(self, **kwargs)
        raise UsageError("E300", f"task must be 'satire' or 'genre', not {task!r}")

    def explain(self, texts, top_k: int = 3, **options):
        """:meth:`predict` plus cue spans with the model's reliance on each, and the top evidence sentences.

        Slower than :meth:`predict` (one extra window per sentence and cue); see :mod:`genre_detect.explain`, whose
        keyword options (``time_budget_s``, ``should_stop``) pass through.

        Example:
            >>> Detector.load().explain("The so-called “experts” ...").to_dict()["cues"]   # doctest: +SKIP
        """
        from ..explain.occlusion import explain

        return explain(self, texts, top_k=top_k, **options)
