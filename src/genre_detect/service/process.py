"""Run ``genre-detect serve`` in a child process on loopback, for the load test and the durability test.

Example:
    >>> with serve_subprocess(port=free_port(), data_dir="/tmp/gd") as url:    # doctest: +SKIP
    ...     print(url)
    http://127.0.0.1:40123
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

__all__ = ["free_port", "serve_subprocess", "start_server"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, data_dir: str | Path, model_dir: str | Path | None = None, extra: Sequence[str] = (),
                 timeout: float = 120) -> subprocess.Popen:
    """Start the server and return its process once ``/health`` answers 200; the caller stops it."""
    cmd = [sys.executable, "-m", "genre_detect", "serve", "--port", str(port), "--data-dir", str(data_dir),
           "--log-level", "warning", *extra]
    if model_dir:
        cmd += ["--model", str(model_dir)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited: " + proc.stderr.read().decode(errors="replace"))
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                if r.status == 200:
                    return proc
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)  # not listening yet (the model loads before the socket opens)
    proc.kill()
    raise RuntimeError(f"server did not answer /health within {timeout:.0f} s")


@contextmanager
def serve_subprocess(port: int, data_dir: str | Path, model_dir: str | Path | None = None,
                     extra: Sequence[str] = ()) -> Iterator[str]:
    """Context manager around :func:`start_server`: yields the base URL, terminates the server on exit."""
    proc = start_server(port, data_dir, model_dir, extra)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
