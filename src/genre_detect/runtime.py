"""The ONNX Runtime session that turns padded window batches into genre logits. No torch at prediction time.

Example:
    >>> # doctest: +SKIP
    >>> model = OnnxModel("models/genre-detect-minilm/model.onnx")
    >>> model.logits([np.array([101, 2023, 102])])
"""

from __future__ import annotations

import os
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
    """A single inference session, created once per :class:`~genre_detect.detector.Detector`."""

    def __init__(self, path: str | Path, threads: int | None = None) -> None:
        import onnxruntime as ort

        path = Path(path)
        if not path.is_file():
            raise ModelError("E200", "model.onnx not found", source=str(path.parent))
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or default_threads()
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own untyped errors for a corrupt file
            raise ModelError("E200", f"cannot load model.onnx: {str(exc).splitlines()[0][:200]}",
                             source=str(path.parent)) from None
        self.input_names = {i.name for i in self.session.get_inputs()}

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
