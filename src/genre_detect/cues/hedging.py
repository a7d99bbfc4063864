"""Hedging cues: hedges stacked so high that the claim they carry disappears.

Sincere analysis hedges once or twice ("could possibly"); parody piles hedge on hedge until nothing is left
("might perhaps begin to tentatively explore something like an idea"). The detector counts hedge units (modal
verbs, epistemic adverbs, verbs of mere consideration, vagueness markers) that follow each other with at most one
ordinary word between them, and fires on a run of four or more.

Example:
    >>> from genre_detect.cues import detect_cues
    >>> cues = detect_cues("They may perhaps begin exploring some kind of possible plan.")
    >>> [(c.name, c.text) for c in cues]
    [('hedging.stacked_hedges', 'may perhaps begin exploring some kind of possible')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .base import Hit, compile_words, cue_detector

MIN_RUN = 4

_HEDGES = compile_words([
    # modal verbs and epistemic adverbs
    "might", "may", "could", "would", "possibly", "perhaps", "maybe", "potentially", "conceivably", "presumably",
    "tentatively", "arguably", "somewhat", "vaguely", "loosely", "partially", "theoretically", "hypothetically",
    "possible", "potential", "tentative", "preliminary", "eventual", "eventually", "someday", "at some point",
    # verbs of mere consideration
    r"consider(?:ing)?", r"think(?:ing)? about", r"contemplat(?:e|ing)", r"explor(?:e|ing)", r"suggest(?:ing)?",
    r"propos(?:e|ing)", r"hint(?:ing)? at", r"entertain(?:ing)?", r"mull(?:ing)? over", r"ponder(?:ing)?",
    r"look(?:ing)? into", r"begin(?:ning)? to", r"begin(?:ning)?", r"start(?:ing)? to", r"tr(?:y|ying) to",
    r"seriously", r"discuss(?:ing)?", r"the (?:idea|possibility|prospect|notion) of",
    # vagueness markers
    "something resembling", "something like", r"some (?:kind|sort|form|version) of",
    r"a (?:kind|sort|form|semblance|version|hint) of", "kind of", "sort of", "more or less", "to some extent",
    "in principle",
    "in some sense", "of sorts",
])
# Ordinary words allowed between two hedges without breaking the run.
_GLUE = {"to", "of", "a", "an", "the", "about", "into", "on", "and", "be", "even", "at", "least", "some"}
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@cue_detector("hedging.stacked_hedges", "hedging", "1")
def stacked_hedges(text: str) -> Iterator[Hit]:
    """Four or more hedges in a row: the claim is qualified away."""
    hedges = [(m.start(), m.end()) for m in _HEDGES.finditer(text)]
    run: list[tuple[int, int]] = []

    def flush() -> Iterator[Hit]:
        if len(run) >= MIN_RUN:
            yield run[0][0], run[-1][1], (f"{len(run)} hedges in a row (modals, 'possibly', 'considering', "
                                          "'something like' …) qualify the claim until nothing is left of it")

    for h in hedges:
        if run:
            gap = text[run[-1][1]:h[0]]
            gap_words = [w.lower() for w in _TOKEN.findall(gap)]
            plain = [w for w in gap_words if w not in _GLUE]
            if re.search(r"[.;:!?\n—–()]|\s-\s", gap) or len(plain) > 1 or len(gap_words) > 2:
                yield from flush()
                run = []
        run.append(h)
    yield from flush()
