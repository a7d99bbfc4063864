"""``genre-detect predict``: score text files, stdin or JSON-lines records."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator

import click

from ..errors import GenreDetectError, InputError
from ..inputs import Item, read_jsonl_records, read_paths

CHUNK = 32  # documents per model call: windows of a chunk share batches, memory stays bounded


def score_items(detector, items: Iterable[Item], chunk: int = CHUNK) -> Iterator[tuple[Item, object]]:
    """Yield ``(item, Prediction | InputError)`` in input order, scoring good items a chunk at a time."""
    buf: list[Item] = []

    def flush() -> Iterator[tuple[Item, object]]:
        good = []
        results: dict[int, object] = {}
        for i, it in enumerate(buf):
            if it.error is not None:
                results[i] = it.error
                continue
            try:
                detector.check_text(it.text, source=it.id)
                good.append(i)
            except InputError as exc:
                results[i] = exc
        if good:
            preds = detector.predict_prepared(detector.prepare([buf[i].text for i in good]))
            for i, p in zip(good, preds):
                p.id = buf[i].id
                results[i] = p
        for i, it in enumerate(buf):
            yield it, results[i]
        buf.clear()

    for it in items:
        buf.append(it)
        if len(buf) >= chunk:
            yield from flush()
    yield from flush()


def _table_row(pred) -> str:
    verdict = "uncertain" if pred.uncertain else pred.label
    lang = "" if pred.language == "en" else f"  [{pred.language}: model is English-only]"
    name = pred.id or "-"
    name = name if len(name) <= 40 else "…" + name[-39:]  # keep the file name, drop the directory prefix
    return (f"{name:<40} {verdict:<9} {pred.satire_probability:>7.3f}  {pred.genre:<9} "
            f"{pred.num_tokens:>7}{lang}")


@click.command("predict")
@click.argument("paths", nargs=-1)
@click.option("--jsonl", "jsonl", metavar="FILE", help="Read JSON-lines records (with a text field); - for stdin.")
@click.option("--text-field", default="text", show_default=True, help="Text field of --jsonl records.")
@click.option("--id-field", default="id", show_default=True, help="Id field of --jsonl records.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per input per line (Prediction.to_dict()).")
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=None,
              help="Satire threshold (default: the model's).")
@click.option("--model", "model_dir", metavar="DIR", envvar="GENRE_DETECT_MODEL",
              help="Model directory [env GENRE_DETECT_MODEL; default: the shipped model].")
@click.option("--no-windows", is_flag=True, help="Leave the per-window list out of --json output.")
@click.option("--progress/--no-progress", default=None, help="Progress on stderr (default: when many inputs).")
def command(paths: tuple[str, ...], jsonl: str | None, text_field: str, id_field: str, as_json: bool,
            threshold: float | None, model_dir: str | None, no_windows: bool, progress: bool | None) -> None:
    """Classify PATHS (text files; - for stdin) or --jsonl records as satire or sincere.

    \b
    Examples:
      genre-detect predict examples/parody_oped.txt
      cat article.txt | genre-detect predict --json -
      genre-detect predict --jsonl articles.jsonl --json > scores.jsonl
    """
    from ..detector import Detector

    if jsonl and paths:
        raise click.UsageError("give PATHS or --jsonl, not both")
    if not jsonl and not paths:
        if sys.stdin.isatty():
            raise click.UsageError("no input: give PATHS, - for stdin, or --jsonl FILE")
        paths = ("-",)
    detector = Detector.load(model_dir, threshold=threshold)
    items = read_jsonl_records(jsonl, text_field, id_field) if jsonl else read_paths(paths)
    total = None if jsonl else len(paths)
    show_progress = progress if progress is not None else (total is None or total > 10)
    failures = done = 0
    if not as_json:
        click.echo(f"{'input':<40} {'verdict':<9} {'satire_p':>7}  {'genre':<9} {'tokens':>7}")
    for item, result in score_items(detector, items):
        done += 1
        if isinstance(result, GenreDetectError):
            failures += 1
            click.echo(f"error: {result}", err=True)
        else:
            if as_json:
                d = result.to_dict()
                if no_windows:
                    d.pop("windows")
                click.echo(json.dumps(d, ensure_ascii=False))
            else:
                click.echo(_table_row(result))
        if show_progress and done % CHUNK == 0:
            click.echo(f"scored {done}" + (f"/{total}" if total else ""), err=True)
    if show_progress:
        click.echo(f"scored {done}, {failures} failed", err=True)
    if failures:
        click.get_current_context().exit(1)
