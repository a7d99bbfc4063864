"""How much does window overlap buy? Score the calibration and held-out test folds at several inference strides.

For each stride the loaded model's ``stride`` setting is changed in memory (nothing is written); pooling and
temperature are refitted on the calibration fold (as ``training/train.py`` does) and the test fold is scored with both
the refitted and the model's own calibration. Prints one line per stride and calibration, with the number of windows
run, so the cost of overlap can be set against what it changes. Nothing here is a test: it prints figures.

Usage:
    python experiments/stride/stride_check.py        # the shipped model, strides 192 and 254
    python experiments/stride/stride_check.py --model runs/minilm/model --strides 128 192 254
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "training"))

from train import binary_and_genre_metrics

from genre_detect.evaluation.fold_cache import doc_window_logits, evaluation_folds
from genre_detect.pipeline.calibrate import choose_pooling, fit_temperature_bias
from genre_detect.pipeline.detector import Detector, default_model_dir
from genre_detect.pipeline.pool import calibrate, pool_logits
from genre_detect.settings import GENRES
from genre_detect.training import TrainingArguments


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    ap.add_argument("--config", default=str(REPO / "training" / "minilm.yaml"), help="recipe that gives the folds")
    ap.add_argument("--strides", type=int, nargs="+", default=[192, 254])
    opts = ap.parse_args()
    model_dir = Path(opts.model or default_model_dir())
    folds = evaluation_folds(TrainingArguments.from_file(opts.config, ["split=publisher"]))
    calib_y = np.array([GENRES.index(d.genre) for d in folds["calib"]])
    test_y = np.array([GENRES.index(d.genre) for d in folds["test"]])
    print(f"model {model_dir}; calib {len(calib_y)} docs, test {len(test_y)} docs (publisher-held-out)")
    det = Detector(model_dir)
    s = det.settings
    if not all(1 <= st <= s.max_length - 2 for st in opts.strides):
        ap.error(f"--strides must lie in 1..{s.max_length - 2} (windows of {s.max_length} tokens)")
    for stride in opts.strides:
        s.stride = stride  # read at prepare(); nothing else depends on it
        t0 = time.perf_counter()
        calib_logits = doc_window_logits(det, [d.text for d in folds["calib"]])
        cal = choose_pooling(calib_logits, calib_y, det.satire_index)
        # Refitted as training/train.py does: pooling chosen with a temperature, then temperature and biases.
        t, bias = fit_temperature_bias(
            np.stack([pool_logits(w, cal.pooling, cal.sharpness, det.satire_index) for w in calib_logits]), calib_y)
        test_logits = doc_window_logits(det, [d.text for d in folds["test"]])
        for name, (pooling, sharpness, temperature, b) in (
                ("refitted", (cal.pooling, cal.sharpness, t, bias)),
                ("model's own", (s.pooling, s.pool_sharpness, s.temperature, s.class_bias))):
            pooled = np.stack([pool_logits(w, pooling, sharpness, det.satire_index) for w in test_logits])
            m = binary_and_genre_metrics(calibrate(pooled, temperature, b), test_y, s.threshold)
            print(f"stride {stride:3d} | {name:11s} calibration ({pooling}, T={temperature:.3f}) | test windows "
                  f"{sum(len(w) for w in test_logits)} | macro-F1 {m['binary_macro_f1']:.4f} satire F1 "
                  f"{m['satire_f1']:.4f} ROC-AUC {m['roc_auc']:.4f} genre macro-F1 {m['genre_macro_f1']:.4f} "
                  f"ECE {m['ece']:.4f}", flush=True)
        print(f"stride {stride:3d} | calib macro-F1 {cal.calib_macro_f1:.4f} | {time.perf_counter() - t0:.0f} s",
              flush=True)


if __name__ == "__main__":
    main()
