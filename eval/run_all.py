"""Regenerate eval/results/ for the shipped model, the random-split model and the baselines over the shared data.

A thin wrapper over ``genre-detect eval --shared`` (which calls genre_detect.benchmark.run_benchmark and
genre_detect.leaderboard.write_results); extra arguments are passed on, e.g. ``--n-boot 200`` or ``--no-loso``.

Usage:
    python eval/run_all.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from genre_detect.cli import main

if __name__ == "__main__":
    results = Path(__file__).resolve().parent / "results"
    # Later options win in click, so a caller's own --out still takes effect.
    sys.exit(main(["eval", "--shared", "--out", str(results), *sys.argv[1:]]))
