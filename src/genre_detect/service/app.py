"""The HTTP service: a FastAPI app over one :class:`~genre_detect.Detector`, plus the moderators' page.

Routes (OpenAPI at ``/docs`` and ``/openapi.json``; the docs' assets are served locally by ``fastapi-offline``):

* ``POST /v1/predict``  ``{"text": ...}`` -> one ``Prediction.to_dict()``; ``{"texts": [...]}`` -> a list of them, a
  bad item answered in its place by ``{"error": {"code", "message", "id"}, "index": i}``.
* ``POST /v1/explain``  ``{"text": ..., "top_k": 3}`` -> the prediction plus ``text``, ``cues`` and ``evidence``.
* ``POST /v1/feedback`` a moderator's "wrong verdict" report, acknowledged only once it is on disk.
* ``GET /v1/whoami``    the moderator name the caller's token belongs to.
* ``GET /health``       model name, limits and whether explanations are available (open, no token).
* ``GET /``             the paste-in page (static files, no build step).

Inference is blocking CPU work: it runs on the thread pools of :class:`~.scheduler.Scheduler`, predictions and
explanations apart, so a 20,000-word explanation never holds up a 300-word prediction. With a token file every
``/v1/*`` request needs ``Authorization: Bearer <token>`` (:mod:`.auth`), and each moderator has a requests-per-minute
and an explanations-at-once limit (:mod:`.quota`). Every failure is answered with a coded JSON body
(``{"code", "message", "source"}``); stack traces go to the server log only.

Example:
    >>> from fastapi.testclient import TestClient
    >>> app = create_app(detector=Detector.load(), data_dir="/tmp/gd")     # doctest: +SKIP
    >>> TestClient(app).post("/v1/predict", json={"text": "..."}).json()["label"]   # doctest: +SKIP
    'satire'
"""

# No ``from __future__ import annotations`` here: FastAPI reads the route annotations at run time, and the request
# models are local to create_app, so string annotations could not be resolved.
import copy
import dataclasses
import inspect
import json
import logging
import threading
import time
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPBearer
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import GenreDetectError, ServiceError
from ..pipeline.detector import Detector, default_model_dir
from ..pipeline.inputs import extract_main_text
from ..settings import ModelSettings
from .auth import Tokens, is_loopback
from .feedback import FeedbackStore
from .limits import BodyLimit
from .quota import Quota
from .scheduler import Cancelled, Scheduler, sliced_scoring
from .schemas import build_schemas

__all__ = ["DEFAULT_MAX_BATCH", "DEFAULT_MAX_BODY_BYTES", "DEFAULT_RATE_LIMIT", "STATIC_DIR", "create_app"]

log = logging.getLogger("genre_detect.service")

DEFAULT_MAX_BATCH = 32
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
DEFAULT_RATE_LIMIT = 120  # requests per minute per moderator: a busy person clicks far less; a script is slowed
DEFAULT_EXPLAINS_PER_TOKEN = 2
STATIC_DIR = Path(__file__).resolve().parent / "static"
DOCS_STATIC = "/docs-static"
# Names an explanation time budget may have in genre_detect.explain.explain (passed only if it takes one).
_BUDGET_PARAMS = ("budget_s", "time_budget", "budget", "time_budget_s")

# The page loads only its own script and style; even if a bug ever put user text into HTML, an inline script
# could not run. /docs and /redoc are left out: Swagger UI and ReDoc start from an inline script.
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_ERROR_RESPONSES = {
    401: {"description": "No token, or a wrong one, on a server with tokens (code E604)."},
    413: {"description": "Request body over the size limit (code E602)."},
    422: {"description": "Invalid request: not JSON, a field missing, too long or of the wrong type."},
    429: {"description": "Over this moderator's requests per minute or explanations at once (code E605; "
                         "see Retry-After)."},
    500: {"description": "Internal error (code E699); details are in the server log only."},
    503: {"description": "The server's queue is full (code E606; see Retry-After)."},
}
# Documents the scheme for /docs' "Authorize" button; the check itself is _Gate, which runs before any parsing.
_bearer = HTTPBearer(auto_error=False, scheme_name="token",
                     description="A moderator's token from the server's --tokens file (only when it has one).")


class _Resources:
    """The detector and the feedback store, opened once (at startup by the lifespan, or on first use in tests)."""

    def __init__(self, detector: Detector | None, model_dir: str | Path | None, data_dir: str | Path | None) -> None:
        self._detector = detector
        self._model_dir = model_dir
        self._data_dir = data_dir
        self._store: FeedbackStore | None = None
        self._lock = threading.Lock()

    @property
    def detector(self) -> Detector:
        if self._detector is None:
            with self._lock:
                if self._detector is None:
                    self._detector = Detector.load(self._model_dir)
        return self._detector

    @property
    def store(self) -> FeedbackStore:
        if self._store is None:
            with self._lock:
                if self._store is None:
                    self._store = FeedbackStore(self._data_dir)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def _json_error(status: int, err: GenreDetectError, headers: dict | None = None) -> tuple[int, list, bytes]:
    body = json.dumps(err.to_dict()).encode()
    hdrs = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    hdrs += [(k.lower().encode(), str(v).encode()) for k, v in (headers or {}).items()]
    return status, hdrs, body


class _Gate:
    """Pure ASGI middleware for ``/v1/*``: the bearer token (when the server has tokens) and the per-minute limit.

    It runs before the body is read or parsed, so a caller without a valid token costs almost nothing. The
    moderator's name goes into ``scope["state"]`` for the routes (feedback records it, explanations count by it).
    """

    def __init__(self, app, tokens: Tokens | None, quota: Quota) -> None:
        self.app = app
        self.tokens = tokens
        self.quota = quota

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        name = None
        if self.tokens is not None:
            auth = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1").strip()
            scheme, _, token = auth.partition(" ")
            name = self.tokens.name_for(token.strip()) if scheme.lower() == "bearer" else None
            if name is None:
                msg = ("the API token is not valid" if token.strip() else
                       "this server needs an API token: send 'Authorization: Bearer <token>'")
                await self._answer(send, *_json_error(401, ServiceError("E604", msg, http_status=401),
                                                      {"WWW-Authenticate": 'Bearer realm="genre-detect"'}))
                return
        host = (scope.get("client") or ("?",))[0]
        key = name if name is not None else f"addr:{host}"
        # Per token; without tokens per client address, except on this machine itself (one user, or a script).
        limited = None if name is None and is_loopback(host) else self.quota.hit(key)
        if limited is not None:
            await self._answer(send, *_json_error(429, limited, {"Retry-After": limited.retry_after}))
            return
        state = scope.setdefault("state", {})
        state["moderator"], state["quota_key"] = name, key
        await self.app(scope, receive, send)

    @staticmethod
    async def _answer(send, status: int, headers: list, body: bytes) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _SecurityHeaders:
    """Pure ASGI middleware adding ``nosniff`` everywhere and the page's CSP everywhere but the API docs."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = not scope["path"].startswith(("/docs", "/redoc"))

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                names = {k.lower() for k, _ in headers}
                if b"x-content-type-options" not in names:
                    headers.append((b"x-content-type-options", b"nosniff"))
                if csp and b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", _CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _validation_message(exc: RequestValidationError) -> tuple[str, str, list[dict]]:
    """Code, one-line message and per-field list for a 422, without echoing the (possibly huge) input back."""
    fields = []
    for err in exc.errors():
        kind, msg = err.get("type"), str(err.get("msg", "invalid"))
        loc = [str(p) for p in err.get("loc", ()) if p != "body"]
        if kind == "json_invalid":  # loc holds a character position, not a field
            loc, msg = [], f"request body is not valid JSON ({err.get('ctx', {}).get('error', 'decode error')})"
        elif kind in ("model_attributes_type", "dict_type") and not loc:
            msg = "request body must be a JSON object (send Content-Type: application/json)"
        msg = msg.removeprefix("Value error, ")
        fields.append({"field": ".".join(loc) or None, "type": kind, "message": msg})
    first = fields[0] if fields else {"field": None, "type": None, "message": "invalid request"}
    code = "E603"
    if first["type"] == "too_long" and first["field"] == "texts":
        code = "E105"  # batch over the limit
    elif first["type"] == "string_too_long" and first["field"] and first["field"].startswith("text"):
        code = "E103"  # one text over the model's hard cap
    where = f"{first['field']}: " if first["field"] else ""
    more = f" (and {len(fields) - 1} more)" if len(fields) > 1 else ""
    return code, f"{where}{first['message']}{more}", fields


def _with_band(det: Detector, band: float | None) -> Detector:
    """The detector itself, or a shallow copy (same model, same tokenizer) with another ``uncertain`` band.

    The copy changes only the settings the verdict reads, so the label, probability and genre are the detector's
    own and ``uncertain`` follows :mod:`genre_detect.pipeline.verdict` with the band asked for.
    """
    if band is None or band == det.settings.uncertain_band:
        return det
    view = copy.copy(det)
    view.settings = dataclasses.replace(det.settings, uncertain_band=band)
    return view


def _budget_kwarg(budget_s: float | None) -> dict:
    """``{name: budget_s}`` when :func:`genre_detect.explain.explain` takes a time budget, else ``{}``."""
    if budget_s is None:
        return {}
    try:
        from ..explain.occlusion import explain as explain_fn
    except ImportError:
        return {}
    params = inspect.signature(explain_fn).parameters
    return next(({p: budget_s} for p in _BUDGET_PARAMS if p in params), {})


def _flag(record: dict, was_html: bool) -> dict:
    """Mark a record whose input was HTML and was scored on its extracted main text."""
    if was_html:
        record["html_extracted"] = True
    return record


def create_app(detector: Detector | None = None, data_dir: str | Path | None = None,
               model_dir: str | Path | None = None, max_batch: int = DEFAULT_MAX_BATCH,
               max_body_bytes: int = DEFAULT_MAX_BODY_BYTES, max_concurrent: int = 1,
               tokens: Tokens | None = None, rate_limit: int = DEFAULT_RATE_LIMIT,
               explains_per_token: int = DEFAULT_EXPLAINS_PER_TOKEN, explain_workers: int = 1,
               explain_queue: int = 4, predict_queue: int = 64, explain_budget_s: float | None = None) -> FastAPI:
    """Build the service app.

    Args:
        detector: an already loaded detector (``genre-detect serve`` and the tests pass one); otherwise
            ``model_dir`` (or the shipped model) is loaded once at startup.
        data_dir: where the feedback database lives (default: :func:`~.feedback.default_data_dir`).
        model_dir: model directory to load when no ``detector`` is given.
        max_batch: most texts in one ``/v1/predict`` request.
        max_body_bytes: largest request body; larger ones get 413 before they are parsed.
        max_concurrent: predictions run at the same time (each uses every core through the detector's lanes).
        tokens: the moderators' tokens (:class:`~.auth.Tokens`); ``None`` serves without authentication.
        rate_limit: requests per minute per moderator (without tokens: per client address, none for loopback
            clients); 0 is no limit.
        explains_per_token: explanations one moderator may have running or queued at once; 0 is no limit.
        explain_workers: explanations computed at the same time (apart from predictions).
        explain_queue, predict_queue: jobs that may wait for a worker; past them the answer is 503 E606.
        explain_budget_s: a time budget per explanation, passed on when ``genre_detect.explain`` supports one.

    Example:
        >>> app = create_app(model_dir="models/genre-detect-minilm", data_dir="/tmp/gd")   # doctest: +SKIP
    """
    # The limits must be known now, for the request models and the OpenAPI document; reading the settings file is
    # cheap, loading the model is not (that happens in the lifespan).
    settings = detector.settings if detector is not None else ModelSettings.from_dir(model_dir or default_model_dir())
    schemas = build_schemas(settings.max_chars, max_batch)
    res = _Resources(detector, model_dir, data_dir)
    sched = Scheduler(predict_workers=max_concurrent, explain_workers=explain_workers, predict_queue=predict_queue,
                      explain_queue=explain_queue)
    quota = Quota(per_minute=rate_limit, explains=explains_per_token)
    budget = _budget_kwarg(explain_budget_s)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        det = res.detector  # load the model once, before the first request
        res.store  # noqa: B018 - open (and create) the feedback database at startup so a bad --data-dir fails fast
        log.info("model %s loaded; feedback in %s", det.model_dir, res.store.path)
        yield
        sched.close()
        res.close()

    # FastAPIOffline is FastAPI with /docs and /redoc served from assets in its wheel (no CDN: works offline).
    from fastapi_offline import FastAPIOffline

    app = FastAPIOffline(title="genre-detect", version=__version__, lifespan=lifespan, static_url=DOCS_STATIC,
                         description="Tells satire and parody apart from sincere writing, and says why. "
                                     "Not a fact-checker: satire is not misinformation.")
    app.state.resources = res
    app.state.scheduler = sched

    # -- errors: every answer is coded JSON --------------------------------------------------------------------
    @app.exception_handler(GenreDetectError)
    async def _coded(request: Request, exc: GenreDetectError) -> JSONResponse:
        retry = getattr(exc, "retry_after", None)
        return JSONResponse(exc.to_dict(), status_code=exc.http_status,
                            headers={"Retry-After": str(retry)} if retry else None)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        code, message, fields = _validation_message(exc)
        return JSONResponse({"code": code, "message": message, "source": None, "errors": fields}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"code": "E300", "message": str(exc.detail), "source": None},
                            status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"code": "E699", "message": "internal server error; see the server log", "source": None},
                            status_code=500)

    # -- routes: async, but every model call runs on the scheduler's threads ----------------------------------
    secured = [Depends(_bearer)]

    @app.get("/health", tags=["service"])
    def health() -> dict:
        """Liveness and what this server can do. Open without a token."""
        det = res.detector
        return {"status": "ok", "version": __version__, "model": det.model_dir.name, "labels": det.labels,
                "threshold": det.settings.threshold, "uncertain_band": det.settings.uncertain_band,
                "max_chars": settings.max_chars, "max_batch": max_batch, "max_body_bytes": max_body_bytes,
                "explain": hasattr(det, "explain"), "auth": tokens is not None,
                "rate_limit_per_minute": rate_limit, "explains_per_token": explains_per_token,
                "explain_budget_s": explain_budget_s if budget else None, "queues": sched.stats()}

    @app.get("/v1/whoami", tags=["service"], dependencies=secured, responses=_ERROR_RESPONSES)
    def whoami(request: Request) -> dict:
        """The moderator name of the caller's token (``null`` on a server without tokens)."""
        return {"moderator": request.state.moderator, "auth": tokens is not None}

    def _predict(det: Detector, req) -> dict | list:
        if req.text is not None:
            text, was_html = extract_main_text(req.text)
            return _flag(det.predict(text).to_dict(), was_html)
        out: list = [None] * len(req.texts)
        texts, where, flags = [], [], []
        for i, raw in enumerate(req.texts):
            try:
                text, was_html = extract_main_text(raw) if isinstance(raw, str) else (raw, False)
            except GenreDetectError as exc:  # markup with no text: answered in its place like any bad item
                out[i] = {"error": exc.to_dict(), "index": i}
                continue
            texts.append(text)
            where.append(i)
            flags.append(was_html)
        for i, was_html, p in zip(where, flags, det.predict(texts) if texts else []):
            # A bad item (empty, binary, over the cap) is answered in its place; the others are scored.
            out[i] = _flag(p.to_dict(), was_html) if getattr(p, "ok", True) else {"error": p.to_dict(), "index": i}
        return out

    @app.post("/v1/predict", tags=["predict"], dependencies=secured, responses=_ERROR_RESPONSES)
    async def predict(req: schemas.PredictRequest) -> dict | list[dict]:
        """Classify one article (``text``) or a batch (``texts``): ``Prediction.to_dict()`` or a list of them.

        In a batch, an item that cannot be scored comes back in its place as
        ``{"error": {"code", "message", "id"}, "index": i}``; the other items are scored.
        """
        return await sched.run_predict(_predict, _with_band(res.detector, req.uncertain_band), req)

    @app.post("/v1/explain", tags=["predict"], dependencies=secured, responses={**_ERROR_RESPONSES, 503: {
        "description": "Explanations are not available in this installation (code E600), or their queue is full "
                       "(code E606; see Retry-After)."}})
    async def explain(req: schemas.ExplainRequest, request: Request) -> dict:
        """The prediction plus ``text`` (normalised; all offsets refer to it), ``cues`` and ``evidence``.

        Runs apart from predictions; if the client goes away (the page's Cancel), the work stops.
        """
        det = res.detector
        if not hasattr(det, "explain"):
            raise ServiceError("E600", "explanations are not available: this installation has no cue report "
                                       "(genre_detect.explain); use /v1/predict", http_status=503)
        from ..explain.occlusion import explain as explain_fn

        def job(cancel: threading.Event) -> dict:
            view = copy.copy(_with_band(det, req.uncertain_band))
            view.window_logits = sliced_scoring(det, cancel)  # small slices: predictions never wait long
            t0 = time.perf_counter()
            text, was_html = extract_main_text(req.text)
            out = _flag(explain_fn(view, text, top_k=req.top_k, **budget).to_dict(), was_html)
            log.info("explained %d tokens in %.1f s", out.get("num_tokens", 0), time.perf_counter() - t0)
            return out

        with quota.explaining(request.state.quota_key):
            try:
                return await sched.run_explain(job, request.is_disconnected)
            except Cancelled:
                log.info("explanation cancelled: the client went away")
                return Response(status_code=499)  # nobody reads it; the connection is gone

    @app.post("/v1/feedback", tags=["feedback"], status_code=201, dependencies=secured, responses={
        **_ERROR_RESPONSES, 503: {"description": "The report could not be stored (code E601)."}})
    def feedback(req: schemas.FeedbackRequest, request: Request) -> dict:
        """Record a moderator's "wrong verdict" report; answered only after it is committed to disk.

        The moderator is the name of the caller's token. The same moderator sending the same text and label again
        raises that report's ``count`` (``duplicate`` is true) instead of storing a copy.
        """
        entry = res.store.add(req.text, verdict=req.verdict, label=req.label, comment=req.comment,
                              satire_probability=req.satire_probability, model=res.detector.model_dir.name,
                              moderator=request.state.moderator)
        return {"status": "recorded", **entry}

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Starlette runs the last added middleware first: security headers on every answer, then the token and the
    # per-minute limit (headers only), then the body size limit, before routing, parsing or validation.
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(_Gate, tokens=tokens, quota=quota)
    app.add_middleware(_SecurityHeaders)
    return app
