"""The ONNX Runtime session that turns padded window batches into genre logits. No torch at prediction time.

Example:
    >>> # doctest: +SKIP
    >>> model = OnnxModel("models/genre-detect-minilm/model.onnx")
    >>> model.logits([np.array([101, 2023, 102])])
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .errors import ModelError

__all__ = ["OnnxModel", "default_threads"]


def default_threads() -> int:
    """Threads per session: ``GENRE_DETECT_THREADS`` or every core the process may use."""
    env = os.environ.get("GENRE_DETECT_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class OnnxModel:
    """One inference session, created once per :class:`~genre_detect.detector.Detector`.

    With ``threads`` cores the session runs single-threaded and up to ``threads`` batches run at once, one per core
    (``lanes``). For one 256-token window at a time, two lanes score about 1.8x the windows per second of one session
    with two intra-op threads on this project's 2-core machine (``python eval/bench_speed.py --sweep``): the
    operators of a single window are too small to split across cores without waiting. Each batch still runs alone
    through the graph, so a text's score never depends on which lane or which other texts it ran beside.
    ``lanes=1`` gives the classic layout: one run at a time over ``threads`` intra-op threads.
    """

    def __init__(self, path: str | Path, threads: int | None = None, lanes: int | None = None) -> None:
        import onnxruntime as ort

        path = Path(path)
        if not path.is_file():
            raise ModelError("E200", "model.onnx not found", source=str(path.parent))
        threads = threads or default_threads()
        self.lanes = max(1, min(lanes or threads, threads))
        self._pool = None
        self._pool_pid = 0
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1 if self.lanes > 1 else threads
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own untyped errors for a corrupt file
            raise ModelError("E200", f"cannot load model.onnx: {str(exc).splitlines()[0][:200]}",
                             source=str(path.parent)) from None
        self.input_names = {i.name for i in self.session.get_inputs()}

    def run_batches(self, batches: list[list[np.ndarray]],
                    done: Callable[[int], None] | None = None) -> list[np.ndarray]:
        """Logits for each batch, ``self.lanes`` batches at a time; ``done(n)`` after each batch of n windows."""
        if self.lanes == 1 or len(batches) == 1:
            results = map(self.logits, batches)
        else:
            if self._pool is None or self._pool_pid != os.getpid():
                # A forked child inherits the pool object but not its threads: it needs a pool of its own.
                from concurrent.futures import ThreadPoolExecutor

                self._pool = ThreadPoolExecutor(max_workers=self.lanes, thread_name_prefix="genre-detect-lane")
                self._pool_pid = os.getpid()
            futures = [self._pool.submit(self.logits, b) for b in batches]  # all queued before the first wait
            results = (f.result() for f in futures)
        out = []
        for b, logits in zip(batches, results):
            out.append(logits)
            if done:
                done(len(b))
        return out

    def logits(self, windows: list[np.ndarray]) -> np.ndarray:
        """Logits for a list of 1-D token-id arrays, padded to the longest one."""
        longest = max(w.shape[0] for w in windows)
        ids = np.zeros((len(windows), longest), dtype=np.int64)
        mask = np.zeros_like(ids)
        for i, w in enumerate(windows):
            ids[i, : w.shape[0]] = w
            mask[i, : w.shape[0]] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        return self.session.run(["logits"], feeds)[0]
