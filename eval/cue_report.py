"""Write the cue report (JSON, Markdown, PNG) into eval/results/cues/: a thin wrapper over
:func:`genre_detect.evaluation.cue_report.cue_report`, which does the work and returns data.

Usage:
    python eval/cue_report.py                                 # shipped model, held-out (test) publishers
    python eval/cue_report.py --no-model --split all          # firing statistics only, every document
    python eval/cue_report.py --max-docs 100 --reliance-docs 20 --out /tmp/cues
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from genre_detect.evaluation.cue_report import cue_report, write_cue_report


def main() -> None:
    ap = argparse.ArgumentParser(description="Cue firing, precision, model reliance and evidence faithfulness.")
    ap.add_argument("--model", help="model directory (default: the shipped model)")
    ap.add_argument("--no-model", action="store_true", help="firing statistics only")
    ap.add_argument("--data", help="shared data directory (default: $GENRE_DETECT_DATA or ../shared/data)")
    ap.add_argument("--split", default="test", choices=["test", "calib", "train", "all"])
    ap.add_argument("--max-docs", type=int, default=None, help="cap per group for firing statistics")
    ap.add_argument("--max-words", type=int, default=250, help="cut documents to this many words (firing)")
    ap.add_argument("--reliance-docs", type=int, default=40, help="documents per group explained by the model")
    ap.add_argument("--reliance-words", type=int, default=600, help="cut documents to this many words (model)")
    ap.add_argument("--top-k", type=int, default=3)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", default=str(REPO / "eval" / "results" / "cues"))
    args = ap.parse_args()

    detector = None
    if not args.no_model:
        from genre_detect import Detector

        detector = Detector.load(args.model)
    report = cue_report(detector, data_dir=args.data, split=args.split, max_docs=args.max_docs,
                        max_words=args.max_words, reliance_docs=args.reliance_docs,
                        reliance_words=args.reliance_words, top_k=args.top_k, seed=args.seed,
                        progress=lambda msg: print(msg, file=sys.stderr, flush=True))
    for path in write_cue_report(report, args.out):
        print(f"wrote {path}")
    fam = report["families"]
    # Sincere = every sincere group, real news included.
    print(f"{'family':<18} {'satire fired':>12} {'sincere fired':>13} {'precision':>9} {'balanced':>8}")
    for name, block in fam.items():
        a = block["comparisons"]["sincere"]
        p = "–" if a["precision"] is None else f"{a['precision']:.2f}"
        b = "–" if a["balanced_precision"] is None else f"{a['balanced_precision']:.2f}"
        print(f"{name:<18} {a['fired_satire']:>5}/{a['n_satire']:<6} {a['fired_sincere']:>6}/{a['n_sincere']:<6} "
              f"{p:>9} {b:>8}")
    if "faithfulness" in report:
        f = report["faithfulness"]["all"]
        k = report["faithfulness"]["k"]
        print(f"faithfulness over {f['n']} documents (k={k}): comprehensiveness top-{k} "
              f"{f['comprehensiveness_top']:+.3f} vs random-{k} {f['comprehensiveness_random']:+.3f}; "
              f"sufficiency top-{k} {f['sufficiency_top']:+.3f} vs random-{k} {f['sufficiency_random']:+.3f}")
    print(f"took {report['seconds']} s")


if __name__ == "__main__":
    main()
