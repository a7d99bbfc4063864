"""A JSON-lines results file that a batch run appends to and can resume after being killed.

Each result is written as one line and flushed at once, so a killed run leaves at most one partial last line. On
open, that partial line is cut off and the ids of the complete lines are read back; the caller skips them. An id is
never written twice: :meth:`ResultsFile.write` refuses an id that is already in the file.

Memory is bounded by the ids kept for that check (about 100 bytes each), not by the results.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "out.jsonl"
    >>> with ResultsFile(path) as out:
    ...     out.write({"id": "a", "label": "satire"})
    >>> with open(path, "ab") as fh:
    ...     _ = fh.write(b'{"id": "b", "lab')   # a run killed mid-line
    >>> with ResultsFile(path) as out:
    ...     (out.repaired_bytes, "a" in out, "b" in out)
    (16, True, False)
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import InputError

__all__ = ["ResultsFile"]


class ResultsFile:
    """Open (or create) ``path`` for resumable appending of one JSON object per line, each with an ``id``.

    Attributes:
        resumed: ids found in the file when it was opened (results of an earlier, interrupted run).
        repaired_bytes: bytes of a partial last line cut off on open (0 when the file ended cleanly).
        written: lines written by this run.
    """

    def __init__(self, path: str | Path, sync_every: int = 512) -> None:
        self.path = Path(path)
        self.repaired_bytes = 0
        self.written = 0
        self.sync_every = sync_every
        self.resumed: set[str] = set()
        self._ids: set[str] = set()
        if self.path.is_dir():
            raise InputError("E100", "results path is a directory", source=str(path))
        if self.path.exists():
            self._recover()
        try:
            self._fh = open(self.path, "ab")  # noqa: SIM115 - closed in close()
        except OSError as exc:
            raise InputError("E100", f"cannot write results: {exc.strerror}", source=str(path)) from None

    def _recover(self) -> None:
        """Cut off a partial last line, then read the ids of the complete lines, streaming."""
        with open(self.path, "rb+") as fh:
            size = fh.seek(0, os.SEEK_END)
            keep = self._last_newline_end(fh, size)
            if keep < size:
                fh.truncate(keep)
                self.repaired_bytes = size - keep
        with open(self.path, "rb") as fh:
            for n, raw in enumerate(fh, start=1):
                try:
                    rid = json.loads(raw)["id"]
                except (ValueError, KeyError, TypeError):
                    raise InputError("E106", f"line {n} is not a result line; refusing to append to it",
                                     source=str(self.path)) from None
                self._ids.add(str(rid))
        self.resumed = set(self._ids)

    @staticmethod
    def _last_newline_end(fh, size: int, block: int = 1 << 16) -> int:
        """Offset just after the file's last newline (0 if it has none), reading backwards in blocks."""
        pos = size
        while pos > 0:
            start = max(0, pos - block)
            fh.seek(start)
            chunk = fh.read(pos - start)
            i = chunk.rfind(b"\n")
            if i >= 0:
                return start + i + 1
            pos = start
        return 0

    def __contains__(self, rid: object) -> bool:
        return rid in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def write(self, record: dict[str, Any]) -> None:
        """Append one record as a line and flush it; raise ``E106`` if its id is already in the file."""
        rid = str(record["id"])
        if rid in self._ids:
            raise InputError("E106", "duplicate id; already in the results file", source=rid)
        # One write call per line, newline last: a kill can only leave a prefix without its newline.
        self._fh.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
        self._fh.flush()
        self._ids.add(rid)
        self.written += 1
        if self.sync_every and self.written % self.sync_every == 0:
            os.fsync(self._fh.fileno())  # survive a machine crash too, not only a killed process

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()

    def __enter__(self) -> ResultsFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
