"""News-parody cues: the stock moves of the satirical news story.

* ``news_parody.press_time``: the "at press time" coda, a last line that escalates the story as breaking news.
* ``news_parody.exclusive``: the mock scoop ("in an exclusive interview with", "sources confirmed").

The everyman of news parody ("area man") was dropped in session 13: it fired on 1 of 115 held-out satire
articles, under the 2% that ``experiments/cues/plan.md`` requires.

Example:
    >>> from genre_detect.explain.cues import detect_cues
    >>> [c.name for c in detect_cues("At press time, the minister was still reading the manual.")]
    ['news_parody.press_time']
"""

from __future__ import annotations

from .base import compile_words, pattern_detector

press_time = pattern_detector(
    "news_parody.press_time", "news_parody", "1", compile_words([r"at press time", r"as of press time"]),
    why="the 'at press time' coda: the last line turns the story into breaking news, a news-parody signature",
    description='The "at press time" coda.',
)

exclusive = pattern_detector(
    "news_parody.exclusive", "news_parody", "1",
    compile_words([r"in an exclusive interview with", r"sources (?:close to [\w ]{2,30} )?confirmed"]),
    why="a mock scoop ('in an exclusive interview', 'sources confirmed') framing a trivial or absurd story",
    description='A mock scoop ("in an exclusive interview with", "sources confirmed").',
)
