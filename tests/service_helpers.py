"""Helpers shared by the service tests: a slower detector and a real server in a background thread.

``SlowDetector`` is the real :class:`~genre_detect.Detector` on the tiny model whose window scoring takes a fixed
extra time per window, as a larger model on a slower machine would: an explanation (thousands of perturbed windows)
then takes seconds while a short prediction (one or two windows) stays quick. Nothing else about the service or the
pipeline is changed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from genre_detect import Detector

TIMEOUT = 60
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


class SlowDetector(Detector):
    """The tiny model, ``delay_s`` slower per window in each forward pass; ``windows_scored`` counts the windows.

    The delay is inside the model call, on the detector's lanes (where a larger model would spend it), so a caller
    that queues many windows on the lanes at once really does make the next caller wait behind them.
    """

    def __init__(self, model_dir, delay_s: float = 0.003, **kwargs) -> None:
        super().__init__(model_dir, **kwargs)
        self.delay_s = delay_s
        self.windows_scored = 0
        lock = threading.Lock()
        forward = self.model.logits

        def slow_logits(windows):
            time.sleep(self.delay_s * len(windows))  # sleeps release the GIL, like ONNX Runtime's own work
            with lock:
                self.windows_scored += len(windows)
            return forward(windows)

        self.model.logits = slow_logits  # run_batches looks it up on the instance, in every lane


def vocab_text(words: int, seed: int = 0) -> str:
    """About ``words`` words in sentences of 6-12 words, drawn from the tiny tokenizer's vocabulary.

    Each word is one word piece for the tiny model, so a 20,000-word text is about 20,000 tokens (a few hundred
    windows), as it would be for the real model's vocabulary, and each sentence is one explanation pass.
    """
    import random

    from conftest import _WORDS

    rng = random.Random(seed)
    sentences, n = [], 0
    while n < words:
        k = rng.randint(6, 12)
        sentences.append(" ".join(rng.choice(_WORDS) for _ in range(k)).capitalize() + ".")
        n += k
    return "\n\n".join(" ".join(sentences[i:i + 8]) for i in range(0, len(sentences), 8))


def long_text(words: int) -> str:
    """About ``words`` words made of the repository's own example articles, paragraph by paragraph."""
    paras = [p.strip() for f in sorted(EXAMPLES.glob("*.txt"))
             for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    out, n, i = [], 0, 0
    while n < words:
        out.append(paras[i % len(paras)])
        n += len(paras[i % len(paras)].split())
        i += 1
    return "\n\n".join(out)


@contextmanager
def serve_app(app) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free loopback port in a background thread; yields the base URL."""
    import uvicorn

    from genre_detect.service.process import free_port

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + TIMEOUT
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
