"""A recipe's evaluation folds and a model's window logits on them, cached per model file.

Checks that refit only what comes after the model (pooling, calibration: ``experiments/pooling``,
``experiments/calibration``) need the expensive forward passes once per model, and ``training/train.py`` scores its
calibration and test folds with the same :func:`doc_window_logits`. The cache is keyed by the sha256 of
``model.onnx``: another model never reads this one's logits.

Example:
    >>> cache = FoldLogits(Detector.load(), evaluation_folds(args), "runs/pool-cache")   # doctest: +SKIP
    >>> [w.shape for w in cache.logits("calib")][:2]                                    # doctest: +SKIP
    [(3, 3), (1, 3)]
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..training.data import recipe_folds

if TYPE_CHECKING:
    from ..pipeline.detector import Detector
    from ..training.data import Document
    from ..training.trainer import TrainingArguments

__all__ = ["FoldLogits", "add_arguments", "doc_window_logits", "evaluation_folds", "fit_text"]


def fit_text(text: str, max_chars: int) -> str:
    """Cut a document at a word boundary under the detector's cap (only the longest analyses are affected)."""
    if len(text) <= max_chars:
        return text
    return text[:max_chars].rsplit(" ", 1)[0]


def doc_window_logits(det: Detector, texts: list[str]) -> list[np.ndarray]:
    """One ``(n_windows, n_labels)`` array of raw logits per text, all windows in one batched call."""
    preps = det.prepare([fit_text(t, det.settings.max_chars) for t in texts])
    flat = det.window_logits([w.ids for p in preps for w in p.windows])
    out, pos = [], 0
    for p in preps:
        out.append(flat[pos : pos + len(p.windows)])
        pos += len(p.windows)
    return out


def evaluation_folds(args: TrainingArguments, folds: dict[str, list[Document]] | None = None
                     ) -> dict[str, list[Document]]:
    """The recipe's train / calib / test folds (``folds`` if :func:`~genre_detect.training.data.recipe_folds` has
    drawn them already) without the headline set: headlines are training material only, calibration and test are on
    articles."""
    folds = folds if folds is not None else recipe_folds(args)
    return {k: [d for d in v if d.source != "onion_or_not"] for k, v in folds.items()}


def add_arguments(ap: argparse.ArgumentParser) -> None:
    """The options of a script built on :meth:`FoldLogits.from_options` (paths relative to the repository root)."""
    ap.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    ap.add_argument("--config", default="training/minilm.yaml", help="recipe that gives the folds")
    ap.add_argument("--cache", default="runs/pool-cache", help="folder for cached window logits")
    ap.add_argument("--boot", type=int, default=1000, help="bootstrap resamples")


class FoldLogits:
    """``FoldLogits(det, folds, cache_dir).logits("calib")``: one ``(n_windows, n_labels)`` array per document."""

    def __init__(self, det: Detector, folds: dict[str, list[Document]], cache_dir: str | Path) -> None:
        self.det = det
        self.folds = folds
        digest = hashlib.sha256((det.model_dir / "model.onnx").read_bytes()).hexdigest()[:16]
        self.cache = Path(cache_dir) / digest

    @classmethod
    def from_options(cls, opts: argparse.Namespace) -> FoldLogits:
        """From :func:`add_arguments`' options: the model, the recipe's publisher-held-out folds, the cache."""
        from ..pipeline.detector import Detector, default_model_dir
        from ..training.trainer import TrainingArguments

        folds = evaluation_folds(TrainingArguments.from_file(opts.config, ["split=publisher"]))
        return cls(Detector(Path(opts.model or default_model_dir())), folds, opts.cache)

    def logits(self, fold: str) -> list[np.ndarray]:
        """The fold's window logits, from the cache when it holds this fold of this model, else scored and saved."""
        docs, path = self.folds[fold], self.cache / f"{fold}.npz"
        if path.is_file():
            z = np.load(path)
            if len(z["offsets"]) == len(docs) + 1:
                return [z["flat"][z["offsets"][i] : z["offsets"][i + 1]] for i in range(len(docs))]
        logits = doc_window_logits(self.det, [d.text for d in docs])
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, flat=np.concatenate(logits), offsets=np.cumsum([0] + [len(w) for w in logits]))
        return logits
