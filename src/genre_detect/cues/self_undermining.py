"""Self-undermining cues: a claim that brings along the evidence refuting it.

* ``self_undermining.exception_swallows_rule``: "there is no reason … except for all the reasons": a denial whose
  exception is everything.
* ``self_undermining.none_after_exception``: a short punchline ("Other than that, there is none.") that denies
  what the previous sentence just conceded.
* ``self_undermining.contradicted_denial``: "X never does Y; it has only done Y when …": the denial is retracted
  in the same breath.

Example:
    >>> from genre_detect.cues import detect_cues
    >>> [c.name for c in detect_cues("Where is the proof, besides every study ever published?")]
    ['self_undermining.exception_swallows_rule']
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .base import Hit, cue_detector, sentences, words

_DENIAL = re.compile(
    r"(?i)\b(?:what|where is the|where's the|is there any|there is no|there's no|there are no|without any|"
    r"no one has (?:shown|seen|found)|nobody has (?:shown|seen|found)|not a (?:shred|scrap|single piece) of|"
    r"little|scant)\s+(?:\w+\s+){0,2}?(?:evidence|proof|reason|reasons|basis|grounds|sign|signs|indication|"
    r"indications|data|case|record)\b"
)
_EXCEPTION = re.compile(
    r"(?i)\b(?:other than|apart from|aside from|besides|except(?: for)?|save for|beyond)\s+"
    r"(?:(?:literally|quite|pretty much|basically|practically|virtually)\s+)?"
    r"(?:everything|every\s+(?:single\s+)?\w+|all\s+(?:of\s+)?(?:the|that|those|these|its|their|his|her|our)\b|"
    r"the\s+(?:entire|whole|complete)\s+\w+|(?:decades|years|centuries|generations)\s+of\b|each\s+and\s+every)"
    r"[^.!?\n]{0,80}"
)


@cue_detector("self_undermining.exception_swallows_rule", "self_undermining", "1")
def exception_swallows_rule(text: str) -> Iterator[Hit]:
    """A denial of evidence whose exception is everything ("no evidence, other than everything that happened")."""
    for s, e in sentences(text):
        d = _DENIAL.search(text, s, e)
        if not d:
            continue
        x = _EXCEPTION.search(text, d.end(), e)
        if x:
            end = x.end()
            while end < e and text[end] in "?!.":
                end += 1
            yield d.start(), end, ("the claim denies there is evidence, then names all of the evidence as its "
                                   "exception: it refutes itself")


_PUNCHLINE = re.compile(
    r"(?i)^(?:but\s+)?(?:apart|aside) from (?:that|this|those|these|which|it)|^(?:but\s+)?other than "
    r"(?:that|this|those|these)|^(?:but\s+)?except for (?:that|this|those|these)|^(?:but\s+)?besides "
    r"(?:that|this)|^(?:but\s+)?beyond (?:that|this)"
)
_NONE = re.compile(
    r"(?i)\b(?:there (?:is|are|was|were|'s|’s) (?:simply |really |absolutely |just |actually |literally )?"
    r"(?:none|nothing|no \w+)|(?:simply |really )?(?:nothing|none|nobody|no one)\b|not (?:a|one) (?:single )?\w+)"
)


@cue_detector("self_undermining.none_after_exception", "self_undermining", "1")
def none_after_exception(text: str) -> Iterator[Hit]:
    """A short "Apart from that, there is none" that denies what was just conceded."""
    for i, (s, e) in enumerate(sentences(text)):
        if i == 0 or len(words(text, s, e)) > 9:
            continue
        if _PUNCHLINE.match(text[s:e]) and _NONE.search(text, s, e):
            yield s, e, (
                "a short denial ('apart from that, there is none') right after the evidence it sets aside: the "
                "claim undermines itself")


_CONTRA = re.compile(
    r"(?i)\b(?:doesn[’']t|does not|don[’']t|do not|never|won[’']t|will not|wouldn[’']t|would not)\s+(\w{4,})\b"
    r"[^.!?\n]{0,100}?[;:—–,]\s*(?:but\s+)?(?:it|they|he|she|we|you)\s+(?:has|have|had)\s+(?:only|just|merely)\s+"
    r"(\w{4,})\b[^.!?\n]{0,100}"
)


@cue_detector("self_undermining.contradicted_denial", "self_undermining", "1")
def contradicted_denial(text: str) -> Iterator[Hit]:
    """ "They never do X; they have only done X when …": the denial is taken back in the same sentence."""
    for m in _CONTRA.finditer(text):
        a, b = m.group(1).lower(), m.group(2).lower()
        stem = a.removesuffix("e")
        if b.startswith(stem) and b != a:
            yield m.start(), m.end(), (f"the sentence denies '{a}' and then admits '{b}': the claim is refuted "
                                       "by its own qualification")
