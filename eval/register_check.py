"""The hard case beyond one seed: hand-written deadpan parody in an analyst's voice, each with a sincere twin.

``eval/data/register_pairs.jsonl`` holds ten short parodies of policy commentary and ten sincere analyses of the same
topics, written for this project (not drawn from any data set, not from the seed documents, and not built from the
templates in :mod:`genre_detect.training.parody`: they use other devices, such as statistics defined into success,
circular remedies and deadpan literalism). No model is trained or tuned on them; they are a development check for
models that claim to read parody in analytical register. Prints one line per text and a summary per model.

With ``--writers`` it scores the hand-written pairs of those writers under ``training/data/written`` instead: the
development writer chooses between models, the test writer confirms; neither is trained on. Loading, scoring and
the summary are :mod:`genre_detect.training.written`'s (``training/card.py`` uses them for the model card); this script
prints.

Usage:
    python eval/register_check.py                                         # the shipped model
    python eval/register_check.py --models models/genre-detect-minilm runs/minilm-parody/model
    python eval/register_check.py --writers w7 --models models/genre-detect-minilm runs/minilm-written/model
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from genre_detect.pipeline.detector import Detector, default_model_dir
from genre_detect.training.written import DEFAULT_WRITTEN_DIR, REGISTER_PAIRS, check, load_pairs, load_written_rows

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / REGISTER_PAIRS


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
        rows = load_written_rows(opts.written_dir, opts.writers) if opts.writers else load_pairs(opts.data)
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
