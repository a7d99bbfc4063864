"""Reductio cues: a position pushed until it is absurd, so that the reader rejects it.

* ``reductio.escalating_offer``: an offer that grows while it is being made ("a third, or ideally, 90 percent").
* ``reductio.fragment_chain``: a run of short fragments opening with "Or"/"And" that keeps raising the stakes or
  repeats itself for effect ("… again. And again. And once more.").
* ``reductio.escalating_range``: a "range" of options whose two ends are the same act in larger amounts ("from
  granting some of the requests to granting all of them").
* ``reductio.absurd_proposal``: a serious-sounding recommendation to hand over a state, a national landmark or an
  arsenal.

Example:
    >>> from genre_detect.cues import detect_cues
    >>> [c.name for c in detect_cues("We could cut a quarter, or better yet, 90 percent of the budget.")]
    ['reductio.escalating_offer']
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .base import Hit, cue_detector, sentences, words

# Amounts, largest phrase first, with the share of the whole each one stands for.
_AMOUNTS: list[tuple[str, float]] = [
    (r"(\d{1,3}(?:\.\d+)?)\s*(?:percent|per cent|%)", -1.0),
    (r"(?:nearly|almost|virtually|practically) all", 90.0), (r"three[- ]quarters", 75.0), (r"two[- ]thirds", 67.0),
    (r"all the way|the whole way|the entire way|everything|all", 100.0), (r"halfway|half", 50.0), (r"most", 75.0),
    (r"a third|one[- ]third", 33.0), (r"a quarter|one[- ]quarter", 25.0), (r"a tenth|one[- ]tenth", 10.0),
]
_AMOUNT = "(?:" + "|".join(a for a, _ in _AMOUNTS) + ")"
_AMOUNT_RE = [(re.compile(r"(?i)^" + a + r"$"), v) for a, v in _AMOUNTS]
_WISHFUL = r"ideally|preferably|better yet|better still|even better|hopefully|if possible|if at all possible"
_OFFER = re.compile(
    r"(?i)(?<![\w])(?P<q1>" + _AMOUNT + r")(?![\w])[^.;!?\n]{0,25}?,?\s+or\s*,?\s+(?:(?P<adv>" + _WISHFUL +
    r")\s*,?\s+)(?:even\s+)?(?P<q2>" + _AMOUNT + r")(?![\w])(?:\s+of the way|\s+of (?:it|them))?"
)


def amount(phrase: str) -> float | None:
    """Share of the whole (0-100) that an amount phrase names, or None.

    Example:
        >>> amount("two-thirds"), amount("80 percent"), amount("nearly all")
        (67.0, 80.0, 90.0)
    """
    phrase = " ".join(phrase.split())
    for rx, value in _AMOUNT_RE:
        m = rx.match(phrase)
        if m:
            return float(m.group(1)) if value < 0 else value
    return None


@cue_detector("reductio.escalating_offer", "reductio", "1")
def escalating_offer(text: str) -> Iterator[Hit]:
    """An amount followed by "or ideally" a larger one: the concession grows as it is offered."""
    for m in _OFFER.finditer(text):
        q1, q2 = amount(m.group("q1")), amount(m.group("q2"))
        if q1 is not None and q2 is not None and q2 > q1:
            yield m.start(), m.end(), (f"the offer escalates from {m.group('q1')} to {m.group('q2')} while being "
                                       "made: a concession pushed towards absurdity")


_OR_START = re.compile(r"(?:Or|Nor)\b")
# "And" fragments are common in speech ("And then I signed up."); only repetition counts for them.
_AND_REPEAT = re.compile(r"And\b[^.!?]{0,40}\b(?:again|once more|one more time|another|more)\b")


@cue_detector("reductio.fragment_chain", "reductio", "1")
def fragment_chain(text: str) -> Iterator[Hit]:
    """Two or more short fragments in a row opening with "Or"/"And": stakes raised or words repeated for effect."""
    spans = sentences(text)
    run: list[tuple[int, int]] = []

    def flush() -> Iterator[Hit]:
        if len(run) >= 2:
            yield run[0][0], run[-1][1], ("a run of short fragments opening with 'Or'/'And' keeps raising the "
                                          "stakes or repeating itself: the proposal is pushed to absurdity")

    for i, (s, e) in enumerate(spans):
        n = len(words(text, s, e))
        follows = i > 0 and "\n" not in text[spans[i - 1][1]:s]
        fragment = (n <= 12 and _OR_START.match(text, s)) or (n <= 8 and _AND_REPEAT.match(text, s))
        if follows and fragment:
            run.append((s, e))
            continue
        yield from flush()
        run = []
    yield from flush()


_SMALL = re.compile(r"(?i)\b(?:some|a few|part|certain|minor|small|a little|a handful)\b")
_LARGE = re.compile(r"(?i)\b(?:all|nearly all|almost all|every|everything|most|entire|whole|each)\b")
_RANGE = re.compile(r"(?i)\bfrom\s+(\w{3,}ing)\b([^.;!?\n]{1,80}?)\bto\s+\1\b([^.;!?\n]{1,80}?)(?=[.;!?\n]|$)")


@cue_detector("reductio.escalating_range", "reductio", "1")
def escalating_range(text: str) -> Iterator[Hit]:
    """A 'range' of options whose two ends are the same act, only in a larger amount."""
    for m in _RANGE.finditer(text):
        if _SMALL.search(m.group(2)) and _LARGE.search(m.group(3)):
            yield m.start(), m.end(), (f"the 'range' of options runs from {m.group(1)} a little to {m.group(1)} "
                                       "nearly everything: no real alternative is offered")


_PROPOSAL = re.compile(
    r"(?i)\b(?:should|could|must|might|ought to)\s+(?:\w+\s+){0,2}?(?:consider|propose|offer|explore|agree)|"
    r"\bas a (?:show|gesture|sign|token) of (?:good ?faith|goodwill)|\bwould be a (?:great|good|perfect|fine|"
    r"smart|wonderful) way to|\b(?:we|they|it) (?:propose|recommend|suggest)"
)
_TRANSFER = re.compile(
    r"(?i)\b(?:joint ownership of|co-ownership of|shared ownership of|hand(?:ing)? over|cede|ceding|"
    r"sell(?:ing)? off|give away|giving away|lease|leasing|auction(?:ing)? off|rent(?:ing)? out|"
    r"trade away|trading away|renegotiat\w+)\b"
)
_GRAND = re.compile(
    r"\b(?:the state of [A-Z]\w+|[A-Z]\w+ Purchase|the (?:White House|Capitol|Pentagon|Kremlin|Moon|Sun|"
    r"Statue of Liberty|Eiffel Tower|Crown Jewels|Navy|Army|Air Force)|(?:its|our|their|the) (?:nuclear "
    r"(?:codes|arsenal|launch codes)|capital city|firstborn|grandchildren|national anthem|constitution))"
)


@cue_detector("reductio.absurd_proposal", "reductio", "1")
def absurd_proposal(text: str) -> Iterator[Hit]:
    """A sober recommendation to hand over a state, a landmark, an arsenal: a proposal pushed to the extreme."""
    for s, e in sentences(text):
        if not _PROPOSAL.search(text, s, e):
            continue
        for t in _TRANSFER.finditer(text, s, e):
            g = _GRAND.search(text, t.end(), min(e, t.end() + 60))
            if g:
                yield t.start(), g.end(), ("a serious-sounding proposal to give away something no government "
                                           "would: the policy is pushed to an absurd extreme")
                break
