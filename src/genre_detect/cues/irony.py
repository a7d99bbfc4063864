"""Irony cues: saying the opposite of what is meant, marked in the writing itself.

* ``irony.disowning_quote``: "alleged", "so-called", "self-styled" … before scare quotes: the writer disowns a
  word whose plain sense (a winner, an expert) is not in doubt.
* ``irony.scare_quote``: short scare quotes around a word of status or praise, with nobody quoted.
* ``irony.redefinition``: a quoted word glossed with "in this case means …": the word is bent to fit the argument.
* ``irony.sarcastic_intensifier``: stock sarcasm ("how convenient", "what a surprise", "nothing says X like Y").

Example:
    >>> from genre_detect.cues import detect_cues
    >>> [c.name for c in detect_cues("The so-called “experts” met again.")]
    ['irony.disowning_quote']
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .base import Hit, compile_words, cue_detector, pattern_detector, quoted_spans

_DISOWNING = re.compile(
    r"(?i)\b(alleged(?:ly)?|so-called|supposed(?:ly)?|self-styled|self-proclaimed|purported(?:ly)?|would-be|"
    r"ostensible|ostensibly|soi-disant)\s+$"
)

# Words of status and praise that satire disowns with quotes. Sincere analysis quotes words too, mostly to name a
# concept ("success", "victory", "crisis manager"), so the bare scare-quote detector keeps only people's titles of
# merit after a determiner ("the “experts”"), which analysts rarely write.
_STATUS = {
    "winner", "winners", "victory", "victor", "expert", "experts", "expertise", "genius", "hero", "heroes",
    "champion", "champions", "leader", "leaders", "journalist", "journalists", "journalism", "scientist",
    "scientists", "science", "professional", "professionals", "friend", "friends", "friendship", "patriot",
    "patriots", "success", "successful", "help", "gift", "favour", "favor", "improvement", "improvements", "upgrade",
    "fun", "smart", "best", "brilliant", "genuine", "honest", "honesty", "fair", "fairness", "free", "voluntary",
    "accident", "mistake", "joke", "liberators", "nice", "generous", "wisdom", "wise", "thinkers", "intellectual",
    "intellectuals", "educated", "democracy", "democratic", "election", "elections", "reform", "reforms",
}
_PEOPLE = {
    "winners", "experts", "geniuses", "heroes", "champions", "leaders", "journalists", "scientists", "professionals",
    "friends", "patriots", "liberators", "thinkers", "intellectuals", "grown-ups", "adults", "wise men", "visionaries",
}
_STATUS |= _PEOPLE
_DETERMINER = re.compile(r"(?i)\b(?:the|these|those|our|their|such|your|its)\s+$")
# Quoting someone is not irony: skip quotes right after a verb of saying or naming, or followed by attribution.
_SAYING_BEFORE = re.compile(
    r"(?i)\b(?:said|says|say|saying|told|tells|called|calls|call|calling|termed|terms|term|dubbed|dubs|"
    r"known as|described as|describes as|labelled|labeled|referred to as|refers to as|titled|entitled|"
    r"word|words|phrase|slogan|motto|headline|banner|read|reads|wrote|writes|tweeted|declared|announced|"
    r"promised|mantra|chanting|chanted|shouted)\W{0,3}$"
)
_SAYING_AFTER = re.compile(r"(?i)^\W{0,3}\s*(?:he|she|they|it|the \w+|\w+) (?:said|says|told|added|wrote)\b")


@cue_detector("irony.disowning_quote", "irony", "1")
def disowning_quote(text: str) -> Iterator[Hit]:
    """A disowning adjective ("alleged", "so-called") before scare quotes."""
    for q0, q1, i0, i1 in quoted_spans(text):
        if text[i0:i1].strip(" ,.;:!?").lower() not in _STATUS:
            continue
        m = _DISOWNING.search(text, max(0, q0 - 40), q0)
        if m:
            yield m.start(), q1, (f"'{m.group(1)}' plus scare quotes disowns the quoted word: the writer says the "
                                  "opposite of what the word would plainly mean")


@cue_detector("irony.scare_quote", "irony", "1")
def scare_quote(text: str) -> Iterator[Hit]:
    """Scare quotes around a short word of status or praise that nobody is being quoted as saying."""
    for q0, q1, i0, i1 in quoted_spans(text):
        inner = text[i0:i1].strip(" ,.;:!?").lower()
        if inner not in _PEOPLE or not _DETERMINER.search(text, max(0, q0 - 8), q0):
            continue
        if _DISOWNING.search(text, max(0, q0 - 40), q0):
            continue  # reported by disowning_quote
        if _SAYING_BEFORE.search(text, max(0, q0 - 30), q0) or _SAYING_AFTER.match(text[q1:q1 + 40]):
            continue
        yield q0, q1, ("scare quotes around a word of status or praise signal that the writer means the "
                       "opposite")


# Definitions are normal in analysis ("“sabotage” refers to …"); a redefinition made for the occasion is not.
_REDEFINE_AFTER = re.compile(r"(?i)^\s*,?\s*(?:in this case|in this context|here|in practice|of course|"
                             r"apparently|now|these days|nowadays)\s*,?\s*(?:means|meant|just means|simply means)\b")


@cue_detector("irony.redefinition", "irony", "1")
def redefinition(text: str) -> Iterator[Hit]:
    """A quoted word glossed as meaning something else ("'Include' in this case means ...")."""
    for q0, q1, i0, i1 in quoted_spans(text):
        if len(text[i0:i1].split()) > 3:
            continue
        m = _REDEFINE_AFTER.match(text[q1:q1 + 40])
        if m:
            yield q0, q1 + m.end(), ("a word in quotes is redefined on the spot: it is being bent to mean what the "
                                     "argument needs")


# Stock sarcasm. The exclamations must close their clause ("How convenient." but not "how novel technologies").
_SARCASM = compile_words([
    (r"how (?:very |terribly |wonderfully )?(?:convenient|original|brave|novel|refreshing|shocking|thoughtful)"
     r"(?=\s?[!?.,;:—–])"),
    r"what a (?:surprise|shock|coincidence|concept|relief|time to be alive)(?=\s?[!?.,;:—–])",
    r"(?:oh|ah),? (?:great|wonderful|brilliant|joy|goody|sure|yes,? of course)",
    r"nothing says [\w' ]{1,40}? like",
    r"(?:yeah|sure),? right",
    r"who (?:could|would) have (?:guessed|thought|predicted|imagined|known)(?=\s?[!?])",
    r"(?:totally|completely|entirely|perfectly) (?:normal|coincidental|unrelated|unremarkable)",
    r"in a (?:shocking|stunning|surprising|bold) (?:twist|turn of events)",
    r"(?:shockingly|surprisingly|unsurprisingly|predictably|amazingly),? (?:enough|no one|nobody)",
    (r"(?:some|a few|most|all|nearly all|almost all) of [\w’']+ perfectly (?:reasonable|sensible|legitimate) "
     r"(?:demands|requests|wishes|expectations)"),
    r"a (?:stunning|bold|brave) display of",
    r"thanks(?:,)? (?:a lot|for nothing)",
    r"(?<=,) (?:right|huh|eh)\?",  # a tag question inviting agreement with the absurd
])


sarcastic_intensifier = pattern_detector(
    "irony.sarcastic_intensifier", "irony", "1", _SARCASM,
    why="a stock sarcastic phrase: praise or surprise that the context shows is not meant",
    description='Stock sarcastic phrases ("how convenient", "what a surprise", "nothing says X like Y").',
)
