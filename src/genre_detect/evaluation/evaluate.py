"""Evaluate any model on any labelled set, and get data back (flat scores plus tables), never printed text.

``evaluate(model, data)`` takes

* ``model``: ``None`` or ``"shipped"`` (the shipped model, :meth:`Detector.load`), a model directory, a
  :class:`~genre_detect.Detector`, a baseline name (``"length"``, ``"tfidf"``, ``"cues"``, fitted on ``train``) or a
  baseline object (:mod:`genre_detect.evaluation.baselines`);
* ``data``: a JSON-lines or CSV file with ``text`` and ``label`` columns and an optional ``source`` column (names
  mappable), read through ``datasets`` offline, a list of :class:`~genre_detect.training.data.Document`, or a
  :class:`LabelledSet`.

Fine-tuned models are scored through :meth:`Detector.predict`, the one pipeline; there is no second copy here.
Texts are cut to their first ``max_words`` words before any model sees them (default 2,000, stated in the result)
so that a run over long analyses takes minutes; ``cut_words`` cuts further for length-matched evaluation.

For error analysis the result keeps one record per document (:attr:`EvalResult.documents`: id, gold label,
satire probability, verdict, genre, whether it overlaps the model's training data), and :func:`compare` runs a
paired bootstrap of two results on the same documents. A model directory with a training fingerprint
(:mod:`genre_detect.evaluation.fingerprint`) has every text checked against it: ``n_training_overlap`` counts the texts
the model was trained on, and the ``*_unseen`` scores leave them out.

Example:
    >>> r = evaluate("shipped", "labelled.jsonl")                # doctest: +SKIP
    >>> r.scores["macro_f1"], r.scores["ece"]                   # doctest: +SKIP
    >>> r.tables["by_source"][0]                                # doctest: +SKIP
    >>> r.documents[0]["verdict"], r.scores["n_training_overlap"]   # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import GenreDetectError, InputError, UsageError, require
from . import metrics as M
from .fingerprint import OVERLAP_THRESHOLD

__all__ = [
    "DEFAULT_MAX_WORDS",
    "NEGATIVE_LABELS",
    "POSITIVE_LABELS",
    "EvalResult",
    "LabelledSet",
    "compare",
    "evaluate",
    "first_words",
    "load_labelled",
    "resolve_model",
    "score_texts",
]

DEFAULT_MAX_WORDS = 2000
# Label values read as satire / as sincere when a file's labels are strings or numbers. Anything else is an error
# unless the caller names the positive labels, so that a typo never silently becomes "sincere".
POSITIVE_LABELS = frozenset({"satire", "parody", "1", "true", "yes"})
NEGATIVE_LABELS = frozenset({"sincere", "not_satire", "opinion", "reporting", "news", "real", "fake", "editorial",
                             "0", "false", "no"})
_GENRES = ("opinion", "reporting", "satire")
_WORD = re.compile(r"\S+")


def first_words(text: str, n: int | None) -> str:
    """``text`` up to the end of its ``n``-th word, layout kept (``None``: unchanged).

    Example:
        >>> first_words("one two\\nthree four", 3)
        'one two\\nthree'
    """
    if n is None:
        return text
    for i, m in enumerate(_WORD.finditer(text), 1):
        if i == n:
            return text[: m.end()]
    return text


@dataclass
class LabelledSet:
    """Texts with binary labels (1 = satire) and, where known, genre, source and publisher per text."""

    texts: list[str]
    y: np.ndarray
    genres: list[str] | None = None
    sources: list[str] | None = None
    publishers: list[str] | None = None
    ids: list[str] | None = None
    doc_words: list[int] = field(default_factory=list)
    name: str = "data"

    def __post_init__(self) -> None:
        self.y = np.asarray(self.y, dtype=int)
        if not self.doc_words:
            self.doc_words = [len(_WORD.findall(t)) for t in self.texts]

    def __len__(self) -> int:
        return len(self.texts)

    @classmethod
    def from_documents(cls, docs: Sequence, name: str = "documents") -> LabelledSet:
        """From :class:`genre_detect.training.data.Document` objects (genre, source and publisher included)."""
        return cls([d.text for d in docs], np.array([d.satire for d in docs]), [d.genre for d in docs],
                   [d.source for d in docs], [d.publisher for d in docs], [d.id for d in docs], name=name)

    def subset(self, keep: Sequence[bool] | np.ndarray) -> LabelledSet:
        keep = np.asarray(keep, dtype=bool)

        def pick(xs):
            return None if xs is None else [x for x, k in zip(xs, keep) if k]

        return LabelledSet(pick(self.texts), self.y[keep], pick(self.genres), pick(self.sources),
                           pick(self.publishers), pick(self.ids), pick(self.doc_words), self.name)

    def cut(self, n_words: int | None) -> LabelledSet:
        """The same set with every text cut to its first ``n_words`` words; ``doc_words`` keeps the full lengths."""
        if n_words is None:
            return self
        return LabelledSet([first_words(t, n_words) for t in self.texts], self.y, self.genres, self.sources,
                           self.publishers, self.ids, list(self.doc_words), self.name)


def _as_label(value: Any, positive: frozenset[str] | None, source: str) -> int:
    if isinstance(value, float) and value.is_integer():  # CSV readers turn a 0/1 column with gaps into floats
        value = int(value)
    key = str(value).strip().lower()
    if positive is not None:
        return int(key in positive)
    if key in POSITIVE_LABELS:
        return 1
    if key in NEGATIVE_LABELS:
        return 0
    raise GenreDetectError("E500", f"unknown label {value!r}; name the satire labels (positive_labels / "
                                   f"--positive) or use satire/sincere", source=source)


def load_labelled(path: str | Path, text_column: str = "text", label_column: str = "label",
                  source_column: str | None = "source", genre_column: str | None = None,
                  positive_labels: Sequence[str] | None = None, id_column: str | None = "id") -> LabelledSet:
    """Read a labelled ``.jsonl``/``.json``/``.csv``/``.tsv`` file through ``datasets`` (offline).

    ``source_column`` and ``id_column`` are optional in the file (no source: no source slices; no id: each row is
    named ``FILE:ROW``, rows counted from 1). When ``genre_column`` is not given and the labels are genre names
    (``opinion``/``reporting``/``satire``), they are kept as genres too. Rows with an empty text are dropped.

    Example:
        >>> ds = load_labelled("mine.csv", text_column="body", label_column="is_satire")   # doctest: +SKIP
    """
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    path = Path(path)
    if not path.is_file():
        raise GenreDetectError("E500", "labelled data file not found", source=str(path))
    suffix = path.suffix.lower()
    builders = {".jsonl": ("json", {}), ".json": ("json", {}), ".csv": ("csv", {}), ".tsv": ("csv", {"sep": "\t"})}
    if suffix not in builders:
        raise GenreDetectError("E500", "expected a .jsonl, .json, .csv or .tsv file", source=str(path))
    datasets = require("datasets", "eval")
    builder, kwargs = builders[suffix]
    ds_logger = logging.getLogger("datasets")
    level = ds_logger.level
    # datasets logs a malformed file at ERROR level, traceback included, before raising; the user gets our one
    # coded line instead.
    ds_logger.setLevel(logging.CRITICAL)
    try:
        ds = datasets.load_dataset(builder, data_files=str(path), split="train", **kwargs)
    except Exception as exc:  # noqa: BLE001 - datasets raises many types for a malformed file; one line each
        root: BaseException = exc
        while root.__cause__ is not None or root.__context__ is not None:
            root = root.__cause__ or root.__context__
        msg = (str(root).strip().splitlines() or [type(root).__name__])[0]
        raise GenreDetectError("E500", f"cannot read labelled data: {msg[:200]}", source=str(path)) from None
    finally:
        ds_logger.setLevel(level)
    cols = set(ds.column_names)
    for what, col in (("text", text_column), ("label", label_column)):
        if col not in cols:
            raise GenreDetectError("E500", f"no {what} column {col!r}; columns: {', '.join(sorted(cols))}",
                                   source=str(path))
    if genre_column and genre_column not in cols:
        raise GenreDetectError("E500", f"no genre column {genre_column!r}", source=str(path))
    positive = frozenset(str(v).strip().lower() for v in positive_labels) if positive_labels else None
    src_col = ds[source_column] if source_column in cols else None
    genre_col = ds[genre_column] if genre_column else None
    id_col = ds[id_column] if id_column in cols else None
    texts, ys, genres, sources, ids = [], [], [], [], []
    for i, (text, label) in enumerate(zip(ds[text_column], ds[label_column])):
        if not isinstance(text, str) or not any(ch.isalnum() for ch in text):
            continue
        texts.append(text)
        ids.append(str(id_col[i]) if id_col is not None and id_col[i] is not None else f"{path.name}:{i + 1}")
        ys.append(_as_label(label, positive, f"{path}:{i + 1}"))
        if genre_col is not None:
            genres.append(str(genre_col[i]).strip().lower())
        elif str(label).strip().lower() in _GENRES:
            genres.append(str(label).strip().lower())
        if src_col is not None:
            sources.append(str(src_col[i]))
    if not texts:
        raise GenreDetectError("E500", "no rows with text", source=str(path))
    return LabelledSet(texts, np.array(ys), genres if len(genres) == len(texts) else None,
                       sources if src_col is not None else None, ids=ids, name=path.name)


# -- models -----------------------------------------------------------------------------------------------------
@dataclass
class Scored:
    """What a model said about each text."""

    prob: np.ndarray
    threshold: float
    genre_probs: np.ndarray | None = None
    genre_labels: list[str] | None = None
    uncertain: np.ndarray | None = None
    uncertain_band: float | None = None
    labels: list[str] | None = None
    genres: list[str] | None = None


def _is_detector(model: Any) -> bool:
    return hasattr(model, "predict_prepared") and hasattr(model, "settings")


def resolve_model(model: Any = None, train: Any = None, seed: int = 0, max_words: int | None = DEFAULT_MAX_WORDS,
                  **data_kwargs) -> tuple[str, Any]:
    """Turn ``model`` (see :func:`evaluate`) into ``(name, ready model)``; fits a baseline on ``train`` if needed."""
    from .baselines import BASELINES, Baseline, make_baseline

    if model is None or model == "shipped":
        from ..pipeline.detector import Detector

        det = Detector.load()
        return det.model_dir.name, det
    if _is_detector(model):
        return model.model_dir.name, model
    if isinstance(model, str) and model in BASELINES:
        model = make_baseline(model, seed=seed)
    if isinstance(model, Baseline):
        if not hasattr(model, "model_"):
            if train is None:
                raise UsageError("E300", f"baseline {model.name!r} needs training data (train=...)")
            tr = _as_set(train, **data_kwargs).cut(max_words)
            model.fit(tr.texts, tr.y)
        return model.name, model
    if isinstance(model, (str, Path)):
        from ..pipeline.detector import Detector

        det = Detector.load(model)
        return Path(model).name, det
    raise UsageError("E300", f"cannot evaluate a {type(model).__name__}: give a model directory, a Detector or a "
                             "baseline")


def score_texts(model: Any, texts: Sequence[str], progress: Callable[[int, int], None] | None = None,
                chunk: int = 32) -> Scored:
    """Satire probabilities (and, for a Detector, genre probabilities and ``uncertain`` flags) for ``texts``.

    A Detector is called through :meth:`Detector.predict`, ``chunk`` texts at a time so that progress can be shown
    and memory stays bounded; windows of a chunk share batches.
    """
    if _is_detector(model):
        probs, genre, unc, verdicts, genres = [], [], [], [], []
        labels = list(model.labels)
        for k in range(0, len(texts), chunk):
            for i, p in enumerate(model.predict(list(texts[k : k + chunk]))):
                if not p.ok:
                    raise p.to_exception() if p.id else InputError(p.code, p.message, source=f"text {k + i + 1}")
                probs.append(p.satire_probability)
                genre.append([p.genre_scores[g] for g in labels])
                unc.append(p.uncertain)
                verdicts.append(p.label)
                genres.append(p.genre)
            if progress:
                progress(min(k + chunk, len(texts)), len(texts))
        s = model.settings
        return Scored(np.array(probs, dtype=float), s.threshold, np.array(genre).reshape(len(texts), len(labels)),
                      labels, np.array(unc, dtype=bool), s.uncertain_band, verdicts, genres)
    prob = np.asarray(model.satire_proba(list(texts)), dtype=float)
    if progress:
        progress(len(texts), len(texts))
    return Scored(prob, 0.5, labels=["satire" if x >= 0.5 else "sincere" for x in prob])


def _as_set(data: Any, **kwargs) -> LabelledSet:
    if isinstance(data, LabelledSet):
        return data
    if isinstance(data, (str, Path)):
        return load_labelled(data, **kwargs)
    if isinstance(data, (list, tuple)) and data and hasattr(data[0], "genre"):
        return LabelledSet.from_documents(data)
    raise UsageError("E300", "data must be a labelled file, a list of Documents or a LabelledSet")


# -- evaluation -------------------------------------------------------------------------------------------------
@dataclass
class EvalResult:
    """The outcome of :func:`evaluate`.

    Attributes:
        model: model name (directory name or baseline name).
        data: data set name.
        scores: flat dict of numbers (``accuracy``, ``macro_f1``, ``macro_f1_ci_low`` ... ``ece``, ``genre_macro_f1``,
            ``coverage_uncertain`` ...); ``None`` where undefined (AUC on a one-class set).
        tables: ``per_class``, ``confusion``, ``reliability``, ``threshold_sweep``, ``risk_coverage``,
            ``by_source``, ``by_publisher``, ``by_length``, ``genre_per_class``, ``genre_confusion`` (lists/dicts).
        y, prob: labels and satire probabilities, for plots.
        documents: one record per scored document, in order (see :data:`DOCUMENT_KEYS`): ``id``, ``gold``
            (satire/sincere), ``gold_genre`` and ``source`` (``None`` when unknown), ``satire_probability``,
            ``label``, ``uncertain``, ``verdict`` (``label``, or ``uncertain``), ``genre``, ``correct``, ``words``
            and ``training_overlap`` (share of the text found in the model's training data; ``None``: not checked).
    """

    model: str
    data: str
    scores: dict[str, Any]
    tables: dict[str, Any]
    y: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))
    prob: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))
    documents: list[dict[str, Any]] = field(repr=False, default_factory=list)

    def to_dict(self, with_predictions: bool = False) -> dict[str, Any]:
        """JSON-ready: model, data, scores, tables (and labels/probabilities when asked)."""
        out = {"model": self.model, "data": self.data, "scores": self.scores, "tables": self.tables}
        if with_predictions:
            out["y"] = self.y.tolist()
            out["prob"] = [round(float(p), 6) for p in self.prob]
        return out

    def write_documents(self, path: str | Path) -> Path:
        """Write :attr:`documents` as JSON lines (one per document, in input order); returns the path."""
        path = Path(path)
        with path.open("w", encoding="utf-8") as fh:
            for d in self.documents:
                fh.write(json.dumps(d, ensure_ascii=False) + "\n")
        return path


# The keys of every per-document record, in order.
DOCUMENT_KEYS = ("id", "gold", "gold_genre", "source", "satire_probability", "label", "uncertain", "verdict",
                 "genre", "correct", "words", "training_overlap")


def evaluate(model: Any = None, data: Any = None, *, train: Any = None, text_column: str = "text",
             label_column: str = "label", source_column: str | None = "source", genre_column: str | None = None,
             positive_labels: Sequence[str] | None = None, max_words: int | None = DEFAULT_MAX_WORDS,
             cut_words: int | None = None, n_boot: int = 1000, seed: int = 0, n_bins: int = M.N_BINS,
             progress: Callable[[int, int], None] | None = None, fingerprint: Any = "auto",
             id_column: str | None = "id") -> EvalResult:
    """Score ``model`` on ``data`` and return an :class:`EvalResult` (see the module docstring for the inputs).

    Args:
        train: training data for a baseline given by name or unfitted (same forms as ``data``).
        text_column, label_column, source_column, genre_column, positive_labels: how to read a labelled file.
        max_words: every text (and every baseline training text) is cut to its first ``max_words`` words
            (``None``: no cap; texts past the detector's size limit are then left out and counted in
            ``n_refused``).
        cut_words: length-matched evaluation: cut test texts further, to their first ``cut_words`` words.
        n_boot: bootstrap resamples for the 95% intervals (0: none); ``seed`` seeds them.
        n_bins: bins of the calibration error and reliability table.
        progress: called with ``(done, total)`` while a Detector scores.
        fingerprint: the training data to check overlap against: ``"auto"`` (the model directory's
            ``training_fingerprint.npz``, or for a baseline fitted here its ``train`` texts), a
            :class:`~genre_detect.evaluation.fingerprint.Fingerprint`, or ``None`` (no check).
        id_column: column of a file that names each row (optional in the file).

    Example:
        >>> r = evaluate("tfidf", "test.jsonl", train="train.jsonl", cut_words=250)    # doctest: +SKIP
        >>> r.scores["roc_auc"], r.scores["roc_auc_ci_low"]                           # doctest: +SKIP
    """
    if data is None:
        raise UsageError("E300", "no data to evaluate on")
    t0 = time.perf_counter()
    read = {"text_column": text_column, "label_column": label_column, "source_column": source_column,
            "genre_column": genre_column, "positive_labels": positive_labels}
    ds = _as_set(data, **read, id_column=id_column)
    train_set = None if train is None else _as_set(train, **read).cut(max_words)
    name, ready = resolve_model(model, train=train_set, seed=seed, max_words=max_words, **read)
    limit = min(x for x in (max_words, cut_words) if x is not None) if (max_words or cut_words) else None
    ds = ds.cut(limit)
    n_refused = 0
    if _is_detector(ready):
        # Texts the detector refuses (only possible without a word cap: past its character limit) are left out
        # for this model and counted, never silently scored as something else.
        ok = []
        for t in ds.texts:
            try:
                ready.check_text(t)
                ok.append(True)
            except InputError:
                ok.append(False)
        n_refused = len(ok) - sum(ok)
        ds = ds.subset(ok)
    if len(ds) == 0:
        raise GenreDetectError("E500", "nothing left to evaluate", source=ds.name)
    scored = score_texts(ready, ds.texts, progress)
    y, p, thr = ds.y, scored.prob, scored.threshold
    fp = _fingerprint(fingerprint, ready, train_set)
    overlap = fp.overlap(ds.texts) if fp is not None else None

    scores: dict[str, Any] = M.binary_scores(y, p, thr, n_bins)
    for metric, ci in M.bootstrap_ci(y, p, thr, n_boot=n_boot, seed=seed).items():
        scores[f"{metric}_ci_low"], scores[f"{metric}_ci_high"] = ci if ci else (None, None)
    scores.update({"threshold": thr, "max_words": max_words, "cut_words": cut_words, "n_refused": n_refused,
                   "n_boot": n_boot})
    tables: dict[str, Any] = {
        "per_class": [{"class": c, "precision": scores[f"precision_{c}"], "recall": scores[f"recall_{c}"],
                       "f1": scores[f"f1_{c}"], "support": int((y == (c == "satire")).sum())}
                      for c in ("sincere", "satire")],
        "confusion": M.confusion(y, p, thr),
        "reliability": M.reliability_table(y, p, n_bins),
        "threshold_sweep": M.threshold_sweep(y, p),
        "risk_coverage": M.risk_coverage(y, p, thr),
        "by_length": M.slice_table(y, p, [M.length_bucket(n) for n in ds.doc_words], thr, M.bucket_names()),
    }
    if ds.sources and all(ds.sources):
        tables["by_source"] = M.slice_table(y, p, ds.sources, thr)
    if ds.publishers:
        tables["by_publisher"] = M.slice_table(y, p, ds.publishers, thr)
    if scored.uncertain is not None:
        # The model's own abstention: set aside what it marks uncertain and score the rest.
        ab = M.abstention(y, p, scored.uncertain, thr)
        scores.update({"uncertain_band": scored.uncertain_band, "n_uncertain": int(scored.uncertain.sum()),
                       "coverage_uncertain": ab["coverage"], "accuracy_uncertain": ab["accuracy"]})
    if scored.genre_probs is not None and ds.genres:
        # Predicted genres follow the verdict rule (genre_detect.pipeline.verdict), as every Prediction does.
        g = M.genre_scores(ds.genres, scored.genre_probs, scored.genre_labels, pred=scored.genres)
        scores.update({"genre_accuracy": g["genre_accuracy"], "genre_macro_f1": g["genre_macro_f1"]})
        tables["genre_per_class"], tables["genre_confusion"] = g["per_class"], g["confusion"]
    scores["training_overlap_checked"] = overlap is not None
    if overlap is not None:
        seen = np.array([v >= OVERLAP_THRESHOLD for v in overlap], dtype=bool)
        scores["n_training_overlap"] = int(seen.sum())
        if seen.any() and not seen.all():
            # The same scores on the texts the model was not trained on: the ones to quote.
            unseen = M.binary_scores(y[~seen], p[~seen], thr, n_bins)
            scores.update({"n_unseen": int((~seen).sum()), "accuracy_unseen": unseen["accuracy"],
                           "macro_f1_unseen": unseen["macro_f1"], "roc_auc_unseen": unseen["roc_auc"]})
    scores["seconds"] = round(time.perf_counter() - t0, 2)
    # JSON has no NaN or infinity; every float left undefined is None.
    scores = {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in scores.items()}
    docs = _documents(ds, scored, overlap)
    return EvalResult(name, ds.name, scores, tables, y, p, docs)


def _fingerprint(spec: Any, model: Any, train_set: LabelledSet | None):
    from .fingerprint import Fingerprint

    if spec is None or isinstance(spec, Fingerprint):
        return spec
    if spec != "auto":
        raise UsageError("E300", "fingerprint must be 'auto', None or a Fingerprint")
    if _is_detector(model):
        return Fingerprint.from_model_dir(model.model_dir)
    if train_set is not None:
        return Fingerprint.build(train_set.texts)
    return None


def _documents(ds: LabelledSet, scored: Scored, overlap: list[float] | None) -> list[dict[str, Any]]:
    """One record per document for error analysis (:data:`DOCUMENT_KEYS`)."""
    out = []
    labels = scored.labels or ["satire" if x >= scored.threshold else "sincere" for x in scored.prob]
    for i in range(len(ds)):
        gold = "satire" if ds.y[i] == 1 else "sincere"
        unc = None if scored.uncertain is None else bool(scored.uncertain[i])
        out.append({
            "id": ds.ids[i] if ds.ids else f"{ds.name}:{i + 1}",
            "gold": gold,
            "gold_genre": ds.genres[i] if ds.genres else None,
            "source": ds.sources[i] if ds.sources else None,
            "satire_probability": round(float(scored.prob[i]), 6),
            "label": labels[i],
            "uncertain": unc,
            "verdict": "uncertain" if unc else labels[i],
            "genre": scored.genres[i] if scored.genres else None,
            "correct": labels[i] == gold,
            "words": int(ds.doc_words[i]),
            "training_overlap": None if overlap is None else round(float(overlap[i]), 4),
        })
    return out


def compare(baseline: EvalResult, candidate: EvalResult, n_boot: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Paired bootstrap of two evaluations of the same documents (:mod:`genre_detect.evaluation.bootstrap`): the
    difference candidate minus baseline in accuracy, macro-F1, ROC-AUC, Brier and ECE, each model at its own threshold.

    Documents are matched by id; those only one side scored are left out and counted (``n_unmatched``).

    Example:
        >>> a, b = evaluate("models/a", "test.jsonl"), evaluate("models/b", "test.jsonl")   # doctest: +SKIP
        >>> compare(a, b)["rows"][1]["difference"]                                           # doctest: +SKIP
    """
    from .bootstrap import paired_bootstrap

    pos_b = {d["id"]: i for i, d in enumerate(baseline.documents)}
    pairs = [(pos_b[d["id"]], j) for j, d in enumerate(candidate.documents) if d["id"] in pos_b]
    if not pairs:
        raise GenreDetectError("E500", "the two evaluations share no documents")
    ib, ic = (np.array(x, dtype=int) for x in zip(*pairs))
    y = baseline.y[ib]
    if not np.array_equal(y, candidate.y[ic]):
        raise GenreDetectError("E500", "the two evaluations disagree on the gold labels of the same ids")
    pb, pc = baseline.prob[ib], candidate.prob[ic]
    tb, tc = baseline.scores["threshold"], candidate.scores["threshold"]
    keys = ["accuracy", "macro_f1", "roc_auc", "brier", "ece"]
    sklearn = require("sklearn", "eval")

    def scorer(p: np.ndarray, t: float) -> Callable[[np.ndarray], dict[str, float]]:
        return lambda idx: {k: M.BOOT_METRICS[k](y[idx], p[idx], t) for k in keys}

    with sklearn.config_context(skip_parameter_validation=True, assume_finite=True):
        rows = paired_bootstrap(scorer(pb, tb), scorer(pc, tc), len(y), keys, boot=n_boot, seed=seed)
    n_unmatched = len(baseline.documents) + len(candidate.documents) - 2 * len(pairs)
    return {"baseline": baseline.model, "candidate": candidate.model, "n": len(y), "n_unmatched": n_unmatched,
            "boot": n_boot, "seed": seed, "rows": rows}
