"""Coded errors. Every failure a user can cause has a short code and a one-line message; the CLI and the service
turn these into exit codes and HTTP statuses, never tracebacks.

Example:
    >>> from genre_detect.errors import InputError
    >>> str(InputError("E101", "empty input", source="a.txt"))
    'E101 a.txt: empty input'
"""

from __future__ import annotations

__all__ = ["GenreDetectError", "InputError", "ModelError", "UsageError", "MissingExtraError", "ServiceError", "CODES"]

# One place that lists every code, so that the docs and the tests can check them.
CODES = {
    "E100": "input could not be read (missing file, directory, permission)",
    "E101": "input is empty or has no words",
    "E102": "input is binary or not valid UTF-8",
    "E103": "input is larger than the hard cap",
    "E104": "a JSONL record is not an object with a text field",
    "E105": "batch is larger than the limit",
    "E106": "a results file cannot be appended to (corrupt line, duplicate id)",
    "E200": "model directory is missing or incomplete",
    "E201": "model settings are invalid",
    "E202": "the model could not be exported (graph fusion failed or changed the output)",
    "E300": "usage error",
    "E400": "an optional dependency is not installed",
    "E500": "data set is missing or malformed",
    "E600": "a service feature is not available in this installation",
    "E601": "the feedback store could not record the entry",
    "E602": "request body is larger than the service limit",
    "E603": "request is malformed (not JSON, or fields missing or invalid)",
    "E604": "the service needs an API token, or the one given is wrong",
    "E605": "too many requests for this token (per minute, or explanations at once)",
    "E606": "the service is busy (its queue is full); retry later",
    "E607": "the token file is missing or malformed",
    "E608": "refusing to serve beyond loopback without tokens (give --tokens, or --no-auth deliberately)",
    "E609": "the service cannot listen on the address and port (in use, or not permitted)",
    "E699": "internal server error (details are in the server log only)",
}


class GenreDetectError(Exception):
    """Base class: ``code`` is one of :data:`CODES`, ``source`` names the input (file, record) when there is one."""

    exit_code = 1
    http_status = 500

    def __init__(self, code: str, message: str, source: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.source = source

    def __str__(self) -> str:
        where = f" {self.source}:" if self.source else ""
        return f"{self.code}{where} {self.message}"

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "source": self.source}


class InputError(GenreDetectError):
    """The input text is unusable (empty, binary, too large, unreadable)."""

    http_status = 422


class ModelError(GenreDetectError):
    """The model directory is missing, incomplete or inconsistent."""

    http_status = 500


class UsageError(GenreDetectError):
    """The command was called wrongly."""

    exit_code = 2
    http_status = 400


class ServiceError(GenreDetectError):
    """A failure of the HTTP service itself (a feature not installed, the feedback store); carries its status."""

    def __init__(self, code: str, message: str, http_status: int = 503, source: str | None = None) -> None:
        super().__init__(code, message, source=source)
        self.http_status = http_status


class MissingExtraError(GenreDetectError):
    """An optional dependency is missing; the message says which extra to install."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__("E400", f"'{package}' is not installed: pip install 'genre-detect[{extra}]'")


def require(module: str, extra: str):
    """Import ``module`` or raise :class:`MissingExtraError` naming the extra that provides it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(module.split(".")[0], extra) from None
