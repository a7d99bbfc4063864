"""Train, export, calibrate and evaluate a genre-detect model; optionally ship it to models/.

    python training/train.py training/minilm.yaml                  # train + export + calibrate + evaluate
    python training/train.py training/minilm.yaml --skip-train     # reuse runs/<name>/checkpoint
    python training/train.py training/minilm.yaml --ship           # ... and copy the result to models/
    python training/train.py training/minilm.yaml --recalibrate    # reuse runs/<name>/model: stages 3-5 only
    python training/train.py training/minilm.yaml split=random output_dir=runs/minilm-random   # random-split twin

Stages (all through the package: genre_detect.training (.trainer, .export), genre_detect.pipeline.calibrate, and
the Detector itself for scoring):
1. fine-tune on the ``train`` fold; 2. export ONNX fp32 + int8; 3. choose pooling and fit the temperature and class
biases on the ``calib`` fold; 4. score the ``test`` fold, the length check and int8-vs-fp32 agreement; 5. write metrics.json and
the model card. The seeds in ../shared/seeds are never read here.
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

from genre_detect.evaluation.fold_cache import doc_window_logits, evaluation_folds
from genre_detect.pipeline.calibrate import choose_pooling, fit_register_bias, fit_temperature_bias
from genre_detect.pipeline.detector import DEFAULT_MODEL_NAME, Detector
from genre_detect.pipeline.pool import calibrate, pool_logits
from genre_detect.settings import GENRES, ModelSettings
from genre_detect.training import TrainingArguments, train
from genre_detect.training.data import describe, recipe_folds
from genre_detect.training.export import export_model
from genre_detect.training.model_card import ModelCardData

REPO = Path(__file__).resolve().parents[1]
SHIPPED_FILES = ("model.onnx", "tokenizer.json", "config.json", "genre_detect.json", "metrics.json", "README.md",
                 "training_fingerprint.npz")


def log(msg: str) -> None:
    print(f"[pipeline {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def first_words(text: str, n: int) -> str:
    return " ".join(text.split()[:n])


def binary_and_genre_metrics(p_genre: np.ndarray, genres: np.ndarray, threshold: float) -> dict:
    from sklearn.metrics import f1_score, roc_auc_score

    sat = GENRES.index("satire")
    y = (genres == sat).astype(int)
    p = p_genre[:, sat]
    pred = (p >= threshold).astype(int)
    # Expected calibration error of the satire probability, 15 equal-width bins.
    bins = np.minimum((p * 15).astype(int), 14)
    ece = sum(abs(p[bins == b].mean() - y[bins == b].mean()) * (bins == b).mean() for b in range(15) if (bins == b).any())
    return {
        "n": int(len(y)), "n_satire": int(y.sum()),
        "binary_macro_f1": float(f1_score(y, pred, average="macro")),
        "satire_f1": float(f1_score(y, pred)),
        "roc_auc": float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else float("nan"),
        "genre_macro_f1": float(f1_score(genres, p_genre.argmax(1), average="macro", labels=[0, 1, 2])),
        "accuracy": float((pred == y).mean()),
        "ece": float(ece),
    }


def score_fold(det: Detector, docs, words: int | None = None) -> np.ndarray:
    texts = [first_words(d.text, words) if words else d.text for d in docs]
    s = det.settings
    logits = doc_window_logits(det, texts)
    pooled = np.stack([pool_logits(w, s.pooling, s.pool_sharpness, det.satire_index) for w in logits])
    return calibrate(pooled, s.temperature, s.class_bias, s.register_bias, det.satire_index)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("config")
    ap.add_argument("overrides", nargs="*", help="key=value overrides of TrainingArguments")
    ap.add_argument("--skip-train", action="store_true", help="reuse an existing checkpoint")
    ap.add_argument("--recalibrate", action="store_true",
                    help="reuse the exported runs/<name>/model as it is (no training, no export): calibrate and "
                         "evaluate again")
    ap.add_argument("--ship", action="store_true", help=f"copy the result to models/{DEFAULT_MODEL_NAME}")
    ap.add_argument("--compare", default="runs/minilm-random/model/metrics.json",
                    help="metrics.json of the random-split twin, shown next to the held-out figures")
    ap.add_argument("--limit-eval", type=int, default=None, help="score only N documents per fold (smoke runs)")
    opts = ap.parse_args()
    args = TrainingArguments.from_file(opts.config, opts.overrides)
    out = Path(args.output_dir)
    t0 = time.time()
    ckpt = out / "checkpoint"
    model_dir = out / "model"
    fp32_file = out / "model.fp32.onnx"
    if opts.recalibrate:
        needed = (ckpt / "training_run.json", model_dir / "model.onnx", model_dir / "genre_detect.json", fp32_file)
        if not all(p.is_file() for p in needed):
            ap.error(f"--recalibrate needs a finished run in {out} (checkpoint/training_run.json, model/, "
                     "model.fp32.onnx)")
        settings = ModelSettings.from_dir(model_dir)
    elif not (opts.skip_train and (ckpt / "model.safetensors").is_file()):
        ckpt = train(args)
    run_info = json.loads((ckpt / "training_run.json").read_text(encoding="utf-8"))

    if not opts.recalibrate:
        settings = ModelSettings(max_length=args.max_length, stride=args.stride or args.max_length - 2,
                                 mask_names=args.mask_names)
        if args.base_model:
            # A recipe on other base weights (the mpnet teacher) says so in genre_detect.json and the card.
            settings.base_model = Path(args.base_model).name
        export_model(ckpt, model_dir, settings=settings, keep_fp32=fp32_file)
        log(f"exported {model_dir} ({(model_dir / 'model.onnx').stat().st_size / 1e6:.1f} MB int8)")

    recipe = recipe_folds(args)  # read once: the evaluation folds and the training fingerprint both come from it
    folds = evaluation_folds(args, recipe)
    if opts.limit_eval:
        rng = np.random.default_rng(args.seed)
        folds = {k: [v[i] for i in sorted(rng.choice(len(v), min(opts.limit_eval, len(v)), replace=False))]
                 for k, v in folds.items()}
    log(f"folds {describe(folds)}")

    det = Detector(model_dir)
    calib_logits = doc_window_logits(det, [d.text for d in folds["calib"]])
    calib_genres = np.array([GENRES.index(d.genre) for d in folds["calib"]])
    cal = choose_pooling(calib_logits, calib_genres, det.satire_index)
    log(f"calibration: {cal.pooling} sharpness {cal.sharpness} T={cal.temperature:.3f} "
        f"calib macro-F1 {cal.calib_macro_f1:.3f}; candidates {cal.candidates}")
    # The pooling is chosen with a temperature alone; then temperature and class biases are fitted together on the
    # same fold (experiments/calibration/calibration_check.py: out-of-fold NLL 0.316 -> 0.296 for v3, test ECE
    # 0.121 -> 0.067).
    pooled = np.stack([pool_logits(w, cal.pooling, cal.sharpness, det.satire_index) for w in calib_logits])
    temperature, bias = fit_temperature_bias(pooled, calib_genres)
    log(f"calibration: T={temperature:.3f} class biases {np.round(bias, 3).tolist()} (temperature alone: "
        f"T={cal.temperature:.3f})")
    settings.pooling, settings.pool_sharpness = cal.pooling, cal.sharpness
    settings.temperature, settings.class_bias = temperature, [float(b) for b in bias]
    settings.register_bias = []
    register_info = None
    if args.calib_writers:
        # Register-aware satire bias: the calibration fold plus the pairs of writers held out of training.
        from genre_detect.training.trainer import written_documents

        written = written_documents(args.written_dir, args.calib_writers)  # parody -> satire, twin -> opinion
        w_logits = doc_window_logits(det, [d.text for d in written])
        w_pooled = np.stack([pool_logits(w, cal.pooling, cal.sharpness, det.satire_index) for w in w_logits])
        w_genres = np.array([GENRES.index(d.genre) for d in written])
        settings.register_bias = fit_register_bias(np.concatenate([pooled, w_pooled]),
                                                   np.concatenate([calib_genres, w_genres]), temperature, bias,
                                                   det.satire_index)
        register_info = {"writers": args.calib_writers, "n_written": len(written),
                         "register_bias": settings.register_bias}
        log(f"calibration: register biases {np.round(settings.register_bias, 3).tolist()} "
            f"(calibration fold + {len(written)} texts of writers {', '.join(args.calib_writers)})")
    settings.save(model_dir)
    det = Detector(model_dir)

    # int8 vs fp32 on the calibration fold, with the same settings and tokenizer.
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("tokenizer.json", "config.json", "genre_detect.json"):
            shutil.copy(model_dir / name, Path(tmp) / name)
        shutil.copy(fp32_file, Path(tmp) / "model.onnx")
        det32 = Detector(tmp)
        sub = folds["calib"][:150]
        p8, p32 = score_fold(det, sub)[:, det.satire_index], score_fold(det32, sub)[:, det.satire_index]
    quant = {"n": len(sub), "label_agreement": float(((p8 >= 0.5) == (p32 >= 0.5)).mean()),
             "max_abs_delta": float(np.abs(p8 - p32).max()), "mean_abs_delta": float(np.abs(p8 - p32).mean())}
    log(f"quantisation: {quant}")

    test = folds["test"]
    test_genres = np.array([GENRES.index(d.genre) for d in test])
    p_test = score_fold(det, test)
    key = "publisher_test" if args.split == "publisher" else "random_test"
    metrics: dict = {key: binary_and_genre_metrics(p_test, test_genres, settings.threshold)}
    metrics[key]["by_source"] = {}
    for src in sorted({d.source for d in test}):
        idx = np.array([d.source == src for d in test])
        r = binary_and_genre_metrics(p_test[idx], test_genres[idx], settings.threshold)
        metrics[key]["by_source"][src] = {k: r[k] for k in ("n", "n_satire", "accuracy", "binary_macro_f1")}
    log(f"{key}: {json.dumps({k: v for k, v in metrics[key].items() if k != 'by_source'})}")

    # Length check: the same documents scored on their first 250 words and whole.
    p250 = score_fold(det, test, words=250)[:, det.satire_index]
    length = {}
    for cls, genres in (("satire", {"satire"}), ("sincere analysis (opinion)", {"opinion"}),
                        ("sincere reporting", {"reporting"})):
        idx = np.array([d.genre in genres for d in test])
        if idx.any():
            length[cls] = {"first_250": float(p250[idx].mean()), "whole": float(p_test[idx, det.satire_index].mean()),
                           "n": int(idx.sum())}
    metrics["length_check"] = length
    metrics["quantisation"] = quant
    metrics["calibration"] = {"pooling": cal.pooling, "sharpness": cal.sharpness, "temperature": settings.temperature,
                              "class_bias": settings.class_bias, "temperature_alone": cal.temperature,
                              "calib_macro_f1": cal.calib_macro_f1, "candidates": cal.candidates,
                              "register": register_info,
                              "n_calib": len(folds["calib"])}
    compare = Path(opts.compare)
    if args.split == "publisher" and compare.is_file():
        other = json.loads(compare.read_text(encoding="utf-8"))
        if "random_test" in other:
            metrics["random_test"] = other["random_test"]
            gap = metrics["random_test"]["binary_macro_f1"] - metrics[key]["binary_macro_f1"]
            metrics["gap_text"] = (
                f"The random-split twin (same recipe, documents assigned at random, so publishers are shared "
                f"between train and test) scores {gap:+.3f} binary macro-F1 relative to the held-out split. The gap "
                f"is what publisher voice and topic overlap are worth; only the held-out figure estimates "
                f"performance on a new publisher.")
    metrics["folds"] = describe(folds)
    metrics["seconds"] = round(time.time() - t0, 1)
    (model_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    # Hashes of the training documents' shingles (no text), so that eval and predict can warn about overlap.
    from genre_detect.evaluation.fingerprint import training_texts, write_fingerprint

    write_fingerprint(model_dir, training_texts(args, recipe), recipe=opts.config, split=args.split, seed=args.seed,
                      sources=list(args.sources or []), written_writers=list(args.written_writers))
    card = ModelCardData(name=DEFAULT_MODEL_NAME, metrics=metrics, sources=args.sources,
                         settings=json.loads((model_dir / "genre_detect.json").read_text()), training=run_info)
    (model_dir / "README.md").write_text(card.render(), encoding="utf-8")
    log(f"wrote {model_dir}/metrics.json and README.md in {time.time() - t0:.0f}s total")

    if opts.ship:
        dest = REPO / "models" / DEFAULT_MODEL_NAME
        dest.mkdir(parents=True, exist_ok=True)
        for name in SHIPPED_FILES:
            shutil.copy(model_dir / name, dest / name)
        log(f"shipped to {dest}")


if __name__ == "__main__":
    from genre_detect.errors import GenreDetectError

    try:
        main()
    except GenreDetectError as exc:  # bad settings, weights or data: one line, no traceback
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
