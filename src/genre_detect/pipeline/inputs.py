"""Reading inputs for the CLI: text files, ``-`` for stdin, and JSON-lines records with a text field.

Every reader yields :class:`Item` objects; a bad input becomes an item carrying an
:class:`~genre_detect.errors.InputError` instead of stopping the run, so that the other inputs are still scored.

HTML (a page saved from a browser, markup pasted from one) is detected by :func:`looks_like_html` and replaced by
its main text (:func:`extract_main_text`, with trafilatura, which also removes navigation, footers and comments),
so that the model never reads markup; such an item carries ``extras={"html_extracted": True}``, which the CLI
copies into its prediction. Plain text goes on to :func:`genre_detect.pipeline.normalise.normalise` unchanged. The
service calls :func:`extract_main_text` on the text of a request in the same way.

Example:
    >>> items = list(read_paths(["a.txt", "-"]))   # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, require

__all__ = ["MAX_BYTES", "Item", "decode", "extract_main_text", "looks_like_html", "read_jsonl_records", "read_paths"]

# Files larger than this are refused before reading; the detector's character cap applies after decoding.
MAX_BYTES = 2_000_000


@dataclass
class Item:
    id: str
    text: str | None = None
    error: InputError | None = None
    record: dict | None = None
    extras: dict = field(default_factory=dict)  # keys added to the item's prediction (``html_extracted``)


# Tags of HTML documents and fragments. Prose that mentions one tag ("the <p> element") is not HTML; a document
# or a pasted fragment has several.
_TAG = re.compile(
    r"(?i)</?(?:html|head|body|meta|title|link|script|style|div|span|p|a|br|hr|img|article|section|header|footer|"
    r"nav|main|aside|h[1-6]|ul|ol|li|table|tr|td|th|em|strong|b|i|blockquote|figure|figcaption|form|input|iframe)"
    r"(?:\s[^<>]{0,500})?/?>"
)
_DOCTYPE = re.compile(r"(?i)^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.DOTALL)


def looks_like_html(text: str) -> bool:
    """True for an HTML document or a pasted fragment of markup; False for prose that mentions a tag or two.

    Example:
        >>> looks_like_html("<html><body><p>Officials met.</p></body></html>"), looks_like_html("Use <b> for bold.")
        (True, False)
    """
    head = text[:20000]
    if _DOCTYPE.match(head):
        return True
    n = len(_TAG.findall(head))
    return n >= 4 or (n >= 2 and head.lstrip().startswith("<"))


def extract_main_text(text: str, source: str | None = None) -> tuple[str, bool]:
    """``(main text, True)`` for HTML, ``(text, False)`` unchanged for anything else.

    The main text is trafilatura's (boilerplate, navigation, scripts and comments removed; one blank line between
    paragraphs); for a fragment too small for it to find an article, the visible text of the markup. Raises
    :class:`~genre_detect.errors.InputError` ``E101`` when the markup has no text, and
    :class:`~genre_detect.errors.MissingExtraError` (``E400``) when trafilatura is not installed.

    Example:
        >>> extract_main_text("Plain text stays as it is.")
        ('Plain text stays as it is.', False)
    """
    if not looks_like_html(text):
        return text, False
    trafilatura = require("trafilatura", "html")
    main = trafilatura.extract(text, include_comments=False, include_tables=False, favor_recall=True,
                               deduplicate=False) or ""
    if len(main.split()) < 5:
        main = _visible_text(text)
    paragraphs = [p.strip() for p in main.split("\n") if p.strip()]
    if not any(ch.isalnum() for p in paragraphs for ch in p):
        raise InputError("E101", "HTML input has no text", source=source)
    return "\n\n".join(paragraphs), True


def _visible_text(markup: str) -> str:
    """All text of ``markup`` outside scripts, styles and comments, one line per block element."""
    lxml_html = require("lxml.html", "html")
    try:
        root = lxml_html.fromstring(markup)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return ""
    for bad in root.xpath("//script|//style|//noscript|//template|//comment()"):
        bad.drop_tree()
    for block in root.xpath("//p|//div|//br|//li|//h1|//h2|//h3|//h4|//h5|//h6|//tr|//blockquote|//article"):
        block.tail = "\n" + (block.tail or "")
    return root.text_content()


def _as_plain(item: Item) -> Item:
    """Replace HTML in ``item.text`` by its main text and flag it; errors become the item's error."""
    if item.text is None:
        return item
    try:
        item.text, was_html = extract_main_text(item.text, source=item.id)
    except InputError as exc:
        return Item(item.id, error=exc, record=item.record)
    except Exception as exc:  # noqa: BLE001 - MissingExtraError, or a parser failure on hostile markup
        from ..errors import GenreDetectError

        err = exc if isinstance(exc, GenreDetectError) else InputError("E102", "HTML input could not be parsed",
                                                                         source=item.id)
        return Item(item.id, error=err, record=item.record)
    if was_html:
        item.extras["html_extracted"] = True
    return item


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
        return _as_plain(Item(path, decode(p.read_bytes(), path)))
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
        return _as_plain(Item("-", decode(data, "-")))
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
            yield _as_plain(Item(rid, text, record=rec))
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()
