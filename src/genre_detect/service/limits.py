"""A request-body size limit enforced before anything parses the body.

Checking ``Content-Length`` alone is not enough: a chunked upload has none, and a client may send more than it
declared. The middleware therefore counts the bytes as they stream in and answers 413 as soon as the limit is
passed, then hands the (small enough) body on to the app. The 413 body is the same coded JSON as every other error.

Example:
    >>> from starlette.applications import Starlette
    >>> app = BodyLimit(Starlette(), max_bytes=1024)
"""

from __future__ import annotations

import json

from ..errors import ServiceError

__all__ = ["BodyLimit"]


class BodyLimit:
    """Pure ASGI middleware: refuse request bodies over ``max_bytes`` with 413 and a coded JSON message."""

    def __init__(self, app, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, send, size: str) -> None:
        err = ServiceError("E602", f"request body has {size} bytes; the limit is {self.max_bytes}", http_status=413)
        payload = json.dumps(err.to_dict()).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": payload})

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send, declared.decode())
            return
        chunks, total = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client went away; nothing to answer
            body = message.get("body", b"")
            total += len(body)
            if total > self.max_bytes:
                await self._refuse(send, f"more than {self.max_bytes}")
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay():
            # The app sees the whole body as one message; later calls wait for the disconnect as usual.
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
