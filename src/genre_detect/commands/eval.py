"""``genre-detect eval``: score a model or a baseline on a labelled file, or run the whole benchmark (``--shared``).

A thin wrapper: :func:`genre_detect.evaluate.evaluate` and :func:`genre_detect.benchmark.run_benchmark` do the work
and return data; this module only prints and writes files.
"""

from __future__ import annotations

import json
import time
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
    for table in ("by_source", "by_length"):
        rows = result.tables.get(table)
        if rows:
            click.echo(f"  {table.replace('_', ' ')}:")
            for r in rows:
                click.echo(f"    {r['group']:<28} n={r['n']:<5} satire={r['n_satire']:<5} "
                           f"acc={r['accuracy']:.3f} auc={num(r['roc_auc'])}")


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
@click.option("--positive", multiple=True, metavar="LABEL", help="Label value(s) meaning satire (repeatable).")
@click.option("--max-words", type=click.IntRange(1), default=2000, show_default=True,
              help="Cut every text to its first N words before scoring.")
@click.option("--cut-words", type=click.IntRange(1), default=None,
              help="Length-matched: cut test texts to their first N words (with --shared: default 250).")
@click.option("--n-boot", type=click.IntRange(0), default=1000, show_default=True, help="Bootstrap resamples.")
@click.option("--seed", type=int, default=0, show_default=True, help="Bootstrap seed.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@click.option("--out", metavar="PATH", help="Write the JSON result here (with --shared: the results directory, "
                                            "default eval/results).")
@click.option("--data-dir", metavar="DIR", help="--shared: data directory [env GENRE_DETECT_DATA].")
@click.option("--random-model", metavar="DIR", default="runs/minilm-random/model", show_default=True,
              help="--shared: fine-tuned model trained on the random split.")
@click.option("--baselines", default="length,tfidf,cues", show_default=True, help="--shared: baselines to run.")
@click.option("--no-loso", is_flag=True, help="--shared: skip leave-one-source-out.")
def command(data: str | None, shared: bool, model_dir: str | None, baseline: str | None, train_file: str | None,
            text_column: str, label_column: str, source_column: str, genre_column: str | None,
            positive: tuple[str, ...], max_words: int, cut_words: int | None, n_boot: int, seed: int,
            as_json: bool, out: str | None, data_dir: str | None, random_model: str, baselines: str,
            no_loso: bool) -> None:
    """Evaluate on a labelled DATA file (.jsonl/.csv with text, label, optional source), or run --shared.

    \b
    Examples:
      genre-detect eval labelled.jsonl
      genre-detect eval labelled.csv --text-column body --label-column is_satire --positive 1
      genre-detect eval test.jsonl --baseline tfidf --train train.jsonl --cut-words 250
      genre-detect eval --shared            # regenerates eval/results/ (leaderboard, plots, report.html)
    """
    _quiet_datasets()
    if shared:
        if data or baseline or train_file:
            raise click.UsageError("--shared runs every model on the shared data; give no DATA/--baseline/--train")
        _run_shared(data_dir, model_dir, random_model, baselines, cut_words or 250, max_words, n_boot, not no_loso,
                    out or "eval/results", as_json)
        return
    if not data:
        raise click.UsageError("give a labelled DATA file, or --shared")
    if baseline and not train_file:
        raise click.UsageError("--baseline needs --train FILE")
    from ..benchmark import progress_logger
    from ..evaluate import evaluate

    result = evaluate(baseline or model_dir, data, train=train_file, text_column=text_column,
                      label_column=label_column, source_column=source_column, genre_column=genre_column,
                      positive_labels=list(positive) or None, max_words=max_words, cut_words=cut_words,
                      n_boot=n_boot, seed=seed,
                      progress=progress_logger(lambda m: click.echo(m, err=True), f"{Path(data).name}: scored", 256))
    if out:
        Path(out).write_text(json.dumps(result.to_dict(), indent=1) + "\n", encoding="utf-8")
    if as_json:
        click.echo(json.dumps(result.to_dict()))
    else:
        _print_result(result)


def _run_shared(data_dir, model_dir, random_model, baselines, cut_words, max_words, n_boot, loso, out, as_json):
    from ..benchmark import BenchmarkConfig, run_benchmark
    from ..leaderboard import write_results

    names = tuple(b.strip() for b in baselines.split(",") if b.strip())
    unknown = set(names) - {"length", "tfidf", "cues"}
    if unknown:
        raise UsageError("E300", f"unknown baselines: {', '.join(sorted(unknown))}")
    t0 = time.perf_counter()
    cfg = BenchmarkConfig(data_dir=data_dir, model=model_dir, random_model=random_model, baselines=names,
                          cut_words=cut_words, max_words=max_words, n_boot=n_boot, loso=loso)
    bench = run_benchmark(cfg, log=lambda msg: click.echo(msg, err=True))
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
