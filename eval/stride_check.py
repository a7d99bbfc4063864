"""How much does window overlap buy? Score the calibration and held-out test folds at several inference strides.

For each stride the model directory is copied with only ``stride`` changed; pooling and temperature are refitted on
the calibration fold (as ``training/train.py`` does) and the test fold is scored with both the refitted and the
model's own calibration. Prints one line per stride and calibration, with the number of windows run, so the cost of
overlap can be set against what it changes. Nothing here is a test: it prints figures.

Usage:
    python eval/stride_check.py                                    # the shipped model, strides 192 and 254
    python eval/stride_check.py --model runs/minilm/model --strides 128 192 254
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "training"))

from train import binary_and_genre_metrics, doc_window_logits  # noqa: E402

from genre_detect.calibrate import choose_pooling  # noqa: E402
from genre_detect.data import load_documents, publisher_split  # noqa: E402
from genre_detect.detector import Detector, default_model_dir  # noqa: E402
from genre_detect.pool import pool_logits, softmax  # noqa: E402
from genre_detect.settings import GENRES  # noqa: E402
from genre_detect.training import TrainingArguments  # noqa: E402


def with_stride(model_dir: Path, stride: int, dest: Path) -> Path:
    """A copy of ``model_dir`` whose ``genre_detect.json`` says ``stride``."""
    shutil.copytree(model_dir, dest)
    settings = json.loads((dest / "genre_detect.json").read_text(encoding="utf-8"))
    settings["stride"] = stride
    (dest / "genre_detect.json").write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    return dest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    ap.add_argument("--config", default=str(REPO / "training" / "minilm.yaml"), help="recipe that gives the folds")
    ap.add_argument("--strides", type=int, nargs="+", default=[192, 254])
    opts = ap.parse_args()
    model_dir = Path(opts.model or default_model_dir())
    args = TrainingArguments.from_file(opts.config, [])
    folds = publisher_split(load_documents(args.data_dir, args.sources), seed=args.seed)
    folds = {k: [d for d in v if d.source != "onion_or_not"] for k, v in folds.items()}
    calib_y = np.array([GENRES.index(d.genre) for d in folds["calib"]])
    test_y = np.array([GENRES.index(d.genre) for d in folds["test"]])
    print(f"model {model_dir}; calib {len(calib_y)} docs, test {len(test_y)} docs (publisher-held-out)")
    with tempfile.TemporaryDirectory() as tmp:
        for stride in opts.strides:
            t0 = time.perf_counter()
            det = Detector(with_stride(model_dir, stride, Path(tmp) / f"stride-{stride}"))
            cal = choose_pooling(doc_window_logits(det, [d.text for d in folds["calib"]]), calib_y, det.satire_index)
            test_logits = doc_window_logits(det, [d.text for d in folds["test"]])
            s = det.settings
            for name, (pooling, sharpness, temperature) in (
                    ("refitted", (cal.pooling, cal.sharpness, cal.temperature)),
                    ("model's own", (s.pooling, s.pool_sharpness, s.temperature))):
                pooled = np.stack([pool_logits(w, pooling, sharpness, det.satire_index) for w in test_logits])
                m = binary_and_genre_metrics(softmax(pooled, temperature), test_y, s.threshold)
                print(f"stride {stride:3d} | {name:11s} calibration ({pooling}, T={temperature:.3f}) | test windows "
                      f"{sum(len(w) for w in test_logits)} | macro-F1 {m['binary_macro_f1']:.4f} satire F1 "
                      f"{m['satire_f1']:.4f} ROC-AUC {m['roc_auc']:.4f} genre macro-F1 {m['genre_macro_f1']:.4f} "
                      f"ECE {m['ece']:.4f}", flush=True)
            print(f"stride {stride:3d} | calib macro-F1 {cal.calib_macro_f1:.4f} | {time.perf_counter() - t0:.0f} s",
                  flush=True)


if __name__ == "__main__":
    main()
