"""Would a learned pooling of window scores beat the mean? The check fixed in eval/results/pooling/plan.md.

A model's window satire margins are pooled two ways: the model's own pooling and temperature, and a logistic
regression over ``mean(margin)`` and ``max(margin)`` fitted on the calibration fold. Step 1 compares them by
5-fold cross-validation on the calibration fold; only if the stacker passes is it fitted on the whole fold and
compared with the model as shipped on the test fold (paired bootstrap). Window logits are cached per fold, so a
rerun only refits. Seeds are never read here. Prints figures.

Usage:
    python eval/pool_stack_check.py                       # the shipped model
    python eval/pool_stack_check.py --model DIR --cache runs/pool-cache
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "training"))
sys.path.insert(0, str(REPO / "eval"))

from compare_models import paired_bootstrap
from train import doc_window_logits, evaluation_folds

from genre_detect.calibrate import fit_temperature
from genre_detect.detector import Detector, default_model_dir
from genre_detect.pool import calibrate, pool_logits, satire_margin, softmax
from genre_detect.settings import GENRES
from genre_detect.training import TrainingArguments

SAT = GENRES.index("satire")


def cached_logits(det: Detector, docs: list, path: Path) -> list[np.ndarray]:
    """Window logits of each document, from ``path`` (an .npz of stacked windows and offsets) when it exists."""
    if path.is_file():
        z = np.load(path)
        flat, offsets = z["flat"], z["offsets"]
        if len(offsets) == len(docs) + 1:
            return [flat[offsets[i] : offsets[i + 1]] for i in range(len(docs))]
    logits = doc_window_logits(det, [d.text for d in docs])
    offsets = np.cumsum([0] + [len(w) for w in logits])
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, flat=np.concatenate(logits), offsets=offsets)
    return logits


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
    out = {}
    for name, p in oof.items():
        pred = (p >= 0.5).astype(int)
        f1s = []
        for cls in (0, 1):
            tp, fp = np.sum((pred == cls) & (y == cls)), np.sum((pred == cls) & (y != cls))
            fn = np.sum((pred != cls) & (y == cls))
            f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
        out[name] = {"binary_macro_f1": float(np.mean(f1s)), "log_loss": log_loss(p, y)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    ap.add_argument("--config", default=str(REPO / "training" / "minilm.yaml"), help="recipe that gives the folds")
    ap.add_argument("--cache", default=str(REPO / "runs" / "pool-cache"), help="folder for cached window logits")
    ap.add_argument("--boot", type=int, default=1000)
    ap.add_argument("--force-test", action="store_true", help="score the test fold even if step 1 fails")
    opts = ap.parse_args()
    det = Detector(Path(opts.model or default_model_dir()))
    s = det.settings
    folds = evaluation_folds(TrainingArguments.from_file(opts.config, ["split=publisher"]))
    cache = Path(opts.cache)
    calib = cached_logits(det, folds["calib"], cache / "calib.npz")
    g_calib = np.array([GENRES.index(d.genre) for d in folds["calib"]])
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

    test = cached_logits(det, folds["test"], cache / "test.npz")
    g_test = np.array([GENRES.index(d.genre) for d in folds["test"]])
    probs = {"shipped": pooled_proba(test, s.pooling, s.pool_sharpness, s.temperature, s.class_bias),
             "stacker": stack.predict_proba(test)}
    print(f"\nStep 2, test fold ({len(test)} documents), stacker (candidate) vs shipped pooling (baseline):")
    worse = paired_bootstrap(probs["shipped"], probs["stacker"], g_test, s.threshold, s.threshold, boot=opts.boot)
    print(f"measurably worse: {', '.join(worse) or 'none'} -> step 2 {'failed' if worse else 'passed'}")


if __name__ == "__main__":
    main()
