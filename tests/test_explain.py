"""explain(): the output contract, the deletion arithmetic, the CLI (argument, stdin, --json, --html) and, with the
shipped model when it is present, reliance on the seeds."""

import json
import subprocess
import sys

import pytest

from genre_detect import Prediction
from genre_detect.cli import main
from genre_detect.errors import UsageError
from genre_detect.explain import RELIANCE_FLOOR, SpanDrop, explain, explain_details, reliance_note
from genre_detect.pipeline.normalise import normalise
from genre_detect.pipeline.prediction import PREDICTION_KEYS

SATIRE = (
    "The minister said the plan was ready.  “Honestly, I’m gonna need a bigger budget!” she told reporters.\r\n\r\n"
    "At press time, the area man was still waiting for the bus. "
    "Officials announced the talks would continue."
)
CUE_KEYS = {"name", "family", "start", "end", "text", "why", "version", "reliance", "relied_on", "seen", "note"}
EVIDENCE_KEYS = {"start", "end", "text", "reliance", "drop", "relied_on", "families"}
EXTRA_KEYS = {"text", "cues", "evidence", "window_reliance", "reliance_floor", "stopped_early", "windows_explained",
              "windows_total"}


def test_explain_keys_and_shapes(tiny_detector):
    p = explain(tiny_detector, SATIRE, top_k=2)
    assert isinstance(p, Prediction)
    d = p.to_dict()
    assert set(PREDICTION_KEYS) | EXTRA_KEYS == set(d)
    assert d["text"] == normalise(SATIRE) and d["reliance_floor"] == RELIANCE_FLOOR
    assert d["stopped_early"] is False and d["windows_explained"] == d["windows_total"] == len(d["windows"])
    assert len(d["window_reliance"]) == len(d["windows"])
    assert {c["family"] for c in d["cues"]} >= {"fake_quote", "slang", "punctuation", "news_parody"}
    for c in d["cues"]:
        assert set(c) == CUE_KEYS
        assert d["text"][c["start"]:c["end"]] == c["text"]
        assert isinstance(c["reliance"], float) and c["note"]
        assert c["relied_on"] == (abs(c["reliance"]) >= RELIANCE_FLOOR)
    assert len(d["evidence"]) <= 2
    for e in d["evidence"]:
        assert set(e) == EVIDENCE_KEYS and e["relied_on"] and e["reliance"] == e["drop"]
        assert d["text"][e["start"]:e["end"]] == e["text"]
        # Evidence supports the verdict, past the floor: positive reliance for satire, negative for sincere.
        assert (e["reliance"] > 0) == (d["label"] == "satire") and abs(e["reliance"]) >= RELIANCE_FLOOR
        inside = {c["family"] for c in d["cues"] if c["start"] < e["end"] and e["start"] < c["end"]}
        assert e["families"] == sorted(inside)
    json.dumps(d)  # JSON-ready


def test_reliance_notes_follow_the_sign_and_the_floor():
    assert "towards satire" in reliance_note(SpanDrop(0, 1, 0.2, True))
    assert "sincere" in reliance_note(SpanDrop(0, 1, -0.2, True)) and "rises by 0.200" in reliance_note(
        SpanDrop(0, 1, -0.2, True))
    assert "did not rely" in reliance_note(SpanDrop(0, 1, 0.004, True))
    assert "never sees" in reliance_note(SpanDrop(0, 1, 0.0, False))
    assert "time budget" in reliance_note(SpanDrop(0, 1, None, True))
    assert not SpanDrop(0, 1, None, True).relied_on() and SpanDrop(0, 1, -0.02, True).relied_on()


def test_time_budget_explains_most_decisive_windows_first(tiny_detector):
    text = " ".join(f"Sentence number {i} says the minister met the envoy about the harbour plan." for i in range(80))
    (full,) = explain_details(tiny_detector, [text])
    assert len(full.prediction.windows) > 3 and not full.stopped_early
    (cut,) = explain_details(tiny_detector, [text], time_budget_s=0.0)
    assert cut.stopped_early and 1 <= cut.windows_explained < len(cut.prediction.windows)
    # The window explained first is the one whose removal moves the probability most.
    first = max(range(len(full.window_reliance)), key=lambda k: abs(full.window_reliance[k]))
    w = cut.prediction.windows[first]
    measured = [s for s in cut.sentences if s.drop is not None]
    assert measured and all(s.start < w.end for s in measured)
    unmeasured = [s for s in cut.sentences if s.drop is None]
    assert unmeasured and not any(s.relied_on() for s in unmeasured)
    # Measured sentences agree with the full run: the budget changes what is measured, never the numbers.
    by_span = {(s.start, s.end): s.drop for s in full.sentences}
    assert all(s.drop == pytest.approx(by_span[(s.start, s.end)], abs=1e-9) for s in measured)
    d = explain(tiny_detector, text, time_budget_s=0.0).to_dict()
    assert d["stopped_early"] is True and d["windows_explained"] < d["windows_total"]
    with pytest.raises(UsageError):
        explain(tiny_detector, text, time_budget_s=-1)
    # A cancelled request stops the same way, after the first window.
    (stop,) = explain_details(tiny_detector, [text], should_stop=lambda: True)
    assert stop.stopped_early and stop.windows_explained == cut.windows_explained


def test_window_reliance_is_leave_one_window_out(tiny_detector):
    text = " ".join(["The minister said the plan would be ready after the talks."] * 40)
    (exp,) = explain_details(tiny_detector, [text])
    assert len(exp.window_reliance) == len(exp.prediction.windows) > 1
    assert all(isinstance(r, float) for r in exp.window_reliance)
    (one,) = explain_details(tiny_detector, ["A short text of one window."])
    assert one.window_reliance == [None]


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
            "Jo Bloggs is a senior fellow at the institute and, at press time, was still writing a book.")
    (exp,) = explain_details(tiny_detector, [text])
    bio = [(c, d) for c, d in exp.cues if c.family == "news_parody"]
    assert bio and all(d.drop == 0.0 and not d.seen and not d.relied_on() for _, d in bio)


def test_explain_rejects_bad_input(tiny_detector):
    from genre_detect.errors import InputError

    with pytest.raises(InputError):
        explain(tiny_detector, "   ")


# -- CLI ---------------------------------------------------------------------------------------------------------

def test_cli_explain_file_readable(model_env, tmp_path, capsys, monkeypatch):
    f = tmp_path / "a.txt"
    f.write_text(SATIRE, encoding="utf-8")
    assert main(["explain", str(f)]) == 0
    out = capsys.readouterr().out
    assert "a.txt" in out and "cue patterns (" in out and "«“Honestly, I’m gonna need a bigger budget!”»" in out
    # Passages first, then cue patterns.
    head = "what the verdict rests on" if "what the verdict rests on" in out else "no single sentence"
    assert head in out and out.index(head) < out.index("cue patterns")
    assert "\x1b[" not in out  # not a terminal: no colour codes
    assert main(["explain", "--colour", str(f)]) == 0 and "\x1b[" in capsys.readouterr().out


def test_no_color_env_turns_colour_off(monkeypatch):
    from genre_detect.cli import explain as cmd

    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert cmd.use_colour_default() is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert cmd.use_colour_default() is False
    monkeypatch.setenv("NO_COLOR", "")  # empty means unset (no-color.org)
    assert cmd.use_colour_default() is True


def test_terminal_report_never_says_no_cues_without_passages():
    from genre_detect.explain.highlight import render_terminal

    d = {"id": "x", "label": "satire", "satire_probability": 0.9, "genre": "satire", "uncertain": False,
         "text": "First part here. Second part there.", "evidence": [], "cues": [], "reliance_floor": 0.01,
         "windows": [{"start": 0, "end": 16, "num_tokens": 5, "satire_probability": 0.95},
                     {"start": 17, "end": 35, "num_tokens": 5, "satire_probability": 0.2}],
         "window_reliance": [0.3, -0.1]}
    out = render_terminal(d)
    assert "none matched" in out and "+0.300  First part here." in out
    assert out.index("First part here.") < out.index("none matched")


def test_cli_explain_json_and_errors(model_env, tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_text(SATIRE, encoding="utf-8")
    rc = main(["explain", "--json", "--no-windows", str(f), str(tmp_path / "missing.txt")])
    out, err = capsys.readouterr()
    assert rc == 1 and "E100" in err and "Traceback" not in err
    (line,) = out.strip().splitlines()
    d = json.loads(line)
    assert d["id"] == str(f) and "windows" not in d and d["cues"] and "evidence" in d
    assert d["reliance_floor"] == RELIANCE_FLOOR


def test_cli_explain_stdin(tiny_model_dir):
    env = {"GENRE_DETECT_MODEL": str(tiny_model_dir), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "genre_detect", "explain", "--json", "-"], input=SATIRE.encode(),
                          check=False, capture_output=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["id"] == "-" and d["text"] == normalise(SATIRE)


def test_cli_explain_html_escapes_everything(model_env, tmp_path, capsys):
    f = tmp_path / "evil.txt"
    # One tag in prose is text, not an HTML page (a page would have its main text extracted first).
    f.write_text("A <script>alert('x') in the text. “Wow, I’m totally thrilled!” the minister said.",
                 encoding="utf-8")
    page = tmp_path / "report.html"
    assert main(["explain", "--html", str(page), str(f)]) == 0
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html and "&lt;script&gt;alert" in html
    assert html.count("<mark") >= 2 and "http" not in html.replace("http-equiv", "")  # self-contained
    assert "wrote" in capsys.readouterr().err


# -- shipped model -----------------------------------------------------------------------------------------------

def test_shipped_model_evidence_on_the_bundled_parody(shipped_detector):
    # The bundled op-ed parody: evidence sentences come with the model's sign and pass the floor.
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "examples" / "parody_oped.txt").read_text(encoding="utf-8")
    d = shipped_detector.explain(text).to_dict()
    sign = 1 if d["label"] == "satire" else -1
    assert d["evidence"] and all(sign * e["reliance"] >= RELIANCE_FLOOR for e in d["evidence"])
    assert all(not e["text"].startswith(("evidence is there", "that, there")) for e in d["evidence"])


def test_detector_explain_passes_the_time_budget_through(tiny_detector):
    text = " ".join(f"Sentence number {i} says the council met again and decided nothing at all." for i in range(80))
    out = tiny_detector.explain(text, time_budget_s=0.0).to_dict()
    assert out["stopped_early"] is True
    assert out["windows_explained"] < out["windows_total"]
