"""Streaming check: peak memory while ``genre-detect predict --jsonl ... --out ...`` scores 20,000 records, and a
run killed with SIGKILL part-way, then resumed, giving the same output file as an uninterrupted run.

The records are short texts built from the repository's own ``examples/`` (sentences recombined, so no two records
need be alike; every fifth has no id and gets the stable ``file:line`` one). Peak RSS is read from the scoring
process itself: ``VmHWM`` in ``/proc/<pid>/status`` when its output reaches 2,000 (and 5,000, 10,000) lines, and its
``ru_maxrss`` when it exits after 20,000.

Usage:
    python eval/stream_memory.py                       # the shipped model
    python eval/stream_memory.py --model DIR --records 20000 --kill-at 6000 13000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def build_records(path: Path, n: int, seed: int = 0) -> None:
    """``n`` short records of 1-6 sentences from ``examples/``, in a seeded order."""
    text = " ".join(f.read_text(encoding="utf-8") for f in sorted((REPO / "examples").glob("*.txt")))
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if len(s.split()) > 3]
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            rec = {"id": f"rec-{i:05d}", "text": " ".join(rng.sample(sentences, rng.randint(1, 6)))}
            if i % 5 == 4:
                del rec["id"]
            fh.write(json.dumps(rec) + "\n")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count_lines(path: Path) -> int:
    try:
        with open(path, "rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except FileNotFoundError:
        return 0


def vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class LineCounter:
    """Counts the lines of a growing file incrementally (re-reading 20 MB every tick would compete for the CPU)."""

    def __init__(self, path: Path) -> None:
        self.path, self.offset, self.lines = path, 0, 0

    def __call__(self) -> int:
        try:
            with open(self.path, "rb") as fh:
                fh.seek(self.offset)
                data = fh.read()
        except FileNotFoundError:
            return 0
        self.offset += len(data)
        self.lines += data.count(b"\n")
        return self.lines


def run(cmd: list[str], out: Path, log: Path, watch_at: tuple[int, ...] = (), kill_at: int | None = None) -> dict:
    """Run ``cmd``; read the process's peak RSS as ``out`` passes each of ``watch_at`` lines; SIGKILL it at
    ``kill_at`` lines."""
    t0 = time.perf_counter()
    lines = LineCounter(out)
    lines()  # a resumed run starts from the lines already there
    seen: dict = {"hwm": {}, "killed_at": None}
    with open(log, "ab") as err:
        pid = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err).pid
        while True:
            # wait4 gives this child's own peak RSS (ru_maxrss, KiB on Linux) when it exits.
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.1)
            n = lines()
            for w in watch_at:
                if n >= w and w not in seen["hwm"]:
                    seen["hwm"][w] = (n, vm_hwm_mb(pid))
            if kill_at and n >= kill_at:
                os.kill(pid, signal.SIGKILL)
                seen["killed_at"] = n
                _, status, usage = os.wait4(pid, 0)
                break
    seen.update(seconds=time.perf_counter() - t0, peak_mb=usage.ru_maxrss / 1024, status=status,
                lines=count_lines(out))
    return seen


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    ap.add_argument("--records", type=int, default=20_000)
    ap.add_argument("--watch", type=int, nargs="+", default=[2_000, 5_000, 10_000],
                    help="read peak RSS when this many results are written")
    ap.add_argument("--kill-at", type=int, nargs="+", default=[6_000, 13_000],
                    help="SIGKILL the second run when its output reaches these line counts, resuming after each")
    ap.add_argument("--workdir", default=None, help="keep the files here (default: a temporary directory)")
    args = ap.parse_args(argv)

    work = Path(args.workdir or tempfile.mkdtemp(prefix="stream-"))
    work.mkdir(parents=True, exist_ok=True)
    src = work / "big.jsonl"
    build_records(src, args.records)
    exe = str(Path(sys.executable).with_name("genre-detect"))
    model = ["--model", args.model] if args.model else []
    model_name = args.model or "the shipped model"
    print(f"# streaming {args.records} records ({src.stat().st_size / 1e6:.1f} MB) with {model_name}; files in {work}")

    full, log = work / "full.jsonl", work / "full.log"
    for p in (full, log):
        p.unlink(missing_ok=True)
    a = run([exe, "predict", "--jsonl", str(src), "--out", str(full), *model], full, log, watch_at=tuple(args.watch))
    progress = [x for x in log.read_text().splitlines() if x.startswith("done:")]
    print(f"uninterrupted: {a['lines']} results in {a['seconds']:.1f} s ({a['lines'] / a['seconds']:.0f}/s)")
    for lines, hwm in a["hwm"].values():
        print(f"peak RSS at {lines} results: {hwm:.1f} MB")
    print(f"peak RSS at {a['lines']} results: {a['peak_mb']:.1f} MB")
    print(f"stderr summary: {progress[-1] if progress else '(none)'}")

    resumed, rlog = work / "resumed.jsonl", work / "resumed.log"
    for p in (resumed, rlog):
        p.unlink(missing_ok=True)
    cmd = [exe, "predict", "--jsonl", str(src), "--out", str(resumed), *model]
    for at in args.kill_at:
        k = run(cmd, resumed, rlog, kill_at=at)
        ends = "cleanly" if resumed.exists() and resumed.read_bytes().endswith(b"\n") else "mid-line"
        print(f"killed (SIGKILL) at {k['killed_at']} lines after {k['seconds']:.1f} s; file ends {ends}")
    # A SIGKILL between write() calls leaves whole lines; a torn write (full disk, power loss) leaves part of one.
    # Simulate that too: append the first 40 bytes of the next result line; the resumed run must cut them off.
    with open(resumed, "ab") as fh:
        fh.write(full.read_bytes().splitlines(keepends=True)[count_lines(resumed)][:40])
    print("appended a torn 40-byte partial line before resuming")
    b = run(cmd, resumed, rlog)
    notes = [x for x in rlog.read_text().splitlines() if x.startswith("resuming")]
    for note in notes:
        print(note)
    same = sha256(full) == sha256(resumed)
    ids = [json.loads(x)["id"] for x in resumed.read_text(encoding="utf-8").splitlines()]
    print(f"resumed run finished: {b['lines']} results, {len(ids) - len(set(ids))} duplicate ids")
    print(f"sha256 uninterrupted {sha256(full)[:16]}..., resumed {sha256(resumed)[:16]}...: "
          f"{'EQUAL' if same else 'DIFFERENT'}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
