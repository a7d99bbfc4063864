"""Would a learned pooling of window scores beat the mean? The check fixed in experiments/pooling/plan.md.

A model's window satire margins are pooled two ways: the model's own pooling and temperature, and a logistic
regression over ``mean(margin)`` and ``max(margin)`` fitted on the calibration fold. Step 1 compares them by
5-fold cross-validation on the calibration fold; only if the stacker passes is it fitted on the whole fold and
compared with the model as shipped on the test fold (paired bootstrap). Window logits are cached per model file
(:mod:`genre_detect.evaluation.fold_cache`), so a rerun only refits. Seeds are never read here. Prints figures.

Usage:
    python experiments/pooling/pool_stack_check.py       # the shipped model
    python experiments/pooling/pool_stack_check.py --model DIR --cache runs/pool-cache   # logits kept per model file
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "eval"), str(REPO / "training")]  # compare_models, train

from compare_models import paired_bootstrap

from genre_detect.evaluation.fold_cache import FoldLogits, add_arguments
from genre_detect.pipeline.calibrate import fit_temperature
from genre_detect.pipeline.detector import Detector
from genre_detect.pipeline.pool import calibrate, pool_logits, satire_margin, softmax
from genre_detect.settings import GENRES

SAT = GENRES.index("satire")


def features(window_logits: list[np.ndarray]) -> np.ndarray:
    """Mean and max of the window satire margins; deliberately no count of windows (that would be length)."""
    margins = [satire_margin(w, SAT) for w in window_logits]
    return np.array([[m.mean(), m.max()] for m in margins])


class Stacker:
    """Logistic regression on :func:`features`; opinion vs reporting keep the mean-pooled, tempered split."""

    def __init__(self, temperature: float):
        self.temperature = temperature

    def fit(self, window_logits: list[np.ndarray], y_sat: np.ndarray) -> Stacker:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        self.model_ = make_pipeline(StandardScaler(), LogisticRegression(C=1.0)).fit(features(window_logits), y_sat)
        return self

    def predict_proba(self, window_logits: list[np.ndarray]) -> np.ndarray:
        p_sat = self.model_.predict_proba(features(window_logits))[:, 1]
        base = softmax(np.stack([w.mean(axis=0) for w in window_logits]), self.temperature)
        rest = np.delete(base, SAT, axis=1)
        rest = rest / rest.sum(axis=1, keepdims=True) * (1 - p_sat)[:, None]
        return np.insert(rest, SAT, p_sat, axis=1)


def pooled_proba(window_logits: list[np.ndarray], method: str, sharpness: float, temperature: float,
                 bias: list[float] | None = None) -> np.ndarray:
    return calibrate(np.stack([pool_logits(w, method, sharpness, SAT) for w in window_logits]), temperature, bias)


def log_loss(p_sat: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(np.where(y == 1, p_sat, 1 - p_sat), 1e-12, None)
    return float(-np.log(p).mean())


def cross_validate(calib: list[np.ndarray], genres: np.ndarray, det: Detector, folds: int = 5) -> dict:
    """Step 1: out-of-fold satire probabilities for the model's own pooling (temperature refitted in-fold) and the
    stacker, on the calibration fold only."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    s = det.settings
    y = (genres == SAT).astype(int)
    oof = {"own pooling": np.zeros(len(y)), "stacker": np.zeros(len(y))}
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=0).split(np.zeros(len(y)), y):
        pooled_tr = np.stack([pool_logits(calib[i], s.pooling, s.pool_sharpness, SAT) for i in tr])
        t = fit_temperature(pooled_tr, genres[tr])
        oof["own pooling"][te] = pooled_proba([calib[i] for i in te], s.pooling, s.pool_sharpness, t)[:, SAT]
        stack = Stacker(t).fit([calib[i] for i in tr], y[tr])
        oof["stacker"][te] = stack.predict_proba([calib[i] for i in te])[:, SAT]
    return {name: {"binary_macro_f1": float(f1_score(y, (p >= 0.5).astype(int), average="macro")),
                   "log_loss": log_loss(p, y)} for name, p in oof.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(ap)
    ap.add_argument("--force-test", action="store_true", help="score the test fold even if step 1 fails")
    opts = ap.parse_args()
    data = FoldLogits.from_options(opts)
    det, s = data.det, data.det.settings
    calib = data.logits("calib")
    g_calib = np.array([GENRES.index(d.genre) for d in data.folds["calib"]])
    print(f"calibration fold: {len(calib)} documents, {int((g_calib == SAT).sum())} satire, "
          f"{sum(len(w) for w in calib)} windows")

    cv = cross_validate(calib, g_calib, det)
    print("\nStep 1, 5-fold cross-validation on the calibration fold (out-of-fold, threshold 0.5):")
    print("| pooling | binary macro-F1 | log-loss |\n|---|---:|---:|")
    for name, r in cv.items():
        print(f"| {name} | {r['binary_macro_f1']:.3f} | {r['log_loss']:.3f} |")
    gain = cv["stacker"]["binary_macro_f1"] - cv["own pooling"]["binary_macro_f1"]
    worse_ll = cv["stacker"]["log_loss"] - cv["own pooling"]["log_loss"]
    passed = gain >= 0.01 and worse_ll <= 0.01
    print(f"stacker minus own pooling: macro-F1 {gain:+.3f}, log-loss {worse_ll:+.3f} -> step 1 "
          f"{'passed' if passed else 'failed (needs >= +0.010 and <= +0.010)'}")
    stack = Stacker(s.temperature).fit(calib, (g_calib == SAT).astype(int))
    lr = stack.model_[-1]
    scale = stack.model_[0].scale_
    coef = lr.coef_[0] / scale
    print(f"stacker on the whole calibration fold: p = sigmoid({coef[0]:.3f} * mean_margin + {coef[1]:.3f} * "
          f"max_margin + {lr.intercept_[0] - (lr.coef_[0] * stack.model_[0].mean_ / scale).sum():.3f})")
    if not (passed or opts.force_test):
        print("Step 1 failed: the test fold is not scored for the stacker; the experiment closes here.")
        return

    test = data.logits("test")
    g_test = np.array([GENRES.index(d.genre) for d in data.folds["test"]])
    probs = {"shipped": pooled_proba(test, s.pooling, s.pool_sharpness, s.temperature, s.class_bias),
             "stacker": stack.predict_proba(test)}
    print(f"\nStep 2, test fold ({len(test)} documents), stacker (candidate) vs shipped pooling (baseline):")
    worse, _ = paired_bootstrap(probs["shipped"], probs["stacker"], g_test, s.threshold, s.threshold, boot=opts.boot)
    print(f"measurably worse: {', '.join(worse) or 'none'} -> step 2 {'failed' if worse else 'passed'}")


if __name__ == "__main__":
    main()
