"""The same :class:`~genre_detect.Detector` inside Spark: a local cluster of this machine scores a JSON-lines file
with ``mapInPandas`` (one Detector per Python worker, loaded once), and the result is checked against
``genre-detect predict --jsonl`` on the same records.

Needs ``pip install pyspark`` and Java 17; neither is a dependency of genre-detect. See ``docs/scaling.md``.

Usage:
    python eval/spark_local.py --records 2000                 # the shipped model, local[2]
    python eval/spark_local.py --model DIR --records 500 --cores 2
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stream_memory import build_records

_DETECTOR = None  # one per Python worker process: Spark reuses workers, so the model loads once per core


def score_partition(batches: Iterator, model_dir: str | None) -> Iterator:
    """``mapInPandas`` body: pandas batches of ``id``/``text`` in, flat prediction columns out."""
    import pandas as pd

    from genre_detect import Detector

    global _DETECTOR
    if _DETECTOR is None:
        # One ORT thread per worker: Spark already runs one task per core, more threads would oversubscribe.
        _DETECTOR = Detector.load(model_dir, threads=1)
    for df in batches:
        preds = _DETECTOR.predict(df["text"].tolist(), ids=df["id"].tolist())
        yield pd.DataFrame({
            "id": [p.id for p in preds],
            "label": [p.label for p in preds],
            "satire_probability": [p.satire_probability for p in preds],
            "genre": [p.genre for p in preds],
            "num_tokens": [p.num_tokens for p in preds],
        })


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    ap.add_argument("--records", type=int, default=2000)
    ap.add_argument("--cores", type=int, default=2, help="local[N] executor cores")
    ap.add_argument("--batch", type=int, default=64, help="records per Arrow batch handed to a worker")
    args = ap.parse_args(argv)

    from pyspark.sql import SparkSession

    from genre_detect.pipeline.detector import default_model_dir

    model_dir = str(Path(args.model or default_model_dir()).resolve())
    work = Path(tempfile.mkdtemp(prefix="spark-"))
    src = work / "records.jsonl"
    build_records(src, args.records, seed=1)
    # Records without an id get the CLI's stable "file:line" id here too, so the two outputs can be joined.
    rows = []
    for n, line in enumerate(src.read_text(encoding="utf-8").splitlines(), start=1):
        rec = json.loads(line)
        rows.append((str(rec.get("id") or f"{src.name}:{n}"), rec["text"]))

    # Workers must run this interpreter (the one with genre_detect, onnxruntime and pyarrow), not PATH's python3.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (SparkSession.builder.master(f"local[{args.cores}]").appName("genre-detect")
             .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(args.batch))
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    schema = "id string, label string, satire_probability double, genre string, num_tokens long"
    df = spark.createDataFrame(rows, "id string, text string").repartition(args.cores * 4)
    t0 = time.perf_counter()
    out = df.mapInPandas(lambda it: score_partition(it, model_dir), schema).toPandas()
    spark_s = time.perf_counter() - t0
    spark.stop()

    exe = str(Path(sys.executable).with_name("genre-detect"))
    t0 = time.perf_counter()
    subprocess.run([exe, "predict", "--jsonl", str(src), "--out", str(work / "cli.jsonl"), "--model", model_dir,
                    "--no-progress"], check=True)
    cli_s = time.perf_counter() - t0
    cli = {d["id"]: d for d in map(json.loads, (work / "cli.jsonl").read_text(encoding="utf-8").splitlines())}
    same_label = sum(cli[r.id]["label"] == r.label for r in out.itertuples())
    diff = max(abs(cli[r.id]["satire_probability"] - r.satire_probability) for r in out.itertuples())
    print(f"spark local[{args.cores}] mapInPandas: {len(out)} records in {spark_s:.1f} s "
          f"({len(out) / spark_s:.0f} records/s, first model load and worker start included)")
    print(f"genre-detect predict --jsonl (one process, 2 threads): {len(cli)} records in {cli_s:.1f} s "
          f"({len(cli) / cli_s:.0f} records/s, start-up included)")
    print(f"same label for {same_label}/{len(out)} records; max |satire_probability difference| {diff:.4f} "
          f"(0 when the model runs one window per forward pass, its default batch_size 1)")
    print(out.groupby("label").size().to_string())


if __name__ == "__main__":
    main()
