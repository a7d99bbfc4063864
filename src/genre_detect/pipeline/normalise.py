"""Text normalisation: the first step of the pipeline, shared by training and prediction.

Two steps, both pure functions over strings:

* :func:`normalise` fixes encoding noise (Unicode form, line endings, control characters, runs of blanks). Cue
  detectors and the character offsets in a :class:`~genre_detect.pipeline.prediction.Prediction` refer to its output.
* :func:`strip_shortcuts` removes what a classifier would learn instead of genre (outlet names, datelines, URL /
  share / byline lines, author bios). The model sees only its output, at training and prediction time alike, and it
  keeps a map back to the normalised text so that window offsets stay meaningful.

Example:
    >>> from genre_detect.pipeline.normalise import normalise, strip_shortcuts
    >>> stripped = strip_shortcuts(normalise("WASHINGTON (The Borowitz Report)\u2014Officials said."))
    >>> stripped.text
    'Officials said.'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["normalise", "strip_shortcuts", "Stripped", "NORMALISER_VERSION"]

# Bump when the output of either function changes: it is recorded in genre_detect.json, and a model trained under
# one version should be re-evaluated before it is used with another.
NORMALISER_VERSION = "1"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2060\ufeff]")
_BLANKS = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def normalise(text: str) -> str:
    """Return ``text`` in NFC form with LF line endings, no control characters and single spaces.

    Typography (curly quotes, dashes) is kept: it carries no label information across our sources, and the cue
    detectors look for quotation marks of either kind.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _BLANKS.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


# Outlets named in our data sets (see ../shared/data/README.md). Matching is case-insensitive and on word bounds.
# Satire outlets are listed together with sincere ones so that neither side keeps its names.
_OUTLETS = [
    "the borowitz report", "borowitz report", "borowitz", "satirewire(?:\\.com)?", "the onion", "onion",
    "babylon bee", "the babylon bee", "the beaverton", "beaverton", "faking news", "newsthump", "the shovel",
    "the postillon", "waterford whispers news", "reductress", "scrappleface", "empire news", "the spoof",
    "national report", "world news daily report", "the people'?s cube", "huffington post", "huffpost",
    "mcsweeney'?s", "cracked(?:\\.com)?", "landover baptist", "daily currant", "duffel blog", "clickhole",
    "reuters", "associated press", "agence france-presse", "afp", "upi", "bbc", "cnn", "npr", "abc news",
    "cbs news", "nbc news", "fox news", "al jazeera", "the guardian", "the economist", "wall street journal",
    "washington post", "usa today", "new york times", "infowars", "breitbart", "true pundit", "judicial watch",
    "rusi", "csis", "isw", "atlantic council", "valdai discussion club", "valdai", "riac", "osw",
]
_OUTLET_RE = re.compile(r"(?i)(?<![\w])(?:" + "|".join(_OUTLETS) + r")(?![\w])")
# A caps dateline, optionally with an agency or outlet in brackets, followed by a dash or colon:
# "WASHINGTON—", "NEW YORK, NY (SatireWire.com) –", "TOKYO (UPI)-", "Bengaluru:".
_DATELINE_RE = re.compile(
    r"^(?:[A-Z][A-Z.,'’ ]{1,40}|[A-Z][a-z]+(?:, [A-Z][a-zA-Z. ]+)?)\s*(?:\([^)\n]{0,60}\))?\s*(?:[—–-]+|:)\s*"
)
_URL_RE = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|org|net|co\.uk|au|us)(?:/\S*)?\b")
# Whole lines that are page furniture rather than prose.
_FURNITURE_RE = re.compile(
    r"(?i)^(?:share(?: this)?|tweet|email|print|click here|follow (?:us|me|@)|subscribe|sign up|read more|"
    r"related(?: articles)?|similar articles|tags?:|tag archives?:|filed under|posted (?:in|by|on)|by [A-Z][\w.'’ -]{2,40}$|"
    r"photo(?:graph)?:|image:|source:|advertisement|comments?\b|\(more\)|copyright|©|all rights reserved)"
)
_HANDLE_RE = re.compile(r"(?<!\w)@\w{2,}")
# A short final paragraph that introduces the author in the third person: "X is a Senior Fellow at ...",
# "X has worked as ...". These appear only in the sincere sources, so the model must not see them.
_BIO_RE = re.compile(
    r"^(?:[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}) (?:is|was|has (?:worked|served|been)|serves|works|writes|holds)\b"
    r"[^\n]{0,400}\b(?:fellow|director|professor|author|editor|researcher|analyst|columnist|contributor|"
    r"correspondent|think tank|institute|university|programme|program|centre|center|lecturer)\b",
)


# Names of people, places, parties and organisations carry topic and era (2016 US politics in the satire sets,
# Russia and NATO in the think-tank analyses), not genre. They are replaced by one placeholder token; "[UNK]" is a
# special token of the BERT vocabulary, so it stays one token and never collides with a real word.
NAME_PLACEHOLDER = "[UNK]"
_CAP_WORD = re.compile(r"\b(?:[A-Z][a-z\u00e0-\u00ff'’-]*[a-z]|[A-Z]{2,}s?)\b")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n\"“‘(\[—–-]\s*|\n)$")
# Capitalised words that are not names (sentence openers, pronouns, months and days are kept as words).
_NOT_NAMES = frozenset(
    "I A An The This That These Those It Its He She We They You Our Their His Her My Your In On At For But And Or "
    "If When While As After Before Since Although Though However Yet So Not No Yes Mr Mrs Ms Dr Sir "
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday OK TV".split()
)


def _name_spans(text: str) -> list[tuple[int, int]]:
    """Spans of names: capitalised words seen at least once in mid-sentence position, and acronyms, merged into runs."""
    mid: set[str] = set()
    hits = []
    title_lines = set()
    pos = 0
    for line in text.split("\n"):
        long_words = [w for w in line.split() if len(w) >= 4 and w[0].isalpha()]
        # A Title Case headline capitalises ordinary words: it must not teach us which words are names.
        if long_words and sum(w[0].isupper() for w in long_words) / len(long_words) > 0.6:
            title_lines.add(pos)
        pos += len(line) + 1
    for m in _CAP_WORD.finditer(text):
        word = m.group(0)
        if word in _NOT_NAMES:
            continue
        hits.append((m.start(), m.end(), word))
        line_start = text.rfind("\n", 0, m.start()) + 1
        if line_start in title_lines:
            continue
        if not _SENTENCE_START.search(text[max(0, m.start() - 3) : m.start()]):
            mid.add(word)
    spans: list[tuple[int, int]] = []
    for start, end, word in hits:
        if word not in mid and not (word.isupper() and len(word) >= 2):
            continue
        # Merge "Vladimir Putin" or "Atlantic Council" into one placeholder.
        if spans and text[spans[-1][1] : start] in (" ", "-"):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


@dataclass
class Stripped:
    """The model's view of a text: ``text`` plus, for each of its characters, the offset in the normalised text."""

    text: str
    offsets: list[int] = field(repr=False)
    removed: list[tuple[int, int, str]] = field(default_factory=list)

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of :attr:`text` back to the normalised text."""
        if not self.offsets:
            return 0, 0
        start = min(max(start, 0), len(self.offsets) - 1)
        end = min(max(end, start + 1), len(self.offsets))
        return self.offsets[start], self.offsets[end - 1] + 1


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for part in text.split("\n"):
        spans.append((pos, pos + len(part)))
        pos += len(part) + 1
    return spans


def strip_shortcuts(text: str, mask_names: bool = False) -> Stripped:
    """Remove outlet names, datelines, URLs, page furniture and trailing author bios from normalised ``text``.

    With ``mask_names``, names of people, places and organisations are also replaced by one placeholder token (a
    model records whether it was trained that way in ``genre_detect.json``).

    Returns a :class:`Stripped` whose ``offsets`` map every kept character back to ``text``.
    """
    keep = [True] * len(text)
    removed: list[tuple[int, int, str]] = []

    def drop(start: int, end: int, why: str) -> None:
        if end <= start:
            return
        removed.append((start, end, why))
        for i in range(start, end):
            keep[i] = False

    lines = _paragraph_spans(text)
    prose_lines = [(s, e) for s, e in lines if e > s]
    # Author bios: only in the last two non-empty paragraphs, and only when short.
    for s, e in prose_lines[-2:]:
        if e - s <= 600 and _BIO_RE.match(text[s:e]):
            drop(s, e, "author_bio")
    for s, e in lines:
        line = text[s:e]
        if not line or not keep[s]:
            continue
        if _FURNITURE_RE.match(line) and len(line) < 120:
            drop(s, e, "page_furniture")
            continue
        if _URL_RE.fullmatch(line.strip()):
            drop(s, e, "url_line")
            continue
        m = _DATELINE_RE.match(line)
        # Only a real dateline: short prefix followed by prose, in the first lines of the text.
        if m and s < 400 and len(line) > m.end() + 20 and (m.group(0).isupper() or "(" in m.group(0)
                                                               or m.group(0).rstrip().endswith((":", "—", "–"))):
            prefix = m.group(0)
            letters = [c for c in prefix if c.isalpha()]
            if letters and (sum(c.isupper() for c in letters) / len(letters) > 0.6 or "(" in prefix):
                drop(s, s + m.end(), "dateline")
    for m in _URL_RE.finditer(text):
        drop(m.start(), m.end(), "url")
    for m in _HANDLE_RE.finditer(text):
        drop(m.start(), m.end(), "handle")
    for m in _OUTLET_RE.finditer(text):
        drop(m.start(), m.end(), "outlet")
    replace = {start: end for start, end in _name_spans(text) if all(keep[start:end])} if mask_names else {}

    chars: list[str] = []
    offsets: list[int] = []
    prev_space = True
    i = 0
    while i < len(text):
        if i in replace:
            # A name becomes one placeholder token mapped to the name's first character.
            for ch in NAME_PLACEHOLDER:
                chars.append(ch)
                offsets.append(i)
            i = replace[i]
            prev_space = False
            continue
        ch = text[i]
        i += 1
        if not keep[i - 1]:
            continue
        # Collapse the blanks left behind by removals so that they carry no signal either.
        if ch == " " and prev_space:
            continue
        chars.append(ch)
        offsets.append(i - 1)
        prev_space = ch in " \n"
    # Trim and drop the empty brackets an outlet removal leaves, e.g. "()" from "(The Onion)".
    out = "".join(chars)
    out_offsets = offsets
    for pattern in (re.compile(r"\(\s*\)|\[\s*\]"), re.compile(r" +(?=[,.;:!?])"), re.compile(r"\n{3,}")):
        new_chars, new_offsets, last = [], [], 0
        for m in pattern.finditer(out):
            new_chars.append(out[last:m.start()])
            new_offsets.extend(out_offsets[last:m.start()])
            if m.group(0).startswith("\n"):
                new_chars.append("\n\n")
                new_offsets.extend(out_offsets[m.start():m.start() + 2])
            last = m.end()
        new_chars.append(out[last:])
        new_offsets.extend(out_offsets[last:])
        out, out_offsets = "".join(new_chars), new_offsets
    lead = len(out) - len(out.lstrip())
    trail = len(out.rstrip())
    return Stripped(out[lead:trail], out_offsets[lead:trail], sorted(removed))
