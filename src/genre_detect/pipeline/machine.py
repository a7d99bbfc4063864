"""The CPU the model runs on: its name, the instruction-set features that decide which int8 kernels ONNX Runtime can
use, and the cores this process may run on. Read from ``/proc/cpuinfo`` (Linux); elsewhere the name comes from
:mod:`platform` and the features are unknown.

Speed figures mean little without these: the same int8 model runs several times faster with AVX-512 VNNI or AMX
than with AVX2 alone (``eval/bench_speed.py`` prints :func:`describe_cpu` with every run), and the runtime keys its
cached kernel layout on them (:mod:`genre_detect.pipeline.runtime`).

Example:
    >>> info = cpu_info()
    >>> isinstance(info.features, tuple) and info.cores >= 1
    True
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["FEATURES", "CpuInfo", "cpu_info", "describe_cpu", "parse_cpuinfo", "usable_cores"]

# /proc/cpuinfo flag -> the name people use for it, in order of capability for int8 matrix multiply.
FEATURES: dict[str, str] = {
    "avx2": "AVX2",
    "fma": "FMA",
    "avx512f": "AVX-512F",
    "avx512bw": "AVX-512BW",
    "avx512_vnni": "AVX-512 VNNI",
    "avx_vnni": "AVX-VNNI",
    "avx512_bf16": "AVX-512 BF16",
    "amx_bf16": "AMX-BF16",
    "amx_int8": "AMX-INT8",
}


@dataclass(frozen=True)
class CpuInfo:
    """What :func:`cpu_info` found. ``flags`` is every flag the kernel lists (for cache keys), ``features`` the
    :data:`FEATURES` among them, by their common names."""

    model: str
    flags: tuple[str, ...]
    features: tuple[str, ...]
    cores: int

    def has(self, flag: str) -> bool:
        """``True`` if the kernel lists ``flag`` (a ``/proc/cpuinfo`` name such as ``avx512_vnni``)."""
        return flag in self.flags


def usable_cores() -> int:
    """Cores this process may run on (its affinity mask, which containers and ``taskset`` narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parse_cpuinfo(text: str, cores: int = 1) -> CpuInfo:
    """:class:`CpuInfo` from the text of ``/proc/cpuinfo`` (the first processor's entry).

    Example:
        >>> parse_cpuinfo("model name : Some CPU\\nflags : fpu avx2 fma\\n").features
        ('AVX2', 'FMA')
    """
    model, flags = "", ()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key in ("model name", "Model Name", "cpu model") and not model:
            model = value.strip()
        elif key in ("flags", "Features") and not flags:
            flags = tuple(sorted(set(value.split())))
        if model and flags:
            break
    features = tuple(name for flag, name in FEATURES.items() if flag in flags)
    return CpuInfo(model or platform.processor() or platform.machine() or "unknown CPU", flags, features, cores)


@lru_cache(maxsize=1)
def cpu_info() -> CpuInfo:
    """This machine's :class:`CpuInfo` (read once per process)."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    return parse_cpuinfo(text, usable_cores())


def describe_cpu(info: CpuInfo | None = None) -> str:
    """One line for benchmark output: model, cores and int8-relevant features.

    Example:
        >>> describe_cpu(CpuInfo("Some CPU", ("avx2",), ("AVX2",), 2))
        'Some CPU, 2 usable cores; AVX2 yes, AVX-512F no, AVX-512 VNNI no, AVX-VNNI no, AMX-INT8 no'
    """
    info = info or cpu_info()
    shown = ("AVX2", "AVX-512F", "AVX-512 VNNI", "AVX-VNNI", "AMX-INT8")
    flags = ", ".join(f"{name} {'yes' if name in info.features else 'no'}" for name in shown)
    if not info.flags:
        flags = "instruction-set features unknown (no /proc/cpuinfo flags)"
    return f"{info.model}, {info.cores} usable cores; {flags}"
