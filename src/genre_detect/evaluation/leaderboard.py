"""Files from a :class:`~genre_detect.evaluation.benchmark.BenchmarkResult`: the leaderboard (Markdown and JSON), the
full results (JSON), plots (PNG: ROC curves, reliability diagram, per-source bars), one self-contained HTML report, and
``leaderboard_row.json``: the fine-tuned model's headline row with what a reader needs to reproduce it (sha256 of the
model files, sha256 of every data set read and of the test fold, seeds, library versions, the command).

Every table is built once as rows of cells and rendered twice (Markdown and HTML), so the two never disagree.

Example:
    >>> from genre_detect.evaluation.benchmark import run_benchmark                # doctest: +SKIP
    >>> paths = write_results(run_benchmark(), "eval/results")         # doctest: +SKIP
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import platform
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .benchmark import FINE_TUNED, PROTOCOLS, BenchmarkResult, Run

__all__ = ["Table", "citable_row", "file_sha256", "leaderboard_rows", "provenance", "pyplot", "write_results"]

PROTOCOL_NAMES = {"publisher": "publisher held-out", "random": "random split"}


@dataclass
class Table:
    """A titled table of already formatted cells, with an optional note under it."""

    title: str
    headers: list[str]
    rows: list[list[str]]
    note: str = ""

    def markdown(self) -> str:
        lines = [f"### {self.title}", "", "| " + " | ".join(self.headers) + " |",
                 "|" + "|".join("---" for _ in self.headers) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in self.rows]
        if self.note:
            lines += ["", self.note]
        return "\n".join(lines) + "\n"

    def html(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.headers)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in self.rows)
        note = f"<p class='note'>{html.escape(self.note)}</p>" if self.note else ""
        return f"<h3>{html.escape(self.title)}</h3><table><tr>{head}</tr>{body}</table>{note}"


def _f(v: Any, digits: int = 3) -> str:
    return "n/a" if v is None else f"{v:.{digits}f}"


def _with_ci(s: dict, key: str) -> str:
    lo, hi = s.get(f"{key}_ci_low"), s.get(f"{key}_ci_high")
    return _f(s.get(key)) + (f" [{_f(lo)}, {_f(hi)}]" if lo is not None and hi is not None else "")


def leaderboard_rows(bench: BenchmarkResult) -> list[dict[str, Any]]:
    """One flat record per model, protocol and length (the JSON leaderboard)."""
    keys = ("n", "n_satire", "accuracy", "balanced_accuracy", "macro_f1", "macro_f1_ci_low", "macro_f1_ci_high",
            "roc_auc", "roc_auc_ci_low", "roc_auc_ci_high", "pr_auc", "brier", "brier_ci_low", "brier_ci_high", "ece",
            "ece_ci_low", "ece_ci_high", "f1_satire", "recall_satire", "precision_satire", "genre_macro_f1",
            "genre_accuracy", "coverage_uncertain", "accuracy_uncertain", "threshold")
    out = []
    for r in bench.runs:
        row: dict[str, Any] = {"model": r.model, "protocol": r.protocol, "length": r.length, "status": r.status}
        if r.result is not None:
            row.update({k: r.result.scores.get(k) for k in keys})
        out.append(row)
    return out


def file_sha256(path: str | Path) -> str:
    """The sha256 of a file's bytes, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _tree_sha256(root: Path) -> str:
    """One sha256 over every file under ``root``: relative path and content hash, in sorted order."""
    h = hashlib.sha256()
    for f in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(f"{f.relative_to(root).as_posix()}\t{file_sha256(f)}\n".encode())
    return h.hexdigest()


def _versions() -> dict[str, str]:
    from importlib import metadata

    out = {"python": platform.python_version()}
    for dist in ("genre-detect", "numpy", "onnxruntime", "tokenizers", "scikit-learn", "datasets", "matplotlib"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def _git_commit() -> str | None:
    from .benchmark import REPO_ROOT

    try:
        rev = subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"], check=False, capture_output=True,
                             text=True, timeout=10)
        dirty = subprocess.run(["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--untracked-files=no"],
                               check=False, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    if rev.returncode != 0:
        return None
    return rev.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def _fold_sha256(run: Run | None) -> str | None:
    """sha256 of a run's test documents (sorted ``id<TAB>gold`` lines): the same value means the same test fold."""
    if run is None or run.result is None or not run.result.documents:
        return None
    lines = sorted(f"{d['id']}\t{d['gold']}" for d in run.result.documents)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def provenance(bench: BenchmarkResult) -> dict[str, Any]:
    """What a reader needs to reproduce the benchmark: model and data hashes, seeds, versions, command."""
    from ..training.data import DEFAULT_SOURCES, default_data_dir

    c = bench.config
    models = {}
    for r in bench.runs:
        if r.model_path and r.model_path not in models:
            d = Path(r.model_path)
            models[r.model_path] = {name: file_sha256(d / name) for name in ("model.onnx", "genre_detect.json")
                                    if (d / name).is_file()}
    data_dir = Path(c.data_dir) if c.data_dir else default_data_dir()
    data = {src: (_tree_sha256(data_dir / src) if (data_dir / src).is_dir() else "missing")
            for src in (c.sources or DEFAULT_SOURCES)}
    folds = {p: _fold_sha256(bench.get(FINE_TUNED, p, "full") or next(
        (r for r in bench.runs if r.protocol == p and r.result is not None), None)) for p in PROTOCOLS}
    return {"command": "python eval/run_all.py (= genre-detect eval --shared)", "git_commit": _git_commit(),
            "split_seed": c.seed, "bootstrap": {"n_boot": c.n_boot, "seed": c.boot_seed}, "max_words": c.max_words,
            "cut_words": c.cut_words, "models_sha256": models, "data_sha256": data, "test_fold_sha256": folds,
            "versions": _versions(), "platform": f"{platform.system()} {platform.machine()}",
            "argv": sys.argv[1:]}


def citable_row(bench: BenchmarkResult, prov: dict[str, Any] | None = None) -> dict[str, Any]:
    """The fine-tuned model on the publisher-held-out test fold at full length, with intervals and provenance."""
    run = bench.get(FINE_TUNED, "publisher", "full")
    row: dict[str, Any] = {"model": FINE_TUNED, "protocol": "publisher held-out", "length": "full"}
    if run is not None and run.result is not None:
        s = run.result.scores
        row["model_path"] = run.model_path
        for k in ("n", "n_satire", "macro_f1", "roc_auc", "ece", "brier", "accuracy", "f1_satire", "genre_macro_f1",
                  "threshold", "n_training_overlap"):
            if k in s:
                row[k] = s[k]
            if f"{k}_ci_low" in s:
                row[f"{k}_ci"] = [s[f"{k}_ci_low"], s[f"{k}_ci_high"]]
    else:
        row["status"] = run.status if run else "not run"
    row["provenance"] = prov if prov is not None else provenance(bench)
    return row


def _grid(bench: BenchmarkResult, key: str, title: str, note: str = "", models: list[str] | None = None) -> Table:
    headers = ["model"] + [f"{PROTOCOL_NAMES[p]}, {ln}" for p in PROTOCOLS for ln in bench.lengths]
    rows = []
    for m in models if models is not None else bench.models:
        cells = [m]
        for p in PROTOCOLS:
            for ln in bench.lengths:
                run = bench.get(m, p, ln)
                cells.append(_with_ci(run.result.scores, key) if run and run.result else "not run")
        rows.append(cells)
    return Table(title, headers, rows, note)


def _calibration_table(bench: BenchmarkResult) -> Table:
    headers = ["model", "length", "n (satire)", "accuracy", "balanced accuracy", "ECE (15 bins)", "Brier", "PR-AUC",
               "genre macro-F1",
               "decided when abstaining on `uncertain`", "accuracy when decided"]
    rows = []
    for m in bench.models:
        for ln in bench.lengths:
            run = bench.get(m, "publisher", ln)
            if not run or not run.result:
                continue
            s = run.result.scores
            cov = s.get("coverage_uncertain")
            rows.append([m, ln, f"{s['n']} ({s['n_satire']})", _f(s["accuracy"]), _f(s["balanced_accuracy"]),
                         _with_ci(s, "ece"),
                         _with_ci(s, "brier"), _f(s["pr_auc"]), _f(s.get("genre_macro_f1")),
                         "n/a" if cov is None else f"{cov:.1%}", _f(s.get("accuracy_uncertain"))])
    return Table("Calibration and abstention, publisher held-out", headers, rows,
                 "ECE over 15 equal-width bins of the satire probability; Brier on the same. Baselines have no "
                 "uncertain band; their risk-coverage curves are in results.json.")


def _slice_table(bench: BenchmarkResult, table: str, title: str) -> Table:
    runs = [r for r in bench.runs if r.protocol == "publisher" and r.result is not None]
    groups: list[str] = []
    for r in runs:
        for row in r.result.tables.get(table, []):
            if row["group"] not in groups:
                groups.append(row["group"])
    headers = ["group", "n (satire)"] + [f"{r.model}, {r.length}" for r in runs]
    rows = []
    for g in groups:
        cells, size = [g], ""
        for r in runs:
            hit = next((x for x in r.result.tables.get(table, []) if x["group"] == g), None)
            if hit:
                size = f"{hit['n']} ({hit['n_satire']})"
            cells.append("" if hit is None else f"{hit['balanced_accuracy']:.3f} / {_f(hit['roc_auc'], 2)}")
        rows.append([cells[0], size] + cells[1:])
    return Table(title, headers, rows, "balanced accuracy (mean recall of the classes present) / ROC-AUC (n/a where "
                                       "the group has one class only)")


def _loso_table(bench: BenchmarkResult) -> Table:
    cut = bench.lengths[1]
    headers = ["baseline", "held-out source", "n (satire)", "full: accuracy / macro-F1 / AUC",
               f"{cut}: accuracy / macro-F1 / AUC"]
    rows = []
    index = {(r["model"], r["held_out"], r["length"]): r for r in bench.loso}
    for m, src in dict.fromkeys((r["model"], r["held_out"]) for r in bench.loso):
        full, short = index.get((m, src, "full")), index.get((m, src, cut))
        rows.append([m, src, f"{full['n']} ({full['n_satire']})"] + [
            f"{_f(x['accuracy'])} / {_f(x['macro_f1'])} / {_f(x['roc_auc'])}" if x else "" for x in (full, short)])
    return Table("Leave-one-source-out (baselines, refitted without the source)", headers, rows,
                 "Sources with one class have no AUC; their macro-F1 is the F1 of the class present.")


def _curve_tables(run: Run | None) -> list[Table]:
    if run is None or run.result is None:
        return []
    t = run.result.tables
    sweep = Table(f"Threshold sweep: {run.model}, publisher held-out, {run.length}",
                  ["threshold", "precision (satire)", "recall (satire)", "F1 (satire)", "macro-F1", "flagged"],
                  [[_f(r["threshold"], 2), _f(r["precision_satire"]), _f(r["recall_satire"]), _f(r["f1_satire"]),
                    _f(r["macro_f1"]), str(r["flagged"])] for r in t["threshold_sweep"]],
                  "Descriptive: a threshold chosen on this table is chosen on test data.")
    risk = Table(f"Risk-coverage as the uncertain band widens: {run.model}, publisher held-out, {run.length}",
                 ["abstain when distance to threshold <", "coverage", "accuracy when decided"],
                 [[_f(r["band"], 2), _f(r["coverage"]), _f(r["accuracy"])] for r in t["risk_coverage"]])
    return [sweep, risk]


# -- plots ------------------------------------------------------------------------------------------------------
def pyplot():
    """``matplotlib.pyplot`` on the file-only Agg backend (the ``eval`` extra), for every figure the reports write."""
    from ..errors import require

    mpl = require("matplotlib", "eval")
    mpl.use("Agg")  # files only, never a window
    import matplotlib.pyplot as plt

    return plt


def _plot_roc(bench: BenchmarkResult, path: Path) -> None:
    from sklearn.metrics import roc_curve

    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(11, 5), sharey=True)
    for ax, ln in zip(axes, bench.lengths):
        for m in bench.models:
            run = bench.get(m, "publisher", ln)
            if run and run.result and run.result.scores["roc_auc"] is not None:
                fpr, tpr, _ = roc_curve(run.result.y, run.result.prob)
                ax.plot(fpr, tpr, label=f"{m} (AUC {run.result.scores['roc_auc']:.3f})")
        ax.plot([0, 1], [0, 1], ":", color="grey")
        ax.set(title=f"publisher held-out, {ln}", xlabel="false positive rate (sincere called satire)")
        ax.legend(loc="lower right", fontsize=8)
    axes[0].set_ylabel("true positive rate (satire found)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _plot_reliability(bench: BenchmarkResult, path: Path) -> None:
    plt = pyplot()
    fig, (ax, axh) = plt.subplots(2, 1, figsize=(6, 7), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    ax.plot([0, 1], [0, 1], ":", color="grey", label="perfect calibration")
    for ln, style in zip(bench.lengths, ("o-", "s--")):
        run = bench.get(FINE_TUNED, "publisher", ln)
        if not run or not run.result:
            continue
        rel = run.result.tables["reliability"]
        ax.plot([b["mean_prob"] for b in rel], [b["observed"] for b in rel], style,
                label=f"{ln} (ECE {run.result.scores['ece']:.3f}, n={run.result.scores['n']})")
        centres = [(b["bin_low"] + b["bin_high"]) / 2 for b in rel]
        axh.bar(centres, [b["n"] for b in rel], width=1 / 15 * (0.9 if style == "o-" else 0.5), alpha=0.6,
                label=ln)
    ax.set(title="Reliability: fine-tuned model, publisher held-out", ylabel="observed fraction satire",
           xlim=(0, 1), ylim=(0, 1))
    ax.legend(loc="upper left", fontsize=8)
    axh.set(xlabel="predicted satire probability (15 bins)", ylabel="documents")
    axh.set_yscale("log")
    axh.set_ylim(bottom=0.8)  # log scale: keep single-document bins visible
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _source_counts(runs: list[Run], source: str) -> str:
    for r in runs:
        for row in r.result.tables["by_source"]:
            if row["group"] == source:
                return f"n={row['n']}, satire {row['n_satire']}"
    return ""


def _plot_per_source(bench: BenchmarkResult, path: Path) -> None:
    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(12, 5), sharey=True)
    for ax, ln in zip(axes, bench.lengths):
        runs = [bench.get(m, "publisher", ln) for m in bench.models]
        runs = [r for r in runs if r and r.result and "by_source" in r.result.tables]
        sources = sorted({row["group"] for r in runs for row in r.result.tables["by_source"]})
        width = 0.8 / max(len(runs), 1)
        for i, r in enumerate(runs):
            acc = {row["group"]: row["balanced_accuracy"] for row in r.result.tables["by_source"]}
            ax.bar([k + i * width for k in range(len(sources))], [acc.get(s, 0) for s in sources], width,
                   label=r.model)
        names = [f"{s}\n{_source_counts(runs, s)}" for s in sources]
        ax.set_xticks([k + 0.4 - width / 2 for k in range(len(sources))], names, fontsize=8)
        ax.set(title=f"publisher held-out, {ln}", ylim=(0, 1))
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=4)
    axes[0].set_ylabel("balanced accuracy (mean recall of classes present)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# -- files ------------------------------------------------------------------------------------------------------
def _tables(bench: BenchmarkResult) -> list[Table]:
    tables = [
        _grid(bench, "macro_f1", "Satire vs sincere: macro-F1 [95% bootstrap CI]",
              "Random-split models have seen the test publishers; the publisher columns are the honest numbers."),
        _grid(bench, "roc_auc", "Satire vs sincere: ROC-AUC [95% bootstrap CI]"),
        _calibration_table(bench),
        _slice_table(bench, "by_source", "Per source, publisher held-out"),
        _slice_table(bench, "by_length", "Per document length (words in the full text), publisher held-out"),
    ]
    genre_models = [m for m in bench.models
                    if any(r.result and "genre_macro_f1" in r.result.scores for r in bench.runs if r.model == m)]
    if genre_models:
        tables.insert(2, _grid(bench, "genre_macro_f1", "Genre (opinion / reporting / satire): macro-F1",
                               "Models with a genre head only; the baselines are binary.", genre_models))
    if bench.loso:
        tables.append(_loso_table(bench))
    tables += _curve_tables(bench.get(FINE_TUNED, "publisher", "full"))
    return tables


def _intro(bench: BenchmarkResult) -> list[str]:
    c = bench.config
    lines = [(f"Generated in {bench.seconds:.0f} s by `python eval/run_all.py` (= `genre-detect eval --shared`). "
              f"Split seed {c.seed}; bootstrap: {c.n_boot} resamples, seed {c.boot_seed}.")]
    test = bench.folds.get("test", {})
    for p in PROTOCOLS:
        counts = ", ".join(f"{g} {n}" for g, n in sorted(test.get(p, {}).items()))
        lines.append(f"{PROTOCOL_NAMES[p]} test fold: {counts}.")
    lines += [n[0].upper() + n[1:] + "." for n in bench.notes]
    for m, p in ((FINE_TUNED, "publisher"), (FINE_TUNED, "random")):
        run = bench.get(m, p, "full")
        if run:
            lines.append(f"{m} ({PROTOCOL_NAMES[p]}): {run.model_path or run.status}.")
    return lines


def _rounded(obj: Any, digits: int = 4) -> Any:
    """``obj`` with every float rounded: scores past the fourth decimal are noise next to their intervals, and the
    files are committed with every regeneration."""
    if isinstance(obj, float):
        return round(obj, digits)
    if isinstance(obj, dict):
        return {k: _rounded(v, digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_rounded(v, digits) for v in obj]
    return obj


def _provenance_lines(prov: dict[str, Any]) -> list[str]:
    lines = [f"Model {path}: model.onnx sha256 {h.get('model.onnx', '?')[:16]}..., genre_detect.json "
             f"{h.get('genre_detect.json', '?')[:16]}..." for path, h in prov["models_sha256"].items()]
    folds = ", ".join(f"{p} {h[:16]}..." for p, h in prov["test_fold_sha256"].items() if h)
    lines.append(f"Test folds (sha256 of sorted id and gold label): {folds}; every data set's sha256 and the library "
                 "versions are in leaderboard.json and leaderboard_row.json.")
    return lines


def write_results(bench: BenchmarkResult, out_dir: str | Path) -> dict[str, Path]:
    """Write ``leaderboard.md``, ``leaderboard.json``, ``results.json``, ``roc.png``, ``reliability.png``,
    ``per_source.png``, ``report.html`` (images inlined) and ``leaderboard_row.json`` (the citable row with its
    provenance) to ``out_dir``; returns their paths by name.

    Example:
        >>> write_results(bench, "eval/results")["html"]        # doctest: +SKIP
        PosixPath('eval/results/report.html')
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"markdown": out / "leaderboard.md", "json": out / "leaderboard.json", "results": out / "results.json",
             "roc": out / "roc.png", "reliability": out / "reliability.png", "per_source": out / "per_source.png",
             "html": out / "report.html", "row": out / "leaderboard_row.json"}
    tables = _tables(bench)
    prov = provenance(bench)
    intro = _intro(bench) + _provenance_lines(prov)
    md = ["# genre-detect leaderboard", ""] + [f"- {line}" for line in intro] + [""]
    md += [t.markdown() for t in tables]
    md += ["![ROC](roc.png)", "", "![Reliability](reliability.png)", "", "![Per source](per_source.png)", ""]
    paths["markdown"].write_text("\n".join(md), encoding="utf-8")
    board = {"config": bench.to_dict()["config"], "seconds": bench.seconds, "notes": bench.notes,
             "folds": bench.folds, "provenance": prov, "leaderboard": leaderboard_rows(bench), "loso": bench.loso}
    paths["json"].write_text(json.dumps(_rounded(board), indent=1) + "\n", encoding="utf-8")
    paths["row"].write_text(json.dumps(_rounded(citable_row(bench, prov)), indent=1) + "\n", encoding="utf-8")
    full = bench.to_dict()
    for run in full["runs"]:
        # Per-publisher rows are most of the file's size; they matter for the model under test, not the baselines.
        if run["model"] != FINE_TUNED:
            run.get("tables", {}).pop("by_publisher", None)
    paths["results"].write_text(json.dumps(_rounded(full)) + "\n", encoding="utf-8")
    _plot_roc(bench, paths["roc"])
    _plot_reliability(bench, paths["reliability"])
    _plot_per_source(bench, paths["per_source"])
    images = "".join(
        f"<figure><img alt='{k}' src='data:image/png;base64,{base64.b64encode(paths[k].read_bytes()).decode()}'>"
        f"</figure>" for k in ("roc", "reliability", "per_source"))
    style = ("body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em}table{border-collapse:"
             "collapse;margin:.5em 0 1.5em;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;text-align:"
             "left}th{background:#f3f3f3}.note{color:#555;font-size:12px}img{max-width:100%}")
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>genre-detect leaderboard</title>"
            f"<style>{style}</style></head><body><h1>genre-detect leaderboard</h1><ul>"
            + "".join(f"<li>{html.escape(line)}</li>" for line in intro) + "</ul>"
            + "".join(t.html() for t in tables) + images + "</body></html>\n")
    paths["html"].write_text(page, encoding="utf-8")
    return paths
