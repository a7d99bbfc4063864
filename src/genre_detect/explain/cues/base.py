"""The pieces every cue family shares: the :class:`Cue` result, the registry of detectors and small text helpers.

A cue detector is a plain function ``fn(text) -> Iterable[Hit]`` over *normalised* text
(:func:`genre_detect.pipeline.normalise.normalise`), registered with :func:`cue_detector` under a dotted name
(``family.what``) and a version. A :class:`Hit` is a ``(start, end, why)`` triple; the registry turns hits into
:class:`Cue` objects, so a detector never has to copy text or remember its own name.

Example:
    >>> @cue_detector("demo.shout", "demo", "1", register=False)
    ... def shout(text):
    ...     yield 0, 3, "capital letters"
    >>> [c.text for c in shout.run("WOW, fine")]
    ['WOW']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache

from ...pipeline.sentences import split_sentences

__all__ = [
    "APOS", "REGISTRY", "Cue", "CueDetector", "Hit", "compile_words", "cue_detector", "pattern_detector",
    "quotations", "quoted_spans", "sentences", "words",
]

# Either apostrophe: wire copy types ', web pages ’. A lexicon that spelt only one would learn the typography.
APOS = "['’]"

Hit = tuple[int, int, str]


@dataclass(frozen=True)
class Cue:
    """One cue found in a text.

    Attributes:
        name: detector name, ``family.what`` (for example ``fake_quote.chatty_quote``).
        family: one of the cue families (``fake_quote``, ``slang``, ``profanity``, ``punctuation``, ``hyperbole``,
            ``news_parody``).
        start, end: character offsets into the normalised text.
        text: ``normalised[start:end]``.
        why: one plain sentence saying why this span reads as satire.
        version: version of the detector that found it; bump it whenever the detector's output can change.
    """

    name: str
    family: str
    start: int
    end: int
    text: str
    why: str
    version: str

    def to_dict(self) -> dict:
        """A JSON-ready dict with the fields above."""
        return asdict(self)


@dataclass(frozen=True)
class CueDetector:
    """A registered detector: its name, family, version, a one-line description and the function itself."""

    name: str
    family: str
    version: str
    description: str
    func: Callable[[str], Iterable[Hit]]

    def run(self, text: str) -> list[Cue]:
        """Cues from this detector on normalised ``text``, in order, with overlapping hits merged."""
        out: list[Cue] = []
        for start, end, why in sorted(self.func(text), key=lambda h: (h[0], -h[1])):
            if out and start < out[-1].end:  # overlapping hits of one detector describe one cue
                continue
            out.append(Cue(self.name, self.family, start, end, text[start:end], why, self.version))
        return out


REGISTRY: dict[str, CueDetector] = {}


def cue_detector(name: str, family: str, version: str, description: str = "", register: bool = True
                 ) -> Callable[[Callable[[str], Iterable[Hit]]], CueDetector]:
    """Decorator: wrap ``fn(text) -> Iterable[Hit]`` as a :class:`CueDetector` and add it to :data:`REGISTRY`."""

    def wrap(fn: Callable[[str], Iterable[Hit]]) -> CueDetector:
        det = CueDetector(name, family, version, description or (fn.__doc__ or "").strip().split("\n")[0], fn)
        if register:
            if name in REGISTRY:
                raise ValueError(f"cue detector {name!r} registered twice")
            REGISTRY[name] = det
        return det

    return wrap


def pattern_detector(name: str, family: str, version: str, pattern: re.Pattern, why: str, description: str,
                     quoted_only: bool = False) -> CueDetector:
    """Register a detector that reports every match of ``pattern``, all with the same reason ``why``.

    With ``quoted_only``, only matches inside direct speech (:func:`quotations`) count: satire puts casual and
    overstated language in its characters' mouths, while an opinion columnist uses it in their own voice.

    Example:
        >>> pattern_detector("demo.ahem", "demo", "1", re.compile("ahem"), "a cough", "Coughs.")  # doctest: +SKIP
    """

    def find(text: str) -> Iterator[Hit]:
        if quoted_only:
            for _, _, i0, i1 in quotations(text):
                for m in pattern.finditer(text, i0, i1):
                    yield m.start(), m.end(), why
            return
        for m in pattern.finditer(text):
            yield m.start(), m.end(), why

    find.__name__ = name.split(".")[-1]
    return cue_detector(name, family, version, description)(find)


# -- helpers shared by the families ---------------------------------------------------------------------------

@lru_cache(maxsize=16)
def sentences(text: str) -> tuple[tuple[int, int], ...]:
    """Sentence spans of ``text`` (cached: every family asks for them)."""
    return tuple(split_sentences(text))


# Matching quote pairs. A straight or curly single quote opens only after a non-word character, so that
# apostrophes ("don't", "Russia’s") are not read as quotes.
_QUOTED = re.compile(
    r"“(?P<a>[^“”\n]{1,80}?)”"
    r"|(?<![\w])\"(?P<b>[^\"\n]{1,80}?)\""
    r"|(?<![\w])‘(?P<c>[^‘’\n]{1,80}?)’(?![\w])"
    r"|(?<![\w])'(?P<d>[^'\n]{1,80}?)'(?![\w])"
)


def quoted_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, int, int]]:
    """Yield ``(q_start, q_end, inner_start, inner_end)`` for each quoted stretch in ``text[start:end]``."""
    for m in _QUOTED.finditer(text, start, len(text) if end is None else end):
        g = next(k for k in "abcd" if m.group(k) is not None)
        yield m.start(), m.end(), m.start(g), m.end(g)


# Direct speech: a stretch in double quotes inside one paragraph (a quote may run over wrapped lines).
_SPEECH = re.compile(r"“(?P<a>[^“”]{2,600}?)”|(?<![\w])\"(?P<b>[^\"]{2,600}?)\"")


def quotations(text: str) -> Iterator[tuple[int, int, int, int]]:
    """Yield ``(q_start, q_end, inner_start, inner_end)`` for each double-quoted stretch that stays in a paragraph.

    Example:
        >>> t = 'He said: “I’m done.” Then "fine".'
        >>> [t[a:b] for _, _, a, b in quotations(t)]
        ['I’m done.', 'fine']
    """
    for m in _SPEECH.finditer(text):
        g = "a" if m.group("a") is not None else "b"
        if "\n\n" not in m.group(g):
            yield m.start(), m.end(), m.start(g), m.end(g)


_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def words(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """``(start, end, lower-case word)`` for each word in ``text[start:end]``."""
    return [(m.start(), m.end(), m.group(0).lower()) for m in _WORD.finditer(text, start,
                                                                              len(text) if end is None else end)]


def compile_words(items: Iterable[str]) -> re.Pattern:
    """One case-insensitive regex matching any of ``items`` (phrases allowed) on word boundaries."""
    alts = sorted(set(items), key=len, reverse=True)
    return re.compile(r"(?i)(?<![\w])(?:" + "|".join(alts) + r")(?![\w])")
