"""Sentence spans: the unit of evidence in :mod:`genre_detect.explain` and the scope of several cue detectors.

A light rule-based splitter over normalised text. It returns ``(start, end)`` character offsets, never copies, so
that every span points back into the text the cues and the evidence refer to. Paragraph breaks always end a
sentence; ``.``, ``!``, ``?`` and ``…`` end one when the next non-blank character starts a new sentence (a capital,
a digit, an opening quote or bracket, a dash) and the full stop does not close a known abbreviation.

Example:
    >>> text = "Dr. Smith arrived. He left again! Did he?"
    >>> [text[s:e] for s, e in split_sentences(text)]
    ['Dr. Smith arrived.', 'He left again!', 'Did he?']
"""

from __future__ import annotations

import re

__all__ = ["sentence_at", "split_sentences"]

# Words that end in a full stop without ending the sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep",
    "rev", "vs", "etc", "inc", "ltd", "co", "corp", "no", "vol", "fig", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "approx", "dept", "est", "ed", "eds", "pp", "cf", "al",
}
# A candidate end: terminal punctuation, then closing quotes/brackets, then blanks.
_END = re.compile(r"[.!?…]+[\"”’'»)\]]*(?=[ \t]+|$)")
_NEXT_START = re.compile(r"[ \t]+(?=[A-Z0-9\"“‘'«(\[—–-]|[^\x00-\x7f])")


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


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans ``(start, end)``; blank space between sentences belongs to none."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n"):
        base = pos
        pos += len(para) + 1
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
