"""Rendering an explained prediction: cue spans and evidence sentences highlighted, for a terminal or one HTML page.

Both renderers take the ``to_dict()`` of an :func:`genre_detect.explain.explain` result (``text``, ``cues``,
``evidence``), so they work the same on fresh results and on saved ``--json`` output. All text is escaped in HTML:
a pasted ``<script>`` is shown, never run. The page is self-contained (inline CSS, no scripts, no external links).

Example:
    >>> d = {"id": "a", "label": "satire", "satire_probability": 0.9, "genre": "satire", "uncertain": False,
    ...      "text": "So “experts” say.", "evidence": [], "cues": [{"name": "irony.scare_quote",
    ...      "family": "irony", "start": 3, "end": 12, "text": "“experts”", "why": "scare quotes",
    ...      "version": "1", "reliance": 0.1}]}
    >>> "<mark" in render_html([d])
    True
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from itertools import pairwise

__all__ = ["FAMILY_COLOURS", "render_html", "render_terminal", "segments"]

# One colour per cue family: (ANSI SGR code, CSS background).
FAMILY_COLOURS = {
    "fake_quote": ("35", "#f3d1f4"),
    "slang": ("33", "#fde9b0"),
    "profanity": ("31", "#f8c9c4"),
    "punctuation": ("36", "#c9eef2"),
    "hyperbole": ("32", "#d3f0c8"),
    "news_parody": ("34", "#cfdcf7"),
}


def _reliance(item: dict) -> float | None:
    """The signed reliance of an evidence sentence or a cue (older saved output calls it ``drop``)."""
    return item.get("reliance", item.get("drop"))


def _flat(s: str) -> str:
    """``s`` on one line: wrapped line breaks and runs of blanks become single spaces (edges kept)."""
    return re.sub(r"\s+", " ", s)


def _fmt_rel(x: float | None) -> str:
    return "  n/a " if x is None else f"{x:+.3f}"


def _passages(d: dict, n: int = 2) -> list[tuple[int, int, float | None]]:
    """The windows that moved the verdict most, as ``(start, end, reliance)``: the fallback evidence."""
    wins = d.get("windows") or []
    rel = d.get("window_reliance") or [None] * len(wins)
    sign = 1.0 if d["label"] == "satire" else -1.0
    ranked = sorted(range(len(wins)), key=lambda k: (-(sign * rel[k]) if rel[k] is not None
                                                    else -sign * wins[k]["satire_probability"]))
    return [(wins[k]["start"], wins[k]["end"], rel[k]) for k in ranked[:n]]


def segments(text: str, spans: Sequence[tuple[int, int, int]]) -> list[tuple[int, int, list[int]]]:
    """Cut ``text`` at every span boundary: ``(start, end, [indices of spans covering it])`` in order.

    ``spans`` are ``(start, end, index)``; overlapping spans simply both cover the segments they share.

    Example:
        >>> segments("abcdef", [(1, 4, 0), (3, 5, 1)])
        [(0, 1, []), (1, 3, [0]), (3, 4, [0, 1]), (4, 5, [1]), (5, 6, [])]
    """
    cuts = sorted({0, len(text)} | {max(0, min(len(text), x)) for s, e, _ in spans for x in (s, e)})
    out = []
    for a, b in pairwise(cuts):
        if b > a:
            out.append((a, b, [i for s, e, i in spans if s <= a and b <= e]))
    return out


def _verdict(d: dict) -> str:
    return "uncertain" if d.get("uncertain") else d["label"]


def _context(text: str, start: int, end: int, width: int = 60) -> tuple[str, str]:
    """Up to ``width`` characters either side of a span, within its paragraph; "…" where the cut is ours."""
    before, after = text[max(0, start - width):start], text[end:end + width]
    cut_before, cut_after = start - width > 0, end + width < len(text)
    if "\n" in before:
        before, cut_before = before.rsplit("\n", 1)[1], False
    if "\n" in after:
        after, cut_after = after.split("\n", 1)[0], False
    return ("…" if cut_before else "") + before, after + ("…" if cut_after else "")


def render_terminal(d: dict, colour: bool = False) -> str:
    """A readable report for one explained prediction; ANSI colours when ``colour`` (a terminal).

    The passages the model relied on come first, each with the cue families it matches; then the cue patterns,
    each with what the model made of it. Reliance is ``p(satire) - p(satire without the passage)``: ``+`` pushed
    towards satire, ``-`` away from it, the same sign as in ``--json`` and on the page.
    """

    def paint(s: str, code: str) -> str:
        return f"\x1b[{code}m{s}\x1b[0m" if colour else s

    def mark(s: str, family: str) -> str:
        return paint(s, "1;" + FAMILY_COLOURS.get(family, ("1", ""))[0]) if colour else f"«{s}»"

    text = d["text"]
    floor = d.get("reliance_floor", 0.0)
    lines = [paint(f"{d.get('id') or '-'}: {_verdict(d)}", "1")
             + f"  satire_probability={d['satire_probability']:.3f}  genre={d['genre']}"]
    if d.get("html_extracted"):
        lines.append("  (HTML input: its main text was extracted and scored)")
    ev = d.get("evidence", [])
    toward = "satire" if d["label"] == "satire" else "sincere writing"
    if ev:
        lines.append(f"  what the verdict rests on (reliance = fall in satire probability without the sentence; "
                     f"+ towards satire, - away; top {len(ev)}):")
        for e in ev:
            fams = f"  [{', '.join(e['families'])}]" if e.get("families") else "  [no cue pattern]"
            lines.append(f"  {_fmt_rel(_reliance(e))}  {_flat(e['text'])}{paint(fams, '2')}")
    else:
        lines.append(f"  no single sentence moved the probability towards {toward} by {floor:g} or more; "
                     "the passages that weigh most:")
        for start, end, rel in _passages(d):
            snippet = _flat(text[start:end]).strip()
            snippet = snippet if len(snippet) <= 240 else snippet[:240] + "…"
            lines.append(f"  {_fmt_rel(rel)}  {snippet}")
    cues = d.get("cues", [])
    if cues:
        lines.append(f"  cue patterns ({len(cues)}), and what the model made of each:")
    else:
        lines.append("  cue patterns: none matched (the verdict rests on the passages above)")
    for c in cues:
        before, after = _context(text, c["start"], c["end"])
        relied = "" if c.get("relied_on", True) else "  (not relied on)"
        lines.append(f"  - {c['family']:<17} reliance {_fmt_rel(_reliance(c))}{relied}  {c['name']}")
        lines.append(f"      {_flat(before)}{mark(_flat(c['text']), c['family'])}{_flat(after)}")
        lines.append(f"      {paint(c['why'], '2')}")
        if c.get("note"):
            lines.append(f"      {paint(c['note'], '2')}")
    if d.get("stopped_early"):
        lines.append(f"  stopped early: {d['windows_explained']} of {d['windows_total']} windows explained within "
                     "the time budget (the most decisive first)")
    return "\n".join(lines)


_CSS = """
body{font:16px/1.55 Georgia,serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font:600 1.4rem system-ui,sans-serif} h2{font:600 1.1rem system-ui,sans-serif;margin-top:2.5rem}
.meta,.legend,table{font:14px system-ui,sans-serif} .verdict{font-weight:700}
.text{white-space:pre-wrap;border-left:3px solid #ddd;padding-left:1rem}
mark{border-radius:3px;padding:0 1px;cursor:help} .ev{border-bottom:2px solid #555}
table{border-collapse:collapse;width:100%} td,th{border-bottom:1px solid #eee;padding:.3rem;text-align:left;
vertical-align:top} .num{text-align:right;white-space:nowrap}
""" + "".join(f"mark.{f}{{background:{css}}} .sw.{f}{{background:{css};padding:0 .4rem}}"
              for f, (_, css) in FAMILY_COLOURS.items())


def _doc_html(d: dict, n: int) -> str:
    esc = html.escape
    text = d["text"]
    cues = d.get("cues", [])
    spans = [(c["start"], c["end"], i) for i, c in enumerate(cues)]
    ev_spans = [(e["start"], e["end"]) for e in d.get("evidence", [])]
    parts = []
    for a, b, idx in segments(text, spans + [(s, e, -1 - k) for k, (s, e) in enumerate(ev_spans)]):
        chunk = esc(text[a:b])
        on_cues = [cues[i] for i in idx if i >= 0]
        if any(i < 0 for i in idx):
            chunk = f'<span class="ev">{chunk}</span>'
        if on_cues:
            title = " | ".join(f"{c['family']}: {c['why']} ({c.get('note') or 'reliance ' + _fmt_rel(_reliance(c))})"
                               for c in on_cues)
            chunk = f'<mark class="{esc(on_cues[0]["family"])}" title="{esc(title)}">{chunk}</mark>'
        parts.append(chunk)
    rows = "".join(
        f'<tr><td><span class="sw {esc(c["family"])}">{esc(c["family"])}</span></td><td>{esc(c["text"])}</td>'
        f'<td>{esc(c["why"])}<br><small>{esc(c.get("note", ""))}</small></td>'
        f'<td class="num">{_fmt_rel(_reliance(c))}</td></tr>' for c in cues)
    ev_rows = "".join(f'<tr><td class="num">{_fmt_rel(_reliance(e))}</td><td>{esc(e["text"])}</td>'
                      f'<td>{esc(", ".join(e.get("families", [])) or "no cue pattern")}</td></tr>'
                      for e in d.get("evidence", []))
    if not d.get("evidence"):
        ev_rows = "".join(f'<tr><td class="num">{_fmt_rel(rel)}</td><td>{esc(text[a:b])}</td><td>passage</td></tr>'
                          for a, b, rel in _passages(d))
    return (
        f'<section id="doc{n}"><h2>{esc(str(d.get("id") or f"input {n + 1}"))}</h2>'
        f'<p class="meta">Verdict: <span class="verdict">{esc(_verdict(d))}</span> · satire probability '
        f'{d["satire_probability"]:.3f} · genre {esc(d["genre"])}</p>'
        f'<h3>Cues</h3><table><tr><th>family</th><th>span</th><th>why</th><th>reliance</th></tr>{rows}</table>'
        + ("" if cues else "<p class=meta>No cue pattern matched; the verdict rests on the evidence below.</p>")
        + '<h3>Evidence</h3><table><tr><th>reliance</th><th>sentence</th><th>cue families</th></tr>' + ev_rows
        + "</table>"
        + f'<h3>Text</h3><div class="text">{"".join(parts)}</div></section>'
    )


def render_html(docs: Sequence[dict], title: str = "genre-detect explain") -> str:
    """One self-contained HTML page for all ``docs`` (``to_dict()`` of explained predictions)."""
    legend = " ".join(f'<span class="sw {f}">{f}</span>' for f in FAMILY_COLOURS)
    body = "".join(_doc_html(d, n) for n, d in enumerate(docs))
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p class=legend>Cue families: {legend}. Hover a highlighted span for the "
        "reason; <span class=ev>underlined</span> sentences are the evidence: the sentences the model relied on most. "
        "Reliance is the fall in satire probability when the span or sentence is removed: + pushed the text "
        "towards satire, - away from it; changes under 0.01 are not shown as reasons.</p>"
        f"{body}</body></html>\n"
    )
