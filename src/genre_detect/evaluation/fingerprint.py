"""A compact fingerprint of a model's training documents, and how much of a new text overlaps them.

Nobody should publish a score on text the model was trained on. The model directory keeps
``training_fingerprint.npz``: hashes of normalised word shingles of every training document (no text), so that
``genre-detect eval`` and ``predict --json`` can say which inputs the model has already seen.

* **Shingles.** A text is NFKC-normalised and case-folded, split into words (``\\w+``), and every run of
  :data:`SHINGLE_WORDS` consecutive words is hashed to 64 bits (a text shorter than that is one shingle).
* **Sample.** Storing every shingle of five million training words would take 40 MB. The file keeps the shingles
  whose hash falls below a fixed cut (one in :data:`SAMPLE_ONE_IN`, the same shingles for every text: a sample that
  does not depend on the document, so a copy of a training text has the same sampled shingles), plus each
  document's smallest hash (so that every headline is in it). For the shipped model's training fold that is about
  1.2 MB.
* **Overlap.** For a new text, the share of its sampled shingles found in the fingerprint: near 1 for a training
  document (or its first N words), near 0 for unseen text. A text with fewer than :data:`MIN_SAMPLED` sampled
  shingles (under about 150 words) counts as overlapping when any of its shingles is in the fingerprint.

A maintained near-duplicate library (datasketch's MinHash LSH) stores a signature per document: megabytes for the
27,000 training documents, and it estimates resemblance of whole documents rather than how much of a short text is
contained in a long one; the sampled shingle set does the one job needed here in a small file.

Example:
    >>> fp = Fingerprint.build(["The council approved the budget for the new library on Tuesday evening."])
    >>> fp.overlap(["The council approved the budget for the new library on Tuesday evening.",
    ...             "A completely different sentence about the weather in the mountains this week."])
    [1.0, 0.0]
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "FINGERPRINT_FILE",
    "MIN_SAMPLED",
    "OVERLAP_THRESHOLD",
    "SAMPLE_ONE_IN",
    "SHINGLE_WORDS",
    "Fingerprint",
    "shingle_hashes",
    "training_texts",
    "write_fingerprint",
]

FINGERPRINT_FILE = "training_fingerprint.npz"
FINGERPRINT_VERSION = 1
SHINGLE_WORDS = 8
SAMPLE_ONE_IN = 40
MIN_SAMPLED = 3
# A text counts as overlapping the training data when at least this share of its sampled shingles is in it.
OVERLAP_THRESHOLD = 0.5

_WORD = re.compile(r"\w+")
_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads the rolling sums over all 64 bits (so a cut on the value is a fair sample)."""
    x = x.copy()
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


def shingle_hashes(text: str, n: int = SHINGLE_WORDS, _cache: dict[str, int] | None = None) -> np.ndarray:
    """Unique 64-bit hashes of the ``n``-word shingles of ``text`` (normalised as above), sorted.

    Word hashes come from BLAKE2b, so they are the same on every machine and Python version; a shingle's hash is
    a polynomial over its words' hashes (mod 2^64), mixed.

    Example:
        >>> len(shingle_hashes("one two three four five six seven eight nine ten", n=8))
        3
        >>> bool((shingle_hashes("Hello, World!") == shingle_hashes("hello world")).all())
        True
    """
    words = _words(text)
    if not words:
        return np.zeros(0, dtype=np.uint64)
    cache = _cache if _cache is not None else {}
    ids = np.empty(len(words), dtype=np.uint64)
    for i, w in enumerate(words):
        h = cache.get(w)
        if h is None:
            h = int.from_bytes(hashlib.blake2b(w.encode("utf-8"), digest_size=8).digest(), "little")
            cache[w] = h
        ids[i] = h
    k = min(n, len(words))
    acc = np.zeros(len(words) - k + 1, dtype=np.uint64)
    mult = np.uint64(0x100000001B3)  # the FNV prime: odd, so the polynomial keeps every word's bits
    with np.errstate(over="ignore"):
        for j in range(k):
            acc = acc * mult + ids[j : j + len(acc)]
        return np.unique(_mix(acc))


@dataclass
class Fingerprint:
    """Sorted sampled shingle hashes of a set of training documents, with how they were made.

    Attributes:
        hashes: sorted unique ``uint64`` hashes.
        shingle_words: words per shingle.
        sample_one_in: the share of shingles kept (hash below ``2**64 / sample_one_in``).
        meta: counts and provenance (documents, words, shingles, what they were drawn from).
    """

    hashes: np.ndarray
    shingle_words: int = SHINGLE_WORDS
    sample_one_in: int = SAMPLE_ONE_IN
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def cut(self) -> np.uint64:
        return np.uint64((1 << 64) // self.sample_one_in)

    @classmethod
    def build(cls, texts: Iterable[str], shingle_words: int = SHINGLE_WORDS, sample_one_in: int = SAMPLE_ONE_IN,
              meta: dict[str, Any] | None = None) -> Fingerprint:
        """Fingerprint ``texts``: each text's shingles below the cut, and its smallest shingle."""
        cut = np.uint64((1 << 64) // sample_one_in)
        cache: dict[str, int] = {}
        parts, n_texts, n_docs, n_shingles = [], 0, 0, 0
        for text in texts:
            n_texts += 1
            h = shingle_hashes(text, shingle_words, cache)
            if not len(h):
                continue
            n_docs += 1
            n_shingles += len(h)
            parts.append(h[h < cut])
            parts.append(h[:1])  # sorted: the document's smallest hash
        hashes = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.uint64)
        # "texts": how many were given; "documents": those with at least one word.
        info = {"texts": n_texts, "documents": n_docs, "shingles": n_shingles, "stored": len(hashes)}
        info.update(meta or {})
        return cls(hashes, shingle_words, sample_one_in, info)

    def overlap(self, texts: Sequence[str]) -> list[float]:
        """For each text, the share of its sampled shingles found in the fingerprint (0 to 1).

        With fewer than :data:`MIN_SAMPLED` sampled shingles the answer is 1.0 when any shingle is found, else 0.0.
        """
        cache: dict[str, int] = {}
        out = []
        for text in texts:
            h = shingle_hashes(text, self.shingle_words, cache)
            if not len(h):
                out.append(0.0)
                continue
            found = np.isin(h, self.hashes, assume_unique=True)
            sampled = h < self.cut
            if sampled.sum() >= MIN_SAMPLED:
                out.append(float(found[sampled].mean()))
            else:
                out.append(1.0 if found.any() else 0.0)
        return out

    def overlaps(self, texts: Sequence[str], threshold: float = OVERLAP_THRESHOLD) -> list[bool]:
        """Whether each text overlaps the training data (:meth:`overlap` at or above ``threshold``)."""
        return [v >= threshold for v in self.overlap(texts)]

    # -- file -----------------------------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the ``.npz`` (no pickle: a uint64 array and a JSON string)."""
        path = Path(path)
        header = {"version": FINGERPRINT_VERSION, "shingle_words": self.shingle_words,
                  "sample_one_in": self.sample_one_in, **self.meta}
        buf = io.BytesIO()
        np.savez(buf, hashes=np.ascontiguousarray(self.hashes, dtype="<u8"), meta=np.array(json.dumps(header)))
        path.write_bytes(buf.getvalue())
        return path

    @classmethod
    def load(cls, path: str | Path) -> Fingerprint:
        """Read a file written by :meth:`save`; a corrupt one raises :class:`~genre_detect.errors.ModelError`."""
        from ..errors import ModelError

        try:
            with np.load(path, allow_pickle=False) as z:
                hashes = z["hashes"].astype(np.uint64)
                header = json.loads(str(z["meta"]))
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise ModelError("E201", f"cannot read {Path(path).name}: {exc}", source=str(Path(path).parent)) from None
        shingle_words = int(header.pop("shingle_words", SHINGLE_WORDS))
        sample_one_in = int(header.pop("sample_one_in", SAMPLE_ONE_IN))
        return cls(hashes, shingle_words, sample_one_in, header)

    @classmethod
    def from_model_dir(cls, model_dir: str | Path) -> Fingerprint | None:
        """The fingerprint of a model directory, or ``None`` when it has none (overlap then cannot be checked)."""
        path = Path(model_dir) / FINGERPRINT_FILE
        return cls.load(path) if path.is_file() else None


def write_fingerprint(model_dir: str | Path, texts: Iterable[str], **meta: Any) -> Path:
    """Fingerprint the training ``texts`` into ``model_dir/training_fingerprint.npz``; returns the path.

    Keyword arguments are recorded in the file's header (e.g. ``recipe="training/minilm.yaml"``).

    Example:
        >>> write_fingerprint("runs/minilm/model", [d.text for d in train_docs], recipe="training/minilm.yaml")
        ... # doctest: +SKIP
    """
    return Fingerprint.build(texts, meta=meta).save(Path(model_dir) / FINGERPRINT_FILE)


def training_texts(args: Any, folds: dict | None = None) -> list[str]:
    """The texts of the training fold of a recipe (:class:`~genre_detect.training.TrainingArguments`), drawn as
    :func:`genre_detect.training.train` draws them (:func:`~genre_detect.training.data.recipe_folds`, or ``folds``
    already drawn by it; :func:`~genre_detect.training.data.training_fold`), plus the hand-written pairs of
    ``written_writers``. The synthetic parody and splice documents are left out: they are made of sentences of these
    documents.

    Example:
        >>> texts = training_texts(TrainingArguments.from_file("training/minilm.yaml"))   # doctest: +SKIP
    """
    from ..training.data import recipe_folds, training_fold

    texts = [d.text for d in training_fold(args, folds if folds is not None else recipe_folds(args))]
    if args.written_writers:
        from ..training.trainer import written_documents

        texts += [d.text for d in written_documents(args.written_dir, args.written_writers)]
    return texts
