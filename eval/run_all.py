"""Regenerate eval/results/ for the shipped model, the random-split model and the baselines over the shared data.

A thin wrapper over ``genre-detect eval --shared`` (which calls genre_detect.evaluation.benchmark.run_benchmark and
genre_detect.evaluation.leaderboard.write_results); extra arguments are passed on, e.g. ``--n-boot 200`` or
``--no-loso``. Progress goes to stderr (bars on a terminal). Besides the leaderboard it writes
``leaderboard_row.json``: the fine-tuned model's publisher-held-out row with the sha256 of the model files, of every
data set read and of the test folds, the seeds, the library versions and the git commit, which is what a paper should
cite.

Usage:
    python eval/run_all.py
    python eval/run_all.py --random-model runs/minilm-parody-x2-random/model   # the shipped model's random twin
"""

from __future__ import annotations

import sys
from pathlib import Path

from genre_detect.cli import main

if __name__ == "__main__":
    results = Path(__file__).resolve().parent / "results"
    # Later options win in click, so a caller's own --out still takes effect.
    sys.exit(main(["eval", "--shared", "--out", str(results), *sys.argv[1:]]))
