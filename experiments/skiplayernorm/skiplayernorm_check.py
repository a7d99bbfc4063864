"""Is ONNX Runtime's SkipLayerNormalization kernel worth its fusion? The fused int8 model with the residual adds
fused into the layer norms, and without (then also with ONNX Runtime's load-time SkipLayerNormFusion turned off),
one thread, full 256-token windows; prints windows/s and the logits of one window (they differ slightly: the int8
activation scales are taken at different points). Prints figures; nothing here is a test.

Usage:
    python experiments/skiplayernorm/skiplayernorm_check.py runs/minilm-register
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort

from genre_detect.training.export import reexport_onnx


def windows_per_s(path: Path, feeds: dict, disabled: list[str], runs: int = 15) -> tuple[float, np.ndarray]:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"], disabled_optimizers=disabled)
    for _ in range(3):
        sess.run(None, feeds)
    t0 = time.perf_counter()
    for _ in range(runs):
        sess.run(None, feeds)
    return runs / (time.perf_counter() - t0), sess.run(None, feeds)[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run_dir", help="a training run with model.fp32.onnx and checkpoint/config.json")
    args = ap.parse_args()
    run = Path(args.run_dir)
    cfg = json.loads((run / "checkpoint" / "config.json").read_text(encoding="utf-8"))
    ids = (np.arange(256) % 20000 + 1000)[None].astype(np.int64)
    feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
    with tempfile.TemporaryDirectory() as tmp:
        sln = reexport_onnx(run / "model.fp32.onnx", Path(tmp) / "sln.onnx", config=cfg, skip_layer_norm=True)
        plain = reexport_onnx(run / "model.fp32.onnx", Path(tmp) / "add_ln.onnx", config=cfg)
        for name, path, disabled in (("SkipLayerNormalization", sln, []), ("Add + LayerNormalization", plain, []),
                                     ("Add + LayerNormalization, load-time fusion off", plain,
                                      ["SkipLayerNormFusion"]), ("SkipLayerNormalization again", sln, [])):
            rate, out = windows_per_s(path, feeds, disabled)
            print(f"{name}: {rate:.1f} windows/s on 1 thread; logits {np.round(out, 4).tolist()}")


if __name__ == "__main__":
    main()
