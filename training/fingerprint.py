"""Write a model directory's training-data fingerprint (hashed word shingles of every training document, no text).

    python training/fingerprint.py models/genre-detect-minilm training/minilm.yaml
    python training/fingerprint.py runs/minilm/model training/minilm.yaml split=random     # the random-split twin

The training fold is drawn exactly as training does (genre_detect.evaluation.fingerprint.training_texts: the recipe's
sources, split and seed, plus its hand-written writers). ``genre-detect eval`` and ``predict --json`` read the file to
say which inputs the model was trained on. See genre_detect.evaluation.fingerprint for the format.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from genre_detect.errors import GenreDetectError
from genre_detect.evaluation.fingerprint import training_texts, write_fingerprint
from genre_detect.training import TrainingArguments


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model_dir", help="model directory to write training_fingerprint.npz into")
    ap.add_argument("config", help="the recipe the model was trained with (YAML)")
    ap.add_argument("overrides", nargs="*", help="key=value overrides, as for training/train.py")
    opts = ap.parse_args(argv)
    model_dir = Path(opts.model_dir)
    try:
        if not (model_dir / "model.onnx").is_file():
            raise GenreDetectError("E200", "no model.onnx in model directory", source=str(model_dir))
        args = TrainingArguments.from_file(opts.config, opts.overrides)
        texts = training_texts(args)
        path = write_fingerprint(model_dir, texts, recipe=Path(opts.config).as_posix(), split=args.split,
                                 seed=args.seed, sources=list(args.sources or []),
                                 written_writers=list(args.written_writers))
    except GenreDetectError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB) from {len(texts)} training documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
