"""The ONNX Runtime session that turns padded window batches into genre logits. No torch at prediction time.

How the cores are used (the *layout*: lanes x threads per lane) is picked per machine at load time by a short
probe, and cached, because the best layout depends on the CPU: see :class:`OnnxModel`.

Example:
    >>> # doctest: +SKIP
    >>> model = OnnxModel("models/genre-detect-minilm/model.onnx")
    >>> model.layout, model.layout_source
    (Layout(lanes=2, threads=1), 'cache')
    >>> model.logits([np.array([101, 2023, 102])])
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ModelError
from .machine import cpu_info, usable_cores

__all__ = ["Layout", "OnnxModel", "candidate_layouts", "default_threads", "export_recipe", "layout_cache_file"]

THREADS_ENV = "GENRE_DETECT_THREADS"
LANES_ENV = "GENRE_DETECT_LANES"  # force the number of lanes (threads per lane = threads // lanes)
PROBE_ENV = "GENRE_DETECT_PROBE"  # "0": no probe, every core its own lane (the layout before the probe existed)
CACHE_ENV = "GENRE_DETECT_CACHE"  # folder for layouts.json (default: $XDG_CACHE_HOME/genre-detect)
PROBE_VERSION = 2  # bump when the probe changes what it measures: old cache entries are then ignored
# ONNX Runtime's load-time fusion of Add + LayerNormalization into SkipLayerNormalization: that CPU kernel ran the
# same work slower than the two operators it replaces (genre_detect.training.export.fuse_onnx), so it stays off for
# models of export recipe 2 and later. Older models keep ONNX Runtime's defaults, so that their scores stay bit for
# bit.
DISABLED_OPTIMIZERS = ["SkipLayerNormFusion"]
EXPORT_METADATA_KEY = "genre_detect.export"  # written by genre_detect.training.export (its METADATA_KEY)
PROBE_AFTER_WINDOWS = 16  # a job this large (or ensure_layout()) runs an owed probe; smaller ones never wait for it
PROBE_BUDGET_S = 0.5  # time spent measuring, after the sessions are built; every candidate gets at least one pass


def default_threads() -> int:
    """Threads per process: ``GENRE_DETECT_THREADS`` or every core the process may use."""
    env = os.environ.get(THREADS_ENV)
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return usable_cores()


@dataclass(frozen=True)
class Layout:
    """``lanes`` windows (batches) run at once, each over ``threads`` intra-op threads of one shared session."""

    lanes: int
    threads: int

    def __str__(self) -> str:
        return f"{self.lanes} lane{'s' if self.lanes > 1 else ''} x {self.threads} thread{'s' if self.threads > 1 else ''}"


def candidate_layouts(cores: int) -> list[Layout]:
    """What the probe tries on ``cores`` cores: every core its own lane, lanes of two threads (from 4 cores), and
    one lane over every core.

    Example:
        >>> [str(x) for x in candidate_layouts(4)]
        ['4 lanes x 1 thread', '2 lanes x 2 threads', '1 lane x 4 threads']
    """
    out = [Layout(cores, 1)]
    if cores >= 4 and cores % 2 == 0:
        out.append(Layout(cores // 2, 2))
    if cores > 1:
        out.append(Layout(1, cores))
    return out


def layout_cache_file() -> Path:
    """``$GENRE_DETECT_CACHE/layouts.json``, else ``$XDG_CACHE_HOME`` or ``~/.cache`` + ``genre-detect/layouts.json``."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env) / "layouts.json"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "genre-detect" / "layouts.json"


def _read_cache(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_cache(path: Path, key: str, entry: dict, keep: int = 64) -> None:
    """Add ``entry`` under ``key``, atomically (a reader never sees half a file); a read-only home is not an error."""
    data = _read_cache(path)
    data.pop(key, None)
    data[key] = entry
    data = dict(list(data.items())[-keep:])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def _varint(f) -> int | None:
    shift = out = 0
    while True:
        b = f.read(1)
        if not b:
            return None
        out |= (b[0] & 0x7F) << shift
        if b[0] < 0x80:
            return out
        shift += 7


def export_recipe(path: Path) -> int:
    """The export recipe stamped in an ONNX file's metadata (1 when there is none), read without the ``onnx``
    package: the top-level fields of the ModelProto are walked and the graph is skipped by its length."""
    props: dict[str, str] = {}
    with path.open("rb") as f:
        while (key := _varint(f)) is not None:
            field, wire = key >> 3, key & 7
            if wire == 0:
                _varint(f)
            elif wire in (1, 5):
                f.seek(8 if wire == 1 else 4, 1)
            elif wire == 2:
                size = _varint(f) or 0
                if field != 14:  # ModelProto.metadata_props
                    f.seek(size, 1)
                    continue
                entry, parts = io.BytesIO(f.read(size)), {}
                while (tag := _varint(entry)) is not None:  # StringStringEntryProto: 1 key, 2 value
                    n = _varint(entry) or 0
                    parts[tag >> 3] = entry.read(n).decode("utf-8", "replace")
                props[parts.get(1, "")] = parts.get(2, "")
            else:
                return 1  # not a ModelProto this reader understands
    try:
        return int(json.loads(props.get(EXPORT_METADATA_KEY, "{}")).get("recipe", 1))
    except (ValueError, AttributeError):
        return 1


def _model_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _probe_shape(model_dir: Path) -> tuple[int, int, int]:
    """(window tokens, windows per batch, a token-id bound) that the Detector will feed this model."""
    def read(name: str) -> dict:
        try:
            return json.loads((model_dir / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    settings, config = read("genre_detect.json"), read("config.json")
    window = min(int(settings.get("max_length") or 256), int(config.get("max_position_embeddings") or 128))
    return window, max(1, int(settings.get("batch_size", 1))), max(2, int(config.get("vocab_size", 100)))


class OnnxModel:
    """One inference session, created once per :class:`~genre_detect.pipeline.detector.Detector`.

    The cores are used in a *layout*: ``lanes`` batches run at once through one shared session, each over
    ``threads`` intra-op threads (``lanes x threads`` = the cores). For one 256-token window at a time, every core
    its own lane scored about 1.4x the windows per second of one lane over two threads on an AVX-512 VNNI machine of
    this project, but that depends on the CPU. So unless ``lanes`` (or ``GENRE_DETECT_LANES``) is given, a model
    on a machine without a cached layout starts with every core its own lane and, at its first job of
    :data:`PROBE_AFTER_WINDOWS` windows or more (or at :meth:`ensure_layout`), runs a short probe (each of
    :func:`candidate_layouts` on a few full windows, interleaved, best of the passes; a few hundred ms) and caches the
    winner in :func:`layout_cache_file`, keyed by the CPU model and flags, the thread count, the ONNX Runtime version
    and the model file's sha256. Later loads read the cache; a one-file ``predict`` never waits for a probe. ``GENRE_DETECT_PROBE=0`` skips the probe (every core its own lane).

    Scores never depend on the layout: every batch runs alone through the graph, and the kernels split work over
    threads without changing any sum's order (the tests compare every layout bit for bit).

    Args:
        path: ``model.onnx``.
        threads: cores to use (default :func:`default_threads`).
        lanes: batches at once; ``threads // lanes`` intra-op threads each. ``lanes=1`` gives the classic layout,
            one run at a time over ``threads`` threads. Default: the probe's choice.
    """

    def __init__(self, path: str | Path, threads: int | None = None, lanes: int | None = None) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise ModelError("E200", "model.onnx not found", source=str(self.path.parent))
        threads = max(1, threads or default_threads())
        env_lanes = os.environ.get(LANES_ENV, "")
        if lanes is None and env_lanes.isdigit() and int(env_lanes) > 0:
            lanes, source = int(env_lanes), "env"
        else:
            source = "given"
        self.probe: dict[str, float] = {}  # windows/s per layout, when the probe ran or was read from the cache
        if lanes is not None:
            lanes = max(1, min(lanes, threads))
            layout = Layout(lanes, max(1, threads // lanes))
        elif threads == 1:
            layout, source = Layout(1, 1), "one core"
        elif os.environ.get(PROBE_ENV) == "0":
            layout, source = Layout(threads, 1), "default"
        else:
            layout, source = None, "probe"
        self._pool = None
        self._pool_pid = 0
        self.input_names: set[str] = set()
        self.disabled_optimizers = DISABLED_OPTIMIZERS if export_recipe(self.path) >= 2 else []
        self._keys: dict[int, str] = {}
        self._probe_threads = 0  # > 0 while the probe is owed: it runs at the first job worth measuring
        self._probe_lock = threading.Lock()
        if layout is None:
            cached = self._cached_layout(threads)
            if cached is None:
                # No cached layout for this machine: start in the old layout (every core its own lane) and probe
                # when a job of PROBE_AFTER_WINDOWS windows or more comes, so that a one-file ``predict`` never pays
                # for it. Scores do not depend on the layout.
                layout, source = Layout(threads, 1), "default (probe pending)"
                self.session = self._session(1)
                self._probe_threads = threads
            else:
                layout, source = cached
        else:
            self.session = self._session(layout.threads)
        self.layout, self.layout_source = layout, source
        self.lanes, self.threads = layout.lanes, layout.threads

    def ensure_layout(self) -> Layout:
        """Run the owed layout probe now (if any) and return the layout in use."""
        if self._probe_threads:
            with self._probe_lock:
                if self._probe_threads:
                    layout, source = self._choose_layout(self._probe_threads)
                    self.layout, self.layout_source = layout, source
                    self.lanes, self.threads = layout.lanes, layout.threads
                    self._probe_threads = 0
        return self.layout

    # -- sessions and the layout probe ----------------------------------------------------------------------
    def _session(self, intra_threads: int):
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = intra_threads
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            session = ort.InferenceSession(str(self.path), opts, providers=["CPUExecutionProvider"],
                                           disabled_optimizers=self.disabled_optimizers)
        except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own untyped errors for a corrupt file
            raise ModelError("E200", f"cannot load model.onnx: {str(exc).splitlines()[0][:200]}",
                             source=str(self.path.parent)) from None
        self.input_names = {i.name for i in session.get_inputs()}
        return session

    def _cache_key(self, threads: int) -> str:
        """The layout cache's key for this model and ``threads``; computed once (it hashes the model file)."""
        if threads not in self._keys:
            self._keys[threads] = self._make_cache_key(threads)
        return self._keys[threads]

    def _make_cache_key(self, threads: int) -> str:
        import onnxruntime as ort

        cpu = cpu_info()
        window, batch, _ = _probe_shape(self.path.parent)
        key_parts = [PROBE_VERSION, cpu.model, list(cpu.flags), threads, ort.__version__, _model_digest(self.path),
                     window, batch]
        return hashlib.sha256(json.dumps(key_parts).encode()).hexdigest()[:24]

    def _cached_layout(self, threads: int) -> tuple[Layout, str] | None:
        """The cached layout for this CPU, thread count and model (its session built), or None."""
        hit = _read_cache(layout_cache_file()).get(self._cache_key(threads))
        if isinstance(hit, dict) and isinstance(hit.get("lanes"), int) and isinstance(hit.get("threads"), int):
            layout = Layout(hit["lanes"], hit["threads"])
            if layout in candidate_layouts(threads):
                self.session = self._session(layout.threads)
                self.probe = {k: float(v) for k, v in hit.get("windows_s", {}).items()}
                return layout, "cache"
        return None

    def _choose_layout(self, threads: int) -> tuple[Layout, str]:
        """The cached layout for this CPU and model, else the probe's winner (then cached)."""
        import onnxruntime as ort

        cached = self._cached_layout(threads)
        if cached is not None:
            return cached
        cpu = cpu_info()
        window, batch, vocab = _probe_shape(self.path.parent)
        key = self._cache_key(threads)
        cache = layout_cache_file()
        ids = (np.arange(batch * window, dtype=np.int64).reshape(batch, window) % (vocab - 1)) + 1
        try:
            layout, rates, session = self._run_probe(candidate_layouts(threads), ids)
        except ModelError:
            raise
        except Exception:  # noqa: BLE001 - a model the probe cannot feed still loads, in the old layout
            self.session = self._session(1)
            return Layout(threads, 1), "default (probe failed)"
        self.session, self.probe = session, {str(k): v for k, v in rates.items()}
        _write_cache(cache, key, {"lanes": layout.lanes, "threads": layout.threads, "windows_s": self.probe,
                                  "cpu": cpu.model, "features": list(cpu.features), "window": window,
                                  "batch": batch, "onnxruntime": ort.__version__, "model": str(self.path),
                                  "when": time.strftime("%Y-%m-%dT%H:%M:%S")})
        return layout, "probe"

    def _run_probe(self, layouts: list[Layout], ids: np.ndarray) -> tuple[Layout, dict[Layout, float], object]:
        """Windows/s of each layout on the same work (2 batches per core), passes interleaved, best pass each."""
        from concurrent.futures import ThreadPoolExecutor

        sessions = {t: self._session(t) for t in sorted({x.threads for x in layouts})}
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        cores = layouts[0].lanes * layouts[0].threads
        n_batches = 2 * cores
        pools = {x: ThreadPoolExecutor(x.lanes) for x in layouts if x.lanes > 1}
        best: dict[Layout, float] = {}

        def one_pass(x: Layout, n: int) -> float:
            session = sessions[x.threads]
            t0 = time.perf_counter()
            if x.lanes > 1:
                list(pools[x].map(lambda _: session.run(["logits"], feeds), range(n)))
            else:
                for _ in range(n):
                    session.run(["logits"], feeds)
            return time.perf_counter() - t0

        try:
            for x in layouts:  # warm-up: first runs allocate buffers and start threads
                one_pass(x, x.lanes)
            start = time.perf_counter()
            for p in range(5):
                for x in layouts:
                    best[x] = min(best.get(x, float("inf")), one_pass(x, n_batches))
                if time.perf_counter() - start > PROBE_BUDGET_S and p >= 1:
                    break
        finally:
            for pool in pools.values():
                pool.shutdown(wait=False)
        rates = {x: n_batches * ids.shape[0] / t for x, t in best.items()}
        winner = max(layouts, key=lambda x: rates[x])
        return winner, rates, sessions[winner.threads]

    # -- scoring --------------------------------------------------------------------------------------------
    def run_batches(self, batches: list[list[np.ndarray]],
                    done: Callable[[int], None] | None = None) -> list[np.ndarray]:
        """Logits for each batch, ``self.lanes`` batches at a time; ``done(n)`` after each batch of n windows."""
        if self._probe_threads and sum(len(b) for b in batches) >= PROBE_AFTER_WINDOWS:
            self.ensure_layout()
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
