"""``genre-detect serve``: the HTTP service and the moderators' page, on uvicorn."""

from __future__ import annotations

import click

from ..errors import require


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind. The default is loopback only; use 0.0.0.0 deliberately, behind a proxy.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="TCP port.")
@click.option("--model", "model_dir", metavar="DIR", envvar="GENRE_DETECT_MODEL",
              help="Model directory [env GENRE_DETECT_MODEL; default: the shipped model].")
@click.option("--data-dir", metavar="DIR", envvar="GENRE_DETECT_DATA_DIR",
              help="Where feedback is stored [env GENRE_DETECT_DATA_DIR; default: ~/.local/share/genre-detect].")
@click.option("--max-batch", default=32, show_default=True, type=click.IntRange(1, 1024),
              help="Most texts in one /v1/predict request.")
@click.option("--max-body-bytes", default=8 * 1024 * 1024, show_default=True, type=click.IntRange(1024),
              help="Largest request body; larger ones get 413.")
@click.option("--max-concurrent", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Inferences run at the same time; the rest queue (one at a time uses every core best).")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))
def command(host: str, port: int, model_dir: str | None, data_dir: str | None, max_batch: int,
            max_body_bytes: int, max_concurrent: int, log_level: str) -> None:
    """Serve the predict/explain API and the paste-in page (OpenAPI docs at /docs).

    \b
    Examples:
      genre-detect serve                       # http://127.0.0.1:8000/
      genre-detect serve --port 9000 --data-dir /var/lib/genre-detect
    """
    uvicorn = require("uvicorn", "serve")
    require("fastapi", "serve")
    from ..service.app import create_app

    # create_app reads the model settings now (a bad --model fails here with a coded error, before binding);
    # the model itself is loaded once in the app's lifespan.
    app = create_app(model_dir=model_dir, data_dir=data_dir, max_batch=max_batch, max_body_bytes=max_body_bytes,
                     max_concurrent=max_concurrent)
    click.echo(f"genre-detect serving on http://{host}:{port}/ (docs at /docs)", err=True)
    uvicorn.run(app, host=host, port=port, log_level=log_level, workers=1, access_log=log_level == "debug")
