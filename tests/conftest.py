"""Shared fixtures: a tiny random BERT classifier exported to ONNX once per session, offline, in seconds.

Tests that need the real shipped model or ../shared use the ``shipped_detector`` / ``shared_dir`` fixtures, which
skip with a reason when those are absent; ``.ci/run`` sets GENRE_DETECT_REQUIRE_SHARED=1, which turns such skips into
failures.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Layout probes of the runtime cache their choice; tests keep theirs out of the user's cache.
os.environ.setdefault("GENRE_DETECT_CACHE", tempfile.mkdtemp(prefix="genre-detect-test-cache-"))
SHARED = Path(os.environ.get("GENRE_DETECT_SHARED", REPO.parent / "shared"))

# A small vocabulary of common English words: enough for the tiny tokenizer to produce real word pieces.
_WORDS = (
    "the of and to a in is that for it as was with be by on not he this are or his from at which but have an they "
    "you were her she there been one all we their has would will its if what so can who more when no out said them "
    "about up into than could our other these only do any may should must also how over after us minister plan "
    "government report policy analysis satire alleged experts think tank senior fellow russia belarus west talks "
    "peace war sanctions must possibly considering thinking seriously suggesting concession percent way half "
    "nation man area woman local study finds announced officials according year new people time"
).split()


def _tiny_tokenizer_json(path: Path) -> None:
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(_WORDS))
    letters = "abcdefghijklmnopqrstuvwxyz0123456789.,;:!?'\"()-"
    vocab += [c for c in letters if c not in vocab] + ["##" + c for c in letters]
    tok = Tokenizer(models.WordPiece({w: i for i, w in enumerate(vocab)}, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.save(str(path))


def build_tiny_model(out_dir: Path, seed: int = 0) -> Path:
    """Random 2-layer BERT (hidden 32) + genre head, saved as a checkpoint and exported like the real model."""
    import torch
    from transformers import BertConfig, BertModel

    from genre_detect.settings import ModelSettings
    from genre_detect.training.export import export_model
    from genre_detect.training.trainer import _build_classifier_class

    torch.manual_seed(seed)
    ckpt = out_dir / "checkpoint"
    ckpt.mkdir(parents=True, exist_ok=True)
    _tiny_tokenizer_json(ckpt / "tokenizer.json")
    from tokenizers import Tokenizer

    vocab_size = Tokenizer.from_file(str(ckpt / "tokenizer.json")).get_vocab_size()
    config = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=128)
    model = _build_classifier_class()(BertModel(config, add_pooling_layer=False), 3).eval()
    model.save(ckpt, ckpt)
    settings = ModelSettings(max_length=64, stride=48, uncertain_band=0.05)
    return export_model(ckpt, out_dir / "model", settings=settings)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny"))


@pytest.fixture()
def tiny_model_copy(tiny_model_dir, tmp_path) -> Path:
    """A private copy for tests that edit the model directory."""
    dst = tmp_path / "model"
    shutil.copytree(tiny_model_dir, dst)
    return dst


@pytest.fixture()
def model_env(tiny_model_dir, monkeypatch):
    """Point the CLI at the tiny model through the environment, as a user would."""
    monkeypatch.setenv("GENRE_DETECT_MODEL", str(tiny_model_dir))


@pytest.fixture(scope="session")
def tiny_detector(tiny_model_dir):
    from genre_detect import Detector

    return Detector.load(tiny_model_dir)


def _need(path: Path, what: str) -> Path:
    if not path.exists():
        if os.environ.get("GENRE_DETECT_REQUIRE_SHARED") == "1":
            pytest.fail(f"{what} not found at {path} (GENRE_DETECT_REQUIRE_SHARED=1)")
        pytest.skip(f"{what} not found at {path}; set GENRE_DETECT_SHARED")
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return _need(SHARED / "seeds", "seed corpus")


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    return _need(SHARED / "data", "shared data")


@pytest.fixture(scope="session")
def shipped_model_dir() -> Path:
    from genre_detect.pipeline.detector import DEFAULT_MODEL_NAME

    return _need(REPO / "models" / DEFAULT_MODEL_NAME / "model.onnx", "shipped model").parent


@pytest.fixture(scope="session")
def shipped_detector(shipped_model_dir):
    from genre_detect import Detector

    return Detector.load(shipped_model_dir)
