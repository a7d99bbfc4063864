"""The :class:`Detector`: the one pipeline behind the Python API, the CLI, the service and the eval scripts.

text -> normalise -> strip shortcuts -> tokenise -> strided windows -> ONNX model -> pool -> calibrate -> Prediction

Example:
    >>> from genre_detect import Detector
    >>> det = Detector.load()                       # doctest: +SKIP
    >>> det.predict("Area man ...").label           # doctest: +SKIP
    'satire'
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

import numpy as np

from .errors import InputError, ModelError
from .language import detect_language
from .normalise import NORMALISER_VERSION, Stripped, normalise, strip_shortcuts
from .pool import calibrate, pool_logits
from .prediction import Prediction, Window
from .settings import ModelSettings
from .windows import TokenWindow, load_tokenizer, split_windows

__all__ = ["Detector", "Prepared", "default_model_dir", "DEFAULT_MODEL_NAME"]

DEFAULT_MODEL_NAME = "genre-detect-minilm"
MODEL_ENV = "GENRE_DETECT_MODEL"


def default_model_dir() -> Path:
    """``$GENRE_DETECT_MODEL`` if set, else the model shipped in the repository's ``models/`` directory."""
    env = os.environ.get(MODEL_ENV)
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for root in (here.parents[2], here.parents[1]):  # src layout checkout, then an installed tree
        cand = root / "models" / DEFAULT_MODEL_NAME
        if cand.is_dir():
            return cand
    return here.parents[2] / "models" / DEFAULT_MODEL_NAME


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
        threads: cores to use (default: all the process may use, or ``GENRE_DETECT_THREADS``).
        lanes: windows scored at once, each on one core (default: ``threads``); ``lanes=1`` runs one window at a
            time over ``threads`` intra-op threads. See :class:`~genre_detect.runtime.OnnxModel`.

    Example:
        >>> det = Detector.load("models/genre-detect-minilm")   # doctest: +SKIP
        >>> [p.label for p in det.predict(["text one ...", "text two ..."])]   # doctest: +SKIP
    """

    def __init__(self, model_dir: str | Path, threshold: float | None = None, threads: int | None = None,
                 lanes: int | None = None) -> None:
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
        tok_file = self.model_dir / "tokenizer.json"
        if not tok_file.is_file():
            raise ModelError("E200", "tokenizer.json not found", source=str(model_dir))
        self.tokenizer = load_tokenizer(str(tok_file))
        self.cls_id = self.tokenizer.token_to_id("[CLS]")
        self.sep_id = self.tokenizer.token_to_id("[SEP]")
        if self.cls_id is None or self.sep_id is None:
            raise ModelError("E201", "tokenizer has no [CLS]/[SEP] tokens", source=str(model_dir))
        self.model = OnnxModel(self.model_dir / "model.onnx", threads=threads, lanes=lanes)
        self.labels: list[str] = list(self.settings.labels)
        self.satire_index = self.labels.index("satire")

    @classmethod
    def load(cls, model_dir: str | Path | None = None, **kwargs) -> "Detector":
        """Load ``model_dir``, or ``$GENRE_DETECT_MODEL``, or the shipped model."""
        return cls(model_dir or default_model_dir(), **kwargs)

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
        """Normalise, strip shortcuts, tokenise (once, in one batch call) and window every text."""
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
        """Logits for many windows, batched by similar length so that padding stays small."""
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

    def _finish(self, prep: Prepared, logits: np.ndarray) -> Prediction:
        s = self.settings
        pooled = pool_logits(logits, s.pooling, s.pool_sharpness, self.satire_index)
        probs = calibrate(pooled, s.temperature, s.class_bias, s.register_bias, self.satire_index)
        win_probs = calibrate(logits, s.temperature, s.class_bias, s.register_bias,
                              self.satire_index)[:, self.satire_index]
        p_sat = float(probs[self.satire_index])
        label = "satire" if p_sat >= s.threshold else "sincere"
        return Prediction(
            label=label,
            score=p_sat if label == "satire" else 1.0 - p_sat,
            satire_probability=p_sat,
            genre=self.labels[int(np.argmax(probs))],
            genre_scores={g: float(probs[i]) for i, g in enumerate(self.labels)},
            uncertain=abs(p_sat - s.threshold) < s.uncertain_band,
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
            out.append(self._finish(p, logits[pos : pos + n]))
            pos += n
        return out

    # -- public API -----------------------------------------------------------------------------------------
    @overload
    def predict(self, texts: str) -> Prediction: ...
    @overload
    def predict(self, texts: Sequence[str]) -> list[Prediction]: ...

    def predict(self, texts, ids: Sequence[str] | None = None):
        """Classify one text (returns a :class:`Prediction`) or a list of texts (returns a list).

        Raises :class:`~genre_detect.errors.InputError` for unusable input (the CLI scores a batch in which some
        inputs are bad and reports those one by one).
        """
        single = isinstance(texts, str)
        if not single and not isinstance(texts, (list, tuple)):
            raise InputError("E104", "texts must be a string or a list of strings")
        batch = [texts] if single else list(texts)
        for i, t in enumerate(batch):
            self.check_text(t, source=None if ids is None else ids[i])
        preds = self.predict_prepared(self.prepare(batch))
        if ids is not None:
            for p, i in zip(preds, ids):
                p.id = i
        return preds[0] if single else preds

    def predict_proba(self, texts: str | Sequence[str]) -> np.ndarray:
        """Calibrated genre probabilities, columns in :attr:`labels` order (scikit-learn style)."""
        single = isinstance(texts, str)
        preds = self.predict([texts] if single else list(texts))
        arr = np.array([[p.genre_scores[g] for g in self.labels] for p in preds])
        return arr[0] if single else arr

    def satire_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated satire probabilities, one per text (what the eval scripts use)."""
        return np.array([p.satire_probability for p in self.predict(list(texts))])

    def explain(self, texts, top_k: int = 3):
        """:meth:`predict` plus cue spans with the model's reliance on each, and the top evidence sentences.

        Slower than :meth:`predict` (one extra window per sentence and cue); see :mod:`genre_detect.explain`.

        Example:
            >>> Detector.load().explain("The so-called “experts” ...").to_dict()["cues"]   # doctest: +SKIP
        """
        from .explain import explain

        return explain(self, texts, top_k=top_k)
