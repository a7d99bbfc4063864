"""The hard case beyond one seed: hand-written deadpan parody in an analyst's voice, each with a sincere twin.

``eval/data/register_pairs.jsonl`` holds ten short parodies of policy commentary and ten sincere analyses of the same
topics, written for this project (not drawn from any data set, not from the seed documents, and not built from the
templates in :mod:`genre_detect.parody`: they use other devices, such as statistics defined into success, circular
remedies and deadpan literalism). No model is trained or tuned on them; they are a development check for models
that claim to read parody in analytical register. Prints one line per text and a summary per model.

Usage:
    python eval/register_check.py                                         # the shipped model
    python eval/register_check.py --models models/genre-detect-minilm runs/minilm-parody/model
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "eval" / "data" / "register_pairs.jsonl"

from genre_detect.detector import Detector, default_model_dir


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="+", default=None, help="model directories (default: the shipped model)")
    ap.add_argument("--data", default=str(DATA), help="JSON lines with id, label (satire|sincere), text")
    opts = ap.parse_args()
    try:
        rows = [json.loads(line) for line in Path(opts.data).read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError) as exc:
        sys.exit(f"error: cannot read {opts.data}: {exc}")
    y = np.array([r["label"] == "satire" for r in rows])
    dirs = [Path(m) for m in (opts.models or [default_model_dir()])]
    table = {}
    for d in dirs:
        det = Detector(d)
        table[d] = (det.satire_proba([r["text"] for r in rows]), det.settings.threshold)
    print("| id | label | topic | " + " | ".join(d.parent.name if d.name == "model" else d.name for d in dirs) + " |")
    print("|---|---|---|" + "---:|" * len(dirs))
    for i, r in enumerate(rows):
        print(f"| {r['id']} | {r['label']} | {r.get('topic', '')} | "
              + " | ".join(f"{table[d][0][i]:.3f}" for d in dirs) + " |")
    print()
    for d in dirs:
        p, thr = table[d]
        print(f"{d}: parody mean p(satire) {p[y].mean():.3f}, called satire {int((p[y] >= thr).sum())}/{int(y.sum())}; "
              f"sincere mean {p[~y].mean():.3f}, called satire {int((p[~y] >= thr).sum())}/{int((~y).sum())}; "
              f"parody ranked above its own twin in {int(sum(p[i] > p[i + 1] for i in range(0, len(rows) - 1, 2)))}"
              f"/{len(rows) // 2} pairs")


if __name__ == "__main__":
    main()
