"""The model card (``README.md`` in a model directory), generated from a dataclass and a template.

Example:
    >>> card = ModelCardData(name="genre-detect-minilm", metrics={})
    >>> "Out-of-scope use" in card.render()
    True
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DATA_SOURCES", "ModelCardData", "cue_summary"]

# Citations of the training and evaluation sets (texts are never shipped; see ../shared/data/*/PROVENANCE.md).
DATA_SOURCES = {
    "horne2017_fakenewsdata1": "Horne & Adali (2017), This Just In: Fake News Packs a Lot in Title..., NECO 2017",
    "golbeck2018_fake_vs_satire": "Golbeck et al. (2018), Fake News vs Satire: A Data Set and Analysis, WebSci 2018",
    "burfoot_baldwin2009_satire": "Burfoot & Baldwin (2009), Automatic Satire Detection: Are You Having a Laugh?, "
    "ACL-IJCNLP 2009",
    "pen0_analysis": "pen0 think-tank commentary and analysis collection (RUSI, CSIS, ISW, Atlantic Council, ...)",
    "webis_editorials_coling2020": "Syed et al. (2020), News Editorials: Towards Summarizing Long Argumentative "
    "Texts, COLING 2020 (Webis)",
    "brown_corpus_genres": "Francis & Kucera (1961/1979), Brown Corpus (news and editorial categories)",
    "onion_or_not": "OnionOrNot: r/TheOnion vs r/nottheonion headlines",
}

_READOUTS = {"last": "the last layer, mean-pooled",
             "mix": "a learned softmax mix of every layer's output, mean-pooled"}

_TEMPLATE = """---
language: en
license: apache-2.0
base_model: sentence-transformers/all-MiniLM-L6-v2
pipeline_tag: text-classification
tags: [satire-detection, genre, onnx, int8]
---

# {name}

Fine-tuned {base} (6 layers, 384 hidden) that separates **satire and parody** from **sincere** analysis and
reporting, with a three-way genre (`opinion`, `reporting`, `satire`, as in SemEval-2023 Task 3), a calibrated
probability and per-window scores. Shipped as an int8 ONNX file (dynamic quantisation, per-channel weights) for
[genre-detect](../../README.md).

## Intended use
- Content moderators: before flagging an article as misinformation, check whether it reads as satire or parody.
- Researchers benchmarking satire and genre models (use the publisher-held-out figures below, not the random-split
  ones).

## Out-of-scope use
- **Not a fact-checker.** A `sincere` verdict says nothing about whether a text is true; fake news is sincere in form.
- **Satire is not misinformation.** A `satire` verdict is a reason to read before acting, not a reason to remove.
- Not for non-English text (it is flagged in `language`), social-media posts, or legal decisions about any author.

## Training data
{data_lines}

Labels: satire outlets and satire items -> `satire`; news, wire copy and fake news (earnest in form) -> `reporting`;
editorials, think-tank analysis -> `opinion`. Binary label: `satire` vs the rest (`sincere`).{synthetic}

Preprocessing (the same function at training and prediction time, `genre_detect.pipeline.normalise.strip_shortcuts`): outlet
names, datelines, URL/share/byline lines, handles and trailing author bios removed; titles dropped. Documents are
de-duplicated across sets. Training uses windows whose token length is drawn uniformly in
[{min_window}, {max_body}] for every genre alike, so that length cannot be learned; at prediction time whole articles are
split into strided windows ({max_length} tokens, stride {stride}) whose logits are pooled (`{pooling}`).

Split: **publisher-held-out**. Whole publishers (outlet domains, think-tank authors, editorial outlets; Horne et al.
2017 as a whole) are assigned to train / calibration / test folds: {folds}.
Training: {epochs} epochs, batch {batch_size}, lr {lr}, seed {seed}, {train_minutes:.1f} min on 2 CPU cores (bf16 autocast).
Read-out: {readout_text}.
Calibration: pooling, temperature (T = {temperature:.3f}) and {bias_text}
fitted on the calibration fold{register_text}; `uncertain` when the satire probability is within {band} of the {threshold} threshold.

## Metrics
{metrics_table}

{gap_text}

{acceptance}

{register}

{cues}

### Length shortcut check
Mean `satire_probability` on the first 250 words vs the whole text, held-out test fold:

{length_table}

### Quantisation
int8 vs fp32 ONNX on the calibration fold: label agreement {agree}, max |delta p(satire)| {max_delta}.

## Limitations
- Satire in the training data is mostly US/UK news satire (2004-2017); deadpan op-ed parody, the hardest case, is
  rare. Expect lower recall on parody that imitates analysis closely.
- Sincere long-form text comes from a handful of think tanks and editorial desks; other registers (science, sports,
  reviews) are barely covered.
- English only. Era and topic (2016 US politics) are confounded with labels in some sets.
- Per-publisher numbers rest on few documents; see the confidence intervals in `eval/results/`.

## Versions
{versions}
"""


def cue_summary(report: dict, source: str) -> dict:
    """The figures of a :func:`genre_detect.evaluation.cue_report.cue_report` that the card shows (per family)."""
    families = {}
    for fam, block in report["families"].items():
        c = block["comparisons"]["sincere"]
        rel = block.get("reliance") or {}
        families[fam] = {"satire": c["rate_satire"], "sincere": c["rate_sincere"],
                         "balanced_precision": c["balanced_precision"], "reliance_mean": rel.get("mean"),
                         "relied_on": rel.get("relied_on")}
    any_ = report["families"]["any"]["comparisons"]["sincere"]
    return {"source": source, "split": report["settings"]["split"], "max_words": report["settings"]["max_words"],
            "n_satire": any_["n_satire"], "n_sincere": any_["n_sincere"], "families": families,
            "faithfulness": {k: report["faithfulness"]["all"][k] for k in (
                "comprehensiveness_top", "comprehensiveness_random", "sufficiency_top", "sufficiency_random")}
            if "faithfulness" in report else None}


def _pct(x) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _num(x, spec: str) -> str:
    return "–" if x is None else format(x, spec)


@dataclass
class ModelCardData:
    """Values for the card; ``metrics`` is the content of ``metrics.json``."""

    name: str
    metrics: dict
    base: str = "sentence-transformers/all-MiniLM-L6-v2"
    sources: list[str] = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    training: dict = field(default_factory=dict)

    def render(self) -> str:
        m, s, t = self.metrics, self.settings, self.training
        data_lines = "\n".join(f"- `{k}`: {DATA_SOURCES.get(k, k)}" for k in self.sources) or "- (none recorded)"
        rows = ["| split | binary macro-F1 | satire F1 | ROC-AUC | genre macro-F1 | ECE | n |",
                "|---|---|---|---|---|---|---|"]
        for key, title in (("publisher_test", "publisher-held-out test"), ("random_test", "random split test")):
            r = m.get(key)
            if r:
                rows.append(f"| {title} | {r['binary_macro_f1']:.3f} | {r['satire_f1']:.3f} | {r['roc_auc']:.3f} | "
                            f"{r['genre_macro_f1']:.3f} | {r['ece']:.3f} | {r['n']} |")
        gap = m.get("gap_text") or (
            "No random-split twin of the fine-tuned model was trained for this release. On the same folds, the "
            "baselines in `eval/results/leaderboard.md` show the size of the gap: a TF-IDF model gains several points "
            "of ROC-AUC on a random split because it has seen the test publishers' vocabulary. Only the "
            "publisher-held-out figure estimates performance on a new publisher.")
        acc = m.get("acceptance")
        acceptance = ""
        if acc:
            acceptance = "### Acceptance examples (never used for training, tuning or calibration)\n\n" + "\n".join(
                f"- `{k}`: expected {v['expected']}, satire probability {v['satire_probability']:.3f} "
                f"({'met' if v['met'] else 'MISSED'})" for k, v in acc.items())
        synthetic = ""
        args_ = t.get("args", {})
        if args_.get("parody_docs"):
            synthetic += (
                f"\n\nSynthetic material (training fold only): {args_['parody_docs']} minimal pairs built from "
                "training analyses by `genre_detect.training.parody`: the same run of real sentences on both sides, with "
                "parody devices (absurd hedging chains, escalating concessions, scare quotes, reductio proposals, "
                "self-undermining questions, mock credentials, inverted values) woven in on the `satire` side and "
                "plainly meant sentences of the same kind on the `opinion` side. The training data has no parody "
                "written in the analysts' register; these pairs stand in for it. They are templates, so a model "
                "can learn them without learning parody: `experiments/parody/parody_check.py` (pairs built from "
                "held-out publishers' analyses) shows whether the devices were learnt, the hand-written check below whether "
                "that carries over to parody the templates did not write.")
        if args_.get("written_writers"):
            synthetic += (
                f"\n\nHand-written pairs (training only): the pairs of writers {', '.join(args_['written_writers'])} "
                "in `training/data/written/`, deadpan parodies of policy analysis (labelled `satire`) each with a "
                "sincere twin on the same topic in the same voice (labelled `opinion`), written for this project "
                "(no text from the data sets or the seeds). Other writers' pairs are held out whole: one chooses "
                "between candidate models, another confirms (below).")
        if args_.get("splice_docs"):
            synthetic += (f"\n\nSpliced documents: {args_['splice_docs']} per side (analysis sentences interleaved "
                          "with satire or with reporting sentences).")
        checks = []
        if rc := m.get("register_check"):
            checks.append(
                f"`python eval/register_check.py` on {rc['n_parody']} short parodies of policy commentary and their "
                f"{rc['n_sincere']} sincere twins, written for this project (not training material, not the seeds, "
                f"not the training templates): parody mean satire probability {rc['parody_mean']:.3f}, called satire "
                f"{rc['parody_called']}/{rc['n_parody']}; sincere mean {rc['sincere_mean']:.3f}, called satire "
                f"{rc['sincere_called']}/{rc['n_sincere']}; the parody scored above its own twin in "
                f"{rc['pairs_ranked']}/{rc['n_pairs']} pairs.")
        if wc := m.get("written_check"):
            checks.append(
                "Hand-written pairs of writers the model was not trained on (`python eval/register_check.py "
                "--writers W`, 450-650 words each side):\n\n| writer | parody mean | parody called satire | "
                "sincere mean | sincere called satire | parody above twin |\n|---|---|---|---|---|---|\n" + "\n".join(
                    f"| {w} | {r['parody_mean']:.3f} | {r['parody_called']}/{r['n_parody']} | {r['sincere_mean']:.3f} "
                    f"| {r['sincere_called']}/{r['n_sincere']} | {r['pairs_ranked']}/{r['n_pairs']} |"
                    for w, r in wc.items()))
        register = ("### Hard-case check: hand-written parody in an analyst's voice\n\n" + "\n\n".join(checks)
                    if checks else "")
        cues = ""
        if cs := m.get("cues"):
            rows_ = [f"| {fam} | {_pct(r['satire'])} | {_pct(r['sincere'])} | "
                     f"{_num(r['balanced_precision'], '.2f')} | {_num(r['reliance_mean'], '+.4f')} | "
                     f"{_pct(r['relied_on'])} |"
                     for fam, r in cs["families"].items()]
            cues = ("### Cues the model relied on\n\n"
                    f"`python eval/cue_report.py` ({cs['split']} fold, publishers never seen in training, first "
                    f"{cs['max_words']} words; {cs['n_satire']} satire and {cs['n_sincere']} sincere documents: "
                    "analyses, editorials and real news). Reliance is the change in satire probability when the cue "
                    "is deleted; `relied on` is the share of cue spans with |reliance| >= 0.01.\n\n"
                    "| family | satire fired | sincere fired | balanced precision | mean reliance | relied on |\n"
                    "|---|---|---|---|---|---|\n" + "\n".join(rows_))
            if f := cs.get("faithfulness"):
                cues += ("\n\nEvidence faithfulness (ERASER, top-3 sentences against 3 random ones): "
                         f"comprehensiveness {f['comprehensiveness_top']:+.3f} vs "
                         f"{f['comprehensiveness_random']:+.3f}, sufficiency {f['sufficiency_top']:+.3f} vs "
                         f"{f['sufficiency_random']:+.3f}.")
        lt = ["| class | first 250 words | whole text | n |", "|---|---|---|---|"]
        for cls, r in m.get("length_check", {}).items():
            lt.append(f"| {cls} | {r['first_250']:.3f} | {r['whole']:.3f} | {r['n']} |")
        q = m.get("quantisation", {})
        args = t.get("args", {})
        return _TEMPLATE.format(
            name=self.name, base=self.base, data_lines=data_lines, min_window=args.get("min_window_tokens", "?"),
            max_body=s.get("max_length", 256) - 2, max_length=s.get("max_length"), stride=s.get("stride"),
            pooling=f"{s.get('pooling')}, sharpness {s.get('pool_sharpness')}", folds=t.get("folds", {}),
            epochs=args.get("epochs"), batch_size=args.get("batch_size"), lr=args.get("learning_rate"),
            seed=args.get("seed"), train_minutes=t.get("train_seconds", 0) / 60, temperature=s.get("temperature", 1),
            bias_text=(f"class biases ({', '.join(f'{g} {b:+.3f}' for g, b in zip(s.get('labels', []), bias))})"
                       if (bias := s.get("class_bias")) else "no class biases"),
            readout_text=_READOUTS.get(args.get("readout", "last"), f"encoder {args.get('readout')}, mean-pooled"),
            register_text=(" (with the pairs of held-out writers " + ", ".join(args.get("calib_writers") or [])
                           + f"); register-aware satire biases: opinion {rb[0]:+.3f}, reporting {rb[1]:+.3f}, "
                           "added to the satire logit of a text read as that register"
                           if len(rb := s.get("register_bias") or []) >= 2 else ""),
            band=s.get("uncertain_band"), threshold=s.get("threshold"), metrics_table="\n".join(rows),
            gap_text=gap, acceptance=acceptance, synthetic=synthetic, register=register, cues=cues,
            length_table="\n".join(lt),
            agree=q.get("label_agreement", "n/a"),
            max_delta=q.get("max_abs_delta", "n/a"),
            versions="\n".join(f"- {k} {v}" for k, v in s.get("versions", {}).items()),
        )
