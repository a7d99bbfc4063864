"""The hard case beyond one seed: hand-written deadpan parody in an analyst's voice, each with a sincere twin.

``eval/data/register_pairs.jsonl`` holds ten short parodies of policy commentary and ten sincere analyses of the same
topics, written for this project (not drawn from any data set, not from the seed documents, and not built from the
templates in :mod:`genre_detect.parody`: they use other devices, such as statistics defined into success, circular
remedies and deadpan literalism). No model is trained or tuned on them; they are a development check for models
that claim to read parody in analytical register. Prints one line per text and a summary per model.

With ``--writers`` it scores the hand-written pairs of those writers under ``training/data/written`` instead
(:mod:`genre_detect.written`): the development writer chooses between models, the test writer confirms; neither is
trained on.

Usage:
    python eval/register_check.py                                         # the shipped model
    python eval/register_check.py --models models/genre-detect-minilm runs/minilm-parody/model
    python eval/register_check.py --writers w7 --models models/genre-detect-minilm runs/minilm-written/model
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
from genre_detect.written import DEFAULT_WRITTEN_DIR


def load_pairs(path: str | Path = DATA) -> list[dict]:
    """The rows of a pairs file: parody then its sincere twin, alternating."""
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def load_written(root: str | Path, writers: list[str]) -> list[dict]:
    """Hand-written pairs of ``writers`` as rows of the same shape as the register pairs."""
    from genre_detect.written import load_written_pairs

    return [{"id": t.id, "label": t.label, "topic": t.title[:60], "text": t.text}
            for t in load_written_pairs(root, writers)]


def summarise(probs: np.ndarray, rows: list[dict], threshold: float) -> dict:
    """Mean satire probability and calls per side, and in how many pairs the parody outscored its own twin."""
    y = np.array([r["label"] == "satire" for r in rows])
    p = np.asarray(probs)
    return {"n_parody": int(y.sum()), "n_sincere": int((~y).sum()), "parody_mean": float(p[y].mean()),
            "parody_called": int((p[y] >= threshold).sum()), "sincere_mean": float(p[~y].mean()),
            "sincere_called": int((p[~y] >= threshold).sum()),
            "pairs_ranked": int(sum(p[i] > p[i + 1] for i in range(0, len(rows) - 1, 2))),
            "n_pairs": len(rows) // 2}


def check(det: Detector, rows: list[dict]) -> tuple[np.ndarray, dict]:
    """Score ``rows`` with ``det``: the satire probabilities and their :func:`summarise` at the model's threshold."""
    probs = det.satire_proba([r["text"] for r in rows])
    return probs, summarise(probs, rows, det.settings.threshold)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="+", default=None, help="model directories (default: the shipped model)")
    ap.add_argument("--data", default=str(DATA), help="JSON lines with id, label (satire|sincere), text")
    ap.add_argument("--writers", nargs="+", default=None,
                    help="score these writers' hand-written pairs instead of --data")
    ap.add_argument("--written-dir", default=str(REPO / DEFAULT_WRITTEN_DIR),
                    help="folder of hand-written pairs by writer")
    opts = ap.parse_args()
    from genre_detect.errors import GenreDetectError

    try:
        rows = load_written(opts.written_dir, opts.writers) if opts.writers else load_pairs(opts.data)
    except GenreDetectError as exc:
        sys.exit(f"error: {exc}")
    except (OSError, ValueError) as exc:
        sys.exit(f"error: cannot read {opts.data}: {exc}")
    dirs = [Path(m) for m in (opts.models or [default_model_dir()])]
    try:
        table = {d: check(Detector(d), rows) for d in dirs}
    except GenreDetectError as exc:
        sys.exit(f"error: {exc}")
    print("| id | label | topic | " + " | ".join(f"{d.parent.name}/{d.name}" for d in dirs) + " |")
    print("|---|---|---|" + "---:|" * len(dirs))
    for i, r in enumerate(rows):
        print(f"| {r['id']} | {r['label']} | {r.get('topic', '')} | "
              + " | ".join(f"{table[d][0][i]:.3f}" for d in dirs) + " |")
    print()
    for d, (_, r) in table.items():
        print(f"{d}: parody mean p(satire) {r['parody_mean']:.3f}, "
              f"called satire {r['parody_called']}/{r['n_parody']}; "
              f"sincere mean {r['sincere_mean']:.3f}, called satire {r['sincere_called']}/{r['n_sincere']}; "
              f"parody ranked above its own twin in {r['pairs_ranked']}/{r['n_pairs']} pairs")


if __name__ == "__main__":
    main()
