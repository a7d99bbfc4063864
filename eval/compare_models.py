"""Is a retrained model measurably better? Paired bootstrap on a publisher-held-out fold.

Scores the same held-out documents (the test fold, or with ``--fold calib`` the calibration fold, which is the one
to choose between candidates on: picking by the test fold would make its figures optimistic) with two model
directories (each with its own pooling, temperature and threshold) and resamples documents with replacement, the
same draw for both models, to give the difference
(candidate minus baseline) in binary macro-F1, satire F1, ROC-AUC, genre macro-F1 and ECE with a 95% interval.
This is the check behind "retrain the shipped model only when it measurably improves". Prints figures.

Usage:
    python eval/compare_models.py runs/minilm-parody/model                 # against the shipped model
    python eval/compare_models.py CANDIDATE --baseline OTHER_DIR --boot 2000
    python eval/compare_models.py CANDIDATE --fold calib
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "training"))

from train import binary_and_genre_metrics, evaluation_folds, score_fold

from genre_detect.evaluation import bootstrap
from genre_detect.pipeline.detector import Detector, default_model_dir
from genre_detect.settings import GENRES
from genre_detect.training import TrainingArguments

KEYS = ("binary_macro_f1", "satire_f1", "roc_auc", "genre_macro_f1", "ece")


def paired_bootstrap(p_base: np.ndarray, p_cand: np.ndarray, genres: np.ndarray, t_base: float, t_cand: float,
                     boot: int = 1000, seed: int = 0) -> tuple[list[str], dict[str, dict]]:
    """Print the table of candidate-minus-baseline differences with 95% intervals from paired document resamples
    (genre_detect.evaluation.bootstrap.paired_bootstrap); return the metrics that are measurably worse (interval wholly
    on the bad side: above 0 for ECE, below for the others) and both models' metrics on the whole fold
    (``{"baseline": ..., "candidate": ...}``)."""
    full = {"baseline": binary_and_genre_metrics(p_base, genres, t_base),
            "candidate": binary_and_genre_metrics(p_cand, genres, t_cand)}
    rows = bootstrap.paired_bootstrap(lambda i: binary_and_genre_metrics(p_base[i], genres[i], t_base),
                                      lambda i: binary_and_genre_metrics(p_cand[i], genres[i], t_cand),
                                      len(genres), KEYS, boot=boot, seed=seed)
    print(f"\n| metric | baseline | candidate | difference | 95% interval ({boot} paired resamples) |")
    print("|---|---:|---:|---:|---|")
    def f(v: float | None, sign: str = "") -> str:
        return "nan" if v is None else f"{v:{sign}.3f}"

    for r in rows:
        print(f"| {r['metric']} | {f(r['baseline'])} | {f(r['candidate'])} | {f(r['difference'], '+')} | "
              f"[{f(r['low'], '+')}, {f(r['high'], '+')}] |")
    return [r["metric"] for r in rows if r["worse"]], full


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("candidate", help="model directory to judge")
    ap.add_argument("--baseline", default=None, help="model directory to beat (default: the shipped model)")
    ap.add_argument("--config", default=str(REPO / "training" / "minilm.yaml"), help="recipe that gives the folds")
    ap.add_argument("--fold", choices=("calib", "test", "both"), default="test",
                    help="publisher-held-out fold to score: choose between candidates on calib, confirm on test; "
                         "both pools them (each model's temperature was fitted on calib: read its ECE with care)")
    ap.add_argument("--boot", type=int, default=1000, help="bootstrap resamples")
    ap.add_argument("--seed", type=int, default=0)
    opts = ap.parse_args()
    if opts.boot < 10:
        ap.error("--boot must be at least 10")
    folds = evaluation_folds(TrainingArguments.from_file(opts.config, ["split=publisher"]))
    test = folds["calib"] + folds["test"] if opts.fold == "both" else folds[opts.fold]
    y = np.array([GENRES.index(d.genre) for d in test])
    dirs = {"baseline": Path(opts.baseline or default_model_dir()), "candidate": Path(opts.candidate)}
    probs, thresholds = {}, {}
    for name, path in dirs.items():
        det = Detector(path)
        probs[name] = score_fold(det, test)
        thresholds[name] = det.settings.threshold
        print(f"{name}: {path} ({len(test)} documents of the held-out {opts.fold} fold scored)", flush=True)

    paired_bootstrap(probs["baseline"], probs["candidate"], y, thresholds["baseline"], thresholds["candidate"],
                     boot=opts.boot, seed=opts.seed)
    print("\nLower ECE is better; for the others higher is better. An interval that holds 0 is no measured change.")


if __name__ == "__main__":
    main()
