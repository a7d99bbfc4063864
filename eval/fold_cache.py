"""The publisher-held-out folds and a model's window logits on them, cached per model file.

Shared by eval/pool_stack_check.py and eval/calibration_check.py, which refit only what comes after the model
(pooling, calibration) and so need the expensive forward passes once per model. The cache is keyed by the sha256
of ``model.onnx``: another model never reads this one's logits.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "training"))

from train import doc_window_logits, evaluation_folds

from genre_detect.detector import Detector, default_model_dir
from genre_detect.training import TrainingArguments


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    ap.add_argument("--config", default=str(REPO / "training" / "minilm.yaml"), help="recipe that gives the folds")
    ap.add_argument("--cache", default=str(REPO / "runs" / "pool-cache"), help="folder for cached window logits")
    ap.add_argument("--boot", type=int, default=1000, help="bootstrap resamples")


class FoldLogits:
    """``FoldLogits(opts).logits("calib")``: one ``(n_windows, n_labels)`` array per document of the fold."""

    def __init__(self, opts: argparse.Namespace):
        self.det = Detector(Path(opts.model or default_model_dir()))
        self.folds = evaluation_folds(TrainingArguments.from_file(opts.config, ["split=publisher"]))
        digest = hashlib.sha256((self.det.model_dir / "model.onnx").read_bytes()).hexdigest()[:16]
        self.cache = Path(opts.cache) / digest

    def logits(self, fold: str) -> list[np.ndarray]:
        docs, path = self.folds[fold], self.cache / f"{fold}.npz"
        if path.is_file():
            z = np.load(path)
            if len(z["offsets"]) == len(docs) + 1:
                return [z["flat"][z["offsets"][i] : z["offsets"][i + 1]] for i in range(len(docs))]
        logits = doc_window_logits(self.det, [d.text for d in docs])
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, flat=np.concatenate(logits), offsets=np.cumsum([0] + [len(w) for w in logits]))
        return logits
