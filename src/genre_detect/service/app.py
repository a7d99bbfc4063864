"""The HTTP service: a FastAPI app over one :class:`~genre_detect.Detector`, plus the moderators' page.

Routes (OpenAPI at ``/docs`` and ``/openapi.json``):

* ``POST /v1/predict``  ``{"text": ...}`` -> one ``Prediction.to_dict()``; ``{"texts": [...]}`` -> a list of them.
* ``POST /v1/explain``  ``{"text": ..., "top_k": 3}`` -> the prediction plus ``text``, ``cues`` and ``evidence``.
* ``POST /v1/feedback`` a moderator's "wrong verdict" report, acknowledged only once it is on disk.
* ``GET /health``       model name, limits and whether explanations are available.
* ``GET /``             the paste-in page (static files, no build step).

Inference is blocking CPU work, so the routes are plain ``def`` (FastAPI runs them in its thread pool) and a
semaphore lets only ``max_concurrent`` of them use the model at once: on a small machine, two inferences at a time
each get half the cores and both finish later. Every failure is answered with a coded JSON body
(``{"code", "message", "source"}``); stack traces go to the server log only.

Example:
    >>> from fastapi.testclient import TestClient
    >>> app = create_app(detector=Detector.load(), data_dir="/tmp/gd")     # doctest: +SKIP
    >>> TestClient(app).post("/v1/predict", json={"text": "..."}).json()["label"]   # doctest: +SKIP
    'satire'
"""

# No ``from __future__ import annotations`` here: FastAPI reads the route annotations at run time, and the request
# models are local to create_app, so string annotations could not be resolved.
import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..detector import Detector, default_model_dir
from ..errors import GenreDetectError, ServiceError
from ..settings import ModelSettings
from .feedback import FeedbackStore
from .limits import BodyLimit
from .schemas import build_schemas

__all__ = ["DEFAULT_MAX_BATCH", "DEFAULT_MAX_BODY_BYTES", "STATIC_DIR", "create_app"]

log = logging.getLogger("genre_detect.service")

DEFAULT_MAX_BATCH = 32
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
STATIC_DIR = Path(__file__).resolve().parents[1] / "static"

# The page loads only its own script and style; even if a bug ever put user text into HTML, an inline script
# could not run. /docs is left out: FastAPI's Swagger page loads its assets from a CDN.
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_ERROR_RESPONSES = {
    413: {"description": "Request body over the size limit (code E602)."},
    422: {"description": "Invalid request: not JSON, a field missing, too long or of the wrong type."},
    500: {"description": "Internal error (code E699); details are in the server log only."},
}


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


def create_app(detector: Detector | None = None, data_dir: str | Path | None = None,
               model_dir: str | Path | None = None, max_batch: int = DEFAULT_MAX_BATCH,
               max_body_bytes: int = DEFAULT_MAX_BODY_BYTES, max_concurrent: int = 1) -> FastAPI:
    """Build the service app.

    Args:
        detector: an already loaded detector (tests inject the tiny one); otherwise ``model_dir`` (or the shipped
            model) is loaded once at startup.
        data_dir: where the feedback database lives (default: :func:`~.feedback.default_data_dir`).
        model_dir: model directory to load when no ``detector`` is given.
        max_batch: most texts in one ``/v1/predict`` request.
        max_body_bytes: largest request body; larger ones get 413 before they are parsed.
        max_concurrent: inferences allowed to run at the same time.

    Example:
        >>> app = create_app(model_dir="models/genre-detect-minilm", data_dir="/tmp/gd")   # doctest: +SKIP
    """
    # The limits must be known now, for the request models and the OpenAPI document; reading the settings file is
    # cheap, loading the model is not (that happens in the lifespan).
    settings = detector.settings if detector is not None else ModelSettings.from_dir(model_dir or default_model_dir())
    schemas = build_schemas(settings.max_chars, max_batch)
    res = _Resources(detector, model_dir, data_dir)
    slots = threading.BoundedSemaphore(max_concurrent)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        det = res.detector  # load the model once, before the first request
        res.store  # noqa: B018 - open (and create) the feedback database at startup so a bad --data-dir fails fast
        log.info("model %s loaded; feedback in %s", det.model_dir, res.store.path)
        yield
        res.close()

    app = FastAPI(title="genre-detect", version=__version__, lifespan=lifespan,
                  description="Tells satire and parody apart from sincere writing, and says why. "
                              "Not a fact-checker: satire is not misinformation.")
    app.state.resources = res

    # -- errors: every answer is coded JSON --------------------------------------------------------------------
    @app.exception_handler(GenreDetectError)
    async def _coded(request: Request, exc: GenreDetectError) -> JSONResponse:
        return JSONResponse(exc.to_dict(), status_code=exc.http_status)

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

    @app.middleware("http")
    async def _headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if not request.url.path.startswith(("/docs", "/redoc")):
            response.headers.setdefault("Content-Security-Policy", _CSP)
        return response

    # -- routes (plain def: inference blocks, FastAPI runs these in its thread pool) ---------------------------
    @app.get("/health", tags=["service"])
    def health() -> dict:
        """Liveness and what this server can do."""
        det = res.detector
        return {"status": "ok", "version": __version__, "model": det.model_dir.name, "labels": det.labels,
                "threshold": det.settings.threshold, "uncertain_band": det.settings.uncertain_band,
                "max_chars": settings.max_chars, "max_batch": max_batch, "max_body_bytes": max_body_bytes,
                "explain": hasattr(det, "explain")}

    @app.post("/v1/predict", tags=["predict"], responses=_ERROR_RESPONSES)
    def predict(req: schemas.PredictRequest) -> dict | list[dict]:
        """Classify one article (``text``) or a batch (``texts``); the answer is ``Prediction.to_dict()`` or a list."""
        with slots:
            if req.text is not None:
                return res.detector.predict(req.text).to_dict()
            return [p.to_dict() for p in res.detector.predict(list(req.texts))]

    @app.post("/v1/explain", tags=["predict"], responses={**_ERROR_RESPONSES, 503: {
        "description": "Explanations are not available in this installation (code E600)."}})
    def explain(req: schemas.ExplainRequest) -> dict:
        """The prediction plus ``text`` (normalised; all offsets refer to it), ``cues`` and ``evidence``."""
        det = res.detector
        if not hasattr(det, "explain"):
            raise ServiceError("E600", "explanations are not available: this installation has no cue report "
                                       "(genre_detect.explain); use /v1/predict", http_status=503)
        with slots:
            return det.explain(req.text, top_k=req.top_k).to_dict()

    @app.post("/v1/feedback", tags=["feedback"], status_code=201, responses={
        **_ERROR_RESPONSES, 503: {"description": "The report could not be stored (code E601)."}})
    def feedback(req: schemas.FeedbackRequest) -> dict:
        """Record a moderator's "wrong verdict" report; answered only after it is committed to disk."""
        entry = res.store.add(req.text, verdict=req.verdict, label=req.label, comment=req.comment,
                              satire_probability=req.satire_probability, model=res.detector.model_dir.name)
        return {"status": "recorded", **entry}

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Outermost, so that an oversized body is refused before routing, parsing or validation.
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    return app
