"""Re-render a model directory's README.md (model card) from its metrics.json and genre_detect.json.

    python training/card.py models/genre-detect-minilm runs/minilm/checkpoint/training_run.json [--seeds DIR]

With ``--seeds``, the acceptance seeds are scored (after training, calibration and evaluation are final) and their
results are added to metrics.json under ``acceptance``; they never feed back into the model. The hand-written
register pairs of ``eval/register_check.py`` are scored too (``register_check``), and so are the hand-written pairs of
every writer the model was not trained on (``written_check``, one entry per writer); both through
``genre_detect.training.written``, as the script does.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from genre_detect.pipeline.detector import DEFAULT_MODEL_NAME, Detector
from genre_detect.training.model_card import ModelCardData, cue_summary
from genre_detect.training.written import (
    DEFAULT_WRITTEN_DIR,
    REGISTER_PAIRS,
    check,
    load_pairs,
    load_written_rows,
    writers_in,
)

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / REGISTER_PAIRS
WRITTEN = REPO / DEFAULT_WRITTEN_DIR


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model_dir")
    ap.add_argument("training_run")
    ap.add_argument("--seeds", default=None, help="directory with the seed corpus (001_* is the satire)")
    ap.add_argument("--cues", default=None, metavar="CUE_REPORT_JSON",
                    help="a cue_report.json of eval/cue_report.py run on this model: its figures join the card")
    opts = ap.parse_args()
    model_dir = Path(opts.model_dir)
    metrics = json.loads((model_dir / "metrics.json").read_text(encoding="utf-8"))
    run = json.loads(Path(opts.training_run).read_text(encoding="utf-8"))
    det = Detector(model_dir)
    if opts.seeds:
        acceptance = {}
        for path in sorted(Path(opts.seeds).glob("*.txt")):
            p = det.predict(path.read_text(encoding="utf-8"))
            satire = path.name.startswith("001_")
            met = p.satire_probability >= 0.90 if satire else p.satire_probability <= 0.10
            acceptance[path.name] = {"expected": "satire >= 0.90" if satire else "sincere <= 0.10",
                                     "satire_probability": p.satire_probability, "met": bool(met)}
        metrics["acceptance"] = acceptance
    if DATA.is_file():
        metrics["register_check"] = check(det, load_pairs(DATA))[1]
    if WRITTEN.is_dir():
        trained_on = set(run["args"].get("written_writers") or [])
        metrics["written_check"] = {w: check(det, load_written_rows(WRITTEN, [w]))[1]
                                    for w in writers_in(WRITTEN) if w not in trained_on}
    if opts.cues:
        metrics["cues"] = cue_summary(json.loads(Path(opts.cues).read_text(encoding="utf-8")), opts.cues)
    if opts.seeds or DATA.is_file() or WRITTEN.is_dir() or opts.cues:
        (model_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    card = ModelCardData(name=DEFAULT_MODEL_NAME, metrics=metrics, sources=run["args"]["sources"],
                         settings=json.loads((model_dir / "genre_detect.json").read_text(encoding="utf-8")),
                         training=run)
    (model_dir / "README.md").write_text(card.render(), encoding="utf-8")
    print(f"wrote {model_dir / 'README.md'}")


if __name__ == "__main__":
    main()
