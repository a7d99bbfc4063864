"""Bounded load test of ``genre-detect serve`` on loopback: errors, p50/p95 latency and requests/s.

It starts the real server in a subprocess (the shipped model unless ``--model``), sends a fixed number of requests
from a fixed number of concurrent clients, and prints one table. Request texts are built from the repository's own
``examples/`` (never from ../shared): short excerpts, whole examples, and ~1,500- and ~3,000-word articles made by
repeating them, mixed in a seeded order. A short sequential phase first gives the unloaded latency per length.

    python eval/load_test.py                               # 300 requests, 8 concurrent, /v1/predict
    python eval/load_test.py --endpoint explain --requests 60
    python eval/load_test.py --url http://127.0.0.1:8000   # an already running server

Writes the figures to ``eval/results/serve/load_<endpoint>.json`` as well.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from genre_detect.service.process import free_port, serve_subprocess

REPO = Path(__file__).resolve().parents[1]
# (bucket, target words, share of the requests): most traffic is ordinary articles, some is long.
MIX = [("short", 60, 0.3), ("article", 300, 0.3), ("long", 1500, 0.3), ("very_long", 3000, 0.1)]


def build_texts(examples_dir: Path) -> dict[str, str]:
    """One text per bucket, made of the example articles' words (repeated whole paragraphs for the long ones)."""
    paras = []
    for f in sorted(examples_dir.glob("*.txt")):
        paras += [p.strip() for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    if not paras:
        raise SystemExit(f"no example texts in {examples_dir}")
    texts = {}
    for name, words, _ in MIX:
        out, n, i = [], 0, 0
        while n < words:
            p = paras[i % len(paras)]
            out.append(p)
            n += len(p.split())
            i += 1
        texts[name] = "\n\n".join(out)
    return texts


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation: every figure is a latency that was observed)."""
    s = sorted(values)
    return s[max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))]


def one_request(client: httpx.Client, path: str, body: dict) -> tuple[float, str | None]:
    """Latency in seconds and an error description (None when the answer was 200 with a label)."""
    t0 = time.perf_counter()
    try:
        r = client.post(path, json=body)
        dt = time.perf_counter() - t0
        if r.status_code != 200:
            return dt, f"HTTP {r.status_code}: {r.text[:200]}"
        if "label" not in r.json():
            return dt, "answer without a label"
        return dt, None
    except (httpx.HTTPError, ValueError) as exc:
        return time.perf_counter() - t0, f"{type(exc).__name__}: {exc}"


def run(url: str, endpoint: str, requests: int, concurrency: int, seed: int, sequential: int) -> dict:
    texts = build_texts(REPO / "examples")
    path = f"/v1/{endpoint}"
    rng = random.Random(seed)
    plan = rng.choices([m[0] for m in MIX], weights=[m[2] for m in MIX], k=requests)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with httpx.Client(base_url=url, timeout=120, limits=limits) as client:
        health = client.get("/health").json()
        # Unloaded latency: one request at a time, after one warm-up per bucket.
        unloaded = {}
        for name, _, _ in MIX:
            one_request(client, path, {"text": texts[name]})
            lat = [one_request(client, path, {"text": texts[name]})[0] for _ in range(sequential)]
            unloaded[name] = 1000 * statistics.median(lat)
        print("unloaded p50 ms: " + ", ".join(f"{k} {v:.0f}" for k, v in unloaded.items()), file=sys.stderr,
              flush=True)
        results: list[tuple[str, float, str | None]] = []
        lock = threading.Lock()

        def task(name: str) -> None:
            dt, err = one_request(client, path, {"text": texts[name]})
            with lock:
                results.append((name, dt, err))
                if len(results) % 50 == 0:
                    print(f"{len(results)}/{requests} requests", file=sys.stderr, flush=True)

        t0 = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(task, plan))
        wall = time.perf_counter() - t0
    lat_ms = [1000 * dt for _, dt, _ in results]
    errors = [e for _, _, e in results if e]
    by_bucket = {name: [1000 * dt for b, dt, _ in results if b == name] for name, _, _ in MIX}
    return {
        "endpoint": path, "requests": requests, "concurrency": concurrency, "seed": seed,
        "model": health.get("model"), "errors": len(errors), "error_examples": sorted(set(errors))[:5],
        "wall_s": wall, "requests_per_s": requests / wall,
        "latency_ms": {"p50": percentile(lat_ms, 50), "p95": percentile(lat_ms, 95), "p99": percentile(lat_ms, 99),
                       "max": max(lat_ms), "mean": statistics.fmean(lat_ms)},
        "buckets": {name: {"words": len(texts[name].split()), "requests": len(v),
                           "p50_ms": percentile(v, 50) if v else None, "p95_ms": percentile(v, 95) if v else None,
                           "unloaded_p50_ms": unloaded[name]} for name, v in by_bucket.items()},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }


def print_report(res: dict) -> None:
    lat = res["latency_ms"]
    print(f"{res['endpoint']}  model={res['model']}  {res['requests']} requests, {res['concurrency']} concurrent, "
          f"{res['machine']['cpus']} CPUs")
    print(f"errors: {res['errors']}" + (f"  e.g. {res['error_examples'][0]}" if res["errors"] else ""))
    print(f"latency ms: p50 {lat['p50']:.0f}  p95 {lat['p95']:.0f}  p99 {lat['p99']:.0f}  max {lat['max']:.0f}  "
          f"mean {lat['mean']:.0f}")
    print(f"throughput: {res['requests_per_s']:.2f} requests/s over {res['wall_s']:.1f} s")
    print(f"{'bucket':<10} {'words':>6} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'unloaded p50 ms':>16}")
    for name, b in res["buckets"].items():
        p50 = f"{b['p50_ms']:.0f}" if b["p50_ms"] is not None else "-"
        p95 = f"{b['p95_ms']:.0f}" if b["p95_ms"] is not None else "-"
        print(f"{name:<10} {b['words']:>6} {b['requests']:>4} {p50:>8} {p95:>8} {b['unloaded_p50_ms']:>16.0f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--endpoint", choices=["predict", "explain"], default="predict")
    ap.add_argument("--model", help="model directory (default: the shipped model)")
    ap.add_argument("--url", help="use this running server instead of starting one")
    ap.add_argument("--sequential", type=int, default=5, help="unloaded requests per length bucket first")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--serve-arg", action="append", default=[], help="extra argument for genre-detect serve")
    ap.add_argument("--out", type=Path, help="JSON output (default eval/results/serve/load_<endpoint>.json)")
    args = ap.parse_args(argv)
    if not 1 <= args.requests <= 10_000 or not 1 <= args.concurrency <= 64:
        ap.error("--requests must be 1-10000 and --concurrency 1-64 (this is a bounded test)")
    # SIGTERM (a timeout, a CI cancel) unwinds like Ctrl-C, so that the server child is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.url:
        res = run(args.url.rstrip("/"), args.endpoint, args.requests, args.concurrency, args.seed, args.sequential)
    else:
        with tempfile.TemporaryDirectory(prefix="gd-load-") as data_dir, \
                serve_subprocess(free_port(), data_dir, args.model, args.serve_arg) as url:
            res = run(url, args.endpoint, args.requests, args.concurrency, args.seed, args.sequential)
    print_report(res)
    out = args.out or REPO / "eval" / "results" / "serve" / f"load_{args.endpoint}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)
    return 1 if res["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
