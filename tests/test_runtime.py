"""The runtime's kernel layout (lanes x threads): chosen by a cached probe, never changing a score."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from genre_detect.pipeline import runtime
from genre_detect.pipeline.machine import CpuInfo, describe_cpu, parse_cpuinfo
from genre_detect.pipeline.runtime import Layout, OnnxModel, candidate_layouts, layout_cache_file

CPUINFO = """processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Example 8480
flags\t\t: fpu sse2 avx avx2 fma avx512f avx512bw avx512_vnni amx_tile amx_int8
processor\t: 1
model name\t: ignored second entry
"""


@pytest.fixture()
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("GENRE_DETECT_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("GENRE_DETECT_LANES", raising=False)
    monkeypatch.delenv("GENRE_DETECT_PROBE", raising=False)
    return tmp_path / "cache"


def _windows(n: int = 9) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [rng.integers(5, 100, int(rng.integers(3, 64))).astype(np.int64) for _ in range(n)]


def test_parse_cpuinfo_names_the_int8_features():
    info = parse_cpuinfo(CPUINFO, cores=2)
    assert info.model == "Intel(R) Xeon(R) Example 8480"
    assert info.has("avx512_vnni") and not info.has("avx_vnni")
    assert info.features == ("AVX2", "FMA", "AVX-512F", "AVX-512BW", "AVX-512 VNNI", "AMX-INT8")
    line = describe_cpu(info)
    assert line.startswith("Intel(R) Xeon(R) Example 8480, 2 usable cores;")
    assert "AVX-512 VNNI yes" in line and "AVX-VNNI no" in line and "AMX-INT8 yes" in line
    assert "unknown" in describe_cpu(parse_cpuinfo("", 1))


@pytest.mark.parametrize("cores,expected", [(1, [(1, 1)]), (2, [(2, 1), (1, 2)]), (3, [(3, 1), (1, 3)]),
                                            (8, [(8, 1), (4, 2), (1, 8)])])
def test_candidate_layouts_use_every_core(cores, expected):
    got = candidate_layouts(cores)
    assert [(x.lanes, x.threads) for x in got] == expected
    assert all(x.lanes * x.threads == cores for x in got)


def _probed(path, **kwargs):
    """A model whose owed layout probe has run (the runtime defers it to the first large job)."""
    model = OnnxModel(path, **kwargs)
    model.ensure_layout()
    return model


def test_the_probe_waits_for_a_job_worth_measuring(tiny_model_dir, cache_dir):
    from genre_detect.pipeline.runtime import PROBE_AFTER_WINDOWS

    model = OnnxModel(tiny_model_dir / "model.onnx", threads=2)
    assert model.layout_source == "default (probe pending)" and model.layout == Layout(2, 1)
    small = model.run_batches([[w] for w in _windows(2)])
    assert model.layout_source == "default (probe pending)" and not layout_cache_file().exists()
    big = model.run_batches([[w] for w in _windows(PROBE_AFTER_WINDOWS)])
    assert model.layout_source == "probe" and layout_cache_file().exists()
    assert np.array_equal(np.concatenate(small), np.concatenate(big)[:2])  # same scores before and after
    assert OnnxModel(tiny_model_dir / "model.onnx", threads=2).layout_source == "cache"


def test_probe_runs_once_then_the_cache_decides(tiny_model_dir, cache_dir):
    first = _probed(tiny_model_dir / "model.onnx", threads=2)
    assert first.layout_source == "probe"
    assert set(first.probe) == {str(x) for x in candidate_layouts(2)} and min(first.probe.values()) > 0
    entry = next(iter(json.loads(layout_cache_file().read_text(encoding="utf-8")).values()))
    assert Layout(entry["lanes"], entry["threads"]) == first.layout
    assert entry["window"] == 64 and entry["batch"] == 1  # the shape the Detector feeds this model

    again = _probed(tiny_model_dir / "model.onnx", threads=2)
    assert again.layout_source == "cache" and again.layout == first.layout and again.probe == first.probe


def test_the_cached_layout_is_the_one_used(tiny_model_dir, cache_dir):
    _probed(tiny_model_dir / "model.onnx", threads=2)
    data = json.loads(layout_cache_file().read_text(encoding="utf-8"))
    for forced in candidate_layouts(2):
        for entry in data.values():
            entry["lanes"], entry["threads"] = forced.lanes, forced.threads
        layout_cache_file().write_text(json.dumps(data), encoding="utf-8")
        model = _probed(tiny_model_dir / "model.onnx", threads=2)
        assert model.layout == forced and (model.lanes, model.threads) == (forced.lanes, forced.threads)


def test_another_model_or_cpu_probes_again(tiny_model_dir, cache_dir, tmp_path, monkeypatch):
    _probed(tiny_model_dir / "model.onnx", threads=2)
    import onnx

    other = tmp_path / "other"
    shutil.copytree(tiny_model_dir, other)
    model = onnx.load(str(other / "model.onnx"))
    model.metadata_props.add(key="note", value="same graph, other bytes")
    onnx.save(model, str(other / "model.onnx"))
    assert _probed(other / "model.onnx", threads=2).layout_source == "probe"
    monkeypatch.setattr(runtime, "cpu_info", lambda: CpuInfo("Another CPU", ("avx2",), ("AVX2",), 2))
    assert _probed(tiny_model_dir / "model.onnx", threads=2).layout_source == "probe"
    assert _probed(tiny_model_dir / "model.onnx", threads=3).layout_source == "probe"  # thread count is keyed
    assert len(json.loads(layout_cache_file().read_text(encoding="utf-8"))) >= 3


def test_given_env_and_disabled_layouts_skip_the_probe(tiny_model_dir, cache_dir, monkeypatch):
    path = tiny_model_dir / "model.onnx"
    m = OnnxModel(path, threads=4, lanes=2)
    assert (m.layout, m.layout_source) == (Layout(2, 2), "given")
    assert OnnxModel(path, threads=2, lanes=1).layout == Layout(1, 2)
    assert OnnxModel(path, threads=1).layout_source == "one core"
    monkeypatch.setenv("GENRE_DETECT_LANES", "1")
    assert (OnnxModel(path, threads=2).layout, OnnxModel(path, threads=2).layout_source) == (Layout(1, 2), "env")
    monkeypatch.setenv("GENRE_DETECT_LANES", "auto")
    monkeypatch.setenv("GENRE_DETECT_PROBE", "0")
    m = OnnxModel(path, threads=2)
    assert (m.layout, m.layout_source) == (Layout(2, 1), "default")
    assert not layout_cache_file().exists()


def test_a_broken_or_unwritable_cache_is_not_an_error(tiny_model_dir, cache_dir, monkeypatch, tmp_path):
    layout_cache_file().parent.mkdir(parents=True)
    layout_cache_file().write_text("{not json", encoding="utf-8")
    assert _probed(tiny_model_dir / "model.onnx", threads=2).layout_source == "probe"
    assert _probed(tiny_model_dir / "model.onnx", threads=2).layout_source == "cache"  # rewritten whole
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("GENRE_DETECT_CACHE", str(blocker / "sub"))  # cannot be created
    assert _probed(tiny_model_dir / "model.onnx", threads=2).layout_source == "probe"


def test_a_failing_probe_falls_back_to_one_lane_per_core(tiny_model_dir, cache_dir, monkeypatch):
    def boom(self, layouts, ids):
        raise RuntimeError("kernel refused the probe shape")

    monkeypatch.setattr(OnnxModel, "_run_probe", boom)
    m = _probed(tiny_model_dir / "model.onnx", threads=2)
    assert (m.layout, m.layout_source) == (Layout(2, 1), "default (probe failed)")
    assert m.logits(_windows(1)).shape == (1, 3)


@pytest.mark.parametrize("threads", [2, 4])
def test_every_layout_gives_the_same_bits(tiny_model_dir, cache_dir, threads):
    """Lanes and intra-op threads split work, never a sum: every candidate layout scores bit for bit alike,
    one window per pass and padded batches of four."""
    path = tiny_model_dir / "model.onnx"
    wins = _windows()
    for per_batch in (1, 4):
        batches = [wins[k : k + per_batch] for k in range(0, len(wins), per_batch)]
        ref = OnnxModel(path, threads=1).run_batches(batches)
        for layout in candidate_layouts(threads):
            model = OnnxModel(path, threads=threads, lanes=layout.lanes)
            assert model.layout == layout
            done = []
            got = model.run_batches(batches, done.append)
            assert sum(done) == len(wins)
            assert all(np.array_equal(a, b) for a, b in zip(ref, got))


def test_missing_and_corrupt_model_files_are_coded_errors(tmp_path, cache_dir):
    from genre_detect.errors import ModelError

    with pytest.raises(ModelError) as info:
        OnnxModel(tmp_path / "none.onnx")
    assert info.value.code == "E200"
    (tmp_path / "bad.onnx").write_bytes(b"not a model")
    with pytest.raises(ModelError) as info:
        OnnxModel(tmp_path / "bad.onnx", threads=2)
    assert info.value.code == "E200" and "cannot load" in info.value.message


def test_the_export_recipe_is_read_without_onnx_and_decides_the_optimizers(tiny_model_dir, cache_dir, tmp_path):
    """Recipe-2 models run without ONNX Runtime's SkipLayerNormFusion; older ones keep the defaults (and so their
    scores, bit for bit)."""
    import onnx

    from genre_detect.pipeline.runtime import DISABLED_OPTIMIZERS, export_recipe
    from genre_detect.training.export import export_info

    path = tiny_model_dir / "model.onnx"
    assert export_recipe(path) == export_info(path)["recipe"] == 2
    assert OnnxModel(path, threads=1).disabled_optimizers == DISABLED_OPTIMIZERS
    old = onnx.load(str(path))
    del old.metadata_props[:]
    old.metadata_props.add(key="other", value="x" * 300)  # a long entry before nothing: still recipe 1
    onnx.save(old, str(tmp_path / "old.onnx"))
    assert export_recipe(tmp_path / "old.onnx") == 1
    assert OnnxModel(tmp_path / "old.onnx", threads=1).disabled_optimizers == []
    long = onnx.load(str(path))
    long.metadata_props.add(key="note", value="y" * 20000)  # lengths of three varint bytes
    onnx.save(long, str(tmp_path / "long.onnx"))
    assert export_recipe(tmp_path / "long.onnx") == 2
    (tmp_path / "junk.onnx").write_bytes(b"\xff\xff\xff")
    assert export_recipe(tmp_path / "junk.onnx") == 1
