"""``genre-detect serve``: the HTTP service and the moderators' page, on uvicorn.

Everything that can fail at start-up is done before the line "serving on" is printed: the token file is read, the
address is checked (no tokens beyond loopback), the model is loaded and run once, the feedback database is opened
and the port is bound. A failure is one coded line and exit 1 (2 for a usage error), never a traceback.
"""

from __future__ import annotations

import errno
import logging
import socket

import click

from ..errors import ServiceError, UsageError, require

log = logging.getLogger("genre_detect.service")


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: one the OS picks), or E609 saying why it cannot be had."""
    try:
        family, kind, proto, _, addr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                          flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        raise ServiceError("E609", f"cannot resolve host {host!r}: {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    try:
        # SO_REUSEADDR lets a restart reuse a port in TIME_WAIT; Linux still refuses a port someone listens on.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(addr)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        why = "it is already in use" if exc.errno == errno.EADDRINUSE else exc.strerror or str(exc)
        raise ServiceError("E609", f"cannot listen on {host}:{port}: {why}") from None
    sock.set_inheritable(True)
    return sock


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind. The default is loopback only; beyond it, tokens are required (--tokens).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port (0: any free port, printed at start).")
@click.option("--model", "model_dir", metavar="DIR", envvar="GENRE_DETECT_MODEL",
              help="Model directory [env GENRE_DETECT_MODEL; default: the shipped model].")
@click.option("--data-dir", metavar="DIR", envvar="GENRE_DETECT_DATA_DIR",
              help="Where feedback is stored [env GENRE_DETECT_DATA_DIR; default: ~/.local/share/genre-detect].")
@click.option("--tokens", "tokens_file", metavar="FILE", envvar="GENRE_DETECT_TOKENS",
              help="Moderators' API tokens, one 'name:token' per line; /v1/* then needs 'Authorization: Bearer' "
                   "[env GENRE_DETECT_TOKENS]. Keep it chmod 600.")
@click.option("--no-auth", is_flag=True,
              help="Serve beyond loopback without tokens (anyone who can reach the port can write feedback).")
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              help="Satire probability at or above which the verdict is satire [default: the model's].")
@click.option("--uncertain-band", type=click.FloatRange(0, 0.5, max_open=True),
              help="Half-width of the 'uncertain' band around the threshold, independent of it [default: the "
                   "model's]; each side is clipped to half the distance to 0 or 1. Requests may ask for another.")
@click.option("--rate-limit", default=120, show_default=True, type=click.IntRange(0),
              help="Requests per minute per moderator (without tokens: per client address, except loopback "
                   "clients); 0: no limit.")
@click.option("--explains-per-token", default=2, show_default=True, type=click.IntRange(0),
              help="Explanations one moderator may have running or waiting at once; 0: no limit.")
@click.option("--explain-queue", default=4, show_default=True, type=click.IntRange(0),
              help="Explanations that may wait for the explanation worker; more get 503 with Retry-After.")
@click.option("--explain-budget", default=30.0, show_default=True, type=click.FloatRange(0, min_open=True),
              help="Seconds an explanation may take (most decisive windows first), when the cue report supports it.")
@click.option("--max-batch", default=32, show_default=True, type=click.IntRange(1, 1024),
              help="Most texts in one /v1/predict request.")
@click.option("--max-body-bytes", default=8 * 1024 * 1024, show_default=True, type=click.IntRange(1024),
              help="Largest request body; larger ones get 413.")
@click.option("--max-concurrent", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Predictions run at the same time; the rest queue (one at a time uses every core best).")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))
def command(host: str, port: int, model_dir: str | None, data_dir: str | None, tokens_file: str | None,
            no_auth: bool, threshold: float | None, uncertain_band: float | None, rate_limit: int,
            explains_per_token: int, explain_queue: int, explain_budget: float, max_batch: int,
            max_body_bytes: int, max_concurrent: int, log_level: str) -> None:
    """Serve the predict/explain API and the paste-in page (OpenAPI docs at /docs).

    \b
    Examples:
      genre-detect serve                       # http://127.0.0.1:8000/
      genre-detect serve --host 0.0.0.0 --tokens /etc/genre-detect/tokens --data-dir /var/lib/genre-detect
    """
    uvicorn = require("uvicorn", "serve")
    require("fastapi", "serve")
    require("fastapi_offline", "serve")
    from ..pipeline.detector import Detector
    from ..service.app import create_app
    from ..service.auth import Tokens, is_loopback, loose_permissions

    # 1. Who may call: checked first, it needs no model.
    tokens = None
    if tokens_file and no_auth:
        raise UsageError("E300", "--tokens and --no-auth contradict each other; give one")
    if tokens_file:
        tokens = Tokens.from_file(tokens_file)
        if loose_permissions(tokens_file):
            click.echo(f"warning: {tokens_file} can be read by other users; chmod 600 {tokens_file}", err=True)
    elif not is_loopback(host) and not no_auth:
        raise UsageError("E608", f"refusing to serve on {host} without tokens: anyone who can reach it could score, "
                                 "explain and write training feedback; give --tokens FILE (or --no-auth deliberately)")
    # 2. The model, loaded and run once: a broken model directory fails here, not on the first request.
    det = Detector.load(model_dir, threshold=threshold, uncertain_band=uncertain_band)
    det.predict("The council met on Tuesday to discuss the budget.")
    app = create_app(detector=det, data_dir=data_dir, max_batch=max_batch, max_body_bytes=max_body_bytes,
                     max_concurrent=max_concurrent, tokens=tokens, rate_limit=rate_limit,
                     explains_per_token=explains_per_token, explain_queue=explain_queue,
                     explain_budget_s=explain_budget)
    app.state.resources.store  # noqa: B018 - open the feedback database now: an unwritable --data-dir fails here
    # 3. The port, bound by us so that "in use" is a coded line before anything claims to serve.
    sock = _bind(host, port)
    shown = f"[{host}]" if ":" in host else host
    who = f"{len(tokens.names)} moderator token(s)" if tokens else "no tokens (open to anyone who can connect)"
    click.echo(f"genre-detect serving on http://{shown}:{sock.getsockname()[1]}/ (docs at /docs; {who})", err=True)
    config = uvicorn.Config(app, log_level=log_level, workers=1, access_log=log_level == "debug")
    uvicorn.Server(config).run(sockets=[sock])
