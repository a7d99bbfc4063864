"""Does a model read deadpan parody in an analyst's voice as satire? Synthetic pairs from held-out publishers.

Builds parody / sincere-twin pairs (:mod:`genre_detect.training.parody`) from the sincere analyses of the
publisher-held-out *test* fold, whose publishers no model trained by ``training/train.py`` has seen, and scores both
sides with the Detector. Two tables:

* mixed pairs (every device family woven into one text, as in training): mean satire probability of each side and
  the share called satire;
* one family at a time (the same frames, only that family's device between the sentences): which devices the model
  has learnt to read, and whether its sincere twin stays sincere.

The templates are the ones the parody-trained recipe used, so a high score here shows the devices were learnt, not
that they transfer to parody written by people; the seed parody and the sealed checks answer that. Prints figures;
nothing here is a test.

Usage:
    python experiments/parody/parody_check.py       # the shipped model
    python experiments/parody/parody_check.py --model runs/minilm-parody/model --pairs 150
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]

from genre_detect.evaluation.fold_cache import evaluation_folds
from genre_detect.pipeline.detector import Detector, default_model_dir
from genre_detect.training.parody import DEVICES, pair_from_frames
from genre_detect.training.trainer import ANALYSIS_SOURCES, TrainingArguments, _sentences_of


def _row(name: str, parody: np.ndarray, sincere: np.ndarray, threshold: float) -> str:
    return (f"| {name} | {len(parody)} | {parody.mean():.3f} | {(parody >= threshold).mean():.2f} | "
            f"{sincere.mean():.3f} | {(sincere >= threshold).mean():.2f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    ap.add_argument("--config", default=str(REPO / "training" / "minilm.yaml"), help="recipe that gives the folds")
    ap.add_argument("--pairs", type=int, default=120, help="pairs per table row")
    ap.add_argument("--seed", type=int, default=7)
    opts = ap.parse_args()
    if opts.pairs < 1:
        ap.error("--pairs must be at least 1")
    model_dir = Path(opts.model or default_model_dir())
    folds = evaluation_folds(TrainingArguments.from_file(opts.config, ["split=publisher"]))
    rng = random.Random(opts.seed)
    frames = _sentences_of(folds["test"], rng, "opinion", ANALYSIS_SOURCES)
    if not frames:
        sys.exit("error: the test fold has no analyses to build pairs from")
    det = Detector(model_dir)
    thr = det.settings.threshold
    publishers = sorted({d.publisher for d in folds["test"] if d.source in ANALYSIS_SOURCES})
    print(f"model {model_dir}; frames: {len(frames)} held-out analyses from {len(publishers)} publishers; "
          f"threshold {thr}")
    print("\n| pairs | n | parody mean p(satire) | parody called satire | twin mean p(satire) | twin called satire |")
    print("|---|---:|---:|---:|---:|---:|")

    def score(families: list[str] | None) -> tuple[np.ndarray, np.ndarray]:
        parody, sincere = zip(*(pair_from_frames(frames, rng, families) for _ in range(opts.pairs)))
        return det.satire_proba(list(parody)), det.satire_proba(list(sincere))

    print(_row("all families", *score(None), thr), flush=True)
    for family in DEVICES:
        print(_row(family, *score([family]), thr), flush=True)


if __name__ == "__main__":
    main()
