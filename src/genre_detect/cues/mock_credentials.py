"""Mock-credential cues: authority that parodies itself.

* ``mock_credentials.absurd_bio``: an author bio (a short closing paragraph introducing the author in the third
  person) with something no real bio says: scare quotes around an affiliation, affiliations with "all" or "every"
  institution, a book title that asks a leading question, hobbies pursued between state-TV appearances.
* ``mock_credentials.universal_authority``: "as any expert knows", "all serious scholars agree": an appeal to an
  authority that is everyone and no one.
* ``mock_credentials.self_certified``: the writer vouches for experts, or for themself, as the reason to believe
  ("this is why we have experts").

Bios are removed from what the model sees (:func:`genre_detect.normalise.strip_shortcuts`), but cues run on the
normalised text, so a parody bio is still reported; its reliance is then 0 by construction.

Example:
    >>> from genre_detect.cues import detect_cues
    >>> cues = detect_cues("Some text.\\n\\nJo Bloggs is a visiting professor at every university in Europe.")
    >>> [c.name for c in cues]
    ['mock_credentials.absurd_bio']
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .base import Hit, cue_detector, pattern_detector, quoted_spans

_ROLE = (r"(?:(?:senior|junior|chief|distinguished|visiting|resident|non-resident|nonresident|principal|associate|"
         r"assistant|adjunct|honorary|emeritus|contributing|founding|executive|managing|deputy|lead)\s+)*"
         r"(?:fellow|director|professor|author|editor|analyst|expert|columnist|researcher|scholar|contributor|"
         r"consultant|adviser|advisor|lecturer|strategist|commentator|chair|president|partner|correspondent)")
_ROLE_RE = re.compile(r"(?i)\b(?:an?\s+|the\s+)?" + _ROLE + r"\b")
# "Name is/was/has worked as ... <role>": a third-person introduction of a person.
_BIO_START = re.compile(
    r"(?:(?:Dr|Prof|Mr|Mrs|Ms)\.?\s+)?(?:[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}|The\s+(?:present\s+)?(?:author|writer|"
    r"columnist)),?\s+(?:is|was|has\s+(?:worked|served|been)|serves|works|writes|holds|teaches|spent)\b"
)
_BIO_ODDITY = [
    (re.compile(r"(?i)\b(?:at|of|for|with|in)\s+(?:literally\s+)?(?:all|every|each|most|several|various|numerous|"
                r"countless|many|dozens of)\s+(?:of\s+)?(?:the\s+)?(?:major\s+|leading\s+|important\s+)?"
                r"(?:think[- ]tanks?|universit(?:y|ies)|institutes?|institutions?|organi[sz]ations?|foundations?|"
                r"councils?|centres?|centers?|newspapers?|outlets?|agenc(?:y|ies))\b"),
     "the bio claims an affiliation with every institution at once"),
    (re.compile(r"(?i)\b(?:he|she|they)\s+(?:enjoys?|likes?|loves?)\s+[^.\n]{0,60}\b(?:between|when not|in between)"
                r"\b[^.\n]{0,80}"),
     "the bio slips a hobby in between the credentials, which gives the game away"),
    (re.compile(r"(?i)\bappearances on\s+(?:\w+\s+){0,2}(?:state|propaganda|state-run|state-owned)\s+"
                r"(?:news|tv|television|media|radio|broadcaster)\w*(?:\s+programs?|\s+programmes?|\s+shows?)?"),
     "the bio boasts of appearances on a state propaganda channel"),
    (re.compile(r"(?i)\b(?:self-taught|self-appointed|self-declared|self-described|self-styled|online course|"
                r"correspondence course|mother's basement|mother’s basement|unpaid intern)\b"),
     "the bio's credential undercuts itself"),
]


def _bio_paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """The last three non-empty paragraphs, when they are short third-person introductions with a role."""
    paras, pos = [], 0
    for part in text.split("\n"):
        if part.strip():
            paras.append((pos, pos + len(part)))
        pos += len(part) + 1
    for s, e in paras[-3:]:
        if e - s <= 800 and _BIO_START.match(text, s) and _ROLE_RE.search(text, s, e):
            yield s, e


def _with_role(text: str, floor: int, start: int) -> int:
    """Move ``start`` back over a role named right before it ("a Senior Fellow" + " at …"), so the span reads whole."""
    best = start
    for role in _ROLE_RE.finditer(text, max(floor, start - 60), start):
        if re.fullmatch(r"\s*(?:at|of|for|with|in)?\s*", text[role.end():start]):
            best = role.start()
    return best


@cue_detector("mock_credentials.absurd_bio", "mock_credentials", "2")
def absurd_bio(text: str) -> Iterator[Hit]:
    """An author bio with something no real bio would say."""
    for s, e in _bio_paragraphs(text):
        # Scare quotes around an affiliation ("Fellow at 'the best institutes'"), not around a book title.
        for q0, q1, i0, _ in quoted_spans(text, s, e):
            if not text[i0].islower():
                continue  # a capitalised quote is a title or a name ("the “Grey Zone” podcast")
            before = text[max(s, q0 - 40):q0]
            if re.search(r"(?i)\b(?:at|of|for|with)\s*$", before) and not re.search(
                    r"(?i)\b(?:author|editor|book|titled|entitled|wrote|written)\b[^.]*$", before):
                yield _with_role(text, s, q0), q1, ("the author bio puts its own affiliation in scare quotes: "
                                                    "the credential mocks itself")
        for rx, why in _BIO_ODDITY:
            for m in rx.finditer(text, s, e):
                yield _with_role(text, s, m.start()), m.end(), why


_UNIVERSAL = re.compile(
    r"(?i)\bas\s+(?:any|every|all)\s+(?:\w+\s+)?(?:expert|specialist|scholar|analyst|economist|scientist|"
    r"historian|strategist|professional|insider|diplomat|serious person|thinking person)s?\s+(?:knows?|will tell you|"
    r"can tell you|would tell you|agrees?|will agree|understands?)\b|\b(?:all|every|any)\s+(?:serious|credible|"
    r"real|true|respectable|reputable)\s+(?:experts?|scholars?|analysts?|economists?|scientists?|historians?)\s+"
    r"(?:agree|agrees|know|knows|understand|understands)\b"
)


universal_authority = pattern_detector(
    "mock_credentials.universal_authority", "mock_credentials", "1", _UNIVERSAL,
    why=("an appeal to an authority that is every expert at once: the credential does "
         "the arguing"),
    description='An appeal to every expert at once ("as any expert knows").',
)


_SELF_CERT = re.compile(
    r"(?i)\bthis is (?:why|what) we have (?:\w+\s+){0,3}?(?:experts|specialists|professionals|analysts|scholars)\b|"
    r"\b(?:trust|believe) me,?\s+(?:I[’']m|I am)\s+(?:an?\s+)?(?:expert|professional|specialist|genius)\b|"
    r"\(i\.e\.,?\s+(?:unlike|like|as)\s+(?:the|this|your)\s+(?:author|writer|columnist)\)|"
    r"\b(?:unlike|like)\s+(?:the|this|your)\s+(?:present\s+)?(?:author|writer|columnist)\b,?\s+(?:who|whose)\b"
)


self_certified = pattern_detector(
    "mock_credentials.self_certified", "mock_credentials", "1", _SELF_CERT,
    why=("the writer vouches for the experts, or for themself, instead of giving a "
         "reason: authority parodying itself"),
    description='The writer certifies experts, or themself, as the reason to believe.',
)
