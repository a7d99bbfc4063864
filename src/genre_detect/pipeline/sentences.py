"""Sentence spans: the unit of evidence in :mod:`genre_detect.explain` and the scope of several cue detectors.

A light rule-based splitter over normalised text. It returns ``(start, end)`` character offsets, never copies, so
that every span points back into the text the cues and the evidence refer to.

Line breaks are read first, because pasted text breaks lines for reasons that have nothing to do with sentences:

* **hard-wrapped** text (e-mail, plain-text files at 72-80 columns) breaks in mid-sentence: a line break is a
  space when the line before it runs to about the text's wrap width, or the next line goes on in lower case;
* **double-spaced** text puts a blank line after every wrapped line: a blank line is a space when the line before
  it does not end a sentence and the next goes on in lower case, or when every line of the text is separated by
  blank lines and the line before runs to the wrap width;
* **bulleted** lists ("- item", "• item", "1. item", "a) item") end an item at every bullet, whatever the wrap;
* a short line without a full stop (a headline, a heading) stays a sentence of its own.

Inside the logical lines that result, ``.``, ``!``, ``?`` and ``…`` end a sentence when the next non-blank
character starts a new one (a capital, a digit, an opening quote or bracket, a dash) and the full stop does not
close a known abbreviation or an initial. pysbd, the maintained rule-based splitter, was tried first: it also
ends a sentence at every line break of wrapped text, so it would not fix what this module exists for.

Example:
    >>> text = "Dr. Smith arrived. He left again! Did he?"
    >>> [text[s:e] for s, e in split_sentences(text)]
    ['Dr. Smith arrived.', 'He left again!', 'Did he?']
    >>> wrapped = "Some say the plan failed. What\\nevidence is there that it did?"
    >>> [wrapped[s:e] for s, e in split_sentences(wrapped)]
    ['Some say the plan failed.', 'What\\nevidence is there that it did?']
"""

from __future__ import annotations

import itertools
import re

__all__ = ["logical_lines", "sentence_at", "split_sentences"]

# Words that end in a full stop without ending the sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep",
    "rev", "vs", "etc", "inc", "ltd", "co", "corp", "no", "vol", "fig", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "approx", "dept", "est", "ed", "eds", "pp", "cf", "al",
}
# A candidate end: terminal punctuation, then closing quotes/brackets, then blanks (a soft line break is a blank).
_END = re.compile(r"[.!?…]+[\"”’'»)\]]*(?=[ \t\n]+|$)")
_NEXT_START = re.compile(r"[ \t\n]+(?=[A-Z0-9\"“‘'«(\[—–-]|[^\x00-\x7f])")
# A line that starts a list item: a bullet sign, or a number or letter with a full stop or bracket.
_BULLET = re.compile(r"^(?:[-*•·‣▪◦–—]\s+|\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)]\s+)")
_ENDS_SENTENCE = re.compile(r"[.!?…:][\"”’'»)\]]*$")


def _ends_abbreviation(text: str, dot: int) -> bool:
    """True when the full stop at ``dot`` closes an abbreviation or an initial ("U.S.", "J. Smith", "e.g.")."""
    j = dot
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    if not word:
        return False
    if word in _ABBREVIATIONS or word.replace(".", "") in ("ie", "eg", "us", "uk", "un", "eu", "am", "pm"):
        return True
    # A single capital letter before the dot is an initial.
    return len(word) == 1 and text[dot - 1].isupper()


def _wrap_width(lengths: list[int]) -> int:
    """The column a hard-wrapped text breaks at (0 when its lines do not look wrapped)."""
    if len(lengths) < 3:
        return 0
    ranked = sorted(lengths)
    width = ranked[int(0.9 * (len(ranked) - 1))]
    # Wrapped prose has many lines close to the width; paragraphs on one line each are far apart in length.
    near = sum(1 for n in lengths if 0.75 * width <= n <= width + 5)
    return width if 30 <= width <= 160 and near >= 0.5 * len(lengths) else 0


def logical_lines(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that are one paragraph, heading or list item each, with wrapped line breaks undone.

    Example:
        >>> t = "A long line of prose that goes on\\nand on.\\n\\n- one\\n- two"
        >>> [t[s:e] for s, e in logical_lines(t)]
        ['A long line of prose that goes on\\nand on.', '- one', '- two']
    """
    lines: list[tuple[int, int]] = []
    pos = 0
    for part in text.split("\n"):
        lines.append((pos, pos + len(part)))
        pos += len(part) + 1
    body = [(s, e) for s, e in lines if e > s]
    width = _wrap_width([e - s for s, e in body])
    # Double-spaced: every pair of consecutive text lines is separated by exactly one blank line.
    gaps = [text.count("\n", a[1], b[0]) for a, b in itertools.pairwise(body)]
    double_spaced = bool(gaps) and all(g == 2 for g in gaps)

    out: list[tuple[int, int]] = []
    for k, (s, e) in enumerate(body):
        if out and _continues(text, body[k - 1], (s, e), gaps[k - 1], width, double_spaced):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _continues(text: str, prev: tuple[int, int], cur: tuple[int, int], newlines: int, width: int,
               double_spaced: bool) -> bool:
    """Whether the line break between ``prev`` and ``cur`` falls inside a sentence."""
    line, before = text[cur[0]:cur[1]], text[prev[0]:prev[1]]
    if _BULLET.match(line):
        return False
    if _ENDS_SENTENCE.search(before) and not (before.endswith(".") and _ends_abbreviation(before, len(before) - 1)):
        return False
    long_before = width > 0 and len(before) >= 0.75 * width
    lower_next = line[:1].islower()
    if newlines == 1:
        return lower_next or long_before
    if newlines == 2:
        return (lower_next and len(before) >= 30) or (double_spaced and long_before)
    return False


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans ``(start, end)``; blank space between sentences belongs to none."""
    spans: list[tuple[int, int]] = []
    for base, stop in logical_lines(text):
        para = text[base:stop]
        start = 0
        for m in _END.finditer(para):
            end = m.end()
            nxt = _NEXT_START.match(para, end)
            if end < len(para) and nxt is None:
                continue
            if para[m.start()] == "." and m.end() - m.start() == 1 and _ends_abbreviation(para, m.start()):
                continue
            _add(spans, para, base, start, end)
            start = end
        _add(spans, para, base, start, len(para))
    return spans


def _add(spans: list[tuple[int, int]], para: str, base: int, start: int, end: int) -> None:
    # Trim blanks so that spans start and end on visible characters.
    while start < end and para[start].isspace():
        start += 1
    while end > start and para[end - 1].isspace():
        end -= 1
    if end > start and any(ch.isalnum() for ch in para[start:end]):
        spans.append((base + start, base + end))


def sentence_at(spans: list[tuple[int, int]], offset: int) -> int:
    """Index of the sentence span containing ``offset`` (or the last one starting before it; -1 if none)."""
    lo, hi = 0, len(spans)
    while lo < hi:
        mid = (lo + hi) // 2
        if spans[mid][0] <= offset:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1
