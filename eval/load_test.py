"""Bounded load test of ``genre-detect serve`` on loopback: predictions and long explanations at the same time.

It starts the real server in a subprocess (the shipped model unless ``--model``) with moderators' tokens on, then
runs two kinds of client at once until the predictions are done:

* ``--concurrency`` prediction clients send ``--requests`` predictions in all, of texts from 60 to 3,000 words;
* ``--explain-clients`` explanation clients (one token each) send explanations back to back, of 300, 1,500 and
  6,000 words in turn (the server's time budget, ``--explain-budget``, bounds each one).

Request texts are built from the repository's own ``examples/`` (never from ../shared), repeated paragraph by
paragraph. A short sequential phase first gives the unloaded prediction latency per length. The table gives, per
kind of request, errors, refusals (a full queue or a per-token limit, answered 503/429 as designed), p50/p95
latency, and for explanations how many stopped early at the budget.

    python eval/load_test.py                               # 300 predictions, 6 clients, 2 explanation clients
    python eval/load_test.py --explain-clients 0           # predictions only
    python eval/load_test.py --url http://127.0.0.1:8000 --token T   # an already running server

Writes the figures to ``eval/results/serve/load_mixed.json`` (``--out`` to change).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
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
# (bucket, target words, share of the predictions): most traffic is ordinary articles, some is long.
MIX = [("short", 60, 0.3), ("article", 300, 0.3), ("long", 1500, 0.3), ("very_long", 3000, 0.1)]
EXPLAIN_MIX = [("article", 300), ("long", 1500), ("very_long", 6000)]


def build_text(paras: list[str], words: int) -> str:
    out, n, i = [], 0, 0
    while n < words:
        p = paras[i % len(paras)]
        out.append(p)
        n += len(p.split())
        i += 1
    return "\n\n".join(out)


def build_texts(examples_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Prediction and explanation texts per bucket, made of the example articles' paragraphs."""
    paras = []
    for f in sorted(examples_dir.glob("*.txt")):
        paras += [p.strip() for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    if not paras:
        raise SystemExit(f"no example texts in {examples_dir}")
    return ({name: build_text(paras, words) for name, words, _ in MIX},
            {name: build_text(paras, words) for name, words in EXPLAIN_MIX})


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (no interpolation: every figure is a latency that was observed)."""
    if not values:
        return None
    s = sorted(values)
    return s[max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))]


def one_request(client: httpx.Client, path: str, body: dict) -> tuple[float, str, dict | None]:
    """Latency in seconds, an outcome (``ok``, ``refused`` for 429/503 by design, or an error text) and the JSON."""
    t0 = time.perf_counter()
    try:
        r = client.post(path, json=body)
        dt = time.perf_counter() - t0
        if r.status_code in (429, 503):
            return dt, "refused", None
        if r.status_code != 200:
            return dt, f"HTTP {r.status_code}: {r.text[:200]}", None
        data = r.json()
        return dt, ("ok" if "label" in data else "answer without a label"), data
    except (httpx.HTTPError, ValueError) as exc:
        return time.perf_counter() - t0, f"{type(exc).__name__}: {exc}", None


def summary(rows: list[tuple[str, float, str]]) -> dict:
    lat = [1000 * dt for _, dt, out in rows if out == "ok"]
    errors = sorted({out for _, _, out in rows if out not in ("ok", "refused")})
    return {"requests": len(rows), "ok": len(lat), "refused": sum(out == "refused" for _, _, out in rows),
            "errors": sum(out not in ("ok", "refused") for _, _, out in rows), "error_examples": errors[:5],
            "p50_ms": percentile(lat, 50), "p95_ms": percentile(lat, 95), "max_ms": max(lat) if lat else None}


def run(url: str, tokens: list[str], requests: int, concurrency: int, explain_clients: int, seed: int,
        sequential: int, max_seconds: float) -> dict:
    texts, explain_texts = build_texts(REPO / "examples")
    rng = random.Random(seed)
    plan = rng.choices([m[0] for m in MIX], weights=[m[2] for m in MIX], k=requests)
    limits = httpx.Limits(max_connections=concurrency + 2, max_keepalive_connections=concurrency + 2)
    auth = {"Authorization": f"Bearer {tokens[0]}"} if tokens else {}
    with httpx.Client(base_url=url, timeout=300, limits=limits, headers=auth) as client:
        health = client.get("/health").json()
        # Unloaded latency: one request at a time, after one warm-up per bucket.
        unloaded = {}
        for name, _, _ in MIX:
            one_request(client, "/v1/predict", {"text": texts[name]})
            lat = [one_request(client, "/v1/predict", {"text": texts[name]})[0] for _ in range(sequential)]
            unloaded[name] = 1000 * statistics.median(lat)
        print("unloaded p50 ms: " + ", ".join(f"{k} {v:.0f}" for k, v in unloaded.items()), file=sys.stderr,
              flush=True)
        predicts: list[tuple[str, float, str]] = []
        explains: list[tuple[str, float, str]] = []
        stopped_early = [0]
        lock = threading.Lock()
        finished = threading.Event()
        deadline = time.monotonic() + max_seconds

        def predict_task(name: str) -> None:
            if time.monotonic() > deadline:
                return
            dt, out, _ = one_request(client, "/v1/predict", {"text": texts[name]})
            with lock:
                predicts.append((name, dt, out))
                if len(predicts) % 50 == 0:
                    print(f"{len(predicts)}/{requests} predictions, {len(explains)} explanations", file=sys.stderr,
                          flush=True)

        def explain_client(k: int) -> None:
            token = tokens[(k + 1) % len(tokens)] if tokens else None
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            with httpx.Client(base_url=url, timeout=300, headers=headers) as mine:
                i = k
                while not finished.is_set() and time.monotonic() < deadline:
                    name = EXPLAIN_MIX[i % len(EXPLAIN_MIX)][0]
                    dt, out, data = one_request(mine, "/v1/explain", {"text": explain_texts[name]})
                    with lock:
                        explains.append((name, dt, out))
                        stopped_early[0] += bool(data and data.get("stopped_early"))
                    if out == "refused":
                        time.sleep(1.0)  # as the Retry-After asks, roughly
                    i += 1

        threads = [threading.Thread(target=explain_client, args=(k,), daemon=True) for k in range(explain_clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        if explain_clients:
            time.sleep(2.0)  # let the first explanations start before the predictions arrive
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(predict_task, plan))
        wall = time.perf_counter() - t0
        finished.set()
        for t in threads:
            t.join(300)  # the explanation in flight is finished, and counted
    by_bucket = {name: summary([r for r in predicts if r[0] == name]) for name, _, _ in MIX}
    for name, b in by_bucket.items():
        b.update(words=len(texts[name].split()), unloaded_p50_ms=unloaded[name])
    ex_bucket = {name: summary([r for r in explains if r[0] == name]) for name, _ in EXPLAIN_MIX}
    for name, b in ex_bucket.items():
        b["words"] = len(explain_texts[name].split())
    return {
        "model": health.get("model"), "seed": seed, "concurrency": concurrency, "explain_clients": explain_clients,
        "explain_budget_s": health.get("explain_budget_s"), "wall_s": wall,
        "predict": {**summary(predicts), "requests_per_s": len(predicts) / wall, "buckets": by_bucket},
        "explain": {**summary(explains), "stopped_early": stopped_early[0], "buckets": ex_bucket},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.0f}"


def print_report(res: dict) -> None:
    p, e = res["predict"], res["explain"]
    print(f"model={res['model']}  {p['requests']} predictions from {res['concurrency']} clients, "
          f"{e['requests']} explanations from {res['explain_clients']} clients, {res['machine']['cpus']} CPUs, "
          f"{res['wall_s']:.1f} s")
    for kind, s in (("predict", p), ("explain", e)):
        extra = f"  stopped early {s['stopped_early']}" if kind == "explain" else f"  {p['requests_per_s']:.2f}/s"
        print(f"{kind:<8} errors {s['errors']}  refused {s['refused']}  p50 {_fmt(s['p50_ms'])} ms  "
              f"p95 {_fmt(s['p95_ms'])} ms  max {_fmt(s['max_ms'])} ms{extra}"
              + (f"  e.g. {s['error_examples'][0]}" if s["errors"] else ""))
    print(f"{'request':<8} {'bucket':<10} {'words':>6} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'unloaded p50':>13}")
    for kind, s in (("predict", p), ("explain", e)):
        for name, b in s["buckets"].items():
            un = _fmt(b.get("unloaded_p50_ms")) if "unloaded_p50_ms" in b else "-"
            print(f"{kind:<8} {name:<10} {b['words']:>6} {b['ok']:>4} {_fmt(b['p50_ms']):>8} "
                  f"{_fmt(b['p95_ms']):>8} {un:>13}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=300, help="predictions in all")
    ap.add_argument("--concurrency", type=int, default=6, help="prediction clients")
    ap.add_argument("--explain-clients", type=int, default=2)
    ap.add_argument("--explain-budget", type=float, default=30.0, help="the server's --explain-budget (seconds)")
    ap.add_argument("--max-seconds", type=float, default=900, help="stop sending after this long, whatever is left")
    ap.add_argument("--model", help="model directory (default: the shipped model)")
    ap.add_argument("--url", help="use this running server instead of starting one")
    ap.add_argument("--token", action="append", default=[], help="a token for --url (repeat: one per client)")
    ap.add_argument("--sequential", type=int, default=5, help="unloaded predictions per length bucket first")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--serve-arg", action="append", default=[], help="extra argument for genre-detect serve")
    ap.add_argument("--out", type=Path, help="JSON output (default eval/results/serve/load_mixed.json)")
    args = ap.parse_args(argv)
    if not 1 <= args.requests <= 10_000 or not 1 <= args.concurrency <= 64 or not 0 <= args.explain_clients <= 8:
        ap.error("--requests 1-10000, --concurrency 1-64, --explain-clients 0-8 (this is a bounded test)")
    # SIGTERM (a timeout, a CI cancel) unwinds like Ctrl-C, so that the server child is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    run_args = (args.requests, args.concurrency, args.explain_clients, args.seed, args.sequential, args.max_seconds)
    if args.url:
        res = run(args.url.rstrip("/"), args.token, *run_args)
    else:
        with tempfile.TemporaryDirectory(prefix="gd-load-") as tmp:
            tokens = [secrets.token_urlsafe(24) for _ in range(1 + max(1, args.explain_clients))]
            tok_file = Path(tmp, "tokens")
            tok_file.write_text("".join(f"load{i}:{t}\n" for i, t in enumerate(tokens)), encoding="utf-8")
            tok_file.chmod(0o600)
            # --rate-limit 0: the test sends far more than a moderator's requests per minute, on purpose.
            extra = ["--tokens", str(tok_file), "--rate-limit", "0", "--explain-budget", str(args.explain_budget),
                     *args.serve_arg]
            with serve_subprocess(free_port(), Path(tmp, "data"), args.model, extra) as url:
                res = run(url, tokens, *run_args)
    print_report(res)
    out = args.out or REPO / "eval" / "results" / "serve" / "load_mixed.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)
    return 1 if res["predict"]["errors"] or res["explain"]["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
