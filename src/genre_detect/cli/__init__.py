"""The ``genre-detect`` command line. Every command is a thin wrapper over an importable function; only this layer
prints. Sub-commands live in this package, one module each (``genre_detect.cli.predict``, ...), each exposing
``command`` (a click command); they are imported only when called, so that ``genre-detect --help`` stays fast (no
numpy, no onnxruntime).

Exit codes: 0 success, 1 runtime error (bad input, bad model), 2 usage error.
"""

from __future__ import annotations

import importlib
import sys

import click

from .. import __version__

__all__ = ["main", "COMMANDS"]

# name -> (module under genre_detect.cli, one-line help shown by --help without importing the module)
COMMANDS: dict[str, tuple[str, str]] = {
    "predict": ("predict", "Classify texts as satire or sincere, with genre and calibrated probability."),
    "serve": ("serve", "Run the HTTP API and the moderators' paste-in page (127.0.0.1 by default)."),
    "feedback": ("feedback", "Export moderators' 'wrong verdict' reports for retraining, or back them up."),
    "eval": ("eval", "Evaluate a model or baseline on labelled data; --shared regenerates eval/results/."),
    "explain": ("explain", "Explain a verdict: cue spans, the model's reliance on each, and evidence sentences."),
}


class LazyGroup(click.Group):
    """A click group that imports a sub-command's module only when that sub-command runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, short = COMMANDS[name]
        if ctx.resilient_parsing or (len(sys.argv) > 1 and sys.argv[1] in ("--help", "-h")):
            # Listing commands for --help: a placeholder with the short help avoids heavy imports.
            return click.Command(name, help=short, short_help=short)
        return importlib.import_module(f"genre_detect.cli.{module}").command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="genre-detect")
def cli() -> None:
    """genre-detect: satire and parody vs sincere writing, with the reasons."""


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI and turn our coded errors into one-line messages and exit codes."""
    from ..errors import GenreDetectError

    try:
        rv = cli.main(args=argv, prog_name="genre-detect", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return 2 if isinstance(exc, click.UsageError) else exc.exit_code
    except GenreDetectError as exc:
        click.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    except BrokenPipeError:
        return 0
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":
    sys.exit(main())
