"""Training (the ``train`` extra): data, synthetic and hand-written pairs, the fine-tuning loop, distillation, export
and the model card.

``data`` (loaders, splits), ``parody`` and ``written`` (synthetic and hand-written parody pairs), ``trainer``
(:class:`TrainingArguments`, :func:`train`), ``distill`` (teacher and distillation), ``export`` (checkpoint to ONNX
int8), ``model_card``.

Example:
    >>> from genre_detect.training import TrainingArguments, train
    >>> train(TrainingArguments.from_file("training/minilm.yaml", overrides=["epochs=1"]))   # doctest: +SKIP
"""

from __future__ import annotations

from .trainer import OFFICIAL_SHA256, TrainingArguments, base_model_path, check_base_weights, load_checkpoint, train

__all__ = ["OFFICIAL_SHA256", "TrainingArguments", "base_model_path", "check_base_weights", "load_checkpoint", "train"]
