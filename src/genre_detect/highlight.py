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
from collections.abc import Sequence
from itertools import pairwise

__all__ = ["FAMILY_COLOURS", "render_html", "render_terminal", "segments"]

# One colour per cue family: (ANSI SGR code, CSS background).
FAMILY_COLOURS = {
    "irony": ("35", "#f3d1f4"),
    "reductio": ("33", "#fde9b0"),
    "hedging": ("36", "#c9eef2"),
    "self_undermining": ("31", "#f8c9c4"),
    "mock_credentials": ("34", "#cfdcf7"),
    "hyperbole": ("32", "#d3f0c8"),
}


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
    """A readable report for one explained prediction; ANSI colours when ``colour`` (a terminal)."""

    def paint(s: str, code: str) -> str:
        return f"\x1b[{code}m{s}\x1b[0m" if colour else s

    def mark(s: str, family: str) -> str:
        return paint(s, "1;" + FAMILY_COLOURS.get(family, ("1", ""))[0]) if colour else f"«{s}»"

    text = d["text"]
    lines = [paint(f"{d.get('id') or '-'}: {_verdict(d)}", "1")
             + f"  satire_probability={d['satire_probability']:.3f}  genre={d['genre']}"]
    cues = d.get("cues", [])
    lines.append(f"  cues ({len(cues)}):" if cues else "  cues: none found")
    for c in cues:
        before, after = _context(text, c["start"], c["end"])
        lines.append(f"  - {c['family']:<17} reliance {c['reliance']:+.3f}  {c['name']}")
        lines.append(f"      {before}{mark(text[c['start']:c['end']], c['family'])}{after}")
        lines.append(f"      {paint(c['why'], '2')}")
    ev = d.get("evidence", [])
    lines.append(f"  evidence (drop in satire_probability when the sentence is removed, top {len(ev)}):"
                 if ev else "  evidence: no sentence supports the verdict on its own")
    for e in ev:
        lines.append(f"  - {e['drop']:+.3f}  {e['text']}")
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
            title = " | ".join(f"{c['family']}: {c['why']} (reliance {c['reliance']:+.3f})" for c in on_cues)
            chunk = f'<mark class="{esc(on_cues[0]["family"])}" title="{esc(title)}">{chunk}</mark>'
        parts.append(chunk)
    rows = "".join(
        f'<tr><td><span class="sw {esc(c["family"])}">{esc(c["family"])}</span></td><td>{esc(c["text"])}</td>'
        f'<td>{esc(c["why"])}</td><td class="num">{c["reliance"]:+.3f}</td></tr>' for c in cues)
    ev_rows = "".join(f'<tr><td class="num">{e["drop"]:+.3f}</td><td>{esc(e["text"])}</td></tr>'
                      for e in d.get("evidence", []))
    return (
        f'<section id="doc{n}"><h2>{esc(str(d.get("id") or f"input {n + 1}"))}</h2>'
        f'<p class="meta">Verdict: <span class="verdict">{esc(_verdict(d))}</span> · satire probability '
        f'{d["satire_probability"]:.3f} · genre {esc(d["genre"])}</p>'
        f'<h3>Cues</h3><table><tr><th>family</th><th>span</th><th>why</th><th>reliance</th></tr>{rows}</table>'
        + ("" if cues else "<p class=meta>No cue found.</p>")
        + '<h3>Evidence</h3><table><tr><th>drop</th><th>sentence</th></tr>' + ev_rows + "</table>"
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
        "reason; <span class=ev>underlined</span> sentences are the top evidence. Reliance and drop are the fall in "
        "satire probability when the span or sentence is deleted.</p>"
        f"{body}</body></html>\n"
    )
