"""explain(): the output contract, the deletion arithmetic, the CLI (argument, stdin, --json, --html) and, with the
shipped model when it is present, reliance on the seeds."""

import json
import subprocess
import sys

import pytest

from genre_detect import Prediction
from genre_detect.cli import main
from genre_detect.cues import FAMILIES
from genre_detect.explain import explain, explain_details
from genre_detect.normalise import normalise
from genre_detect.prediction import PREDICTION_KEYS

SATIRE = (
    "The minister said the plan was ready.  The so-called “experts” agree, as any expert knows.\r\n\r\n"
    "We could perhaps possibly consider maybe exploring some kind of plan. "
    "Officials announced the talks would continue."
)
CUE_KEYS = {"name", "family", "start", "end", "text", "why", "version", "reliance"}


def test_explain_keys_and_shapes(tiny_detector):
    p = explain(tiny_detector, SATIRE, top_k=2)
    assert isinstance(p, Prediction)
    d = p.to_dict()
    assert set(PREDICTION_KEYS) | {"text", "cues", "evidence"} == set(d)
    assert d["text"] == normalise(SATIRE)
    assert {c["family"] for c in d["cues"]} >= {"irony", "mock_credentials", "hedging"}
    for c in d["cues"]:
        assert set(c) == CUE_KEYS
        assert d["text"][c["start"]:c["end"]] == c["text"]
        assert isinstance(c["reliance"], float)
    assert len(d["evidence"]) <= 2
    for e in d["evidence"]:
        assert set(e) == {"start", "end", "text", "drop"}
        assert d["text"][e["start"]:e["end"]] == e["text"]
        # Evidence supports the verdict: positive drops for satire, negative for sincere.
        assert (e["drop"] > 0) == (d["label"] == "satire")
    json.dumps(d)  # JSON-ready


def test_explain_matches_predict_and_list_input(tiny_detector):
    texts = [SATIRE, "Officials announced the talks would continue next week."]
    preds = tiny_detector.explain(texts)
    assert isinstance(preds, list) and len(preds) == 2
    plain = tiny_detector.predict(texts)
    for a, b in zip(preds, plain):
        assert a.satire_probability == pytest.approx(b.satire_probability, abs=1e-6)
        assert a.label == b.label
        assert "cues" not in b.to_dict()  # plain predict does no cue work


def test_sentence_drop_equals_rescoring_without_it(tiny_detector):
    # Short enough for one window of the tiny model: local deletion is then exact deletion.
    sents = ["The minister said the plan was ready.", "Experts think the talks may help.",
             "The nation must act now."]
    text = " ".join(sents)
    (exp,) = explain_details(tiny_detector, [text])
    assert len(exp.prediction.windows) == 1 and len(exp.sentences) == 3
    p0 = exp.prediction.satire_probability
    for i, sd in enumerate(exp.sentences):
        rest = " ".join(s for j, s in enumerate(sents) if j != i)
        # One window per forward pass, so batch-mates cannot move the re-scored window.
        assert sd.drop == pytest.approx(p0 - tiny_detector.predict(rest).satire_probability, abs=1e-6)


def test_long_text_only_rescores_windows_with_the_span(tiny_detector):
    text = " ".join(["The minister said the plan would be ready after the talks."] * 40)
    (exp,) = explain_details(tiny_detector, [text])
    assert len(exp.prediction.windows) > 3
    assert len(exp.sentences) == 40 and all(s.seen for s in exp.sentences)


def test_stripped_bio_has_zero_reliance(tiny_detector):
    text = ("The plan was ready. Officials said so.\n\n"
            "Jo Bloggs is a senior fellow at every think tank in the capital.")
    (exp,) = explain_details(tiny_detector, [text])
    bio = [(c, d) for c, d in exp.cues if c.family == "mock_credentials"]
    assert bio and all(d.drop == 0.0 and not d.seen for _, d in bio)


def test_explain_rejects_bad_input(tiny_detector):
    from genre_detect.errors import InputError

    with pytest.raises(InputError):
        explain(tiny_detector, "   ")


# -- CLI ---------------------------------------------------------------------------------------------------------

def test_cli_explain_file_readable(model_env, tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_text(SATIRE, encoding="utf-8")
    assert main(["explain", str(f)]) == 0
    out = capsys.readouterr().out
    assert "a.txt" in out and "cues (" in out and "«so-called “experts”»" in out
    assert "\x1b[" not in out  # not a terminal: no colour codes


def test_cli_explain_json_and_errors(model_env, tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_text(SATIRE, encoding="utf-8")
    rc = main(["explain", "--json", "--no-windows", str(f), str(tmp_path / "missing.txt")])
    out, err = capsys.readouterr()
    assert rc == 1 and "E100" in err and "Traceback" not in err
    (line,) = out.strip().splitlines()
    d = json.loads(line)
    assert d["id"] == str(f) and "windows" not in d and d["cues"] and "evidence" in d


def test_cli_explain_stdin(tiny_model_dir):
    env = {"GENRE_DETECT_MODEL": str(tiny_model_dir), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "genre_detect", "explain", "--json", "-"], input=SATIRE.encode(),
                          check=False, capture_output=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["id"] == "-" and d["text"] == normalise(SATIRE)


def test_cli_explain_html_escapes_everything(model_env, tmp_path, capsys):
    f = tmp_path / "evil.txt"
    f.write_text("<script>alert('x')</script> The so-called “experts” <b>agree</b>, as any expert knows.",
                 encoding="utf-8")
    page = tmp_path / "report.html"
    assert main(["explain", "--html", str(page), str(f)]) == 0
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;agree&lt;/b&gt;" in html
    assert html.count("<mark") >= 2 and "http" not in html.replace("http-equiv", "")  # self-contained
    assert "wrote" in capsys.readouterr().err


# -- shipped model -----------------------------------------------------------------------------------------------

def test_shipped_model_relies_on_seed_cues(shipped_detector, seeds_dir):
    texts = {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("00*.txt"))}
    preds = dict(zip(texts, shipped_detector.explain(list(texts.values()))))
    d001 = preds["001"].to_dict()
    assert {c["family"] for c in d001["cues"]} == set(FAMILIES) and len(d001["evidence"]) <= 3
    sign = 1 if d001["label"] == "satire" else -1
    assert all(sign * e["drop"] > 0 for e in d001["evidence"])
    for key in ("000", "002", "003", "004"):
        cues = preds[key].to_dict()["cues"]
        assert len(cues) <= 3 and all(abs(c["reliance"]) < 0.05 for c in cues)
