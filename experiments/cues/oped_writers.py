"""Rule 2 of experiments/cues/plan.md: how many parodies and twins of the held-out writers each cue detector fires on.

Whole texts, normalised as the detector sees them. Run at commit de8e974 (before the drop) for the op-ed families:

    git worktree add /tmp/pre-drop de8e974 && cd /tmp/pre-drop && PYTHONPATH=src python experiments/cues/oped_writers.py
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

try:
    from genre_detect.explain.cues import REGISTRY, detect_cues
    from genre_detect.pipeline.normalise import normalise
    from genre_detect.training.written import load_written_pairs
except ImportError:  # the flat layout before session 13
    from genre_detect.cues import REGISTRY, detect_cues
    from genre_detect.normalise import normalise
    from genre_detect.written import load_written_pairs

WRITTEN = Path.cwd() / "training" / "data" / "written"


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    texts = load_written_pairs(str(WRITTEN), ["w7", "w8"])
    fired: dict[str, Counter] = defaultdict(Counter)
    totals = Counter(t.label for t in texts)
    for t in texts:
        for name in {c.name for c in detect_cues(normalise(t.text))}:
            fired[name][t.label] += 1
    print(f"held-out writers w7, w8: {totals['satire']} parodies, {totals['sincere']} twins")
    for name in REGISTRY:
        f = fired[name]
        ships = f["satire"] >= 2 and f["sincere"] <= 1
        print(f"{name:<32} parodies {f['satire']:>2}  twins {f['sincere']:>2}  {'meets' if ships else 'fails'} rule 2")


if __name__ == "__main__":
    main()
