"""Read-out routes of the classifier (last layer, learned mix of layers, an intermediate layer) and the guard that
keeps training writers and calibration writers apart."""

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from genre_detect.errors import UsageError
from genre_detect.training.trainer import TrainingArguments, _build_classifier_class, check_readout


def _tiny_encoder(layers: int = 3):
    cfg = transformers.BertConfig(vocab_size=64, hidden_size=16, num_hidden_layers=layers, num_attention_heads=2,
                                  intermediate_size=32, max_position_embeddings=64)
    torch.manual_seed(0)
    return transformers.BertModel(cfg, add_pooling_layer=False)


def _batch():
    ids = torch.randint(5, 64, (2, 10))
    mask = torch.ones_like(ids)
    mask[1, 6:] = 0
    return ids, mask


@pytest.mark.parametrize("readout", ["last", "mix", "layer:2"])
def test_readout_round_trips_through_a_checkpoint(tmp_path, readout):
    cls = _build_classifier_class()
    model = cls(_tiny_encoder(), 3, readout=readout).eval()
    if readout == "mix":
        with torch.no_grad():
            model.layer_weights.copy_(torch.tensor([2.0, -1.0, 0.5]))
    tok = tmp_path / "tok"
    tok.mkdir()
    model.save(tmp_path / "ckpt", tok)
    again = cls.from_checkpoint(tmp_path / "ckpt")
    ids, mask = _batch()
    with torch.no_grad():
        assert torch.allclose(model(ids, mask), again(ids, mask), atol=1e-6)
    expected_layers = 2 if readout == "layer:2" else 3
    assert again.encoder.config.num_hidden_layers == expected_layers


def test_mix_weights_select_a_layer():
    """With all its weight on one layer the mix reads exactly that layer's output."""
    cls = _build_classifier_class()
    enc = _tiny_encoder()
    mixed = cls(enc, 3, readout="mix").eval()
    with torch.no_grad():
        mixed.layer_weights.copy_(torch.tensor([-1e4, 1e4, -1e4]))
    ids, mask = _batch()
    with torch.no_grad():
        hidden = enc(input_ids=ids, attention_mask=mask, output_hidden_states=True).hidden_states[2]
        m = mask.unsqueeze(-1).float()
        expected = mixed.head((hidden * m).sum(1) / m.sum(1))
        assert torch.allclose(mixed(ids, mask), expected, atol=1e-5)


def test_intermediate_layer_drops_the_layers_above():
    model = _build_classifier_class()(_tiny_encoder(3), 3, readout="layer:1")
    assert len(model.encoder.encoder.layer) == 1


@pytest.mark.parametrize("bad", ["first", "layer:0", "layer:4", "layer:x"])
def test_bad_readout_is_a_coded_error(bad):
    with pytest.raises(UsageError) as info:
        check_readout(bad, 3)
    assert info.value.code == "E300"


def test_a_writer_cannot_both_train_and_calibrate(tmp_path):
    from genre_detect.training import train

    args = TrainingArguments(output_dir=str(tmp_path), written_writers=["w1", "w6"], calib_writers=["w6"],
                             data_dir=str(tmp_path / "no-data"))
    with pytest.raises(UsageError, match="cannot both train and calibrate"):
        train(args)


def test_a_held_out_writer_cannot_calibrate(tmp_path):
    from genre_detect.training import train

    args = TrainingArguments(output_dir=str(tmp_path), calib_writers=["w7"], data_dir=str(tmp_path / "no-data"))
    with pytest.raises(UsageError, match="held out"):
        train(args)


def test_train_script_reports_a_bad_setting_in_one_line():
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, str(repo / "training" / "train.py"), str(repo / "training" / "minilm.yaml"),
                           "readout=first"], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1].startswith("error: E300 readout must be")
    assert "Traceback" not in proc.stderr


def test_adversary_reverses_the_gradient_into_the_encoder():
    """The adversary's own weights descend its loss; what flows back into the pooled vector is negated and scaled."""
    from genre_detect.training.trainer import _build_adversary

    torch.manual_seed(0)
    adv = _build_adversary(hidden=16, num_genres=3, num_domains=4)
    pooled = torch.randn(5, 16, requires_grad=True)
    genres = torch.tensor([0, 1, 2, 0, 1])
    target = torch.tensor([0, 1, 2, 3, 0])
    loss = torch.nn.functional.cross_entropy(adv(pooled, genres, 0.5), target)
    reversed_grad, = torch.autograd.grad(loss, pooled)
    # The same head without reversal: plain gradient.
    plain = pooled.detach().clone().requires_grad_(True)
    onehot = torch.nn.functional.one_hot(genres, 3).float()
    loss2 = torch.nn.functional.cross_entropy(adv.net(torch.cat([plain, onehot], -1)), target)
    plain_grad, = torch.autograd.grad(loss2, plain)
    assert torch.allclose(reversed_grad, -0.5 * plain_grad, atol=1e-6)
    assert plain_grad.abs().sum() > 0


def test_classifier_can_return_its_pooled_vector():
    model = _build_classifier_class()(_tiny_encoder(), 3).eval()
    ids, mask = _batch()
    with torch.no_grad():
        logits, pooled = model(ids, mask, return_pooled=True)
        assert torch.allclose(logits, model(ids, mask))
    assert pooled.shape == (2, 16)


@pytest.mark.parametrize("bad", [{"adversary": "outlet"}, {"adversary_weight": -1.0}])
def test_bad_adversary_setting_is_a_coded_error(bad):
    with pytest.raises(UsageError) as info:
        TrainingArguments(**bad)
    assert info.value.code == "E300"


def test_adversary_domain_is_the_source_or_the_publisher():
    from genre_detect.training.data import Document
    from genre_detect.training.trainer import adversary_domain

    doc = Document("x", "text", "satire", "parody", "parody:pen0:someone")
    assert adversary_domain(doc, "source") == "parody"
    assert adversary_domain(doc, "publisher") == "parody:pen0:someone"
