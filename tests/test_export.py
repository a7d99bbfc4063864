"""The export pipeline: plain fp32 ONNX -> ONNX Runtime's BERT fusions -> dynamic int8, for every read-out."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
onnx = pytest.importorskip("onnx")

import onnxruntime as ort

from genre_detect.errors import ModelError
from genre_detect.training.export import (
    EXPORT_RECIPE,
    export_info,
    export_model,
    export_onnx,
    fuse_onnx,
    reexport_onnx,
)

LAYERS = 2


def _checkpoint(out: Path, readout: str, seed: int = 0) -> Path:
    """A random 2-layer BERT classifier checkpoint with the tiny tokenizer of conftest, read-out ``readout``."""
    from conftest import _tiny_tokenizer_json
    from tokenizers import Tokenizer

    from genre_detect.training.trainer import _build_classifier_class

    torch.manual_seed(seed)
    ckpt = out / "checkpoint"
    ckpt.mkdir(parents=True, exist_ok=True)
    _tiny_tokenizer_json(ckpt / "tokenizer.json")
    vocab = Tokenizer.from_file(str(ckpt / "tokenizer.json")).get_vocab_size()
    config = transformers.BertConfig(vocab_size=vocab, hidden_size=32, num_hidden_layers=LAYERS,
                                     num_attention_heads=4, intermediate_size=64, max_position_embeddings=128)
    model = _build_classifier_class()(transformers.BertModel(config, add_pooling_layer=False), 3,
                                      readout=readout).eval()
    if readout == "mix":  # away from the uniform start, so that a dropped layer would show
        with torch.no_grad():
            model.layer_weights.copy_(torch.tensor([1.5, -0.7]))
    model.save(ckpt, ckpt)
    return ckpt


def _batch(vocab: int, seq: int = 40) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    ids = rng.integers(5, vocab, (4, seq)).astype(np.int64)
    mask = np.ones_like(ids)
    mask[1, 30:] = 0
    mask[3, 7:] = 0
    ids[mask == 0] = 0
    return ids, mask


def _onnx_logits(path: Path, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return sess.run(["logits"], {"input_ids": ids, "attention_mask": mask})[0]


def _ops(path: Path) -> Counter:
    return Counter(n.op_type for n in onnx.load(str(path)).graph.node)


@pytest.fixture(scope="module", params=["last", "mix", "layer:1"])
def exported(request, tmp_path_factory):
    """(checkpoint, plain fp32 file, fused fp32 file, fused int8 model dir, fusion stats) for one read-out."""
    out = tmp_path_factory.mktemp("export-" + request.param.replace(":", ""))
    ckpt = _checkpoint(out, request.param)
    plain = export_onnx(ckpt, out / "plain.onnx")
    config = json.loads((ckpt / "config.json").read_text(encoding="utf-8"))
    stats = fuse_onnx(plain, out / "fused.onnx", config)
    model_dir = export_model(ckpt, out / "model", keep_fp32=out / "kept.fp32.onnx")
    return ckpt, plain, out / "fused.onnx", model_dir, stats, config


def test_every_block_fuses(exported):
    _, _, fused, model_dir, stats, config = exported
    layers = config["num_hidden_layers"]
    assert stats["Attention"] == layers and stats["EmbedLayerNormalization"] == 1
    # Residual adds stay separate from the layer norms (SkipLayerNormalization is the slower kernel on CPU).
    assert stats["LayerNormalization"] == 2 * layers and "SkipLayerNormalization" not in stats
    assert stats.get("BiasGelu", 0) + stats.get("Gelu", 0) == layers
    ops = _ops(fused)
    assert ops["Attention"] == layers and "Softmax" not in ops and "Erf" not in ops
    # After quantisation the attention blocks' Q, K, V projections run as int8 too.
    int8_ops = _ops(model_dir / "model.onnx")
    assert int8_ops["QAttention"] == layers and int8_ops["Attention"] == 0 and "MatMul" not in int8_ops


def test_fused_graph_computes_the_torch_model(exported):
    ckpt, plain, fused, _, _, config = exported
    from genre_detect.training import load_checkpoint

    ids, mask = _batch(config["vocab_size"])
    with torch.no_grad():
        ref = load_checkpoint(ckpt)(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()
    assert np.abs(_onnx_logits(plain, ids, mask) - ref).max() < 1e-4
    assert np.abs(_onnx_logits(fused, ids, mask) - ref).max() < 1e-4  # padded rows included


def test_int8_stays_close_to_fp32(exported):
    _, plain, _, model_dir, _, config = exported
    ids, mask = _batch(config["vocab_size"])
    p32 = _softmax(_onnx_logits(plain, ids, mask))
    p8 = _softmax(_onnx_logits(model_dir / "model.onnx", ids, mask))
    assert np.abs(p8 - p32).max() < 0.05


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def test_reexport_from_the_fp32_file_alone_matches_the_export(exported, tmp_path):
    """The kept fp32 file plus config.json give the same model as exporting from the torch checkpoint."""
    _, _, _, model_dir, _, config = exported
    (tmp_path / "config.json").write_text(json.dumps(config), encoding="utf-8")
    again = reexport_onnx(model_dir.parent / "kept.fp32.onnx", tmp_path)
    assert again == tmp_path / "model.onnx"
    ids, mask = _batch(config["vocab_size"])
    assert np.array_equal(_onnx_logits(again, ids, mask), _onnx_logits(model_dir / "model.onnx", ids, mask))
    assert export_info(again) == export_info(model_dir / "model.onnx")


def test_the_recipe_is_stamped_in_the_model(exported, tmp_path):
    _, plain, _, model_dir, _, config = exported
    info = export_info(model_dir / "model.onnx")
    assert info["recipe"] == EXPORT_RECIPE == 2
    assert info["fused"]["Attention"] == config["num_hidden_layers"]
    assert info["quantized"]["weights"] == "int8 per channel"
    old = reexport_onnx(plain, tmp_path / "old.onnx", config=config, fuse=False)
    assert export_info(old)["recipe"] == 1 and export_info(old)["fused"] == {}
    assert "QAttention" not in _ops(old) and _ops(old)["MatMulInteger"] > 0
    assert export_info(plain) == {}


def test_a_wrong_layer_count_is_a_coded_error(exported, tmp_path):
    _, plain, _, _, _, config = exported
    with pytest.raises(ModelError) as info:
        fuse_onnx(plain, tmp_path / "f.onnx", {**config, "num_hidden_layers": config["num_hidden_layers"] + 1})
    assert info.value.code == "E202" and "did not fuse" in info.value.message


def test_a_fusion_that_changes_the_output_is_refused(exported, tmp_path, monkeypatch):
    from genre_detect.training import export

    _, plain, _, _, _, config = exported
    monkeypatch.setattr(export, "_max_logit_delta", lambda *a, **k: 0.5)
    with pytest.raises(ModelError) as info:
        fuse_onnx(plain, tmp_path / "f.onnx", config)
    assert info.value.code == "E202" and "differs" in info.value.message


def test_fp32_model_directory_is_fused_but_not_quantised(tmp_path):
    ckpt = _checkpoint(tmp_path, "last", seed=2)
    model_dir = export_model(ckpt, tmp_path / "fp32", quantize=False)
    ops = _ops(model_dir / "model.onnx")
    assert ops["Attention"] == LAYERS and "QAttention" not in ops and "MatMulInteger" not in ops
    assert export_info(model_dir / "model.onnx")["quantized"] is None
    assert not list(model_dir.glob("*.tmp*")) and not list(model_dir.glob("tmp*"))


def test_every_fusion_but_attention(exported, tmp_path):
    _, plain, _, _, _, config = exported
    ids, mask = _batch(config["vocab_size"])
    stats = fuse_onnx(plain, tmp_path / "f.onnx", config, attention=False)
    # The embedding fusion needs the attention blocks' 1-D mask, so it goes with them.
    assert "Attention" not in stats and stats.get("BiasGelu", 0) == config["num_hidden_layers"]
    assert np.abs(_onnx_logits(tmp_path / "f.onnx", ids, mask) - _onnx_logits(plain, ids, mask)).max() < 1e-4
    int8 = reexport_onnx(plain, tmp_path / "int8.onnx", config=config, attention=False)
    ops = _ops(int8)
    assert "QAttention" not in ops and ops["Softmax"] == config["num_hidden_layers"]
    assert ops["MatMulInteger"] >= 6 * config["num_hidden_layers"] // 2  # Q, K, V, output, two feed-forward


def test_skip_layer_norm_fusion_on_request_and_the_runtime_keeps_it_off(exported, tmp_path):
    """The residual adds fuse into SkipLayerNormalization only when asked; the runtime does not fuse them at load."""
    import onnxruntime as ort

    from genre_detect.pipeline.runtime import DISABLED_OPTIMIZERS

    _, plain, fused, model_dir, _, config = exported
    stats = fuse_onnx(plain, tmp_path / "sln.onnx", config, skip_layer_norm=True)
    assert stats["SkipLayerNormalization"] == 2 * config["num_hidden_layers"]
    opts = ort.SessionOptions()
    opts.optimized_model_filepath = str(tmp_path / "loaded.onnx")
    ort.InferenceSession(str(model_dir / "model.onnx"), opts, providers=["CPUExecutionProvider"],
                         disabled_optimizers=DISABLED_OPTIMIZERS)
    assert "SkipLayerNormalization" not in _ops(tmp_path / "loaded.onnx")
