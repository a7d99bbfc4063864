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


def _open_store(data_dir: str | None):
    from ..errors import InputError
    from ..service.feedback import DB_NAME, FeedbackStore, default_data_dir

    where = Path(data_dir).expanduser() if data_dir else default_data_dir()
    # Refuse a directory without a database instead of creating an empty one (a mistyped path would look empty).
    if not (where / DB_NAME).is_file():
        raise InputError("E100", f"no feedback database ({DB_NAME}) in this directory", source=str(where))
    return FeedbackStore(where)


def _when(end: bool):
    def convert(ctx: click.Context, param: click.Parameter, value: str | None):
        from ..service.feedback import parse_when

        if value is None:
            return None
        try:
            return parse_when(value, end=end)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None

    return convert


@command.command("export")
@_DATA_DIR
@click.option("--out", "out", metavar="FILE", default="-", show_default=True, help="Output JSON-lines file; - is stdout.")
@click.option("--moderator", "moderators", metavar="NAME", multiple=True,
              help="Only this moderator's reports (repeat for several; '' for reports sent without a token).")
@click.option("--since", metavar="DATE", callback=_when(end=False),
              help="Only reports first made at or after this date (YYYY-MM-DD, UTC) or ISO date-time.")
@click.option("--until", metavar="DATE", callback=_when(end=True),
              help="Only reports first made before the end of this date (YYYY-MM-DD, UTC) or this ISO date-time.")
def export(data_dir: str | None, out: str, moderators: tuple[str, ...], since, until) -> None:
    """Write the reports as one JSON object per line, ready for retraining.

    Each record has id, text, label (satire/sincere), genre (opinion/reporting/satire, or null when the moderator
    only said "sincere"), source/publisher "feedback", and the metadata: sha256, moderator_label, model_verdict,
    satire_probability, comment, model, moderator (the token's name; null without tokens), count (how often that
    moderator sent that report), created_at and updated_at. Reports of one text by several moderators are
    separate records.

    \b
    Examples:
      genre-detect feedback export --out feedback.jsonl
      genre-detect feedback export --moderator alice --since 2026-05-01 --until 2026-05-31
    """
    store = _open_store(data_dir)
    n = 0
    stream = sys.stdout if out == "-" else open(out, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    try:
        for rec in store.export_records(moderators=set(moderators) if moderators else None, since=since,
                                        until=until):
            stream.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    finally:
        if stream is not sys.stdout:
            stream.close()
        store.close()
    click.echo(f"exported {n} feedback records" + ("" if out == "-" else f" to {out}"), err=True)


@command.command("backup")
@_DATA_DIR
@click.option("--out", "out", metavar="FILE", required=True, help="The copy to write (replaced atomically).")
def backup(data_dir: str | None, out: str) -> None:
    """Copy the feedback database while the server runs (SQLite's online backup API), checked and chmod 600.

    \b
    Example:
      genre-detect feedback backup --data-dir /var/lib/genre-detect --out /backups/feedback-$(date +%F).sqlite3
    """
    store = _open_store(data_dir)
    try:
        n = store.backup(out)
    finally:
        store.close()
    click.echo(f"backed up {n} feedback records to {out}", err=True)
