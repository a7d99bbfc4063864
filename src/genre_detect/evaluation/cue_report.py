"""The cue report: how often each cue fires in satire and in sincere writing, how much the model relies on it, and
how faithful the sentence evidence is. Returns data; :func:`write_cue_report` writes JSON, Markdown and a PNG.

Three parts, all on held-out data by default (the ``test`` fold of :func:`genre_detect.training.data.publisher_split`,
whose publishers the model never saw):

1. **Firing** (no model): for every cue and family, the share of satire and of sincere documents it fires in, and
   its precision as a satire signal, ``fired_satire / (fired_satire + fired_sincere)``, per comparison (each satire
   set against each sincere set, and all against all). ``balanced_precision`` is the same at equal class sizes
   (``rate_satire / (rate_satire + rate_sincere)``), which does not depend on how many documents each set has.
   Documents are cut to their first ``max_words`` words (the sincere analyses are ten times longer than the satire,
   and a longer text has more chances to fire) plus their closing paragraph when it is short, so that author bios
   stay in.
2. **Reliance** (model): on a seeded sample of held-out documents, the mean reliance on each cue span (satire
   probability minus that with the span removed, :func:`genre_detect.explain.explain_details`) and the share of
   spans the model relied on (``|reliance| >= RELIANCE_FLOOR``).
3. **Faithfulness** of the sentence evidence, as in the ERASER benchmark (DeYoung et al., 2020): for the ``k``
   sentences ranked highest by :mod:`genre_detect.explain` and for ``k`` random sentences of the same text,
   *comprehensiveness* = p(label | text) - p(label | text without them) (higher: the model needed them) and
   *sufficiency* = p(label | text) - p(label | only them) (lower: they are enough on their own). Here these are
   measured by deleting the sentences from the text and re-running the whole pipeline (exact deletion), not by the
   window-local deletion used to rank them.

Example:
    >>> from genre_detect.evaluation.cue_report import cue_report
    >>> report = cue_report(detector=None, max_docs=50)          # doctest: +SKIP
    >>> report["families"]["hedging"]["comparisons"]["all"]["precision"]   # doctest: +SKIP
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..explain.cues import FAMILIES, REGISTRY, detect_cues, detector_versions
from ..pipeline.normalise import normalise
from ..training.data import Document, load_documents, publisher_split

__all__ = ["DEFAULT_GROUPS", "cue_report", "head_and_closing", "write_cue_report"]

# name -> (data set folder, genre kept[, text the publisher must contain]); satire groups first. Real news is a
# sincere group: cues of news parody must stay quiet on the news they parody. Fake news is left out: it is written in
# earnest but in the tabloid register satire borrows, so it is neither satire nor the sincere writing cues are
# measured against.
DEFAULT_GROUPS: dict[str, tuple[str, ...]] = {
    "golbeck_satire": ("golbeck2018_fake_vs_satire", "satire"),
    "horne_satire": ("horne2017_fakenewsdata1", "satire"),
    "pen0_analysis": ("pen0_analysis", "opinion"),
    "webis_editorials": ("webis_editorials_coling2020", "opinion"),
    "horne_real_news": ("horne2017_fakenewsdata1", "reporting", "-real"),
}
_WORD = re.compile(r"\S+")


def head_and_closing(text: str, max_words: int, closing_chars: int = 600) -> tuple[str, bool]:
    """The first ``max_words`` words of ``text`` (paragraphs kept), plus its last paragraph if that is short.

    Returns ``(text, was_cut)``.

    Example:
        >>> head_and_closing("one two three\\n\\nfour five\\n\\nBio line.", 2)
        ('one two\\n\\nBio line.', True)
    """
    words = list(_WORD.finditer(text))
    if len(words) <= max_words:
        return text, False
    head = text[:words[max_words - 1].end()]
    last = text.rstrip().rsplit("\n", 1)[-1].strip()
    if last and len(last) <= closing_chars and last not in head:
        head += "\n\n" + last
    return head, True


@dataclass
class _Doc:
    group: str
    satire: bool
    doc: Document
    text: str  # normalised, cut
    cut: bool


# Data set folder -> the ``source`` its loader in genre_detect.training.data gives each document.
_SOURCE_OF = {"golbeck2018_fake_vs_satire": "golbeck2018", "horne2017_fakenewsdata1": "horne2017",
              "pen0_analysis": "pen0", "webis_editorials_coling2020": "webis2020",
              "burfoot_baldwin2009_satire": "burfoot2009", "brown_corpus_genres": "brown1961"}


def _load(data_dir: str | Path | None, groups: dict[str, tuple[str, ...]], split: str, seed: int,
          max_docs: int | None, max_words: int) -> list[_Doc]:
    docs = load_documents(data_dir, sorted({spec[0] for spec in groups.values()}))
    if split != "all":
        docs = publisher_split(docs, seed=seed)[split]
    out: list[_Doc] = []
    rng = random.Random(seed)
    for name, (folder, genre, *publisher) in groups.items():
        members = [d for d in docs if d.source == _SOURCE_OF.get(folder, folder) and d.genre == genre
                   and all(p in d.publisher for p in publisher)]
        if max_docs is not None and len(members) > max_docs:
            members = sorted(rng.sample(members, max_docs), key=lambda d: d.id)
        for d in members:
            text, cut = head_and_closing(normalise(d.text), max_words)
            out.append(_Doc(name, genre == "satire", d, text, cut))
    return out


def _precision(fs: int, ns: int, fn: int, nn: int) -> dict[str, Any]:
    rs, rn = fs / ns if ns else 0.0, fn / nn if nn else 0.0
    return {
        "fired_satire": fs, "n_satire": ns, "rate_satire": rs,
        "fired_sincere": fn, "n_sincere": nn, "rate_sincere": rn,
        "precision": fs / (fs + fn) if fs + fn else None,
        "balanced_precision": rs / (rs + rn) if rs + rn else None,
    }


def _firing(docs: list[_Doc], groups: dict[str, tuple[str, ...]]) -> tuple[dict, dict, dict]:
    """Per cue and per family: documents fired in, by group, and precision for each comparison."""
    fired: dict[str, Counter] = defaultdict(Counter)  # key (cue name or family) -> group -> docs fired
    sizes = Counter(d.group for d in docs)
    cue_lists = {}
    for d in docs:
        cues = detect_cues(d.text)
        cue_lists[d.doc.id] = cues
        for key in {c.name for c in cues} | {c.family for c in cues} | ({"any"} if cues else set()):
            fired[key][d.group] += 1
    sat = [g for g, spec in groups.items() if spec[1] == "satire"]
    # "all" pools the sincere opinion writing (analyses, editorials); real news is compared on its own ("news"),
    # because news parody borrows the form of the news and its cues are expected to fire there more often.
    news = [g for g, spec in groups.items() if spec[1] == "reporting"]
    sin = [g for g in groups if g not in sat and g not in news]
    # "sincere" pools every sincere group, real news included (the figure a moderator meets); without real news it
    # is "all".
    comparisons = {"all": (sat, sin), "sincere": (sat, sin + news)} | ({"news": (sat, news)} if news else {}) | {
        f"{a}_vs_{b}": ([a], [b]) for a in sat for b in sin + news}

    def block(key: str) -> dict:
        f = fired.get(key, Counter())
        return {
            "fired_by_group": {g: f[g] for g in groups},
            "comparisons": {name: _precision(sum(f[g] for g in a), sum(sizes[g] for g in a),
                                             sum(f[g] for g in b), sum(sizes[g] for g in b))
                            for name, (a, b) in comparisons.items()},
        }

    cues = {name: {"family": det.family, "version": det.version, **block(name)} for name, det in REGISTRY.items()}
    families = {fam: block(fam) for fam in (*FAMILIES, "any")}
    return cues, families, cue_lists


def families_per_document(docs: list[_Doc], cue_lists: dict[str, list]) -> dict[str, dict[str, int]]:
    """Per group, how many documents show 0, 1, 2, ... distinct cue families (the last bucket is "3+").

    Op-ed parody stacks several families in one text; this says how often any document of the data does so.
    """
    out: dict[str, Counter] = defaultdict(Counter)
    for d in docs:
        k = len({c.family for c in cue_lists[d.doc.id]})
        out[d.group][str(k) if k < 3 else "3+"] += 1
    return {g: {b: out[g][b] for b in ("0", "1", "2", "3+")} for g in sorted(out)}


def _p_label(pred) -> float:
    return pred.satire_probability if pred.label == "satire" else 1.0 - pred.satire_probability


def _reliance_and_faithfulness(detector, docs: list[_Doc], top_k: int, seed: int, batch: int = 8,
                               progress: Callable[[str], None] | None = None) -> tuple[dict, dict, list[dict]]:
    from ..explain.occlusion import RELIANCE_FLOOR, explain_details

    rng = random.Random(seed)
    reliance: dict[str, list[float]] = defaultdict(list)
    rows: list[dict] = []
    edits: list[str] = []
    plans: list[tuple[int, list[int]]] = []  # (row index, [edit index per variant])
    for k in range(0, len(docs), batch):
        if progress:
            progress(f"explained {k}/{len(docs)} documents")
        chunk = docs[k:k + batch]
        for d, exp in zip(chunk, explain_details(detector, [d.text for d in chunk])):
            for cue, sd in exp.cues:
                for key in (cue.name, cue.family, "any"):
                    reliance[key].append(sd.drop)
            seen = [s for s in exp.sentences if s.seen]
            row = {"id": d.doc.id, "group": d.group, "satire": d.satire, "label": exp.prediction.label,
                   "satire_probability": exp.prediction.satire_probability, "n_sentences": len(seen)}
            rows.append(row)
            if len(seen) < top_k + 2:
                continue  # too few sentences: removing k of them would remove the text
            sign = 1.0 if exp.prediction.label == "satire" else -1.0
            top = sorted(seen, key=lambda s: -sign * s.drop)[:top_k]
            rand = rng.sample(seen, top_k)
            text = exp.text
            idx = []
            for chosen in (top, rand):
                spans = sorted((s.start, s.end) for s in chosen)
                idx.append(len(edits))
                edits.append(_without(text, spans))
                idx.append(len(edits))
                edits.append(" ".join(text[s:e] for s, e in spans))
            plans.append((len(rows) - 1, idx))
    if progress:
        progress(f"re-scoring {len(edits)} texts with evidence or random sentences removed or kept")
    preds = detector.predict(edits) if edits else []
    for r, (c_top, s_top, c_rand, s_rand) in plans:
        row = rows[r]
        p0 = row["satire_probability"]
        base = p0 if row["label"] == "satire" else 1.0 - p0

        def p_same_label(p, row=row) -> float:
            return p.satire_probability if row["label"] == "satire" else 1.0 - p.satire_probability

        row.update({
            "comprehensiveness_top": base - p_same_label(preds[c_top]),
            "sufficiency_top": base - p_same_label(preds[s_top]),
            "comprehensiveness_random": base - p_same_label(preds[c_rand]),
            "sufficiency_random": base - p_same_label(preds[s_rand]),
        })
    rel = {key: {"n": len(v), "mean": float(np.mean(v)), "median": float(np.median(v)),
                 "relied_on": float(np.mean([abs(x) >= RELIANCE_FLOOR for x in v]))} for key, v in reliance.items()}
    return rel, _faithfulness_summary(rows, top_k), rows


def _without(text: str, spans: Sequence[tuple[int, int]]) -> str:
    parts, last = [], 0
    for s, e in spans:
        parts.append(text[last:s])
        last = e
    parts.append(text[last:])
    return normalise(" ".join(p.strip(" ") for p in parts))


def _faithfulness_summary(rows: list[dict], top_k: int) -> dict:
    scored = [r for r in rows if "comprehensiveness_top" in r]
    out: dict[str, Any] = {"k": top_k, "n_docs": len(scored), "n_skipped_short": len(rows) - len(scored)}
    for name, sel in (("all", scored), ("satire", [r for r in scored if r["satire"]]),
                      ("sincere", [r for r in scored if not r["satire"]])):
        out[name] = {"n": len(sel)} | {
            key: (float(np.mean([r[key] for r in sel])) if sel else None)
            for key in ("comprehensiveness_top", "comprehensiveness_random", "sufficiency_top", "sufficiency_random")
        }
    return out


def cue_report(detector=None, data_dir: str | Path | None = None, groups: dict[str, tuple[str, ...]] | None = None,
               split: str = "test", max_docs: int | None = None, max_words: int = 250, reliance_docs: int = 40,
               reliance_words: int = 600, top_k: int = 3, seed: int = 13,
               progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Build the cue report (see the module docstring). ``detector=None`` skips the reliance and faithfulness parts.

    Args:
        detector: a :class:`~genre_detect.Detector` (or None).
        data_dir: the shared data directory (default :func:`genre_detect.training.data.default_data_dir`).
        groups: name -> (data set folder, genre); default :data:`DEFAULT_GROUPS`.
        split: ``test`` / ``calib`` / ``train`` fold of the publisher split, or ``all``.
        max_docs: cap per group for the firing part (seeded sample), None for all.
        max_words: documents are cut to this many words for the firing part (plus a short closing paragraph).
        reliance_docs: documents per group explained with the model.
        reliance_words: documents are cut to this many words for the model part.
        top_k: evidence sentences for faithfulness.
        seed: sampling seed (document samples and the random-sentence baseline).
        progress: called with a short status line now and then (the CLI wrapper prints it on stderr).
    """
    groups = groups or DEFAULT_GROUPS
    t0 = time.perf_counter()
    docs = _load(data_dir, groups, split, seed, max_docs, max_words)
    cues, families, cue_lists = _firing(docs, groups)
    report: dict[str, Any] = {
        "settings": {"split": split, "max_docs": max_docs, "max_words": max_words, "reliance_docs": reliance_docs,
                     "reliance_words": reliance_words, "top_k": top_k, "seed": seed,
                     "groups": {g: list(v) for g, v in groups.items()}},
        "detector_versions": detector_versions(),
        "documents": {g: {"n": sum(d.group == g for d in docs), "cut": sum(d.cut for d in docs if d.group == g)}
                      for g in groups},
        "cues": cues,
        "families": families,
        "families_per_document": families_per_document(docs, cue_lists),
    }
    if detector is not None:
        rng = random.Random(seed)
        sample = []
        for g in groups:
            members = [d for d in docs if d.group == g]
            for d in sorted(rng.sample(members, min(reliance_docs, len(members))), key=lambda d: d.doc.id):
                text, cut = head_and_closing(normalise(d.doc.text), reliance_words)
                sample.append(_Doc(d.group, d.satire, d.doc, text, cut))
        reliance, faith, rows = _reliance_and_faithfulness(detector, sample, top_k, seed, progress=progress)
        for name, block in list(cues.items()) + list(families.items()):
            block["reliance"] = reliance.get(name)
        report["model"] = {"model_dir": str(detector.model_dir), "n_docs": len(sample),
                           "accuracy": float(np.mean([(r["label"] == "satire") == r["satire"] for r in rows]))
                           if rows else None}
        report["faithfulness"] = faith
        report["explained_docs"] = rows
    report["seconds"] = round(time.perf_counter() - t0, 1)
    return report


def _fmt(x: float | None, pct: bool = False) -> str:
    if x is None:
        return "–"
    return f"{100 * x:.1f}%" if pct else f"{x:+.3f}" if abs(x) < 1 else f"{x:.2f}"


def to_markdown(report: dict) -> str:
    """The report as Markdown tables."""
    s = report["settings"]
    groups = list(s["groups"])
    sat = [g for g in groups if s["groups"][g][1] == "satire"]
    news = [g for g in groups if s["groups"][g][1] == "reporting"]
    sin = [g for g in groups if g not in sat and g not in news]
    main_cmp = f"{sat[0]}_vs_{sin[0]}" if sat and sin else "all"
    lines = [
        "# Cue report", "",
        (f"Split: `{s['split']}` (publisher-held-out) · documents cut to the first {s['max_words']} words plus a "
         "short closing paragraph · counts are documents in which a cue fires at least once."), "",
        "| group | documents | cut |", "|---|---:|---:|",
        *[f"| {g} | {v['n']} | {v['cut']} |" for g, v in report["documents"].items()], "",
        (f"Precision = fired in satire / fired anywhere; balanced = at equal class sizes. Main comparison: "
        f"`{main_cmp}`; `opinion` is {', '.join(sin)}"
        + (f"; `news` is {', '.join(news)}; `with news` pools every sincere group." if news else ".")), "",
    ]
    anyc = report["families"]["any"]["comparisons"]
    pooled = anyc["sincere"]
    lines += [(f"**Some cue fires on {_fmt(pooled['rate_satire'], True)} of satire and on "
               f"{_fmt(pooled['rate_sincere'], True)} of sincere documents** ({pooled['n_satire']} and "
               f"{pooled['n_sincere']}; issue 14 asks for at least 50% and at most 10%)."), ""]

    def table(title: str, blocks: dict, with_family: bool) -> list[str]:
        head = "| " + ("cue | family" if with_family else "family") + " | " + " | ".join(groups) + \
               (f" | satire fired | sincere fired (with news) | opinion fired | news fired | precision ({main_cmp}) "
                "| balanced (with news) | reliance (n, mean, relied on) |")
        out = [f"## {title}", "", head, "|" + "---|" * (len(groups) + (9 if with_family else 8))]
        for name, b in blocks.items():
            rel = b.get("reliance")
            rel_s = (f"{rel['n']}, {rel['mean']:+.4f}, {_fmt(rel.get('relied_on'), True)}" if rel else "–")
            a, m = b["comparisons"]["all"], b["comparisons"].get(main_cmp, b["comparisons"]["all"])
            fired = " | ".join(str(b["fired_by_group"][g]) for g in groups)
            cells = f"| {name} | {b['family']} |" if with_family else f"| {name} |"
            nw = b["comparisons"].get("news")
            al = b["comparisons"]["sincere"]
            out.append(f"{cells} {fired} | {_fmt(a['rate_satire'], True)} | {_fmt(al['rate_sincere'], True)} | "
                       f"{_fmt(a['rate_sincere'], True)} | {_fmt(nw['rate_sincere'] if nw else None, True)} | "
                       f"{_fmt(m['precision'], True)} | {_fmt(al['balanced_precision'], True)} | {rel_s} |")
        return out + [""]

    lines += table("Families", report["families"], False)
    if "families_per_document" in report:
        lines += ["## Distinct cue families per document", "",
                  "| group | 0 | 1 | 2 | 3+ |", "|---|---:|---:|---:|---:|",
                  *[f"| {g} | " + " | ".join(str(v) for v in row.values()) + " |"
                    for g, row in report["families_per_document"].items()], ""]
    lines += table("Cues", report["cues"], True)
    if "faithfulness" in report:
        f = report["faithfulness"]
        lines += [
            f"## Faithfulness of the top-{f['k']} evidence sentences (ERASER)", "",
            (f"Model: `{report['model']['model_dir']}`, {report['model']['n_docs']} held-out documents cut to "
            f"{s['reliance_words']} words (accuracy {_fmt(report['model']['accuracy'], True)}); "
            f"{f['n_docs']} with at least {f['k'] + 2} sentences scored. Probabilities are of the predicted label; "
            "sentences deleted and the text re-scored by the full pipeline."), "",
            ("| documents | n | comprehensiveness top-k | comprehensiveness random-k | sufficiency top-k | "
            "sufficiency random-k |"), "|---|---:|---:|---:|---:|---:|",
        ]
        for name in ("all", "satire", "sincere"):
            b = f[name]
            lines.append(f"| {name} | {b['n']} | {_fmt(b['comprehensiveness_top'])} | "
                         f"{_fmt(b['comprehensiveness_random'])} | {_fmt(b['sufficiency_top'])} | "
                         f"{_fmt(b['sufficiency_random'])} |")
        lines.append("")
    lines.append(f"Detector versions: {', '.join(f'{k} v{v}' for k, v in report['detector_versions'].items())}. "
                 f"Took {report['seconds']} s.")
    return "\n".join(lines) + "\n"


def write_cue_report(report: dict, out_dir: str | Path) -> list[Path]:
    """Write ``cue_report.json``, ``cue_report.md`` and ``cue_report.png`` into ``out_dir``; return their paths."""
    import json

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "cue_report.json", out / "cue_report.md", out / "cue_report.png"]
    paths[0].write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    paths[1].write_text(to_markdown(report), encoding="utf-8")

    fams = list(FAMILIES) + ["any"]
    ncols = 2 if "faithfulness" in report else 1
    fig, axes = plt.subplots(1, ncols, figsize=(6.5 * ncols, 4.2), squeeze=False)
    ax = axes[0][0]
    x = np.arange(len(fams))
    a = [report["families"][f]["comparisons"]["all"] for f in fams]
    ax.bar(x - 0.2, [100 * b["rate_satire"] for b in a], 0.4, label="satire documents", color="#c0504d")
    ax.bar(x + 0.2, [100 * b["rate_sincere"] for b in a], 0.4, label="sincere documents", color="#4f81bd")
    ax.set_xticks(x, [f.replace("_", "\n") for f in fams], fontsize=8)
    ax.set_ylabel("% of documents in which the family fires")
    ax.set_title(f"Cue families on held-out data ({report['settings']['split']} split)")
    ax.legend(fontsize=8)
    if ncols == 2:
        ax = axes[0][1]
        f = report["faithfulness"]["all"]
        keys = ["comprehensiveness_top", "comprehensiveness_random", "sufficiency_top", "sufficiency_random"]
        vals = [f[k] or 0.0 for k in keys]
        ax.bar(range(4), vals, color=["#c0504d", "#bbbbbb", "#c0504d", "#bbbbbb"])
        ax.set_xticks(range(4), [f"compr.\ntop-{report['faithfulness']['k']}", "compr.\nrandom",
                                 f"suff.\ntop-{report['faithfulness']['k']}", "suff.\nrandom"], fontsize=8)
        ax.axhline(0, color="#333", lw=0.8)
        ax.set_ylabel("drop in p(predicted label)")
        ax.set_title(f"Evidence faithfulness (n={f['n']})")
    fig.tight_layout()
    fig.savefig(paths[2], dpi=120)
    plt.close(fig)
    return paths
