"""``genre-detect feedback``: moderators' "wrong verdict" reports collected by the service."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

_DATA_DIR = click.option("--data-dir", metavar="DIR", envvar="GENRE_DETECT_DATA_DIR",
                         help="Feedback directory [env GENRE_DETECT_DATA_DIR; default: ~/.local/share/genre-detect].")


@click.group("feedback")
def command() -> None:
    """Work with the feedback moderators sent from the web page."""


@command.command("export")
@_DATA_DIR
@click.option("--out", "out", metavar="FILE", default="-", show_default=True, help="Output JSON-lines file; - is stdout.")
def export(data_dir: str | None, out: str) -> None:
    """Write every report as one JSON object per line, ready for retraining.

    Each record has id, text, label (satire/sincere), genre (opinion/reporting/satire, or null when the moderator
    only said "sincere"), source/publisher "feedback", and the metadata: sha256, moderator_label, model_verdict,
    satire_probability, comment, model, created_at.

    \b
    Example:
      genre-detect feedback export --out feedback.jsonl
    """
    from ..errors import InputError
    from ..service.feedback import DB_NAME, FeedbackStore, default_data_dir

    where = Path(data_dir).expanduser() if data_dir else default_data_dir()
    # Refuse a directory without a database instead of creating an empty one (a mistyped path would look empty).
    if not (where / DB_NAME).is_file():
        raise InputError("E100", f"no feedback database ({DB_NAME}) in this directory", source=str(where))
    store = FeedbackStore(where)
    n = 0
    stream = sys.stdout if out == "-" else open(out, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    try:
        for rec in store.export_records():
            stream.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    finally:
        if stream is not sys.stdout:
            stream.close()
        store.close()
    click.echo(f"exported {n} feedback records" + ("" if out == "-" else f" to {out}"), err=True)
