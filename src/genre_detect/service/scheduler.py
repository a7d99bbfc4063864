"""Where the service's model work runs: predictions on one pool, explanations on another, neither blocking the other.

An explanation of a long article scores thousands of perturbed windows; a prediction of an ordinary one scores a few.
Both go through the one :class:`~genre_detect.Detector` (one model in memory), whose ONNX Runtime session releases
the GIL, so threads share the cores. Three rules keep a prediction from waiting behind an explanation:

* **Separate bounded queues.** Predictions run on a pool of ``predict_workers`` threads, explanations on their own
  pool of ``explain_workers``. Each queue holds at most its limit of waiting jobs; past it the answer is 503 E606
  with ``Retry-After``, so a burst of explanations cannot pile up unbounded work.
* **Explanations score in small slices.** The detector's lanes take every window a caller hands them before they
  take the next caller's, so an explanation that handed over all its windows at once would make a prediction wait for
  all of them. :func:`sliced_scoring` feeds an explanation's windows in slices of a few windows per lane; a prediction
  then waits for at most one slice. The slices are the same length-sorted batches the detector makes (so scores do
  not change), and between slices the explanation checks whether its client has gone away.
* **Cancel frees the worker.** When the client disconnects (the page's Cancel), the explanation stops at the next
  slice (:class:`Cancelled`); a job still waiting in the queue is dropped.

Example:
    >>> sched = Scheduler(predict_workers=1, explain_workers=1)
    >>> sched.stats()["explain"]
    {'running': 0, 'waiting': 0, 'limit': 4}
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

from ..errors import ServiceError

__all__ = ["BUSY_RETRY_AFTER_S", "Busy", "Cancelled", "Scheduler", "sliced_scoring"]

BUSY_RETRY_AFTER_S = 10
WINDOWS_PER_LANE = 4  # windows per lane in one slice: small enough that a prediction waits ~0.1 s at most


class Cancelled(Exception):
    """The client of an explanation went away; its remaining windows are not scored."""


class Busy(ServiceError):
    """503 E606: a work queue is full. ``retry_after`` seconds go into the ``Retry-After`` header."""

    def __init__(self, what: str, limit: int) -> None:
        super().__init__("E606", f"the server is busy: {limit} {what} already waiting; retry later", http_status=503)
        self.retry_after = BUSY_RETRY_AFTER_S


def sliced_scoring(detector, cancel: threading.Event) -> Callable[..., np.ndarray]:
    """A drop-in for ``detector.window_logits`` that scores in slices and stops with :class:`Cancelled`.

    The windows are put in the detector's own order (by length) and cut into slices that are whole multiples of its
    ``batch_size``, so each forward pass holds exactly the windows it would hold in one call: the logits are the same.

    Example:
        >>> view.window_logits = sliced_scoring(detector, threading.Event())   # doctest: +SKIP
    """
    score = detector.window_logits
    bs = max(1, int(detector.settings.batch_size))
    lanes = max(1, int(getattr(getattr(detector, "model", None), "lanes", 1)))
    step = bs * max(1, -(-WINDOWS_PER_LANE * lanes // bs))

    def window_logits(windows: list[np.ndarray], progress: Callable[[int], None] | None = None) -> np.ndarray:
        if cancel.is_set():
            raise Cancelled()
        if len(windows) <= step:
            return score(windows, progress)
        order = sorted(range(len(windows)), key=lambda i: windows[i].shape[0])  # the detector's sort key
        out = None
        for k in range(0, len(order), step):
            if cancel.is_set():
                raise Cancelled()
            idx = order[k:k + step]
            part = score([windows[i] for i in idx], progress)
            if out is None:
                out = np.zeros((len(windows), part.shape[1]), dtype=part.dtype)
            out[idx] = part
        return out

    return window_logits


class _Queue:
    """One bounded thread pool: ``workers`` jobs at a time, at most ``limit`` more waiting."""

    def __init__(self, name: str, workers: int, limit: int) -> None:
        self.name = name
        self.limit = limit
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"genre-detect-{name}")
        self.workers = workers
        self._pending = 0  # submitted and not finished (running + waiting)
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        with self._lock:
            if self._pending >= self.workers + self.limit:
                raise Busy(f"{self.name} requests", self.limit)
            self._pending += 1
        try:
            fut = self.pool.submit(fn, *args)
        except BaseException:
            self._done(None)
            raise
        fut.add_done_callback(self._done)
        return fut

    def _done(self, _fut) -> None:
        with self._lock:
            self._pending -= 1

    def stats(self) -> dict:
        with self._lock:
            n = self._pending
        return {"running": min(n, self.workers), "waiting": max(0, n - self.workers), "limit": self.limit}


class Scheduler:
    """The service's two work queues (see the module docstring)."""

    def __init__(self, predict_workers: int = 1, explain_workers: int = 1, predict_queue: int = 64,
                 explain_queue: int = 4) -> None:
        self.predict = _Queue("predict", predict_workers, predict_queue)
        self.explain = _Queue("explain", explain_workers, explain_queue)

    async def run_predict(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn(*args)`` on the prediction pool and wait for it without blocking the event loop."""
        return await asyncio.wrap_future(self.predict.submit(fn, *args))

    async def run_explain(self, fn: Callable[[threading.Event], Any], gone: Callable[[], Any],
                          poll_s: float = 0.25) -> Any:
        """Run ``fn(cancel_event)`` on the explanation pool; while it runs, ``await gone()`` is polled and, once the
        client has gone, the event is set (the job stops at its next slice) and :class:`Cancelled` is raised here."""
        cancel = threading.Event()
        fut = self.explain.submit(fn, cancel)
        waiter = asyncio.wrap_future(fut)
        while True:
            done, _ = await asyncio.wait({waiter}, timeout=poll_s)
            if done:
                return waiter.result()
            if await gone():
                cancel.set()
                fut.cancel()  # drops it if it has not started yet
                # Nobody will read the job's outcome (usually Cancelled) now: retrieve it to keep the log quiet.
                waiter.add_done_callback(lambda f: f.cancelled() or f.exception())
                raise Cancelled()

    def stats(self) -> dict:
        return {"predict": self.predict.stats(), "explain": self.explain.stats()}

    def close(self) -> None:
        self.predict.pool.shutdown(wait=False, cancel_futures=True)
        self.explain.pool.shutdown(wait=False, cancel_futures=True)
