"""Does an export change move any verdict? Every int8 export of a run against the run's fp32 model, on a fold.

A training run keeps its plain fp32 graph (``runs/NAME/model.fp32.onnx``, the torch model's function) next to its
model directory. This script rebuilds the int8 model from that file with each export recipe (``old``: plain graph,
dynamic int8, the v1-v3 recipe; ``fused``: ONNX Runtime's BERT fusions, then dynamic int8 with the attention blocks
as ``QAttention``; ``fused-attention-fp32``: fused, attention blocks left fp32; ``fused-but-attention``: every
fusion but attention, so Q, K and V stay MatMuls with 8-bit weights; ``static-qdq``: the same graph with static
int8 activation scales, attention products included, calibrated on 256 windows of the training fold), scores the fold's documents with
each through the same Detector settings (pooling, calibration, threshold of the run), and prints, for each, the share
of documents whose label agrees with the fp32 model's and the largest and mean change in satire probability. The
criterion is agreement >= 0.99 on the calibration fold. It also scores a few documents in every kernel layout
(lanes x threads) and checks that the window logits are identical bit for bit.

Usage:
    python eval/export_check.py runs/minilm-register                    # calibration fold, every recipe
    python eval/export_check.py runs/minilm-register --limit 150 --recipes old,fused
    python eval/export_check.py runs/minilm-register --out eval/results/speed/export_check_register.json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "training"))

from train import doc_window_logits, evaluation_folds, score_fold

from genre_detect.errors import UsageError
from genre_detect.pipeline.detector import Detector
from genre_detect.training import TrainingArguments
from genre_detect.training.export import export_info, reexport_onnx

RECIPES: dict[str, dict] = {
    "old": {"fuse": False},
    "fused": {},
    "fused-attention-fp32": {"op_types": ["MatMul", "Gather", "EmbedLayerNormalization"]},
    "fused-but-attention": {"attention": False},
    "fused-embeddings-fp32": {"op_types": ["MatMul", "Attention"]},
    "static-qdq": None,  # every fusion but attention, then static int8 (QDQ) calibrated on training-fold windows
}
CALIBRATION_WINDOWS = 256
COPIED = ("tokenizer.json", "config.json", "genre_detect.json")


def run_arguments(run_dir: Path, config: str | None) -> TrainingArguments:
    """The run's own recipe (``checkpoint/training_run.json``), or ``config`` when given."""
    if config:
        return TrainingArguments.from_file(config)
    info = run_dir / "checkpoint" / "training_run.json"
    if not info.is_file():
        raise UsageError("E300", f"{info} not found: pass --config RECIPE.yaml to name the folds")
    saved = json.loads(info.read_text(encoding="utf-8"))["args"]
    known = {f.name for f in dataclasses.fields(TrainingArguments)}
    return TrainingArguments(**{k: v for k, v in saved.items() if k in known})


def model_dir_with(model_file: Path, like: Path, out: Path) -> Path:
    """A model directory holding ``model_file`` and the tokenizer, config and settings of ``like``."""
    out.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        shutil.copy(like / name, out / name)
    if model_file != out / "model.onnx":
        shutil.copy(model_file, out / "model.onnx")
    return out


def compare(p_ref: np.ndarray, p: np.ndarray, threshold: float) -> dict:
    """Agreement of satire labels and the change in satire probability against the reference."""
    d = np.abs(p - p_ref)
    return {"n": len(p), "label_agreement": float(((p >= threshold) == (p_ref >= threshold)).mean()),
            "labels_differ": int(((p >= threshold) != (p_ref >= threshold)).sum()),
            "max_abs_delta": float(d.max()), "mean_abs_delta": float(d.mean()),
            "p99_abs_delta": float(np.percentile(d, 99))}


def static_qdq(fp32: Path, model_dir: Path, train_docs: list, det: Detector) -> Path:
    """Fuse all but attention, then static QDQ int8 calibrated on windows of the first training documents."""
    import random

    from genre_detect.training.export import fuse_onnx, quantize_static_int8

    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    docs = random.Random(0).sample(train_docs, min(len(train_docs), CALIBRATION_WINDOWS // 2))
    windows = [w.ids for p in det.prepare([d.text[: det.settings.max_chars] for d in docs]) for w in p.windows]
    fuse_onnx(fp32, model_dir / "fused.onnx", config, attention=False)
    quantize_static_int8(model_dir / "fused.onnx", model_dir / "model.onnx", windows[:CALIBRATION_WINDOWS])
    (model_dir / "fused.onnx").unlink()
    return model_dir / "model.onnx"


def layouts_identical(model_dir: Path, texts: list[str]) -> dict[str, bool]:
    """Window logits of ``texts`` in every candidate layout, compared bit for bit with one thread."""
    from genre_detect.pipeline.runtime import candidate_layouts, default_threads

    ref = Detector(model_dir, threads=1)
    wins = [w.ids for p in ref.prepare(texts) for w in p.windows]
    base = ref.window_logits(wins)
    out = {}
    for layout in candidate_layouts(default_threads()):
        det = Detector(model_dir, threads=default_threads(), lanes=layout.lanes)
        out[str(det.model.layout)] = bool(np.array_equal(det.window_logits(wins), base))
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run_dir", help="a training run: model.fp32.onnx and model/ (tokenizer, settings)")
    ap.add_argument("--fold", default="calib", choices=("calib", "test", "train"))
    ap.add_argument("--limit", type=int, default=None, help="score only the first N documents of the fold")
    ap.add_argument("--recipes", default=",".join(r for r in RECIPES if r != "static-qdq"),
                    help=f"comma-separated, of: {', '.join(RECIPES)} (default: all but static-qdq)")
    ap.add_argument("--config", default=None, help="recipe YAML that gives the folds (default: the run's own)")
    ap.add_argument("--out", default=None, help="write the figures to this JSON file")
    ap.add_argument("--skip-shipped", action="store_true", help="do not score the run's own model/model.onnx")
    args = ap.parse_args(argv)
    run_dir = Path(args.run_dir)
    fp32, model = run_dir / "model.fp32.onnx", run_dir / "model"
    if not fp32.is_file() or not all((model / n).is_file() for n in COPIED):
        ap.error(f"{run_dir} needs model.fp32.onnx and model/ with {', '.join(COPIED)}")
    recipes = [r.strip() for r in args.recipes.split(",") if r.strip()]
    unknown = [r for r in recipes if r not in RECIPES]
    if unknown:
        ap.error(f"unknown recipe(s) {unknown}; known: {', '.join(RECIPES)}")
    folds = evaluation_folds(run_arguments(run_dir, args.config))
    docs = folds[args.fold][: args.limit] if args.limit else folds[args.fold]
    print(f"# export check: {run_dir}, {args.fold} fold, {len(docs)} documents, reference = model.fp32.onnx")
    t0 = time.perf_counter()
    result: dict = {"run": str(run_dir), "fold": args.fold, "n_docs": len(docs), "recipes": {}}
    with tempfile.TemporaryDirectory() as tmp:
        ref = Detector(model_dir_with(fp32, model, Path(tmp) / "fp32"))
        sat = ref.satire_index
        p_ref = score_fold(ref, docs)[:, sat]
        result["threshold"] = threshold = ref.settings.threshold
        candidates = {} if args.skip_shipped else {"as shipped in model/": model / "model.onnx"}
        for name in recipes:
            d = model_dir_with(fp32, model, Path(tmp) / name)
            if RECIPES[name] is None:
                static_qdq(fp32, d, folds["train"], ref)
            else:
                reexport_onnx(fp32, d / "model.onnx", config=d / "config.json", **RECIPES[name])
            candidates[name] = d / "model.onnx"
        for name, file in candidates.items():
            det = Detector(model_dir_with(file, model, Path(tmp) / f"score-{len(result['recipes'])}"))
            row = compare(p_ref, score_fold(det, docs)[:, sat], threshold)
            row["recipe"] = export_info(file).get("recipe", 1)
            row["layout"] = str(det.model.layout)
            result["recipes"][name] = row
        if "fused" in candidates and not args.skip_shipped:
            texts = [d.text for d in docs[:12]]
            result["layouts_bit_identical"] = layouts_identical(candidates["fused"].parent, texts)
            result["windows_checked"] = int(sum(len(w) for w in doc_window_logits(ref, texts)))
    print("\n| export | recipe | label agreement with fp32 | labels differ | max abs dp | p99 abs dp | mean abs dp |"
          " >= 0.99 |\n|---|---:|---:|---:|---:|---:|---:|---|")
    for name, r in result["recipes"].items():
        print(f"| {name} | {r['recipe']} | {r['label_agreement']:.4f} | {r['labels_differ']} / {r['n']} | "
              f"{r['max_abs_delta']:.4f} | {r['p99_abs_delta']:.4f} | {r['mean_abs_delta']:.4f} | "
              f"{'yes' if r['label_agreement'] >= 0.99 else '**no**'} |")
    if "layouts_bit_identical" in result:
        print(f"\nwindow logits of {result['windows_checked']} windows (12 documents) in every layout vs one thread, "
              f"bit for bit: {result['layouts_bit_identical']}")
    result["seconds"] = round(time.perf_counter() - t0, 1)
    print(f"satire threshold {threshold}; {result['seconds']:.0f} s")
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
