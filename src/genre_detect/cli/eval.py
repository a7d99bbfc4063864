"""``genre-detect eval``: score a model or a baseline on a labelled file, or run the whole benchmark (``--shared``).

A thin wrapper: :func:`genre_detect.evaluation.evaluate.evaluate`, :func:`genre_detect.evaluation.evaluate.compare`,
:func:`genre_detect.evaluation.report.write_report` and :func:`genre_detect.evaluation.benchmark.run_benchmark` do the
work and return data; this module only prints and writes files. Scores and tables go to stdout, progress and warnings
to stderr.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import click

from ..errors import UsageError


def _quiet_datasets() -> None:
    # datasets draws a progress bar for every file it reads; on a terminal that buries the scores.
    try:
        import datasets
    except ImportError:
        return
    datasets.disable_progress_bars()


def _print_result(result) -> None:
    s = result.scores

    def ci(key: str) -> str:
        lo, hi = s.get(f"{key}_ci_low"), s.get(f"{key}_ci_high")
        return "" if lo is None else f"  [{lo:.3f}, {hi:.3f}]"

    def num(v) -> str:
        return "n/a" if v is None else f"{v:.3f}"

    cut = f", first {s['cut_words']} words" if s.get("cut_words") else ""
    click.echo(f"{result.model} on {result.data}: {s['n']} texts ({s['n_satire']} satire), "
               f"capped at {s['max_words']} words{cut}, threshold {s['threshold']:.2f}")
    for key in ("accuracy", "macro_f1", "roc_auc", "pr_auc", "brier", "ece", "f1_satire", "genre_macro_f1"):
        if key in s:
            click.echo(f"  {key:<16}{num(s[key])}{ci(key)}")
    if s.get("coverage_uncertain") is not None:
        click.echo(f"  decided {s['coverage_uncertain']:.1%} when abstaining on uncertain "
                   f"(band ±{s['uncertain_band']}); accuracy there {num(s['accuracy_uncertain'])}")
    if s.get("training_overlap_checked"):
        click.echo(f"  training-data overlap: {s['n_training_overlap']} of {s['n']} texts (model's fingerprint)")
    if s.get("n_unseen"):
        click.echo(f"  on the {s['n_unseen']} texts not in the training data: accuracy {num(s['accuracy_unseen'])}, "
                   f"macro_f1 {num(s['macro_f1_unseen'])}, roc_auc {num(s['roc_auc_unseen'])}")
    _print_matrix(result.tables["confusion"], "confusion (rows: true, columns: predicted)")
    click.echo(f"  {'class':<16}{'precision':>10}{'recall':>8}{'f1':>7}{'support':>9}")
    for r in result.tables["per_class"]:
        click.echo(f"  {r['class']:<16}{r['precision']:>10.3f}{r['recall']:>8.3f}{r['f1']:>7.3f}{r['support']:>9}")
    for r in result.tables.get("genre_per_class", []):
        click.echo(f"  {'genre ' + r['genre']:<16}{r['precision']:>10.3f}{r['recall']:>8.3f}{r['f1']:>7.3f}"
                   f"{r['support']:>9}")
    if "genre_confusion" in result.tables:
        _print_matrix(result.tables["genre_confusion"], "genre confusion (rows: true, columns: predicted)")
    for table in ("by_source", "by_length"):
        rows = result.tables.get(table)
        if rows:
            click.echo(f"  {table.replace('_', ' ')}:")
            for r in rows:
                click.echo(f"    {r['group']:<28} n={r['n']:<5} satire={r['n_satire']:<5} "
                           f"acc={r['accuracy']:.3f} auc={num(r['roc_auc'])}")


def _print_matrix(cm: dict, title: str) -> None:
    labels = cm["labels"]
    width = max(9, *(len(x) + 2 for x in labels))
    click.echo(f"  {title}:")
    click.echo("    " + " " * width + "".join(f"{x:>{width}}" for x in labels))
    for lab, row in zip(labels, cm["matrix"]):
        click.echo(f"    {lab:<{width}}" + "".join(f"{v:>{width}}" for v in row))


def _print_comparison(cmp: dict) -> None:
    def sign(v) -> str:
        return "  n/a" if v is None else f"{v:+.3f}"

    click.echo(f"{cmp['candidate']} minus {cmp['baseline']}, paired bootstrap on the same {cmp['n']} documents "
               f"({cmp['boot']} resamples):")
    for r in cmp["rows"]:
        verdict = "better" if r["better"] else ("worse" if r["worse"] else "no measured change")
        click.echo(f"  {r['metric']:<10}{'n/a' if r['baseline'] is None else format(r['baseline'], '.3f'):>8} -> "
                   f"{'n/a' if r['candidate'] is None else format(r['candidate'], '.3f'):<7} {sign(r['difference'])} "
                   f"[{sign(r['low'])}, {sign(r['high'])}]  {verdict}")


def _overlap_warning(result) -> None:
    """Say on stderr, before anyone quotes the scores, how many texts the model was trained on."""
    s = result.scores
    if not s.get("training_overlap_checked"):
        click.echo(f"note: {result.model} has no training fingerprint; overlap with its training data not checked",
                   err=True)
        return
    n = s.get("n_training_overlap", 0)
    if n:
        rest = (f"; on the other {s['n_unseen']}: macro_f1 {s['macro_f1_unseen']:.3f}" if s.get("n_unseen")
                else "; no text is left that it has not seen")
        click.echo(f"warning: {n} of {s['n']} texts overlap {result.model}'s training data (most of their word "
                   f"shingles are in it): scores on them are not held-out{rest}. Per text: training_overlap in "
                   "the per-document output.", err=True)


def _progress(label: str, every: int = 256) -> Callable[[int, int], None]:
    """A progress bar on a terminal (tqdm, on stderr), else a line every ``every`` texts."""
    if sys.stderr.isatty():
        from tqdm.auto import tqdm

        bar: list = []

        def update(done: int, total: int) -> None:
            if not bar:
                bar.append(tqdm(total=total, desc=label, unit="text", file=sys.stderr, leave=False))
            bar[0].update(done - bar[0].n)
            if done >= total:
                bar[0].close()

        return update
    from ..evaluation.benchmark import progress_logger

    return progress_logger(lambda m: click.echo(m, err=True), f"{label}: scored", every)


_STEP = re.compile(r"^(?P<label>.+): (?P<done>\d+)/(?P<total>\d+)$")


def _bench_log() -> Callable[[str], None]:
    """The benchmark's log, with its ``label: done/total`` lines drawn as progress bars on a terminal."""
    if not sys.stderr.isatty():
        return lambda msg: click.echo(msg, err=True)
    from tqdm.auto import tqdm

    bars: dict[str, object] = {}

    def log(msg: str) -> None:
        m = _STEP.match(msg)
        if m is None:
            tqdm.write(msg, file=sys.stderr)
            return
        label, done, total = m["label"].replace("[bench]", "").strip(), int(m["done"]), int(m["total"])
        bar = bars.get(label)
        if bar is None:
            bar = bars[label] = tqdm(total=total, desc=label, unit="text", file=sys.stderr, leave=False)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return log


@click.command("eval")
@click.argument("data", required=False)
@click.option("--shared", is_flag=True, help="Run the full benchmark over the shared data sets and write --out.")
@click.option("--model", "model_dir", metavar="DIR", envvar="GENRE_DETECT_MODEL",
              help="Model directory [env GENRE_DETECT_MODEL; default: the shipped model].")
@click.option("--baseline", type=click.Choice(["length", "tfidf", "cues"]), help="Evaluate a baseline instead.")
@click.option("--train", "train_file", metavar="FILE", help="Training file for --baseline (same columns as DATA).")
@click.option("--text-column", default="text", show_default=True)
@click.option("--label-column", default="label", show_default=True)
@click.option("--source-column", default="source", show_default=True, help="Optional in the file.")
@click.option("--genre-column", default=None, help="Column with opinion/reporting/satire, for genre metrics.")
@click.option("--id-column", default="id", show_default=True, help="Optional in the file; else rows are FILE:ROW.")
@click.option("--positive", multiple=True, metavar="LABEL", help="Label value(s) meaning satire (repeatable).")
@click.option("--max-words", type=click.IntRange(1), default=2000, show_default=True,
              help="Cut every text to its first N words before scoring.")
@click.option("--cut-words", type=click.IntRange(1), default=None,
              help="Length-matched: cut test texts to their first N words (with --shared: default 250).")
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=None,
              help="Satire threshold of the model (default: the model's).")
@click.option("--uncertain-band", type=click.FloatRange(0, 0.5, max_open=True), default=None,
              help="Half-width of the model's 'uncertain' band, clipped on each side to half the distance to 0 or 1 "
                   "(default: the model's).")
@click.option("--n-boot", type=click.IntRange(0), default=1000, show_default=True, help="Bootstrap resamples.")
@click.option("--seed", type=int, default=0, show_default=True, help="Bootstrap seed.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@click.option("--out", metavar="PATH", help="Write the JSON result here, and the per-document scores beside it "
                                            "(PATH's stem + .documents.jsonl); with --shared: the results directory, "
                                            "default eval/results.")
@click.option("--documents", "documents_path", metavar="FILE",
              help="Write the per-document scores here (JSON lines: id, gold, satire_probability, verdict, genre, "
                   "training_overlap, ...).")
@click.option("--report", "report_dir", metavar="DIR",
              help="Write report.html, report.png, metrics.json and documents.jsonl to DIR.")
@click.option("--compare", "compare_model", metavar="DIR",
              help="Also score model DIR on the same documents and run a paired bootstrap (this model minus DIR).")
@click.option("--data-dir", metavar="DIR", help="--shared: data directory [env GENRE_DETECT_DATA].")
@click.option("--random-model", metavar="DIR", default="runs/minilm-random/model", show_default=True,
              help="--shared: fine-tuned model trained on the random split.")
@click.option("--baselines", default="length,tfidf,cues", show_default=True, help="--shared: baselines to run.")
@click.option("--no-loso", is_flag=True, help="--shared: skip leave-one-source-out.")
def command(data: str | None, shared: bool, model_dir: str | None, baseline: str | None, train_file: str | None,
            text_column: str, label_column: str, source_column: str, genre_column: str | None, id_column: str,
            positive: tuple[str, ...], max_words: int, cut_words: int | None, threshold: float | None,
            uncertain_band: float | None, n_boot: int, seed: int, as_json: bool, out: str | None,
            documents_path: str | None, report_dir: str | None, compare_model: str | None, data_dir: str | None,
            random_model: str, baselines: str, no_loso: bool) -> None:
    """Evaluate on a labelled DATA file (.jsonl/.csv with text, label, optional source), or run --shared.

    \b
    Examples:
      genre-detect eval labelled.jsonl
      genre-detect eval labelled.jsonl --report report/ --compare runs/other/model
      genre-detect eval labelled.csv --text-column body --label-column is_satire --positive 1
      genre-detect eval test.jsonl --baseline tfidf --train train.jsonl --cut-words 250
      genre-detect eval --shared            # regenerates eval/results/ (leaderboard, plots, report.html)
    """
    _quiet_datasets()
    if shared:
        if data or baseline or train_file or compare_model or report_dir or documents_path:
            raise click.UsageError("--shared runs every model on the shared data; give no DATA/--baseline/--train/"
                                   "--compare/--report/--documents")
        _run_shared(data_dir, model_dir, random_model, baselines, cut_words or 250, max_words, n_boot, not no_loso,
                    out or "eval/results", as_json)
        return
    if not data:
        raise click.UsageError("give a labelled DATA file, or --shared")
    if baseline and not train_file:
        raise click.UsageError("--baseline needs --train FILE")
    if baseline and (threshold is not None or uncertain_band is not None):
        raise click.UsageError("--threshold and --uncertain-band apply to a model, not to --baseline")
    from ..evaluation.evaluate import compare, evaluate
    from ..pipeline.detector import Detector

    model = baseline or Detector.load(model_dir, threshold=threshold, uncertain_band=uncertain_band)
    read = {"text_column": text_column, "label_column": label_column, "source_column": source_column,
            "genre_column": genre_column, "positive_labels": list(positive) or None, "id_column": id_column,
            "max_words": max_words, "cut_words": cut_words, "n_boot": n_boot, "seed": seed}
    result = evaluate(model, data, train=train_file, progress=_progress(Path(data).name), **read)
    _overlap_warning(result)
    comparison = None
    if compare_model:
        other = evaluate(Detector.load(compare_model), data, progress=_progress(f"{Path(data).name} (--compare)"),
                         **read)
        comparison = compare(other, result, n_boot=max(n_boot, 10), seed=seed)
    body = result.to_dict()
    if comparison is not None:
        body["compare"] = comparison
    written = []
    if out:
        Path(out).write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
        written += [out, str(result.write_documents(_beside(out)))]
    if documents_path:
        written.append(str(result.write_documents(documents_path)))
    if report_dir:
        from ..evaluation.report import write_report

        written += [str(p) for p in write_report(result, report_dir, comparison).values()]
    if as_json:
        click.echo(json.dumps(body))
    else:
        _print_result(result)
        if comparison is not None:
            _print_comparison(comparison)
    if written:
        click.echo(f"wrote {', '.join(written)}", err=True)


def _beside(out: str) -> Path:
    """``results.json`` -> ``results.documents.jsonl``, in the same folder."""
    path = Path(out)
    return path.with_name((path.stem if path.suffix == ".json" else path.name) + ".documents.jsonl")


def _run_shared(data_dir, model_dir, random_model, baselines, cut_words, max_words, n_boot, loso, out, as_json):
    from ..evaluation.benchmark import BenchmarkConfig, run_benchmark
    from ..evaluation.leaderboard import write_results

    names = tuple(b.strip() for b in baselines.split(",") if b.strip())
    unknown = set(names) - {"length", "tfidf", "cues"}
    if unknown:
        raise UsageError("E300", f"unknown baselines: {', '.join(sorted(unknown))}")
    t0 = time.perf_counter()
    cfg = BenchmarkConfig(data_dir=data_dir, model=model_dir, random_model=random_model, baselines=names,
                          cut_words=cut_words, max_words=max_words, n_boot=n_boot, loso=loso)
    bench = run_benchmark(cfg, log=_bench_log())
    paths = write_results(bench, out)
    took = time.perf_counter() - t0
    if as_json:
        click.echo(json.dumps(json.loads(paths["json"].read_text(encoding="utf-8"))))
    else:
        text = paths["markdown"].read_text(encoding="utf-8")
        # The headline tables only; the rest is in the files.
        click.echo(text.split("### Per source")[0].rstrip())
    click.echo(f"wrote {', '.join(str(p) for p in paths.values())}", err=True)
    click.echo(f"regenerated {out} in {took:.0f} s")
