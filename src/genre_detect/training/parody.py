"""Synthetic deadpan parody for training: sincere analysis with parody devices woven in, and a sincere twin.

The shared data has news satire and sincere analysis, but no parody written in the analysts' own register, so a model
trained on it learns register: analytical prose reads as sincere whatever it says. This module builds minimal pairs
from *training* analyses only. Both sides of a pair keep the same run of real sentences from one analysis; between
them the parody side gets a device from the families the product reports (absurd hedging chains, escalating
concessions, scare quotes, reductio proposals, self-undermining questions, mock credentials, inverted values) and the
sincere side gets a plainly meant sentence of the same kind and length built from the same fillers (a single hedge, a
real concession, a quoted term, a modest option, an open question, a real affiliation, a view on public opinion).
What separates the two sides is therefore the device, not the frame, the topic, the length or the presence of
inserted sentences.

The templates are written from the device descriptions in the project brief, in this module's own words; they are
not drawn from any evaluation text, and the seed documents are never read here.

Example:
    >>> import random
    >>> frame = ["The ministry has revised its forecast for the coming year.", "Analysts in Warsaw expect growth."]
    >>> parody, sincere = parody_pair(frame, random.Random(0))
    >>> parody != sincere
    True
"""

from __future__ import annotations

import random
import re

__all__ = ["DEVICES", "frame_fillers", "pair_from_frames", "parody_pair"]

_HEDGE_VERBS = ["consider", "think about", "look into", "contemplate", "weigh", "explore", "study", "discuss"]
_HEDGE_GERUNDS = ["considering", "exploring", "discussing", "reviewing", "drafting", "floating", "weighing",
                  "studying", "preparing", "sketching", "proposing", "raising", "mentioning", "outlining"]
_HEDGE_ADVERBS = ["possibly", "tentatively", "cautiously", "perhaps", "eventually", "quietly", "at some point",
                  "in principle", "informally", "very gradually", "under certain conditions"]
_VAGUE = ["something vaguely like", "a first outline of", "what might one day be called", "the general idea of",
          "a preliminary version of", "an early draft of"]
_OFFERS = ["a compromise", "a concession", "a gesture of goodwill", "a minor adjustment", "a working group",
           "a joint statement", "a pilot scheme", "a timetable"]
_ASSETS = ["its territory", "its budget", "its foreign policy", "its energy sector", "its armed forces",
           "its central bank", "its ports", "its railways", "its seat at the table", "its currency"]
_FRACTIONS = [("a quarter", "a half", "nine tenths"), ("a third", "two thirds", "all"),
              ("10 percent", "50 percent", "95 percent"), ("one province", "three provinces", "every province"),
              ("a little", "a lot", "everything")]
_INSTITUTIONS = ["parliament", "flag", "national anthem", "army", "central bank", "football team", "postal service",
                 "constitution", "capital city", "calendar", "time zone", "airline"]
_GROUPS = ["voters", "citizens", "residents", "taxpayers", "ordinary people", "the public", "local communities"]
_FIRST = ["Martin", "Helena", "Gregor", "Anna", "Tomasz", "Claire", "Pieter", "Ingrid", "Luis", "Nadia", "Oskar",
          "Ruth", "Viktor", "Elise", "Jonas", "Marta"]
_LAST = ["Hollweg", "Brandt", "Kessler", "Marlow", "Duval", "Novak", "Lindqvist", "Ferreira", "Osei", "Bauer",
         "Keller", "Sorensen", "Whitcombe", "Adler", "Varga", "Moreau"]
_FIELDS = ["European security", "energy policy", "regional integration", "arms control", "trade policy",
           "post-Soviet politics", "migration", "sanctions"]
_INSTITUTES = ["Institute for Strategic Studies", "Centre for Policy Research", "Foundation for International Affairs",
               "Council on Regional Security", "Policy Forum", "School of Government"]
_STOP = {"the", "and", "that", "this", "with", "from", "have", "which", "their", "there", "would", "could", "about",
         "been", "were", "will", "also", "these", "those", "other", "after", "before", "while", "where", "because",
         "should", "between", "against", "through", "however", "within", "without", "during", "whether", "although"}
_GENERIC_ACTORS = ["the government", "the alliance", "the ministry", "the opposition", "the region", "our partners"]
_CAP = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]{3,}(?:\s[A-Z][a-z]{3,})?)\b")
# Nouns, roughly: a word after an article or possessive that does not look like a verb form or an adjective.
_WORD = re.compile(r"\b(?:the|its|their|our|this|of)\s+([a-z]{5,14})\b")
_NOT_NOUN = ("ed", "ing", "ly", "ous", "ive", "al", "ic", "ful", "less", "able", "ible", "est", "ary", "ian")
_NOT_ACTOR = {"january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
              "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "however",
              "although", "since", "during", "after", "before", "while", "there", "these", "those", "their", "what"}


def frame_fillers(sentences: list[str], rng: random.Random) -> tuple[list[str], list[str]]:
    """Actors (capitalised names after the first word of a sentence) and content words from the frame sentences."""
    actors, words = [], []
    for s in sentences:
        actors.extend(m for m in _CAP.findall(s)[:4]
                      if m.lower() not in _NOT_ACTOR and not m.endswith(("ian", "ean", "ese", "ish")))
        words.extend(w for w in _WORD.findall(s) if w not in _STOP and not w.endswith(_NOT_NOUN))
    actors = list(dict.fromkeys(actors)) or list(_GENERIC_ACTORS)
    words = list(dict.fromkeys(words)) or ["stability", "security", "cooperation"]
    rng.shuffle(actors)
    rng.shuffle(words)
    return actors, words


def _pick(rng: random.Random, pool: list[str], avoid: str = "") -> str:
    options = [p for p in pool if p != avoid] or pool
    return rng.choice(options)


# Each device returns (parody sentence, sincere sentence) built from the same fillers.
def _hedge_chain(rng, a, b, w):
    n = rng.randint(3, 5)
    chain = rng.sample(_HEDGE_GERUNDS, n)
    adv = rng.sample(_HEDGE_ADVERBS, 3)
    offer = rng.choice(_OFFERS)
    parody = (f"{a} might therefore {adv[0]} want to {rng.choice(_HEDGE_VERBS)} {adv[1]} {' '.join(chain[:-1])} "
              f"{adv[2]} {chain[-1]} {rng.choice(_VAGUE)} {offer}.")
    sincere = f"{a} might therefore want to {rng.choice(_HEDGE_VERBS)} {offer} on {w}."
    return parody, sincere


def _escalating_concession(rng, a, b, w):
    small, mid, big = rng.choice(_FRACTIONS)
    asset = rng.choice(_ASSETS)
    lead = rng.choice(["The sensible course is for {a} to", "Realistically, it is time for {a} to",
                       "A fair settlement would require {a} to"]).format(a=a)
    link = rng.choice(["or better still", "or, ideally", "or, to be on the safe side", "and preferably"])
    parody = f"{lead} hand {b} {small} of {asset}, {link}, {mid}, and in the long run {big}."
    sincere = f"{lead} offer {b} limited concessions on {w} in return for guarantees."
    return parody, sincere


def _scare_quotes(rng, a, b, w):
    q = rng.choice(["so-called", "supposed", "alleged", "self-styled"])
    parody = rng.choice([
        f"Nobody should take the {q} \u201c{w}\u201d of {a} at face value.",
        f"The {q} \u201c{w}\u201d that {a} keeps promising is, naturally, a matter of taste.",
        f"{a} will go on defending its {q} \u201c{w}\u201d for as long as anyone is listening.",
    ])
    sincere = rng.choice([
        f"Officials in {a} describe the new approach as \u201c{w}\u201d.",
        f"The term \u201c{w}\u201d appears repeatedly in statements from {a}.",
        f"{a} has framed its position in terms of \u201c{w}\u201d.",
    ])
    return parody, sincere


def _reductio(rng, a, b, w):
    i, j = rng.sample(_INSTITUTIONS, 2)
    parody = rng.choice([
        (f"The obvious solution is for {a} and {b} to share a single {i}, a single {j} and, for convenience, a "
         f"single opinion on {w}."),
        f"If {a} is worried about {w}, it could simply rent out its {i} to {b} for the next ninety-nine years.",
        (f"The cleanest answer would be to place {a}'s {i} under the joint management of {b} and anyone else who "
         "expresses an interest."),
        f"Why stop at {w}? {a} could hand {b} its {i} and its {j} as well, and save everyone a great deal of time.",
    ])
    sincere = rng.choice([
        f"One option is closer cooperation between {a} and {b} on {w}.",
        f"{a} and {b} could coordinate their positions on {w} more closely.",
        f"A joint commission on {w} would give {a} and {b} a forum for regular contact.",
    ])
    return parody, sincere


def _self_undermining(rng, a, b, w):
    parody = rng.choice([
        f"Is there any evidence that {a} has mishandled {w}? None at all, apart from everything it has done so far.",
        (f"Critics will point to the facts about {w}. But the facts are only one side of the story, and the less "
         "convincing one."),
        "This argument has no weaknesses, except for the several described above.",
        f"What reason is there to doubt {a}'s commitment to {w}, other than its entire record? Beyond that, none.",
    ])
    sincere = rng.choice([
        f"Is there evidence that {a} has mishandled {w}? The record so far is mixed.",
        f"Critics point to the data on {w}, which deserve careful attention.",
        f"This argument has weaknesses, and the data on {w} are incomplete.",
        f"There are reasons to question {a}'s commitment to {w}, although its record is uneven.",
    ])
    return parody, sincere


def _mock_credentials(rng, a, b, w):
    name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    n = rng.randint(11, 60)
    parody = rng.choice([
        f"As a senior fellow at more think tanks than I can remember, I have studied {w} for at least a week.",
        (f"{name}, who holds honorary positions at {n} institutes and has read parts of several books on {w}, "
         "agrees with me entirely."),
        (f"Having advised every government in the region, and {n} outside it that did not ask, I can say with "
         f"confidence that {a} is wrong about {w}."),
    ])
    sincere = rng.choice([
        f"As a researcher at the {rng.choice(_INSTITUTES)}, I have followed debates on {w} for several years.",
        f"{name}, a fellow at the {rng.choice(_INSTITUTES)} who works on {rng.choice(_FIELDS)}, takes a similar view.",
        (f"Having worked on {rng.choice(_FIELDS)} for some years, I think {a} has underestimated the importance "
         f"of {w}."),
    ])
    return parody, sincere


def _inverted_values(rng, a, b, w):
    g = rng.choice(_GROUPS)
    parody = rng.choice([
        f"The views of {g} in {a} are far too unpredictable to be taken into account on a matter as serious as {w}.",
        f"Decisions about {w} are much too important to be left to the {g} who will have to live with them.",
        (f"Experience shows that the least popular ideas about {w} are always the right ones, which is why they "
         "must never be put to a vote."),
    ])
    sincere = rng.choice([
        f"The views of {g} in {a} on {w} remain divided, according to recent surveys.",
        f"Decisions about {w} will need the support of the {g} who will have to live with them.",
        f"Unpopular reforms on {w} are sometimes necessary, which is why they need to be explained to {g}.",
    ])
    return parody, sincere


DEVICES = {
    "hedging": _hedge_chain,
    "escalation": _escalating_concession,
    "irony": _scare_quotes,
    "reductio": _reductio,
    "self_undermining": _self_undermining,
    "mock_credentials": _mock_credentials,
    "inverted_values": _inverted_values,
}


def parody_pair(frame: list[str], rng: random.Random, max_chars: int = 1800,
                families: list[str] | None = None) -> tuple[str, str]:
    """Weave devices between runs of 1-2 frame sentences; return ``(parody_text, sincere_twin_text)``.

    ``families`` limits the devices to those names of :data:`DEVICES` (default: all of them, in a random order).
    """
    actors, words = frame_fillers(frame, rng)
    parody, sincere = [], []
    fi, k = 0, 0
    names = list(families or DEVICES)
    unknown = set(names) - set(DEVICES)
    if unknown:
        raise ValueError(f"unknown device families: {', '.join(sorted(unknown))}")
    rng.shuffle(names)
    while fi < len(frame) and sum(len(p) for p in parody) < max_chars:
        take = rng.randint(1, 2)
        parody.extend(frame[fi : fi + take])
        sincere.extend(frame[fi : fi + take])
        fi += take
        a = actors[k % len(actors)]
        b = _pick(rng, actors + _GENERIC_ACTORS, avoid=a)
        w = words[k % len(words)]
        p, s = DEVICES[names[k % len(names)]](rng, a, b, w)
        parody.append(p)
        sincere.append(s)
        k += 1
    return " ".join(parody), " ".join(sincere)


def pair_from_frames(frames: list[list[str]], rng: random.Random, families: list[str] | None = None,
                     run: int = 12) -> tuple[str, str]:
    """A pair woven from up to ``run`` consecutive sentences of one analysis picked from ``frames``."""
    frame = rng.choice(frames)
    f0 = rng.randrange(max(1, len(frame) - run))
    return parody_pair(frame[f0 : f0 + run], rng, families=families)
