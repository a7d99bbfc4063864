"""``genre-detect explain``: the verdict plus the cue spans and evidence sentences behind it."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from ..errors import GenreDetectError, InputError
from ..pipeline.inputs import read_paths
from .predict import score_items

CHUNK = 8  # texts per explain call: their perturbed windows share batches


def use_colour_default() -> bool:
    """Colour when stdout is a terminal, unless ``NO_COLOR`` is set to anything non-empty (no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


class _Explainer:
    """Looks like a detector to :func:`score_items`, but explains instead of predicting (one batching loop)."""

    def __init__(self, detector, top_k: int, time_budget_s: float | None = None) -> None:
        self.detector = detector
        self.top_k = top_k
        self.time_budget_s = time_budget_s

    def check_text(self, text: str, source: str | None = None) -> str:
        return self.detector.check_text(text, source=source)

    def prepare(self, texts: list[str]) -> list[str]:
        return list(texts)

    def predict_prepared(self, texts: list[str]) -> list:
        from ..explain.occlusion import explain

        return explain(self.detector, texts, top_k=self.top_k, time_budget_s=self.time_budget_s)


@click.command("explain")
@click.argument("paths", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per input per line (Prediction.to_dict()).")
@click.option("--html", "html_out", metavar="OUT", help="Also write one self-contained HTML page to OUT.")
@click.option("--top-k", type=click.IntRange(0, 50), default=3, show_default=True, help="Evidence sentences.")
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=None,
              help="Satire threshold (default: the model's).")
@click.option("--model", "model_dir", metavar="DIR", envvar="GENRE_DETECT_MODEL",
              help="Model directory [env GENRE_DETECT_MODEL; default: the shipped model].")
@click.option("--no-windows", is_flag=True, help="Leave the per-window list out of --json output.")
@click.option("--time-budget", "time_budget", type=click.FloatRange(0), default=None, metavar="SECONDS",
              help="Stop explaining a batch of inputs after about this long, most decisive windows first (the output "
                   "says stopped_early).")
@click.option("--colour/--no-colour", "colour", default=None,
              help="ANSI colour (default: when stdout is a terminal and NO_COLOR is not set).")
def command(paths: tuple[str, ...], as_json: bool, html_out: str | None, top_k: int, threshold: float | None,
            model_dir: str | None, no_windows: bool, time_budget: float | None, colour: bool | None) -> None:
    """Explain the verdict on PATHS (text files; - for stdin): cue spans with the model's reliance on each, and
    the sentences that moved the score most.

    \b
    Examples:
      genre-detect explain examples/parody_oped.txt
      cat article.txt | genre-detect explain --json -
      genre-detect explain --html report.html a.txt b.txt
    """
    from ..explain.highlight import render_html, render_terminal
    from ..pipeline.detector import Detector

    if not paths:
        if sys.stdin.isatty():
            raise click.UsageError("no input: give PATHS or - for stdin")
        paths = ("-",)
    if html_out and Path(html_out).is_dir():
        raise click.UsageError(f"--html {html_out} is a directory; give a file name")
    detector = Detector.load(model_dir, threshold=threshold)
    use_colour = use_colour_default() if colour is None else colour
    failures = 0
    done: list[dict] = []
    for item, result in score_items(_Explainer(detector, top_k, time_budget), read_paths(paths), chunk=CHUNK):
        if isinstance(result, GenreDetectError):
            failures += 1
            click.echo(f"error: {result}", err=True)
            continue
        d = result.to_dict()
        done.append(d)
        if as_json:
            if no_windows:
                d = {k: v for k, v in d.items() if k != "windows"}
            click.echo(json.dumps(d, ensure_ascii=False))
        else:
            click.echo(render_terminal(d, colour=use_colour) + "\n", color=use_colour)
    if html_out:
        try:
            Path(html_out).write_text(render_html(done), encoding="utf-8")
        except OSError as exc:
            raise InputError("E100", f"cannot write HTML: {exc.strerror or exc}", source=html_out) from None
        click.echo(f"wrote {html_out} ({len(done)} input(s))", err=True)
    if failures:
        click.get_current_context().exit(1)
