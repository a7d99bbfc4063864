"""The benchmark over the shared data sets: every model, every protocol, side by side.

Protocols (each at full length, capped at ``max_words``, and length-matched, every test text cut to its first
``cut_words`` words):

* ``publisher``: :func:`genre_detect.training.data.publisher_split` test fold. No publisher in it was seen in training;
  this is the honest number. The fine-tuned model is the shipped one, trained on that split's ``train`` fold.
* ``random``: :func:`genre_detect.training.data.random_split` test fold, restricted to the sources of the publisher
  test fold so that both columns score the same kinds of text and the gap measures publisher leakage only. The
  fine-tuned model here is a second model trained on the random split (``random_model``); without it that cell is "not
  run".
* ``loso`` (baselines only; they are cheap to refit): leave one source out, train on all the others.

Short-text sets (headlines, tweets: :data:`genre_detect.training.data.SHORT_TEXT_PREFIXES`) are training material,
never test data. Baselines are fitted on the train
fold of the same split, with the same per-publisher caps as the fine-tuned model's training run.

Example:
    >>> result = run_benchmark(BenchmarkConfig(n_boot=200))      # doctest: +SKIP
    >>> result.leaderboard()[0]["model"]                        # doctest: +SKIP
"""

from __future__ import annotations

import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..training.data import (
    DEFAULT_SOURCES,
    SHORT_TEXT_PREFIXES,
    Document,
    describe,
    load_documents,
    publisher_split,
    random_split,
)
from .evaluate import DEFAULT_MAX_WORDS, EvalResult, LabelledSet, evaluate

__all__ = [
    "DEFAULT_RANDOM_MODEL",
    "REPO_ROOT",
    "BenchmarkConfig",
    "BenchmarkResult",
    "Run",
    "baseline_training_sample",
    "progress_logger",
    "run_benchmark",
]

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_RANDOM_MODEL = "runs/minilm-random/model"
FINE_TUNED = "fine-tuned"
PROTOCOLS = ("publisher", "random")


@dataclass
class BenchmarkConfig:
    """What the benchmark runs.

    Attributes:
        data_dir: shared data directory (``None``: ``$GENRE_DETECT_DATA`` or ``../shared/data``).
        sources: data sets to load (``None``: all that :mod:`genre_detect.training.data` knows).
        seed: split seed; the shipped model was trained on ``publisher_split(docs, seed=13)``.
        model: fine-tuned model for the publisher protocol (``None``: the shipped model).
        random_model: fine-tuned model trained on ``random_split(docs, seed)["train"]`` (relative paths are tried
            from the working directory, then from the repository root).
        baselines: baseline names to run.
        cut_words: the length-matched protocol's cut.
        max_words: cap for every text in every protocol.
        n_boot, boot_seed: bootstrap resamples and their seed (``loso_boot`` for the many leave-one-out runs).
        loso: run leave-one-source-out for the baselines.
        baseline_short_texts: also train the baselines on the short-text groups (headlines, tweets). Off by default:
            they are there to teach a window model absurd premises; to a whole-document baseline they are texts of a
            length no test document has, and they drag the length baseline's decision threshold off the articles.
    """

    data_dir: str | None = None
    sources: list[str] | None = None
    seed: int = 13
    model: str | None = None
    random_model: str | None = DEFAULT_RANDOM_MODEL
    baselines: tuple[str, ...] = ("length", "tfidf", "cues")
    cut_words: int = 250
    max_words: int = DEFAULT_MAX_WORDS
    n_boot: int = 1000
    loso_boot: int = 200
    boot_seed: int = 0
    loso: bool = True
    baseline_short_texts: bool = False


@dataclass
class Run:
    """One cell of the benchmark: a model on one protocol at one length, or why it was not run."""

    model: str
    protocol: str
    length: str
    result: EvalResult | None = None
    status: str = "ok"
    model_path: str | None = None

    def to_dict(self, with_tables: bool = True) -> dict[str, Any]:
        out = {"model": self.model, "protocol": self.protocol, "length": self.length, "status": self.status,
               "model_path": self.model_path}
        if self.result is not None:
            out["scores"] = self.result.scores
            if with_tables:
                out["tables"] = self.result.tables
        return out


@dataclass
class BenchmarkResult:
    """Everything the benchmark measured; :mod:`genre_detect.evaluation.leaderboard` turns it into files."""

    config: BenchmarkConfig
    runs: list[Run] = field(default_factory=list)
    loso: list[dict[str, Any]] = field(default_factory=list)
    folds: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def get(self, model: str, protocol: str, length: str) -> Run | None:
        for r in self.runs:
            if (r.model, r.protocol, r.length) == (model, protocol, length):
                return r
        return None

    @property
    def models(self) -> list[str]:
        return list(dict.fromkeys(r.model for r in self.runs))

    @property
    def lengths(self) -> list[str]:
        return ["full", f"first {self.config.cut_words} words"]

    def to_dict(self) -> dict[str, Any]:
        return {"config": asdict(self.config), "seconds": self.seconds, "folds": self.folds, "notes": self.notes,
                "runs": [r.to_dict() for r in self.runs], "loso": self.loso}


def progress_logger(say: Callable[[str], None], label: str, every: int = 128) -> Callable[[int, int], None]:
    """A ``progress(done, total)`` callback for :func:`evaluate` that reports through ``say`` every ``every`` texts.

    Example:
        >>> p = progress_logger(print, "test", every=2); p(1, 3); p(3, 3)
        test: 1/3
        test: 3/3
    """
    last = [-every]

    def report(done: int, total: int) -> None:
        if done - last[0] >= every or done == total:
            last[0] = done
            say(f"{label}: {done}/{total}")

    return report


def _is_short_text(d: Document) -> bool:
    return d.publisher.startswith(SHORT_TEXT_PREFIXES)


def baseline_training_sample(docs: list[Document], seed: int = 13, short_texts: bool = False) -> list[Document]:
    """The training documents a baseline gets: the same caps per publisher group as the fine-tuned model's
    training run (:class:`genre_detect.training.TrainingArguments` defaults: ``max_docs_per_publisher`` per
    publisher, ``headline_docs`` per short-text group, when ``short_texts``), so that neither side sees more data and
    the tens of thousands of headlines and tweets do not swamp the articles.

    Example:
        >>> baseline_training_sample([], seed=1)
        []
    """
    from ..training.trainer import TrainingArguments

    defaults = TrainingArguments()
    rng = random.Random(seed)
    by_pub: dict[str, list[Document]] = defaultdict(list)
    for d in docs:
        if short_texts or not _is_short_text(d):
            by_pub[d.publisher].append(d)
    out: list[Document] = []
    for pub in sorted(by_pub):
        members = by_pub[pub][:]
        rng.shuffle(members)
        cap = defaults.headline_docs if pub.startswith(SHORT_TEXT_PREFIXES) else defaults.max_docs_per_publisher
        out.extend(members[:cap])
    return out


def _find_model(path: str | None) -> Path | None:
    if path is None:
        return None
    p = Path(path)
    for cand in (p, REPO_ROOT / p):
        if (cand / "model.onnx").is_file():
            return cand
    return None


def _cues_available() -> str | None:
    try:
        from ..explain.cues import detect_cues  # noqa: F401
    except ImportError as exc:
        return f"not run (genre_detect.explain.cues unavailable: {exc})"
    return None


def run_benchmark(config: BenchmarkConfig | None = None, log: Callable[[str], None] | None = None
                  ) -> BenchmarkResult:
    """Run every model on every protocol; returns data (nothing printed except through ``log``).

    Example:
        >>> res = run_benchmark(BenchmarkConfig(baselines=("length",), loso=False))   # doctest: +SKIP
        >>> res.get("length", "publisher", "full").result.scores["roc_auc"]           # doctest: +SKIP
    """
    from ..pipeline.detector import Detector, default_model_dir
    from .baselines import make_baseline

    cfg = config or BenchmarkConfig()
    say = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    t0 = time.perf_counter()
    res = BenchmarkResult(cfg)
    docs = load_documents(cfg.data_dir, cfg.sources or DEFAULT_SOURCES)
    pub, rnd = publisher_split(docs, seed=cfg.seed), random_split(docs, seed=cfg.seed)
    pub_test = [d for d in pub["test"] if not _is_short_text(d)]
    test_sources = {d.source for d in pub_test}
    rnd_test = [d for d in rnd["test"] if d.source in test_sources]
    splits = {"publisher": (pub["train"], pub_test), "random": (rnd["train"], rnd_test)}
    res.folds = {"documents": len(docs), "publisher": describe(pub), "random": describe(rnd),
                 "test": {k: describe({"test": v[1]})["test"] for k, v in splits.items()},
                 "test_sources": sorted(test_sources)}
    res.notes.append(f"every text is cut to its first {cfg.max_words} words before any model sees it")
    extra = " plus its short-text groups" if cfg.baseline_short_texts else " (no headlines or tweets)"
    res.notes.append(f"baselines are fitted on the train fold's articles{extra}, with the fine-tuned model's "
                     "per-publisher cap")
    res.notes.append(f"random-split test fold restricted to the publisher test fold's sources: "
                     f"{', '.join(sorted(test_sources))}; headline and tweet sets are never test data")
    say(f"[bench] {len(docs)} documents; test folds: publisher {len(pub_test)}, random {len(rnd_test)}")

    fine_tuned = {"publisher": Path(cfg.model) if cfg.model else default_model_dir(),
                  "random": _find_model(cfg.random_model)}
    cue_problem = _cues_available() if "cues" in cfg.baselines else None
    lengths = {"full": None, f"first {cfg.cut_words} words": cfg.cut_words}

    def run_one(name: str, model: Any, protocol: str, test: LabelledSet, path: str | None = None) -> None:
        for length, cut in lengths.items():
            t = time.perf_counter()
            progress = progress_logger(say, f"[bench]   {name} / {protocol} / {length}")
            r = evaluate(model, test, max_words=cfg.max_words, cut_words=cut, n_boot=cfg.n_boot,
                         seed=cfg.boot_seed, progress=progress)
            res.runs.append(Run(name, protocol, length, r, model_path=path))
            say(f"[bench] {name} / {protocol} / {length}: macro-F1 {r.scores['macro_f1']:.3f} "
                f"AUC {r.scores['roc_auc'] or float('nan'):.3f} ({time.perf_counter() - t:.0f}s)")

    for protocol, (train_docs, test_docs) in splits.items():
        test = LabelledSet.from_documents(test_docs, name=f"{protocol}-test")
        path = fine_tuned[protocol]
        if path is not None and (Path(path) / "model.onnx").is_file():
            run_one(FINE_TUNED, Detector.load(path), protocol, test, str(path))
        else:
            why = f"not run (no model at {cfg.random_model if protocol == 'random' else path})"
            res.runs.extend(Run(FINE_TUNED, protocol, length, status=why) for length in lengths)
            say(f"[bench] {FINE_TUNED} / {protocol}: {why}")
        sample = baseline_training_sample(train_docs, cfg.seed, cfg.baseline_short_texts)
        train = LabelledSet.from_documents(sample).cut(cfg.max_words)
        for name in cfg.baselines:
            if name == "cues" and cue_problem:
                res.runs.extend(Run(name, protocol, length, status=cue_problem) for length in lengths)
                continue
            t = time.perf_counter()
            model = make_baseline(name, seed=cfg.seed).fit(train.texts, train.y)
            say(f"[bench] fitted {name} on {len(train)} {protocol}-train documents ({time.perf_counter() - t:.0f}s)")
            run_one(name, model, protocol, test)

    if cfg.loso:
        res.loso = _leave_one_source_out(docs, cfg, cue_problem, say)
    res.seconds = round(time.perf_counter() - t0, 1)
    return res


def _leave_one_source_out(docs: list[Document], cfg: BenchmarkConfig, cue_problem: str | None,
                          say: Callable[[str], None]) -> list[dict[str, Any]]:
    """Each baseline refitted without one source and scored on that source, at full length and cut."""
    from .baselines import make_baseline

    rows = []
    held_out = sorted({d.source for d in docs if not _is_short_text(d)})
    for source in held_out:
        test = LabelledSet.from_documents([d for d in docs if d.source == source], name=source)
        rest = [d for d in docs if d.source != source]
        train = LabelledSet.from_documents(baseline_training_sample(rest, cfg.seed, cfg.baseline_short_texts))
        train = train.cut(cfg.max_words)
        for name in cfg.baselines:
            if name == "cues" and cue_problem:
                continue
            model = make_baseline(name, seed=cfg.seed).fit(train.texts, train.y)
            for length, cut in (("full", None), (f"first {cfg.cut_words} words", cfg.cut_words)):
                r = evaluate(model, test, max_words=cfg.max_words, cut_words=cut, n_boot=cfg.loso_boot,
                             seed=cfg.boot_seed)
                s = r.scores
                rows.append({"model": name, "held_out": source, "length": length, "n": s["n"],
                             "n_satire": s["n_satire"], "accuracy": s["accuracy"], "macro_f1": s["macro_f1"],
                             "macro_f1_ci_low": s["macro_f1_ci_low"], "macro_f1_ci_high": s["macro_f1_ci_high"],
                             "roc_auc": s["roc_auc"], "ece": s["ece"]})
        say(f"[bench] leave-one-source-out: {source} done")
    return rows
