"""Speed benchmark: the shipped int8 ONNX model against fp32 torch, fp32 ONNX, the TF-IDF baseline and the machine's
own matrix-multiply floor, plus cold start and ``--help`` time. Prints one table; ``--json FILE`` keeps the figures.

The floor: the encoder's FLOPs per window (QKV/output projections, attention scores and context, feed-forward) at
the window length the model uses, divided by the fp32 GFLOP/s that numpy and ONNX Runtime's own MatMul reach on this
CPU at the feed-forward shape. A ratio of 1.0 means "as fast as pure fp32 matrix multiplication could go"; int8 can
pass it. Nothing here is a test: it prints figures.

Usage:
    python eval/bench_speed.py                  # the shipped model, default settings
    python eval/bench_speed.py --sweep          # also batch size, threads and ORT graph options vs windows/s
    python eval/bench_speed.py --profile        # also ONNX Runtime's kernel time by operator
    python eval/bench_speed.py --model DIR --checkpoint runs/minilm/checkpoint --json speed.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
ARTICLE_WORDS = 1500


# -- inputs -------------------------------------------------------------------------------------------------------
def synth_article(words: int = ARTICLE_WORDS, variant: int = 0) -> str:
    """A ``words``-word article made of the repository's own examples, paragraphs repeated (shuffled per variant)."""
    paras = [p.strip() for f in sorted((REPO / "examples").glob("*.txt"))
             for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    rng = random.Random(variant)
    out: list[str] = []
    count = 0
    while count < words:
        batch = paras[:]
        if variant:
            rng.shuffle(batch)
        for p in batch:
            out.append(p)
            count += len(p.split())
    return " ".join(" ".join(out).split()[:words])


def timed(fn: Callable[[], object], repeats: int, warmup: int = 1) -> float:
    """Median wall seconds of ``fn`` over ``repeats`` runs after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def cpu_busy(seconds: float = 1.0) -> float:
    """Share of all CPU time spent busy over ``seconds`` (from /proc/stat): other load skews every figure."""
    def snap() -> tuple[int, int]:
        vals = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        return sum(vals), vals[3] + vals[4]

    try:
        t0, i0 = snap()
        time.sleep(seconds)
        t1, i1 = snap()
        return 1 - (i1 - i0) / max(t1 - t0, 1)
    except OSError:
        return float("nan")


# -- the floor ----------------------------------------------------------------------------------------------------
def encoder_flops(seq: int, layers: int = 6, hidden: int = 384, intermediate: int = 1536) -> dict[str, float]:
    """FLOPs (2 per multiply-add) of one window through a BERT encoder, by part; heads do not change the count.

    Example:
        >>> round(encoder_flops(256)["total"] / 1e9, 2)
        6.04
    """
    parts = {
        "qkv_out_projections": 4 * 2 * seq * hidden * hidden,
        "attention_scores": 2 * seq * seq * hidden,  # Q K^T over all heads together
        "attention_context": 2 * seq * seq * hidden,  # softmax(...) V
        "feed_forward": 2 * 2 * seq * hidden * intermediate,
    }
    out = {k: float(v * layers) for k, v in parts.items()}
    out["total"] = sum(out.values())
    return out


def numpy_matmul_gflops(m: int, k: int, n: int, repeats: int = 10) -> float:
    a = np.random.default_rng(0).standard_normal((m, k), dtype=np.float32)
    b = np.random.default_rng(1).standard_normal((k, n), dtype=np.float32)
    return 2 * m * k * n / timed(lambda: a @ b, repeats, warmup=2) / 1e9


def ort_matmul_gflops(m: int, k: int, n: int, threads: int, repeats: int = 10, int8: bool = False) -> float:
    """GFLOP/s of ONNX Runtime's own fp32 MatMul (weight as an initializer, as in the model) on this CPU, the better
    of one call over ``threads`` threads and ``threads`` single-threaded calls at once; with ``int8``, the same
    MatMul after the dynamic per-channel quantisation the shipped model uses (GOP/s)."""
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    w = np.random.default_rng(1).standard_normal((k, n), dtype=np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])], "mm",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [m, k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])],
        initializer=[numpy_helper.from_array(w, "w")])
    data = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()
    if int8:
        from genre_detect.export import quantize_int8

        with tempfile.TemporaryDirectory() as tmp:
            Path(tmp, "fp32.onnx").write_bytes(data)
            data = quantize_int8(Path(tmp, "fp32.onnx"), Path(tmp, "int8.onnx")).read_bytes()
    x = np.random.default_rng(0).standard_normal((m, k), dtype=np.float32)
    flop = 2 * m * k * n
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    sess = ort.InferenceSession(data, opts, providers=["CPUExecutionProvider"])
    one_call = flop / timed(lambda: sess.run(None, {"x": x}), repeats, warmup=2)
    if threads == 1:
        return one_call / 1e9
    # The same MatMuls on ``threads`` single-threaded lanes at once (the layout the Detector uses): the floor is
    # whichever layout gets more out of the cores, so that no model figure can beat it by using a better layout.
    from concurrent.futures import ThreadPoolExecutor

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    lane = ort.InferenceSession(data, opts, providers=["CPUExecutionProvider"])
    with ThreadPoolExecutor(threads) as pool:
        def run() -> None:
            list(pool.map(lambda _: lane.run(None, {"x": x}), range(threads * 4)))

        lanes = flop * threads * 4 / timed(run, repeats, warmup=2)
    return max(one_call, lanes) / 1e9


# -- models -------------------------------------------------------------------------------------------------------
def full_windows(detector, count: int) -> list[np.ndarray]:
    """``count`` full-length windows (max_length tokens) cut from the synthetic article."""
    wins = [w.ids for w in detector.prepare([synth_article()])[0].windows
            if w.ids.shape[0] == detector.settings.max_length]
    return [wins[i % len(wins)] for i in range(count)]


def onnx_windows_per_s(model, windows: list[np.ndarray], batch_size: int, repeats: int) -> float:
    """Through ``OnnxModel.run_batches``, the path the Detector takes (lanes included)."""
    batches = [windows[k : k + batch_size] for k in range(0, len(windows), batch_size)]

    def run() -> None:
        model.run_batches(batches)

    return len(windows) / timed(run, repeats)


def torch_checkpoint(checkpoint: Path | None, tmp: Path) -> tuple[Path, str]:
    """The lead's training checkpoint if present, else the same architecture from the base model (untrained head:
    speed does not depend on the weights' values)."""
    if checkpoint and (checkpoint / "model.safetensors").is_file():
        return checkpoint, f"trained checkpoint {checkpoint}"
    from genre_detect.training import _build_classifier_class, base_model_path

    base = base_model_path()
    out = tmp / "base-checkpoint"
    _build_classifier_class().from_base(base, 3).save(out, base)
    return out, f"base all-MiniLM-L6-v2 + untrained head (no checkpoint at {checkpoint})"


def torch_windows_per_s(model, windows: list[np.ndarray], batch_size: int, repeats: int) -> float:
    import torch

    batches = [torch.from_numpy(np.stack(windows[k : k + batch_size])) for k in range(0, len(windows), batch_size)]

    def run() -> None:
        with torch.inference_mode():
            for ids in batches:
                model(ids, torch.ones_like(ids))

    return len(windows) / timed(run, repeats)


def torch_article_s(detector, model, article: str, repeats: int) -> float:
    """One article end to end with the torch model in place of ONNX: same preparation, same batching."""
    import torch

    def run() -> None:
        prep = detector.prepare([article])[0]
        with torch.inference_mode():
            for k in range(0, len(prep.windows), detector.settings.batch_size):
                ids = torch.from_numpy(np.stack([w.ids for w in prep.windows[k : k + detector.settings.batch_size]]))
                model(ids, torch.ones_like(ids))

    return timed(run, repeats)


def tfidf_articles_per_s(n_fit: int = 300, n_score: int = 200) -> tuple[float, str]:
    """Fit TF-IDF + logistic regression on ``n_fit`` texts, then time scoring ``n_score`` distinct articles."""
    try:
        from genre_detect.baselines import TfidfBaseline, model_view
    except ImportError:
        TfidfBaseline, model_view = None, None
    texts = [synth_article(random.Random(i).randint(50, 600), variant=i + 1) for i in range(n_fit)]
    labels = [i % 2 for i in range(n_fit)]
    articles = [synth_article(variant=10_000 + i) for i in range(n_score)]
    if TfidfBaseline is not None:
        base = TfidfBaseline(min_df=1).fit(texts, labels)
        model_view.cache_clear()  # its text cache would otherwise turn repeats into look-ups
        source = "genre_detect.baselines.TfidfBaseline"
        score: Callable[[list[str]], object] = base.predict_proba
    else:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        pipe = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LogisticRegression(max_iter=500))
        pipe.fit(texts, labels)
        source, score = "local TfidfVectorizer + LogisticRegression", pipe.predict_proba
    t0 = time.perf_counter()
    score(articles)
    return n_score / (time.perf_counter() - t0), source


def subprocess_s(args: list[str], repeats: int) -> float:
    """Median wall time of a fresh process (what a user waits for)."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


# -- sweeps -------------------------------------------------------------------------------------------------------
def sweep(detector, windows: list[np.ndarray], repeats: int) -> None:
    """Windows/s of the int8 model by batch size, threads and ORT session options (each with the rest default)."""
    import onnxruntime as ort

    from genre_detect.runtime import OnnxModel

    print("\n## sweep: int8 windows/s (full windows)")
    for bs in (1, 4, 8, 16, 32, 64):
        print(f"batch {bs:>3}: {onnx_windows_per_s(detector.model, windows, bs, repeats):7.1f}")
    batch_independence(detector)
    path = detector.model_dir / "model.onnx"
    bs = detector.settings.batch_size
    for threads, lanes in ((1, 1), (2, 1), (2, 2)):
        model = OnnxModel(path, threads, lanes=lanes)
        print(f"{threads} cores, {lanes} lane(s): {onnx_windows_per_s(model, windows, bs, repeats):7.1f}")
    print(f"2 processes x 1 thread, together: {two_processes(path, windows, bs, repeats):7.1f}")
    for level in ("ORT_ENABLE_BASIC", "ORT_ENABLE_EXTENDED", "ORT_ENABLE_ALL"):
        model = OnnxModel(path, lanes=1)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 2
        opts.graph_optimization_level = getattr(ort.GraphOptimizationLevel, level)
        model.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        print(f"{level}: {onnx_windows_per_s(model, windows, bs, repeats):7.1f}")
    for spin in ("0", "1"):
        model = OnnxModel(path, lanes=1)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 2
        opts.add_session_config_entry("session.intra_op.allow_spinning", spin)
        model.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        print(f"allow_spinning={spin}: {onnx_windows_per_s(model, windows, bs, repeats):7.1f}")


def batch_independence(detector, n: int = 300, shared_batch: int = 16) -> None:
    """Short texts scored one window per forward pass vs windows of many texts sharing a pass: speed and how far
    a text's satire probability moves with its batch-mates (int8 activation scales are computed per pass)."""
    words = synth_article(6000, variant=3).split()
    rng = random.Random(0)
    texts = []
    for _ in range(n):
        start, length = rng.randrange(0, len(words) - 130), rng.choice([15, 30, 60, 120])
        texts.append(" ".join(words[start : start + length]))
    keep = detector.settings.batch_size
    print(f"\n## batch independence: {n} short texts (15-120 words)")
    try:
        for bs in (1, shared_batch):
            detector.settings.batch_size = bs
            t0 = time.perf_counter()
            together = detector.satire_proba(texts)
            rate = n / (time.perf_counter() - t0)
            alone = np.array([detector.satire_proba([t])[0] for t in texts])
            diff = np.abs(together - alone)
            print(f"batch_size {bs:>2}: {rate:6.1f} texts/s; scored together vs alone: max |dp| {diff.max():.4f}, "
                  f"mean {diff.mean():.4f}, labels differ {int(((together >= 0.5) != (alone >= 0.5)).sum())}")
    finally:
        detector.settings.batch_size = keep


def _one_process(args: tuple) -> tuple[float, float, float]:
    path, windows, bs, repeats, barrier = args
    from genre_detect.runtime import OnnxModel

    model = OnnxModel(path, threads=1)
    model.logits(windows[:bs])
    barrier.wait()  # both processes start timing together, so each runs beside the other
    t0 = time.perf_counter()
    for _ in range(repeats):
        for k in range(0, len(windows), bs):
            model.logits(windows[k : k + bs])
    return t0, time.perf_counter(), len(windows) * repeats


def two_processes(path: Path, windows: list[np.ndarray], bs: int, repeats: int) -> float:
    """Aggregate windows/s of two single-threaded processes running side by side (one per core)."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(2)
        with ctx.Pool(2) as pool:
            res = pool.map(_one_process, [(path, windows, bs, repeats, barrier)] * 2)
    return sum(n for _, _, n in res) / (max(e for _, e, _ in res) - min(s for s, _, _ in res))


def profile_ops(detector, windows: list[np.ndarray], top: int = 12) -> None:
    """Where an int8 forward pass spends its time: ONNX Runtime's own profiler, summed by operator type."""
    import json as _json
    from collections import Counter

    import onnxruntime as ort

    from genre_detect.runtime import default_threads

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = default_threads()
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.enable_profiling = True
    opts.profile_file_prefix = str(Path(tempfile.gettempdir()) / "genre-detect-ort-profile")
    session = ort.InferenceSession(str(detector.model_dir / "model.onnx"), opts, providers=["CPUExecutionProvider"])
    for w in windows:
        ids = w[None, :]
        session.run(["logits"], {"input_ids": ids, "attention_mask": np.ones_like(ids)})
    trace = Path(session.end_profiling())
    per_op: Counter = Counter()
    for event in _json.loads(trace.read_text(encoding="utf-8")):
        if event.get("cat") == "Node" and event.get("name", "").endswith("_kernel_time"):
            per_op[event["args"]["op_name"]] += event["dur"]
    trace.unlink()
    total = sum(per_op.values())
    print(f"\n## ONNX Runtime profile: {len(windows)} full windows one at a time, kernel time by operator "
          f"({total / 1000 / len(windows):.1f} ms per window while profiling)")
    for op, us in per_op.most_common(top):
        print(f"{op:32s} {us / 1000 / len(windows):6.2f} ms/window {us / total:6.1%}")


# -- main ---------------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=None, help="int8 model directory (default: the shipped model)")
    ap.add_argument("--checkpoint", default=str(REPO / "runs/minilm/checkpoint"), help="torch checkpoint")
    ap.add_argument("--windows", type=int, default=64, help="full windows per throughput run")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--stride", type=int, default=None,
                    help="what-if: override the model's window stride (fewer windows per article; changes scores)")
    ap.add_argument("--sweep", action="store_true", help="also sweep batch size, threads and ORT options")
    ap.add_argument("--profile", action="store_true", help="also print ONNX Runtime's kernel time by operator")
    ap.add_argument("--json", dest="json_out", default=None, help="write the figures to this file")
    args = ap.parse_args(argv)

    import torch

    from genre_detect import Detector
    from genre_detect.export import export_onnx
    from genre_detect.runtime import OnnxModel, default_threads
    from genre_detect.training import load_checkpoint

    threads = default_threads()
    torch.set_num_threads(threads)
    busy = cpu_busy()
    print(f"# genre-detect speed benchmark  ({threads} threads; CPU busy before start: {busy:.0%}; "
          f"load average {os.getloadavg()[0]:.2f})")
    det = Detector.load(args.model)
    s = det.settings
    if args.stride:
        s.stride = args.stride
    cfg = json.loads((det.model_dir / "config.json").read_text(encoding="utf-8"))
    flops = encoder_flops(s.max_length, cfg.get("num_hidden_layers", 6), cfg.get("hidden_size", 384),
                          cfg.get("intermediate_size", 1536))
    article = synth_article()
    prep = det.prepare([article])[0]
    n_win = len(prep.windows)
    print(f"model {det.model_dir} | window {s.max_length} tokens, stride {s.stride}, batch {s.batch_size}, "
          f"{det.model.lanes} lane(s) | "
          f"article: {ARTICLE_WORDS} words, {prep.num_tokens} tokens, {n_win} windows | "
          f"{flops['total'] / 1e9:.2f} GFLOP per window")

    # The machine's fp32 matmul rate at the feed-forward shape of one batch (the largest share of the FLOPs).
    m, k, n = s.batch_size * s.max_length, cfg.get("hidden_size", 384), cfg.get("intermediate_size", 1536)
    np_rate = numpy_matmul_gflops(m, k, n)
    ort_rate = ort_matmul_gflops(m, k, n, threads)
    int8_rate = ort_matmul_gflops(m, k, n, threads, int8=True)
    floor_ort = ort_rate * 1e9 / flops["total"]  # windows/s if the encoder ran at the matmul rate
    floor_np = np_rate * 1e9 / flops["total"]

    windows = full_windows(det, args.windows)
    r: dict[str, float] = {}
    r["int8_windows_s"] = onnx_windows_per_s(det.model, windows, s.batch_size, args.repeats)
    r["int8_article_ms"] = 1000 * timed(lambda: det.predict(article), args.repeats * 2)
    t_prep = timed(lambda: det.prepare([article]), args.repeats * 2)

    with tempfile.TemporaryDirectory() as tmp:
        ckpt, ckpt_note = torch_checkpoint(Path(args.checkpoint) if args.checkpoint else None, Path(tmp))
        tmodel = load_checkpoint(ckpt)
        r["torch_windows_s"] = torch_windows_per_s(tmodel, windows, s.batch_size, args.repeats)
        r["torch_article_ms"] = 1000 * torch_article_s(det, tmodel, article, args.repeats)
        # Reference only: torch at a large batch (its best case on CPU), which the shipped batch size forgoes.
        r["torch_windows_s_batch16"] = torch_windows_per_s(tmodel, windows, 16, args.repeats)
        # This machine's speed drifts over minutes, so the two figures above may come from different weather.
        # Alternating short rounds of both measure their ratio under the same conditions.
        rounds = [onnx_windows_per_s(det.model, windows, s.batch_size, 1)
                  / torch_windows_per_s(tmodel, windows, s.batch_size, 1) for _ in range(args.repeats)]
        r["int8_over_torch_interleaved"] = float(np.median(rounds))
        r["int8_over_torch_interleaved_range"] = [float(min(rounds)), float(max(rounds))]
        del tmodel
        fp32_file = export_onnx(ckpt, Path(tmp) / "model.fp32.onnx")
        fp32 = OnnxModel(fp32_file, threads)
        r["fp32_onnx_windows_s"] = onnx_windows_per_s(fp32, windows, s.batch_size, args.repeats)
        del fp32
    r["tfidf_articles_s"], tfidf_note = tfidf_articles_per_s()

    exe = str(Path(sys.executable).with_name("genre-detect"))
    one_file = str(REPO / "examples" / "parody_oped.txt")
    env_model = ["--model", str(det.model_dir)]
    r["cold_predict_s"] = subprocess_s([exe, "predict", *env_model, one_file], args.repeats)
    r["help_s"] = subprocess_s([exe, "--help"], args.repeats)
    floor_article_ms = 1000 * n_win / floor_ort

    def ratio(windows_s: float) -> str:
        return f"{windows_s / floor_ort:5.2f} / {windows_s / floor_np:5.2f}"

    rows = [
        ("numpy fp32 matmul GFLOP/s", f"{np_rate:.1f}", "", "", ""),
        ("ONNX Runtime fp32 MatMul GFLOP/s", f"{ort_rate:.1f}", "", "", ""),
        ("ONNX Runtime int8 dynamic MatMul GOP/s", f"{int8_rate:.1f}", "", "", ""),
        ("floor windows/s (ORT / numpy rate)", f"{floor_ort:.1f} / {floor_np:.1f}", " 1.00 /     -", "", ""),
        ("ONNX int8 windows/s", f"{r['int8_windows_s']:.1f}", ratio(r["int8_windows_s"]),
         ">= 3x torch fp32", _met(r["int8_windows_s"] >= 3 * r["torch_windows_s"])),
        ("ONNX fp32 windows/s", f"{r['fp32_onnx_windows_s']:.1f}", ratio(r["fp32_onnx_windows_s"]),
         ">= 0.80 of ORT floor", _met(r["fp32_onnx_windows_s"] >= 0.8 * floor_ort)),
        ("torch fp32 windows/s", f"{r['torch_windows_s']:.1f}", ratio(r["torch_windows_s"]), "", ""),
        ("ONNX int8 ms / 1,500-word article", f"{r['int8_article_ms']:.0f}",
         f"{floor_article_ms / r['int8_article_ms']:5.2f} /     -", "<= 150 ms", _met(r["int8_article_ms"] <= 150)),
        ("torch fp32 windows/s at batch 16 (reference)", f"{r['torch_windows_s_batch16']:.1f}",
         ratio(r["torch_windows_s_batch16"]), "", ""),
        ("torch fp32 ms / 1,500-word article", f"{r['torch_article_ms']:.0f}",
         f"{floor_article_ms / r['torch_article_ms']:5.2f} /     -", "", ""),
        ("TF-IDF baseline articles/s", f"{r['tfidf_articles_s']:.0f}",
         f"{r['tfidf_articles_s'] * n_win / floor_ort:5.1f} /     -", "", ""),
        ("cold `genre-detect predict` one file, s", f"{r['cold_predict_s']:.2f}", "", "<= 1.5 s",
         _met(r["cold_predict_s"] <= 1.5)),
        ("`genre-detect --help`, s", f"{r['help_s']:.2f}", "", "<= 0.5 s", _met(r["help_s"] <= 0.5)),
    ]
    print("\n| figure | value | x floor (ORT / numpy) | target | met |\n|---|---:|---:|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\nfloor = {flops['total'] / 1e9:.2f} GFLOP/window at the fp32 MatMul rate measured at "
          f"[{m}x{k}]x[{k}x{n}]; an article is {n_win} windows, so its floor is {floor_article_ms:.0f} ms. "
          f"Ratios > 1 are faster than fp32 matmul could be (int8). Article time: {1000 * t_prep:.1f} ms of it is "
          f"normalise + tokenise + window. int8 / torch fp32 windows/s: "
          f"{r['int8_windows_s'] / r['torch_windows_s']:.2f}x; in {args.repeats} alternating rounds of both "
          f"(same conditions), median {r['int8_over_torch_interleaved']:.2f}x (range "
          f"{r['int8_over_torch_interleaved_range'][0]:.2f}-{r['int8_over_torch_interleaved_range'][1]:.2f}x). "
          f"At the int8 MatMul rate the floor would be "
          f"{int8_rate * 1e9 / flops['total']:.1f} windows/s; int8 reaches "
          f"{r['int8_windows_s'] / (int8_rate * 1e9 / flops['total']):.2f} of it.")
    print("FLOPs per window by part (GFLOP): "
          + ", ".join(f"{k_} {v / 1e9:.2f}" for k_, v in flops.items() if k_ != "total"))
    print(f"torch/fp32 ONNX weights: {ckpt_note}. TF-IDF: {tfidf_note}, fitted on 300 texts. "
          f"Cold start and --help: median of {args.repeats} fresh processes. CPU busy after: {cpu_busy():.0%}.")
    if args.sweep:
        sweep(det, windows, args.repeats)
    if args.profile:
        profile_ops(det, windows[:20])
    result = {**r, "numpy_gflops": np_rate, "ort_gflops": ort_rate, "ort_int8_gops": int8_rate,
              "floor_windows_s": floor_ort, "flops_per_window": flops, "article_windows": n_win,
              "article_tokens": prep.num_tokens,
              "checkpoint": ckpt_note, "threads": threads}
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


if __name__ == "__main__":
    main()
