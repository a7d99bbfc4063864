"""Hand-written minimal pairs: deadpan parody of policy analysis and its sincere twin, by writer.

The pairs live in the repository (``training/data/written/<writer>/NN_satire.txt`` and ``NN_sincere.txt``), written
for this project: no text comes from a data set or from the seed documents. Each writer is a unit that is held out
whole, like a publisher: some writers' pairs train the model, one writer's pairs choose between models, and another's
(with ``eval/data/register_pairs.jsonl``) confirm the choice.

Scoring pairs (``eval/register_check.py``, and ``training/card.py`` for the model card) goes through rows of one
shape, ``{"id", "label", "topic", "text"}``, parody then twin: :func:`load_pairs` reads the register pairs file,
:func:`load_written_rows` a writer's pairs, :func:`check` scores them with a Detector and :func:`summarise` counts.

Example:
    >>> pairs = load_written_pairs("training/data/written", ["w1"])   # doctest: +SKIP
    >>> pairs[0].label, pairs[1].label                                 # doctest: +SKIP
    ('satire', 'sincere')
    >>> check(Detector.load(), load_pairs())[1]["pairs_ranked"]        # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import UsageError

if TYPE_CHECKING:
    from ..pipeline.detector import Detector

__all__ = [
    "DEFAULT_WRITTEN_DIR",
    "HELD_OUT_WRITERS",
    "REGISTER_PAIRS",
    "WrittenText",
    "check",
    "check_training_writers",
    "load_pairs",
    "load_written_pairs",
    "load_written_rows",
    "summarise",
    "writers_in",
]

DEFAULT_WRITTEN_DIR = "training/data/written"
# Ten short parodies of policy commentary with sincere twins (session 9): a test set, never trained on.
REGISTER_PAIRS = "eval/data/register_pairs.jsonl"
# Writers whose pairs no model may train on: w7 chooses between candidate models, w8 confirms the choice.
HELD_OUT_WRITERS = {"w7": "dev", "w8": "test"}
_NAME = re.compile(r"^(\d+)_(satire|sincere)\.txt$")


@dataclass(frozen=True)
class WrittenText:
    """One side of a pair. ``label`` is ``satire`` or ``sincere``; ``pair`` is ``<writer>:<NN>``."""

    id: str
    writer: str
    pair: str
    label: str
    title: str
    text: str


def writers_in(root: str | Path) -> list[str]:
    """The writer folders under ``root``, sorted."""
    base = Path(root)
    if not base.is_dir():
        raise UsageError("E300", f"no folder of written pairs at {base}")
    return sorted(p.name for p in base.iterdir() if p.is_dir())


def check_training_writers(writers: list[str]) -> None:
    """Refuse a training run that would learn from a held-out writer's pairs."""
    bad = [w for w in writers if w in HELD_OUT_WRITERS]
    if bad:
        raise UsageError("E300", "writers " + ", ".join(f"{w} ({HELD_OUT_WRITERS[w]})" for w in bad)
                         + " are held out for choosing and testing models; train on the others")


def load_written_pairs(root: str | Path, writers: list[str]) -> list[WrittenText]:
    """Both sides of every pair of ``writers``, parody first then its twin, in writer and pair order.

    Raises a coded error for an unknown writer, a file that is not ``NN_satire.txt``/``NN_sincere.txt``, a pair with a
    side missing, or an empty file: a training run must not go on with half a pair.
    """
    base = Path(root)
    known = writers_in(base)
    out: list[WrittenText] = []
    for writer in writers:
        if writer not in known:
            raise UsageError("E300", f"no writer {writer!r} under {base} (have: {', '.join(known) or 'none'})")
        sides: dict[str, dict[str, Path]] = {}
        for path in sorted((base / writer).iterdir()):
            m = _NAME.match(path.name)
            if not m:
                raise UsageError("E300", f"{path}: expected NN_satire.txt or NN_sincere.txt")
            sides.setdefault(m.group(1), {})[m.group(2)] = path
        for nn, pair in sorted(sides.items()):
            if set(pair) != {"satire", "sincere"}:
                raise UsageError("E300", f"{base / writer}: pair {nn} has only its {', '.join(pair)} side")
            for label in ("satire", "sincere"):
                text = pair[label].read_text(encoding="utf-8").strip()
                if not text:
                    raise UsageError("E300", f"{pair[label]} is empty")
                title = text.splitlines()[0].strip()
                out.append(WrittenText(f"{writer}:{nn}:{label}", writer, f"{writer}:{nn}", label, title, text))
    return out


def load_pairs(path: str | Path = REGISTER_PAIRS) -> list[dict]:
    """The rows of a pairs file (JSON lines with ``id``, ``label``, ``text``): parody then its twin, alternating."""
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def load_written_rows(root: str | Path, writers: list[str]) -> list[dict]:
    """Hand-written pairs of ``writers`` as rows of the same shape as :func:`load_pairs`' (topic: the title)."""
    return [{"id": t.id, "label": t.label, "topic": t.title[:60], "text": t.text}
            for t in load_written_pairs(root, writers)]


def summarise(probs: np.ndarray, rows: list[dict], threshold: float) -> dict:
    """Mean satire probability and calls per side, and in how many pairs the parody outscored its own twin.

    Example:
        >>> rows = [{"label": "satire"}, {"label": "sincere"}]
        >>> summarise(np.array([0.7, 0.2]), rows, 0.5)["pairs_ranked"]
        1
    """
    y = np.array([r["label"] == "satire" for r in rows])
    p = np.asarray(probs)
    return {"n_parody": int(y.sum()), "n_sincere": int((~y).sum()), "parody_mean": float(p[y].mean()),
            "parody_called": int((p[y] >= threshold).sum()), "sincere_mean": float(p[~y].mean()),
            "sincere_called": int((p[~y] >= threshold).sum()),
            "pairs_ranked": int(sum(p[i] > p[i + 1] for i in range(0, len(rows) - 1, 2))),
            "n_pairs": len(rows) // 2}


def check(det: Detector, rows: list[dict]) -> tuple[np.ndarray, dict]:
    """Score ``rows`` with ``det``: the satire probabilities and their :func:`summarise` at the model's threshold."""
    probs = det.satire_proba([r["text"] for r in rows])
    return probs, summarise(probs, rows, det.settings.threshold)
