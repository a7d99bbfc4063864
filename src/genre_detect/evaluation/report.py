"""The error-analysis report of one evaluation (any labelled file): a PNG of four plots and one self-contained HTML
page, next to the metrics (``metrics.json``) and the per-document scores (``documents.jsonl``).

``genre-detect eval FILE --report DIR`` writes it; :func:`genre_detect.evaluation.leaderboard.write_results` is the
benchmark's counterpart over the shared data. Tables are built once as
:class:`~genre_detect.evaluation.leaderboard.Table` rows and rendered as HTML, as the leaderboard's are.

Example:
    >>> from genre_detect.evaluation.evaluate import evaluate
    >>> paths = write_report(evaluate("shipped", "mine.jsonl"), "report/")     # doctest: +SKIP
    >>> sorted(paths)                                                          # doctest: +SKIP
    ['documents', 'html', 'metrics', 'png']
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

import numpy as np

from .evaluate import EvalResult
from .leaderboard import Table

__all__ = ["comparison_table", "confusion_table", "per_class_table", "write_report"]


def _f(v: Any, digits: int = 3) -> str:
    return "n/a" if v is None else f"{v:.{digits}f}"


def per_class_table(result: EvalResult) -> Table:
    """Precision, recall, F1 and support of each class (and of each genre, when the data has genres)."""
    rows = [[r["class"], _f(r["precision"]), _f(r["recall"]), _f(r["f1"]), str(r["support"])]
            for r in result.tables["per_class"]]
    rows += [[f"genre: {r['genre']}", _f(r["precision"]), _f(r["recall"]), _f(r["f1"]), str(r["support"])]
             for r in result.tables.get("genre_per_class", [])]
    return Table("Per class", ["class", "precision", "recall", "F1", "support"], rows)


def confusion_table(result: EvalResult, key: str = "confusion") -> Table:
    """Rows: the true class; columns: the predicted class."""
    cm = result.tables[key]
    title = "Confusion matrix (rows: true, columns: predicted)" if key == "confusion" else \
        "Genre confusion matrix (rows: true, columns: predicted)"
    return Table(title, ["true \\ predicted", *cm["labels"]],
                 [[lab, *(str(v) for v in row)] for lab, row in zip(cm["labels"], cm["matrix"])])


def comparison_table(comparison: dict[str, Any]) -> Table:
    """The paired bootstrap of :func:`genre_detect.evaluation.evaluate.compare` as a table."""
    def sign(v: float | None) -> str:
        return "n/a" if v is None else f"{v:+.3f}"

    rows = [[r["metric"], _f(r["baseline"]), _f(r["candidate"]), sign(r["difference"]),
             f"[{sign(r['low'])}, {sign(r['high'])}]",
             "better" if r["better"] else ("worse" if r["worse"] else "no measured change")] for r in comparison["rows"]]
    return Table(f"{comparison['candidate']} minus {comparison['baseline']}: paired bootstrap on the same "
                 f"{comparison['n']} documents",
                 ["metric", comparison["baseline"], comparison["candidate"], "difference",
                  f"95% interval ({comparison['boot']} resamples)", "verdict"], rows,
                 "Lower is better for Brier and ECE; higher for the others. Each model uses its own threshold.")


def _summary_table(result: EvalResult) -> Table:
    s = result.scores
    keys = ["n", "n_satire", "accuracy", "balanced_accuracy", "macro_f1", "roc_auc", "pr_auc", "brier", "ece",
            "genre_macro_f1", "coverage_uncertain", "accuracy_uncertain", "n_training_overlap", "macro_f1_unseen",
            "roc_auc_unseen"]
    rows = []
    for k in keys:
        if k not in s:
            continue
        v = s[k]
        lo, hi = s.get(f"{k}_ci_low"), s.get(f"{k}_ci_high")
        cell = str(v) if isinstance(v, int) else _f(v)
        rows.append([k, cell + (f" [{_f(lo)}, {_f(hi)}]" if lo is not None and hi is not None else "")])
    return Table("Scores [95% bootstrap interval]", ["metric", "value"], rows)


def _slices(result: EvalResult) -> list[Table]:
    out = []
    for key, title in (("by_source", "Per source"), ("by_length", "Per length (words)")):
        rows = result.tables.get(key)
        if rows:
            out.append(Table(title, ["group", "n", "satire", "accuracy", "balanced accuracy", "ROC-AUC"],
                             [[r["group"], str(r["n"]), str(r["n_satire"]), _f(r["accuracy"]),
                               _f(r["balanced_accuracy"]), _f(r["roc_auc"])] for r in rows]))
    return out


def _errors_table(result: EvalResult, k: int = 15) -> Table:
    """The most confident mistakes: the documents to read first."""
    thr = result.scores["threshold"]
    wrong = [d for d in result.documents if not d["correct"]]
    wrong.sort(key=lambda d: -abs(d["satire_probability"] - thr))
    rows = [[d["id"], d["gold"], _f(d["satire_probability"]), d["verdict"], d["genre"] or "",
             "" if d["training_overlap"] is None else _f(d["training_overlap"], 2)] for d in wrong[:k]]
    return Table(f"Most confident errors ({len(wrong)} wrong in all; the {min(k, len(wrong))} farthest from the "
                 "threshold)", ["id", "gold", "satire probability", "verdict", "genre", "training overlap"], rows,
                 "Every document is in documents.jsonl.")


def _plot(result: EvalResult, path: Path) -> None:
    from .leaderboard import pyplot

    plt = pyplot()
    y, p, s = result.y, result.prob, result.scores
    fig, axes = plt.subplots(2, 2, figsize=(11, 9))
    ax = axes[0, 0]
    if s.get("roc_auc") is not None:
        from sklearn.metrics import roc_curve

        fpr, tpr, _ = roc_curve(y, p)
        ax.plot(fpr, tpr, label=f"AUC {s['roc_auc']:.3f}")
        ax.legend(loc="lower right")
    else:
        ax.text(0.5, 0.5, "one class only: no ROC curve", ha="center")
    ax.plot([0, 1], [0, 1], ":", color="grey")
    ax.set(title="ROC", xlabel="false positive rate (sincere called satire)", ylabel="true positive rate")
    ax = axes[0, 1]
    rel = result.tables["reliability"]
    ax.plot([0, 1], [0, 1], ":", color="grey")
    ax.plot([b["mean_prob"] for b in rel], [b["observed"] for b in rel], "o-",
            label=f"ECE {_f(s.get('ece'))}")
    ax.set(title="Reliability", xlabel="predicted satire probability", ylabel="observed fraction satire",
           xlim=(0, 1), ylim=(0, 1))
    ax.legend(loc="upper left")
    ax = axes[1, 0]
    bins = np.linspace(0, 1, 21)
    for cls, name in ((0, "sincere"), (1, "satire")):
        if (y == cls).any():
            ax.hist(p[y == cls], bins=bins, alpha=0.6, label=f"gold {name} (n={int((y == cls).sum())})")
    ax.axvline(s["threshold"], color="k", ls="--", lw=1, label=f"threshold {s['threshold']:.2f}")
    ax.set(title="Satire probability by gold label", xlabel="satire probability", ylabel="documents")
    ax.legend(fontsize=8)
    ax = axes[1, 1]
    cm = np.array(result.tables["confusion"]["matrix"])
    labels = result.tables["confusion"]["labels"]
    ax.imshow(cm, cmap="Blues")
    for (i, j), v in np.ndenumerate(cm):
        ax.text(j, i, str(v), ha="center", va="center", color="white" if v > cm.max() / 2 else "black")
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set(title="Confusion (rows: true)", xlabel="predicted", ylabel="true")
    fig.suptitle(f"{result.model} on {result.data}: {s['n']} documents ({s['n_satire']} satire)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_report(result: EvalResult, out_dir: str | Path, comparison: dict[str, Any] | None = None
                 ) -> dict[str, Path]:
    """Write ``metrics.json``, ``documents.jsonl``, ``report.png`` and ``report.html`` (the PNG inlined) to
    ``out_dir``; returns their paths by name (``metrics``, ``documents``, ``png``, ``html``)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"metrics": out / "metrics.json", "documents": out / "documents.jsonl", "png": out / "report.png",
             "html": out / "report.html"}
    body = result.to_dict()
    if comparison is not None:
        body["compare"] = comparison
    paths["metrics"].write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    result.write_documents(paths["documents"])
    _plot(result, paths["png"])
    s = result.scores
    notes = [f"threshold {s['threshold']:.2f}; texts capped at {s['max_words']} words"
             + (f", cut to the first {s['cut_words']}" if s.get("cut_words") else "")
             + f"; bootstrap {s['n_boot']} resamples"]
    if s.get("training_overlap_checked"):
        n = s.get("n_training_overlap", 0)
        notes.append(f"{n} of {s['n']} documents overlap the model's training data"
                     + (" (scores on the others: the *_unseen rows)" if n else ""))
    else:
        notes.append("training-data overlap not checked (the model directory has no training fingerprint)")
    tables = [_summary_table(result), per_class_table(result), confusion_table(result)]
    if "genre_confusion" in result.tables:
        tables.append(confusion_table(result, "genre_confusion"))
    if comparison is not None:
        tables.append(comparison_table(comparison))
    tables += _slices(result) + [_errors_table(result)]
    img = base64.b64encode(paths["png"].read_bytes()).decode()
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}table{border-collapse:"
             "collapse;margin:.5em 0 1.5em;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;text-align:"
             "left}th{background:#f3f3f3}.note{color:#555;font-size:12px}img{max-width:100%}")
    title = f"genre-detect eval: {result.model} on {result.data}"
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{style}</style></head><body><h1>{html.escape(title)}</h1><ul>"
            + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>"
            + f"<figure><img alt='plots' src='data:image/png;base64,{img}'></figure>"
            + "".join(t.html() for t in tables) + "</body></html>\n")
    paths["html"].write_text(page, encoding="utf-8")
    return paths
