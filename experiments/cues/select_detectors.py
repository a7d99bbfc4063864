"""Apply the rule of experiments/cues/plan.md to every registered cue detector on the publisher-held-out fold.

Prints, per detector, its firing rate on held-out satire (golbeck + horne satire) and on held-out sincere text
(pen0 analyses, webis editorials and horne real news pooled), the balanced precision, and whether rule 1 keeps it.
Run at commit de8e974 (before the drop) it gives the table the choice was made on:

    git worktree add /tmp/pre-drop de8e974 && cd /tmp/pre-drop && PYTHONPATH=src python experiments/cues/select_detectors.py
"""

from __future__ import annotations

import argparse

try:  # the package layout of session 13 ...
    from genre_detect.evaluation.cue_report import cue_report
except ImportError:  # ... and the flat one before it
    from genre_detect.cue_report import cue_report


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    r = cue_report(None, split="test")
    groups = r["settings"]["groups"]
    sizes = {g: v["n"] for g, v in r["documents"].items()}
    sat = [g for g, spec in groups.items() if spec[1] == "satire"]
    sin = [g for g in groups if g not in sat]
    n_sat, n_sin = sum(sizes[g] for g in sat), sum(sizes[g] for g in sin)
    print(f"held-out satire {n_sat} ({', '.join(sat)}), sincere {n_sin} ({', '.join(sin)})")
    kept = []
    for name, block in r["cues"].items():
        f = block["fired_by_group"]
        s, q = sum(f[g] for g in sat) / n_sat, sum(f[g] for g in sin) / n_sin
        bp = s / (s + q) if s + q else float("nan")
        ships = s >= 0.02 and bp >= 0.85
        kept += [name] if ships else []
        print(f"{name:<32} satire {100 * s:5.1f}%  sincere {100 * q:5.1f}%  balanced precision {bp:.2f}  "
              f"{'ships' if ships else 'dropped (rule 1)'}")
    print(f"rule 1 keeps {len(kept)} of {len(r['cues'])} detectors (op-ed detectors fall under rule 2, see results.md)")


if __name__ == "__main__":
    main()
