"""Would a temperature plus class biases calibrate better than a temperature alone? The check fixed in
experiments/calibration/plan.md.

The model's window logits (cached per model file by :mod:`genre_detect.evaluation.fold_cache`) are pooled with the
model's own pooling; step 1 compares out-of-fold calibration by temperature alone and by temperature plus biases on the
calibration fold (5-fold CV, stratified by genre); step 2 fits the candidate on the whole calibration fold and
compares it with the model as shipped on the test fold (paired bootstrap). Seeds are never read here. Prints
figures and the fitted parameters.

Usage:
    python experiments/calibration/calibration_check.py       # the shipped model
    python experiments/calibration/calibration_check.py --model DIR --cache runs/pool-cache
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "eval"), str(REPO / "training")]  # compare_models, train

from compare_models import paired_bootstrap
from train import binary_and_genre_metrics

from genre_detect.evaluation.fold_cache import FoldLogits, add_arguments
from genre_detect.pipeline.calibrate import fit_temperature, fit_temperature_bias
from genre_detect.pipeline.pool import calibrate, pool_logits
from genre_detect.settings import GENRES

SAT = GENRES.index("satire")


def nll(p: np.ndarray, genres: np.ndarray) -> float:
    return float(-np.log(np.clip(p[np.arange(len(genres)), genres], 1e-12, None)).mean())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(ap)
    opts = ap.parse_args()
    from sklearn.model_selection import StratifiedKFold

    data = FoldLogits.from_options(opts)
    s = data.det.settings

    def pooled_fold(name: str) -> tuple[np.ndarray, np.ndarray]:
        pooled = np.stack([pool_logits(w, s.pooling, s.pool_sharpness, SAT) for w in data.logits(name)])
        return pooled, np.array([GENRES.index(d.genre) for d in data.folds[name]])

    z, g = pooled_fold("calib")
    oof = {"temperature": np.zeros((len(g), len(GENRES))), "temperature + bias": np.zeros((len(g), len(GENRES)))}
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=0).split(z, g):
        oof["temperature"][te] = calibrate(z[te], fit_temperature(z[tr], g[tr]))
        t, b = fit_temperature_bias(z[tr], g[tr])
        oof["temperature + bias"][te] = calibrate(z[te], t, b)
    print(f"Step 1, calibration fold ({len(g)} documents, {int((g == SAT).sum())} satire), 5-fold CV out-of-fold:")
    print("| calibration | 3-class NLL | binary macro-F1 | ECE |\n|---|---:|---:|---:|")
    rows = {}
    for name, p in oof.items():
        m = binary_and_genre_metrics(p, g, s.threshold)
        rows[name] = (nll(p, g), m["binary_macro_f1"])
        print(f"| {name} | {rows[name][0]:.4f} | {m['binary_macro_f1']:.3f} | {m['ece']:.3f} |")
    d_nll = rows["temperature + bias"][0] - rows["temperature"][0]
    d_f1 = rows["temperature + bias"][1] - rows["temperature"][1]
    passed = d_nll <= -0.005 and d_f1 >= -0.010
    print(f"candidate minus temperature: NLL {d_nll:+.4f}, binary macro-F1 {d_f1:+.3f} -> step 1 "
          f"{'passed' if passed else 'failed (needs NLL <= -0.005 and macro-F1 >= -0.010)'}")
    t, b = fit_temperature_bias(z, g)
    print(f"fitted on the whole calibration fold: T = {t:.4f}, biases {dict(zip(GENRES, np.round(b, 4).tolist()))} "
          f"(the model's own: T = {s.temperature:.4f}, biases {s.class_bias or 'none'})")
    if not passed:
        print("Step 1 failed: the test fold is not scored for the candidate; the experiment closes here.")
        return

    zt, gt = pooled_fold("test")
    # The baseline is temperature alone fitted on the whole calibration fold: what v3 shipped with before this
    # check (T = 1.5321), and reproducible after the candidate has shipped.
    t0 = fit_temperature(z, g)
    print(f"\nStep 2, test fold ({len(gt)} documents): temperature + bias (candidate) vs temperature alone, "
          f"T = {t0:.4f} (baseline):")
    shipped, cand = calibrate(zt, t0), calibrate(zt, t, b)
    worse, full = paired_bootstrap(shipped, cand, gt, s.threshold, s.threshold, boot=opts.boot)
    ece_up = full["candidate"]["ece"] > full["baseline"]["ece"]
    ok = not worse and not ece_up
    print(f"measurably worse: {', '.join(worse) or 'none'}; test ECE {'higher' if ece_up else 'not higher'} "
          f"-> step 2 {'passed' if ok else 'failed'}")


if __name__ == "__main__":
    main()
