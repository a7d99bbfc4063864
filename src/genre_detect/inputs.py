"""Reading inputs for the CLI: text files, ``-`` for stdin, and JSON-lines records with a text field.

Every reader yields :class:`Item` objects; a bad input becomes an item carrying an
:class:`~genre_detect.errors.InputError` instead of stopping the run, so that the other inputs are still scored.

Example:
    >>> items = list(read_paths(["a.txt", "-"]))   # doctest: +SKIP
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

__all__ = ["Item", "read_paths", "read_jsonl_records", "decode", "MAX_BYTES"]

# Files larger than this are refused before reading; the detector's character cap applies after decoding.
MAX_BYTES = 2_000_000


@dataclass
class Item:
    id: str
    text: str | None = None
    error: InputError | None = None
    record: dict | None = None


def decode(data: bytes, source: str) -> str:
    """Decode UTF-8 (with or without BOM); refuse binary data and other encodings with a coded error."""
    if not data.strip():
        raise InputError("E101", "input is empty", source=source)
    if b"\x00" in data[:8192]:
        raise InputError("E102", "input looks binary (NUL bytes); expected UTF-8 text", source=source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("E102", f"input is not valid UTF-8 (byte {exc.start})", source=source) from None
    if not any(ch.isalnum() for ch in text):
        raise InputError("E101", "input has no words", source=source)
    return text


def _read_file(path: str) -> Item:
    try:
        p = Path(path)
        if p.is_dir():
            raise InputError("E100", "is a directory", source=path)
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise InputError("E103", f"file has {size} bytes; the limit is {MAX_BYTES}", source=path)
        return Item(path, decode(p.read_bytes(), path))
    except InputError as exc:
        return Item(path, error=exc)
    except FileNotFoundError:
        return Item(path, error=InputError("E100", "no such file", source=path))
    except OSError as exc:
        return Item(path, error=InputError("E100", exc.strerror or "cannot read", source=path))


def _read_stdin() -> Item:
    data = sys.stdin.buffer.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return Item("-", error=InputError("E103", f"stdin has more than {MAX_BYTES} bytes", source="-"))
    try:
        return Item("-", decode(data, "-"))
    except InputError as exc:
        return Item("-", error=exc)


def read_paths(paths: Iterable[str]) -> Iterator[Item]:
    """Yield one item per path; ``-`` reads standard input."""
    for path in paths:
        yield _read_stdin() if path == "-" else _read_file(path)


def read_jsonl_records(path: str, text_field: str = "text", id_field: str = "id") -> Iterator[Item]:
    """Yield one item per line of a JSON-lines file (``-`` for stdin), streaming, in constant memory."""
    try:
        fh = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        yield Item(path, error=InputError("E100", exc.strerror or "cannot read", source=path))
        return
    try:
        for n, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            where = f"{path}:{n}"
            try:
                rec = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                yield Item(where, error=InputError("E104", "line is not valid UTF-8 JSON", source=where))
                continue
            if not isinstance(rec, dict) or not isinstance(rec.get(text_field), str):
                yield Item(where, error=InputError("E104", f"record has no string field {text_field!r}",
                                                   source=where))
                continue
            # Without an id field, "name:line" (file name, not the path as typed) stays stable when a run is resumed.
            rid = str(rec[id_field]) if rec.get(id_field) is not None else f"{Path(path).name}:{n}"
            text = rec[text_field]
            if not any(ch.isalnum() for ch in text):
                yield Item(rid, error=InputError("E101", "text is empty or has no words", source=rid), record=rec)
                continue
            yield Item(rid, text, record=rec)
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()
