"""Export a training checkpoint to the ONNX model directory that the :class:`~genre_detect.detector.Detector` loads.

fp32 ONNX first, then dynamic int8 quantisation with per-channel weight scales (per-tensor scales moved
probabilities by up to 0.2 in our measurements, per-channel by far less). Needs the ``train`` extra.

Example:
    >>> export_model("runs/minilm/checkpoint", "models/genre-detect-minilm")   # doctest: +SKIP
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import require
from .settings import GENRES, ModelSettings

__all__ = ["export_onnx", "quantize_int8", "export_model"]


def export_onnx(checkpoint: str | Path, out_file: str | Path, opset: int = 17) -> Path:
    """Trace the torch classifier to ONNX with dynamic batch and sequence axes; output ``logits``."""
    torch = require("torch", "train")
    from .training import load_checkpoint

    model = load_checkpoint(checkpoint)
    # Eager attention traces to MatMul -> Softmax -> MatMul. The SDPA path adds an IsNaN/Where guard over every
    # attention score, which took ~20% of int8 inference time here; eager exports ran 1.3x faster (bench_speed.py).
    model.encoder.set_attn_implementation("eager")
    vocab = model.encoder.config.vocab_size
    ids = torch.randint(5, vocab, (2, 16), dtype=torch.long)
    mask = torch.ones_like(ids)
    out_file = Path(out_file)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(
            model, (ids, mask), str(out_file), input_names=["input_ids", "attention_mask"], output_names=["logits"],
            dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                          "logits": {0: "batch"}},
            opset_version=opset, dynamo=False,
        )
    return out_file


def quantize_int8(fp32_file: str | Path, int8_file: str | Path) -> Path:
    """Dynamic int8 quantisation (weights per channel, activations at run time)."""
    require("onnxruntime", "train")
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32_file), str(int8_file), per_channel=True, weight_type=QuantType.QInt8)
    return Path(int8_file)


def export_model(checkpoint: str | Path, model_dir: str | Path, settings: ModelSettings | None = None,
                 quantize: bool = True, keep_fp32: Path | None = None) -> Path:
    """Write a complete model directory: ``model.onnx`` (int8 unless ``quantize=False``), tokenizer, configs."""
    checkpoint, model_dir = Path(checkpoint), Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    fp32 = keep_fp32 or model_dir / "model.fp32.onnx"
    export_onnx(checkpoint, fp32)
    if quantize:
        quantize_int8(fp32, model_dir / "model.onnx")
        if keep_fp32 is None:
            fp32.unlink()
    elif fp32 != model_dir / "model.onnx":
        fp32.replace(model_dir / "model.onnx")
    cfg = json.loads((checkpoint / "config.json").read_text(encoding="utf-8"))
    cfg["id2label"] = {str(i): g for i, g in enumerate(GENRES)}
    cfg["label2id"] = {g: i for i, g in enumerate(GENRES)}
    (model_dir / "config.json").write_text(json.dumps(cfg, indent=2) + "\n", encoding="utf-8")
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"):
        src = checkpoint / name
        if src.is_file():
            (model_dir / name).write_bytes(src.read_bytes())
    settings = settings or ModelSettings()
    from .training import library_versions

    settings.versions = library_versions()
    settings.save(model_dir)
    return model_dir
