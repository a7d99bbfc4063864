"""Model settings: the contents of ``genre_detect.json`` in a model directory.

A model directory is plain files: ``model.onnx``, ``tokenizer.json``, ``config.json`` (with ``id2label``),
``genre_detect.json`` (this dataclass), ``metrics.json`` and a ``README.md`` model card.

Example:
    >>> s = ModelSettings()
    >>> s.labels
    ['opinion', 'reporting', 'satire']
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from .errors import ModelError
from .pipeline.normalise import NORMALISER_VERSION

__all__ = ["ModelSettings", "GENRES", "SETTINGS_FILE"]

GENRES = ["opinion", "reporting", "satire"]
SETTINGS_FILE = "genre_detect.json"


@dataclass
class ModelSettings:
    """Everything the predictor needs besides weights and tokenizer.

    Attributes:
        labels: genre order of the model's logits.
        max_length: tokens per window, special tokens included.
        stride: tokens between window starts; ``stride < max_length - 2`` makes windows overlap.
        pooling: how window logits become a document score: ``mean`` (average logits) or ``softmax_mean``
            (average logits weighted towards the most satirical windows, see :mod:`genre_detect.pipeline.pool`).
        pool_sharpness: weight sharpness for ``softmax_mean``; 0 is a plain mean.
        temperature: calibration temperature applied to pooled logits (fitted on a held-out split).
        class_bias: one calibration bias per label, added after the temperature (``softmax(z / T + b)``, fitted
            with it on the held-out split); empty for a model calibrated by temperature alone.
        register_bias: an extra satire bias per register, one number per label (the entry of the register a text
            is read as: its more likely sincere genre); empty for none. Fitted on the calibration fold plus
            hand-written pairs of writers held out of training (``genre_detect.pipeline.calibrate.fit_register_bias``).
        threshold: ``satire_probability`` at or above which the label is ``satire``.
        uncertain_band: half-width of the band around ``threshold`` reported as ``uncertain``, its own setting
            (``Detector(uncertain_band=...)``, ``--uncertain-band``): changing the threshold does not change it. On
            each side it is clipped to half the distance from the threshold to 0 or 1, so that both verdicts keep a
            confident range: uncertain iff ``t - min(band, t / 2) < p < t + min(band, (1 - t) / 2)``. Threshold 0.5,
            band 0.15: (0.35, 0.65); threshold 0.9, band 0.15: (0.75, 0.95). See :mod:`genre_detect.pipeline.verdict`.
        max_chars: hard cap on input size; longer input is refused with error E103, never cut.
        batch_size: windows per forward pass. 1 (the default) makes a text's score independent of the texts scored
            with it: the int8 model quantises activations with one scale per batch, so batching windows of other
            texts (and their padding) moved scores by up to 0.14. Articles run as fast one window at a time here;
            short texts slower (134 vs 236 texts/s, ``eval/bench_speed.py --sweep``).
        normaliser_version: version of :mod:`genre_detect.pipeline.normalise` the model was trained with.
        mask_names: the model was trained with names replaced by a placeholder (``strip_shortcuts(mask_names=True)``).
        versions: library versions at training and export time.
    """

    labels: list[str] = field(default_factory=lambda: list(GENRES))
    max_length: int = 256
    stride: int = 192
    pooling: str = "mean"
    pool_sharpness: float = 0.0
    temperature: float = 1.0
    class_bias: list[float] = field(default_factory=list)
    register_bias: list[float] = field(default_factory=list)
    threshold: float = 0.5
    uncertain_band: float = 0.15
    max_chars: int = 200_000
    batch_size: int = 1
    normaliser_version: str = NORMALISER_VERSION
    mask_names: bool = False
    base_model: str = "sentence-transformers/all-MiniLM-L6-v2"
    versions: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dir(cls, path: str | Path) -> "ModelSettings":
        file = Path(path) / SETTINGS_FILE
        try:
            raw = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelError("E200", f"no {SETTINGS_FILE} in model directory", source=str(path)) from None
        except (OSError, ValueError) as exc:
            raise ModelError("E201", f"cannot read {SETTINGS_FILE}: {exc}", source=str(path)) from None
        known = {f.name for f in fields(cls)}
        settings = cls(**{k: v for k, v in raw.items() if k in known})
        settings.validate(str(path))
        return settings

    def validate(self, source: str | None = None) -> None:
        if "satire" not in self.labels:
            raise ModelError("E201", "labels must include 'satire'", source=source)
        if not 8 <= self.max_length <= 512 or not 1 <= self.stride <= self.max_length - 2:
            raise ModelError("E201", "max_length must be 8-512 and stride 1..max_length-2", source=source)
        if self.pooling not in ("mean", "softmax_mean"):
            raise ModelError("E201", f"unknown pooling {self.pooling!r}", source=source)
        if self.temperature <= 0 or not 0 < self.threshold < 1 or not 0 <= self.uncertain_band < 0.5:
            raise ModelError("E201", "temperature > 0, 0 < threshold < 1, 0 <= uncertain_band < 0.5", source=source)
        if self.class_bias and (len(self.class_bias) != len(self.labels)
                                or not all(isinstance(b, (int, float)) and math.isfinite(b) for b in self.class_bias)):
            raise ModelError("E201", f"class_bias must be {len(self.labels)} finite numbers, one per label",
                             source=source)

        if self.register_bias and (len(self.register_bias) != len(self.labels) or not all(
                isinstance(b, (int, float)) and math.isfinite(b) for b in self.register_bias)):
            raise ModelError("E201", f"register_bias must be {len(self.labels)} finite numbers, one per label",
                             source=source)

    def save(self, path: str | Path) -> None:
        Path(path, SETTINGS_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")
