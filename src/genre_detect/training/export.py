"""Export a training checkpoint to the ONNX model directory that the :class:`~genre_detect.pipeline.detector.Detector`
loads.

Three steps, each a function:

1. :func:`export_onnx`: trace the torch classifier to a plain fp32 ONNX graph (the reference the int8 model is
   checked against).
2. :func:`fuse_onnx`: ONNX Runtime's transformer fusions (``onnxruntime.transformers.optimizer``, BERT rules):
   embedding + layer norm, each self-attention block into one ``Attention`` operator, bias + GELU, layer norms (the
   residual adds stay separate: see :func:`fuse_onnx`). The fused graph computes the same function (checked on a random batch with padding) with a few large
   operators instead of many small ones; the attention block's Q, K and V projections become one matrix multiply
   that int8 quantisation can then reach (``QAttention``).
3. :func:`quantize_int8`: dynamic int8 quantisation with per-channel weight scales (per-tensor scales moved
   probabilities by up to 0.2 in our measurements, per-channel by far less); activations are quantised per forward
   pass, which is why the Detector scores one window per pass.

:func:`export_model` runs all three and writes the model directory; :func:`reexport_onnx` turns an existing fp32
ONNX file (``runs/NAME/model.fp32.onnx``) into the fused int8 form without the torch checkpoint. The export recipe
is stored in the ONNX file's metadata (``genre_detect.export``; :func:`export_info`). Needs the ``train`` extra.

Example:
    >>> export_model("runs/minilm/checkpoint", "models/genre-detect-minilm")   # doctest: +SKIP
    >>> reexport_onnx("runs/minilm/model.fp32.onnx", "runs/minilm/model")    # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from ..errors import ModelError, require
from ..settings import GENRES, ModelSettings

__all__ = ["EXPORT_RECIPE", "export_info", "export_model", "export_onnx", "fuse_onnx", "quantize_int8",
           "quantize_static_int8", "reexport_onnx"]

EXPORT_RECIPE = 2  # 1: plain graph + dynamic int8 (v1-v3); 2: fused transformer graph + dynamic int8
METADATA_KEY = "genre_detect.export"  # a key inside shipped model files (the module's old name): kept
FUSED_OPS = ("EmbedLayerNormalization", "Attention", "SkipLayerNormalization", "LayerNormalization", "BiasGelu", "Gelu",
             "FastGelu")


def export_onnx(checkpoint: str | Path, out_file: str | Path, opset: int = 17) -> Path:
    """Trace the torch classifier to ONNX with dynamic batch and sequence axes; output ``logits``."""
    torch = require("torch", "train")
    from .trainer import load_checkpoint

    model = load_checkpoint(checkpoint)
    # Eager attention traces to MatMul -> Softmax -> MatMul, the pattern the attention fusion recognises. The SDPA
    # path adds an IsNaN/Where guard over every attention score, which also cost ~20% of int8 time unfused.
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


def _heads_and_hidden(config: dict | None) -> tuple[int, int]:
    if not config:
        return 0, 0  # the optimizer reads them from the graph's Reshape shapes
    return int(config.get("num_attention_heads", 0)), int(config.get("hidden_size", 0))


def fuse_onnx(fp32_file: str | Path, fused_file: str | Path, config: dict | None = None,
              check: bool = True, attention: bool = True, skip_layer_norm: bool = False) -> dict[str, int]:
    """Apply ONNX Runtime's BERT graph fusions to a plain fp32 export; return the fused operator counts.

    ``config`` is the checkpoint's ``config.json`` (heads and hidden size; without it they are read from the
    graph). ``attention=False`` fuses everything but the attention blocks (their Q, K, V projections then stay
    three MatMuls, quantised with 8-bit weights; ``QAttention`` uses 7-bit). ``skip_layer_norm=True`` also fuses
    each residual add into its layer norm (``SkipLayerNormalization``, slower on the CPUs measured). Raises
    :class:`~genre_detect.errors.ModelError` (E202) if the attention blocks did not fuse, or if the fused graph's
    logits differ from the plain graph's by more than 1e-3 on a padded random batch (``check``).
    """
    require("onnxruntime", "train")
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    heads, hidden = _heads_and_hidden(config)
    options = FusionOptions("bert")
    # 1-D mask index (key lengths) needs right padding, which the runtime always uses; it is the fastest mask form.
    options.enable_gelu_approximation = False  # exact erf GELU, as trained
    options.enable_attention = attention
    # Residual + layer norm stay Add + LayerNormalization by default: with ONNX Runtime's SkipLayerNormalization CPU
    # kernel the fused int8 model ran 39.0 instead of 47.8 windows/s on one thread (experiments/skiplayernorm/skiplayernorm_check.py).
    # The runtime keeps the load-time optimizer from fusing them back
    # (genre_detect.pipeline.runtime.DISABLED_OPTIMIZERS).
    options.enable_skip_layer_norm = skip_layer_norm
    options.enable_bias_skip_layer_norm = skip_layer_norm
    # opt_level 0: Python fusions only. ONNX Runtime's own (machine-specific) optimisations run at load time.
    model = optimize_model(str(fp32_file), model_type="bert", num_heads=heads, hidden_size=hidden,
                           optimization_options=options, opt_level=0)
    stats = {k: int(v) for k, v in model.get_fused_operator_statistics().items() if k in FUSED_OPS and v}
    layers = int((config or {}).get("num_hidden_layers", 0)) or None
    if attention and (not stats.get("Attention") or (layers and stats["Attention"] != layers)):
        raise ModelError("E202", f"attention did not fuse ({stats.get('Attention', 0)} of {layers or '?'} layers); "
                                 "export with fuse=False or check the onnxruntime/transformers versions",
                         source=str(fp32_file))
    fused_file = Path(fused_file)
    model.save_model_to_file(str(fused_file))
    if check:
        delta = _max_logit_delta(Path(fp32_file), fused_file, config)
        if delta > 1e-3:
            raise ModelError("E202", f"fused graph differs from the plain one (max |logit delta| {delta:.2e})",
                             source=str(fp32_file))
    return stats


def _max_logit_delta(a: Path, b: Path, config: dict | None, seq: int = 48) -> float:
    """Largest logit difference between two ONNX files on a random batch of three rows, two of them padded."""
    import numpy as np
    import onnxruntime as ort

    vocab = int((config or {}).get("vocab_size", 100))
    rng = np.random.default_rng(0)
    ids = rng.integers(1, vocab, (3, seq)).astype(np.int64)
    mask = np.ones_like(ids)
    mask[1, seq // 2 :] = 0
    mask[2, 5:] = 0
    ids[mask == 0] = 0
    out = []
    for f in (a, b):
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        sess = ort.InferenceSession(str(f), opts, providers=["CPUExecutionProvider"])
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in {i.name for i in sess.get_inputs()}:
            feeds["token_type_ids"] = np.zeros_like(ids)
        out.append(sess.run(["logits"], feeds)[0])
    return float(np.abs(out[0] - out[1]).max())


def quantize_int8(fp32_file: str | Path, int8_file: str | Path, per_channel: bool = True,
                  op_types: list[str] | None = None) -> Path:
    """Dynamic int8 quantisation (weights per channel, activations at run time) of a plain or fused graph.

    ``op_types`` limits which operators are quantised (default: all ONNX Runtime can, i.e. ``MatMul``, ``Attention``
    -> ``QAttention``, ``EmbedLayerNormalization`` and ``Gather``).
    """
    require("onnxruntime", "train")
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # The fused graph's com.microsoft operators have no ONNX shape inference: their outputs are declared fp32.
    extra = {"DefaultTensorType": onnx.TensorProto.FLOAT}
    quantize_dynamic(str(fp32_file), str(int8_file), per_channel=per_channel, weight_type=QuantType.QInt8,
                     op_types_to_quantize=op_types, extra_options=extra)
    return Path(int8_file)


def quantize_static_int8(fp32_file: str | Path, int8_file: str | Path, windows: list, per_channel: bool = True,
                         matmul_weights_only: bool = False) -> Path:
    """Static int8 quantisation in QDQ form: activation scales fixed from ``windows`` (1-D token-id arrays, e.g.
    from the training fold) instead of computed per pass; the attention products are quantised too unless
    ``matmul_weights_only``. An experiment next to :func:`quantize_int8` (``eval/export_check.py``,
    ``eval/bench_speed.py --variants``); no shipped recipe uses it.
    """
    require("onnxruntime", "train")
    import numpy as np
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

    class Windows(CalibrationDataReader):
        def __init__(self) -> None:
            self.items = iter(windows)

        def get_next(self) -> dict | None:
            w = next(self.items, None)
            if w is None:
                return None
            ids = np.asarray(w, dtype=np.int64)[None, :]
            return {"input_ids": ids, "attention_mask": np.ones_like(ids)}

    quantize_static(str(fp32_file), str(int8_file), Windows(), quant_format=QuantFormat.QDQ,
                    op_types_to_quantize=["MatMul"], per_channel=per_channel, activation_type=QuantType.QUInt8,
                    weight_type=QuantType.QInt8,
                    extra_options={"MatMulConstBOnly": matmul_weights_only,
                                   "DefaultTensorType": __import__("onnx").TensorProto.FLOAT})
    return Path(int8_file)


def export_info(onnx_file: str | Path) -> dict:
    """The export recipe stored in an ONNX file's metadata (``{}`` for files from before recipe 2)."""
    import onnx

    model = onnx.load(str(onnx_file), load_external_data=False)
    for prop in model.metadata_props:
        if prop.key == METADATA_KEY:
            return json.loads(prop.value)
    return {}


def _stamp(onnx_file: Path, info: dict) -> None:
    import onnx

    model = onnx.load(str(onnx_file))
    for prop in list(model.metadata_props):
        if prop.key == METADATA_KEY:
            model.metadata_props.remove(prop)
    model.metadata_props.add(key=METADATA_KEY, value=json.dumps(info, sort_keys=True))
    onnx.save(model, str(onnx_file))


def reexport_onnx(fp32_file: str | Path, out: str | Path, config: dict | str | Path | None = None,
                  fuse: bool = True, quantize: bool = True, op_types: list[str] | None = None,
                  attention: bool = True, skip_layer_norm: bool = False) -> Path:
    """Turn a plain fp32 ONNX export into the model file the Detector loads: fused (``fuse``; ``attention`` as in
    :func:`fuse_onnx`), then int8 (``quantize``; ``op_types`` as in :func:`quantize_int8`). No torch needed.

    ``out`` is a model directory (``model.onnx`` is written in it) or a ``.onnx`` file. ``config`` is the
    checkpoint's config as a dict or a ``config.json`` path; by default ``config.json`` next to ``out``.

    Example:
        >>> reexport_onnx("runs/minilm/model.fp32.onnx", "runs/minilm/model")   # doctest: +SKIP
    """
    fp32_file, out = Path(fp32_file), Path(out)
    target = out if out.suffix == ".onnx" else out / "model.onnx"
    if config is None and (target.parent / "config.json").is_file():
        config = target.parent / "config.json"
    if isinstance(config, (str, Path)):
        config = json.loads(Path(config).read_text(encoding="utf-8"))
    target.parent.mkdir(parents=True, exist_ok=True)
    info: dict = {"recipe": EXPORT_RECIPE if fuse else 1, "fused": {}, "quantized": None}
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        current = fp32_file
        if fuse:
            info["fused"] = fuse_onnx(current, Path(tmp) / "fused.onnx", config, attention=attention,
                                      skip_layer_norm=skip_layer_norm)
            current = Path(tmp) / "fused.onnx"
        if quantize:
            quantize_int8(current, Path(tmp) / "int8.onnx", op_types=op_types)
            current = Path(tmp) / "int8.onnx"
            info["quantized"] = {"mode": "dynamic", "weights": "int8 per channel",
                                 "op_types": op_types or "all"}
        staged = Path(tmp) / "stamped.onnx"
        staged.write_bytes(current.read_bytes())
        _stamp(staged, info)
        os.replace(staged, target)  # a reader never sees half a model
    return target


def export_model(checkpoint: str | Path, model_dir: str | Path, settings: ModelSettings | None = None,
                 quantize: bool = True, keep_fp32: Path | None = None, fuse: bool = True) -> Path:
    """Write a complete model directory: ``model.onnx`` (fused int8 unless ``fuse``/``quantize`` say otherwise),
    tokenizer, configs. ``keep_fp32`` keeps the plain fp32 export there (the reference for agreement checks)."""
    checkpoint, model_dir = Path(checkpoint), Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    cfg = json.loads((checkpoint / "config.json").read_text(encoding="utf-8"))
    # ONNX Runtime's fusions match BERT's attention; MPNet's (the teacher's) adds a relative position bias that they
    # do not match, so any other architecture is exported plain.
    fuse = fuse and cfg.get("model_type", "bert") == "bert"
    with tempfile.TemporaryDirectory(dir=model_dir) as tmp:
        fp32 = Path(keep_fp32) if keep_fp32 else Path(tmp) / "model.fp32.onnx"
        export_onnx(checkpoint, fp32)
        reexport_onnx(fp32, model_dir / "model.onnx", config=cfg, fuse=fuse, quantize=quantize)
    cfg["id2label"] = {str(i): g for i, g in enumerate(GENRES)}
    cfg["label2id"] = {g: i for i, g in enumerate(GENRES)}
    (model_dir / "config.json").write_text(json.dumps(cfg, indent=2) + "\n", encoding="utf-8")
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"):
        src = checkpoint / name
        if src.is_file():
            (model_dir / name).write_bytes(src.read_bytes())
    settings = settings or ModelSettings()
    from .trainer import library_versions

    settings.versions = library_versions()
    settings.save(model_dir)
    return model_dir
