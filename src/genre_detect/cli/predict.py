"""``genre-detect predict``: score text files, stdin or JSON-lines records."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator

import click

from ..errors import GenreDetectError, InputError
from ..pipeline.inputs import Item, read_jsonl_records, read_paths

CHUNK = 32  # documents per model call: windows of a chunk share batches, memory stays bounded


def score_items(detector, items: Iterable[Item], chunk: int = CHUNK, skip: Callable[[Item], bool] | None = None
                ) -> Iterator[tuple[Item, object]]:
    """Yield ``(item, Prediction | InputError | None)`` in input order, scoring good items a chunk at a time.

    Chunks are fixed runs of ``chunk`` consecutive input items. When ``skip`` says that every good item of a chunk
    is already done, the chunk is not scored and its good items come back with ``None``. A chunk with some items
    done is scored whole, so a resumed run writes the same bytes as an uninterrupted one even with a model whose
    ``batch_size`` lets windows of different texts share a forward pass (int8 activation scales follow the batch).
    """
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
        if good and skip is not None and all(skip(buf[i]) for i in good):
            for i in good:
                results[i] = None
            good = []
        if good:
            preds = detector.predict_prepared(detector.prepare([buf[i].text for i in good]))
            for i, p in zip(good, preds):
                p.id = buf[i].id
                p.extras.update(buf[i].extras)  # flags from the input layer (html_extracted)
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
@click.option("--uncertain-band", type=click.FloatRange(0, 0.5, max_open=True), default=None,
              help="Half-width of the 'uncertain' band around the threshold, clipped on each side to half the "
                   "distance to 0 or 1 (default: the model's, 0.15).")
@click.option("--model", "model_dir", metavar="DIR", envvar="GENRE_DETECT_MODEL",
              help="Model directory [env GENRE_DETECT_MODEL; default: the shipped model].")
@click.option("--no-windows", is_flag=True, help="Leave the per-window list out of --json output.")
@click.option("--progress/--no-progress", default=None, help="Progress on stderr (default: when many inputs).")
@click.option("--out", "out_path", metavar="FILE", type=click.Path(dir_okay=False),
              help="Append JSON lines to FILE, resumably: ids already in FILE are skipped, a partial last line from "
                   "a killed run is repaired.")
def command(paths: tuple[str, ...], jsonl: str | None, text_field: str, id_field: str, as_json: bool,
            threshold: float | None, uncertain_band: float | None, model_dir: str | None, no_windows: bool,
            progress: bool | None, out_path: str | None) -> None:
    """Classify PATHS (text files; - for stdin) or --jsonl records as satire or sincere.

    \b
    Examples:
      genre-detect predict examples/parody_oped.txt
      cat article.txt | genre-detect predict --json -
      genre-detect predict --jsonl articles.jsonl --json > scores.jsonl
      genre-detect predict --jsonl big.jsonl --out results.jsonl   # rerun the same command to resume
    """
    from ..pipeline.detector import Detector

    if jsonl and paths:
        raise click.UsageError("give PATHS or --jsonl, not both")
    if not jsonl and not paths:
        if sys.stdin.isatty():
            raise click.UsageError("no input: give PATHS, - for stdin, or --jsonl FILE")
        paths = ("-",)
    detector = Detector.load(model_dir, threshold=threshold, uncertain_band=uncertain_band)
    out = _open_results(out_path) if out_path else None
    items = read_jsonl_records(jsonl, text_field, id_field) if jsonl else read_paths(paths)
    total = None if jsonl else len(paths)
    show_progress = progress if progress is not None else (out is not None or total is None or total > 10)
    failures = done = skipped = 0
    # JSON output is what ends up in papers: say which inputs the model was trained on
    # (genre_detect.evaluation.fingerprint).
    overlap = _TrainingOverlap(detector.model_dir) if (as_json or out is not None) else None
    started = last_report = time.monotonic()
    if not as_json and out is None:
        click.echo(f"{'input':<40} {'verdict':<9} {'satire_p':>7}  {'genre':<9} {'tokens':>7}")
    try:
        for item, result in score_items(detector, items, skip=(lambda it: it.id in out.resumed) if out else None):
            done += 1
            if out is not None and not isinstance(result, GenreDetectError) and item.id in out.resumed:
                skipped += 1  # written by an earlier, interrupted run
            elif isinstance(result, GenreDetectError):
                failures += 1
                click.echo(f"error: {result}", err=True)
            elif out is not None or as_json:
                overlap.check(item)
                d = result.to_dict()
                if no_windows:
                    d.pop("windows")
                if out is None:
                    click.echo(json.dumps(d, ensure_ascii=False))
                else:
                    try:
                        out.write(d)
                    except InputError as exc:  # the same id twice in the input
                        failures += 1
                        click.echo(f"error: {exc}", err=True)
            else:
                click.echo(_table_row(result))
            now = time.monotonic()
            # At most one progress line every two seconds: a 20,000-record file should not flood the terminal.
            if show_progress and done % CHUNK == 0 and now - last_report >= 2:
                last_report = now
                click.echo(_progress(done, total, skipped, failures, now - started), err=True)
    finally:
        if out is not None:
            out.close()
    if show_progress:
        click.echo(_progress(done, total, skipped, failures, time.monotonic() - started, final=True), err=True)
    if overlap is not None:
        overlap.report(done - skipped - failures)
    if failures:
        click.get_current_context().exit(1)


class _TrainingOverlap:
    """Counts the scored inputs that overlap the model's training data, and reports them once on stderr."""

    def __init__(self, model_dir) -> None:
        from ..evaluation.fingerprint import Fingerprint

        self.fingerprint = Fingerprint.from_model_dir(model_dir)
        self.model = model_dir.name
        self.ids: list[str] = []

    def check(self, item: Item) -> None:
        if self.fingerprint is not None and self.fingerprint.overlaps([item.text])[0]:
            self.ids.append(item.id or "-")

    def report(self, scored: int) -> None:
        if self.fingerprint is None:
            click.echo(f"note: {self.model} has no training fingerprint; overlap with its training data not checked",
                       err=True)
        elif self.ids:
            shown = ", ".join(self.ids[:5]) + (f" and {len(self.ids) - 5} more" if len(self.ids) > 5 else "")
            click.echo(f"warning: {len(self.ids)} of {scored} inputs overlap {self.model}'s training data (most of "
                       f"their word shingles are in it); scores on them are not held-out: {shown}", err=True)
        else:
            click.echo(f"training-data overlap: 0 of {scored} inputs", err=True)


def _open_results(path: str):
    from ..evaluation.results_file import ResultsFile

    out = ResultsFile(path)
    if out.resumed or out.repaired_bytes:
        cut = f"; cut a partial last line ({out.repaired_bytes} bytes)" if out.repaired_bytes else ""
        click.echo(f"resuming {path}: {len(out.resumed)} results already there{cut}", err=True)
    return out


def _progress(done: int, total: int | None, skipped: int, failures: int, seconds: float, final: bool = False) -> str:
    of = f"/{total}" if total else ""
    rate = (done - skipped) / seconds if seconds > 0 else 0.0
    extra = f", {skipped} already done" if skipped else ""
    return f"{'done: ' if final else ''}read {done}{of}{extra}, {failures} failed, {rate:.1f}/s"
