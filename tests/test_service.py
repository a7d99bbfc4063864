"""API tests of the HTTP service on the tiny model (FastAPI TestClient, no network, no real server).

The committed OpenAPI document (tests/data/openapi.json) is compared here so that API changes are deliberate.
Regenerate it after an intended change with:

    GENRE_DETECT_UPDATE_OPENAPI=1 python -m pytest tests/test_service.py -k openapi
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from genre_detect.cli import main
from genre_detect.pipeline.prediction import PREDICTION_KEYS
from genre_detect.service.app import STATIC_DIR, create_app
from genre_detect.service.feedback import FeedbackStore

OPENAPI_FILE = Path(__file__).parent / "data" / "openapi.json"
TEXT = "The minister said the plan would be ready after the talks with experts."
PROSE_INJECTION = 'Officials said <img src=x onerror="alert(1)"> the plan was ready after the talks.'
INJECTION = ('Officials said <script>window.__pwned=1;alert("x")</script> and <img src=x onerror="alert(1)"> '
             '<b onmouseover="alert(2)">bold</b> &lt;escaped&gt; the plan was ready.')


class NoExplain:
    """A detector as it is before the cue report exists: everything but ``explain``."""

    def __init__(self, det) -> None:
        self._det = det

    def __getattr__(self, name):
        if name == "explain":
            raise AttributeError(name)
        return getattr(self._det, name)


class Exploding(NoExplain):
    """A detector whose prediction fails with an internal error carrying details no client should see."""

    def predict(self, *args, **kwargs):
        raise RuntimeError("secret internal detail /etc/passwd")


def _no_trace(body: str) -> None:
    assert "Traceback" not in body and 'File "' not in body and ".py" not in body, body


@pytest.fixture()
def client(tiny_detector, tmp_path):
    return TestClient(create_app(detector=tiny_detector, data_dir=tmp_path / "data"), raise_server_exceptions=False)


def test_health(client, tiny_detector):
    r = client.get("/health")
    assert r.status_code == 200
    h = r.json()
    assert h["status"] == "ok" and h["labels"] == tiny_detector.labels
    assert h["max_chars"] == tiny_detector.settings.max_chars and h["explain"] == hasattr(tiny_detector, "explain")
    assert h["auth"] is False and h["queues"]["explain"] == {"running": 0, "waiting": 0, "limit": 4}


def test_predict_one_matches_detector(client, tiny_detector):
    r = client.post("/v1/predict", json={"text": TEXT})
    assert r.status_code == 200
    d = r.json()
    assert tuple(d)[: len(PREDICTION_KEYS)] == PREDICTION_KEYS
    want = tiny_detector.predict(TEXT).to_dict()
    assert d["label"] == want["label"] and d["satire_probability"] == pytest.approx(want["satire_probability"])


def test_predict_batch_keeps_order(client, tiny_detector):
    texts = [TEXT, "Area man said the war was over.", TEXT + " " + TEXT]
    r = client.post("/v1/predict", json={"texts": texts})
    assert r.status_code == 200
    got = [p["satire_probability"] for p in r.json()]
    assert got == pytest.approx([p.satire_probability for p in tiny_detector.predict(texts)])


def test_batch_with_bad_items_scores_the_rest(client, tiny_detector):
    texts = [TEXT, "", "x" * 200_001, "!!! ???", "Area man said the war was over."]
    r = client.post("/v1/predict", json={"texts": texts})
    assert r.status_code == 200
    got = r.json()
    assert len(got) == len(texts)
    for i, code in ((1, "E101"), (2, "E103"), (3, "E101")):
        assert got[i]["index"] == i and got[i]["error"]["code"] == code and got[i]["error"]["message"], got[i]
        assert "label" not in got[i]
    want = [tiny_detector.predict(t).satire_probability for t in (texts[0], texts[4])]
    assert [got[0]["satire_probability"], got[4]["satire_probability"]] == pytest.approx(want)
    assert len(r.text) < 5000  # the bad items are not echoed back


def test_uncertain_band_per_request(client, tiny_detector):
    from genre_detect.pipeline.verdict import is_uncertain

    p = tiny_detector.predict(TEXT).satire_probability
    t = tiny_detector.settings.threshold
    answers = {}
    for band in (0.0, 0.49):
        d = client.post("/v1/predict", json={"text": TEXT, "uncertain_band": band}).json()
        assert d["satire_probability"] == pytest.approx(p)  # the band changes the flag, never the score
        assert d["uncertain"] == is_uncertain(p, t, band)
        answers[band] = d["uncertain"]
    if abs(p - t) < min(0.49, t / 2, (1 - t) / 2):
        assert answers == {0.0: False, 0.49: True}  # the tiny model's score lies inside the wide band
    batch = client.post("/v1/predict", json={"texts": [TEXT], "uncertain_band": 0.0}).json()
    assert batch[0]["uncertain"] is False
    assert client.get("/health").json()["uncertain_band"] == tiny_detector.settings.uncertain_band  # unchanged
    for bad in (-0.1, 0.5, "wide"):
        r = client.post("/v1/predict", json={"text": TEXT, "uncertain_band": bad})
        assert r.status_code == 422 and r.json()["code"] == "E603" and "uncertain_band" in r.json()["message"]


def test_docs_work_offline(client):
    """/docs and /redoc load Swagger UI and ReDoc from this server: no CDN, no other host, every asset 200."""
    for path in ("/docs", "/redoc"):
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        urls = re.findall(r"""(?:src|href|url)\s*[=:]\s*['"]([^'"]+)['"]""", r.text)
        assert not re.search(r"(?:https?:)?//[a-z0-9.-]+", r.text, flags=re.IGNORECASE), f"{path} names another host"
        assets = [u for u in urls if u.startswith("/docs-static/")]
        assert assets, f"{path} loads no local asset: {urls}"
        for u in urls:
            assert u.startswith("/"), u
            assert client.get(u).status_code == 200, u
    page = client.get("/")
    assert '<a href="/docs">' in page.text  # the footer link


def test_explain_time_budget_is_passed_on(tiny_detector, tmp_path):
    """With a budget the explanation stops early and says so; the server's /health states the budget."""
    from service_helpers import vocab_text

    text = vocab_text(3000)
    fast = TestClient(create_app(detector=tiny_detector, data_dir=tmp_path, explain_budget_s=0.0))
    assert fast.get("/health").json()["explain_budget_s"] == 0.0
    d = fast.post("/v1/explain", json={"text": text}).json()
    assert d["stopped_early"] is True and d["windows_explained"] < d["windows_total"]
    full = TestClient(create_app(detector=tiny_detector, data_dir=tmp_path)).post("/v1/explain", json={"text": text})
    assert full.json()["stopped_early"] is False
    assert full.json()["satire_probability"] == pytest.approx(d["satire_probability"])  # the verdict is the same


def test_sliced_scoring_gives_the_same_logits(tiny_detector):
    """The explanation's sliced window scoring is exactly the detector's (same batches, any batch size)."""
    import copy
    import dataclasses
    import threading

    import numpy as np

    from genre_detect.service.scheduler import Cancelled, sliced_scoring

    rng = np.random.default_rng(0)
    wins = [np.concatenate([[tiny_detector.cls_id], rng.integers(5, 60, n), [tiny_detector.sep_id]])
            for n in rng.integers(1, 62, 45)]
    for bs in (1, 4):
        det = copy.copy(tiny_detector)
        det.settings = dataclasses.replace(tiny_detector.settings, batch_size=bs)
        sliced = sliced_scoring(det, threading.Event())
        assert np.array_equal(sliced(wins), det.window_logits(wins))
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        sliced_scoring(tiny_detector, stop)(wins)


@pytest.mark.parametrize("body, code, words", [
    ({}, "E603", "exactly one of"),
    ({"text": TEXT, "texts": [TEXT]}, "E603", "exactly one of"),
    ({"txt": TEXT}, "E603", "txt"),
    ({"text": 12}, "E603", "text"),
    ({"texts": []}, "E603", "texts"),
    ({"texts": [TEXT] * 33}, "E105", "at most 32"),
    ({"text": "x" * 200_001}, "E103", "at most 200000 characters"),
    ({"text": "!!! ???"}, "E101", "no words"),
])
def test_invalid_requests_get_422_with_message(client, body, code, words):
    r = client.post("/v1/predict", json=body)
    assert r.status_code == 422
    d = r.json()
    assert d["code"] == code and words in d["message"], d
    _no_trace(r.text)
    assert len(r.text) < 2000  # the offending input is never echoed back


@pytest.mark.parametrize("content, ctype, words", [
    (b"{not json", "application/json", "not valid JSON"),
    (b"text=hello", "application/x-www-form-urlencoded", "JSON object"),
    (b'["a list"]', "application/json", "JSON object"),
])
def test_malformed_bodies_get_422(client, content, ctype, words):
    r = client.post("/v1/predict", content=content, headers={"content-type": ctype})
    assert r.status_code == 422 and words in r.json()["message"]
    _no_trace(r.text)


def test_oversized_body_gets_413_before_parsing(tiny_detector, tmp_path):
    c = TestClient(create_app(detector=tiny_detector, data_dir=tmp_path, max_body_bytes=4096))
    big = json.dumps({"text": "word " * 2000}).encode()
    r = c.post("/v1/predict", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json()["code"] == "E602" and "limit is 4096" in r.json()["message"]
    _no_trace(r.text)
    # A chunked upload has no Content-Length: the streamed size is counted instead.
    r = c.post("/v1/predict", content=iter([big[:3000], big[3000:]]), headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "E602"
    # Just under the limit is parsed as usual.
    assert c.post("/v1/predict", json={"text": TEXT}).status_code == 200


def test_internal_errors_never_leak(tiny_detector, tmp_path):
    c = TestClient(create_app(detector=Exploding(tiny_detector), data_dir=tmp_path), raise_server_exceptions=False)
    r = c.post("/v1/predict", json={"text": TEXT})
    assert r.status_code == 500 and r.json()["code"] == "E699"
    assert "secret" not in r.text and "passwd" not in r.text
    _no_trace(r.text)


def test_unknown_route_and_method_are_coded(client):
    r = client.get("/v2/nothing")
    assert r.status_code == 404 and r.json()["code"] == "E300"
    assert client.get("/v1/predict").status_code == 405


def test_explain_is_503_without_cue_report(tiny_detector, tmp_path):
    c = TestClient(create_app(detector=NoExplain(tiny_detector), data_dir=tmp_path))
    r = c.post("/v1/explain", json={"text": TEXT})
    assert r.status_code == 503
    assert r.json()["code"] == "E600" and "/v1/predict" in r.json()["message"]
    assert c.get("/health").json()["explain"] is False


def test_explain_contract(client, tiny_detector):
    if not hasattr(tiny_detector, "explain"):
        pytest.skip("genre_detect.explain has not landed: the 503 path is tested above")
    text = "Experts agree, the so-called \"peace plan\" is the best plan ever, possibly maybe perhaps. " + TEXT
    r = client.post("/v1/explain", json={"text": text, "top_k": 2})
    assert r.status_code == 200
    d = r.json()
    assert tuple(d)[: len(PREDICTION_KEYS)] == PREDICTION_KEYS
    assert isinstance(d["text"], str) and len(d["evidence"]) <= 2
    for cue in d["cues"]:
        assert {"name", "family", "start", "end", "text", "why"} <= set(cue)
        assert d["text"][cue["start"]: cue["end"]] == cue["text"]
    for ev in d["evidence"]:
        assert d["text"][ev["start"]: ev["end"]] == ev["text"]
    assert client.post("/v1/explain", json={"text": text, "top_k": 0}).status_code == 422


def test_injection_comes_back_as_data(client, tiny_detector):
    r = client.post("/v1/predict", json={"text": INJECTION})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    if hasattr(tiny_detector, "explain"):
        # Markup (four tags and more) is HTML: scored and returned as its extracted text, with no markup left.
        d = client.post("/v1/explain", json={"text": INJECTION}).json()
        assert d["html_extracted"] is True and "the plan was ready" in d["text"]
        assert not re.search(r"<\s*(script|img|b)\b", d["text"]) and "alert" not in d["text"]
        # Prose that mentions a tag is not HTML: it comes back verbatim, as data.
        d = client.post("/v1/explain", json={"text": PROSE_INJECTION}).json()
        assert 'onerror="alert(1)"' in d["text"] and "html_extracted" not in d
    # The page is static: no user text is ever templated into it, and its script uses no HTML sinks.
    page = client.get("/")
    assert page.status_code == 200 and "__pwned" not in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    js = (STATIC_DIR / "app.js").read_text(encoding="utf-8")
    code = re.sub(r"^\s*//.*$", "", js, flags=re.MULTILINE)  # the header comment names the sinks it avoids
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in code, sink


def test_page_and_static_files(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    for asset in ("/static/app.js", "/static/style.css"):
        assert asset in r.text and client.get(asset).status_code == 200
    for sneaky in ("/static/..%2fapp.py", "/static/%2e%2e/app.py"):
        assert client.get(sneaky).status_code == 404  # no way out of the static folder


def test_feedback_is_recorded_and_exported(client, tmp_path, capsys):
    text = "A parody of a think-tank op-ed. " + TEXT
    r = client.post("/v1/feedback", json={"text": text, "verdict": "sincere", "label": "satire",
                                          "comment": "clearly parody", "satire_probability": 0.2})
    assert r.status_code == 201
    ack = r.json()
    assert ack["status"] == "recorded" and ack["sha256"] == hashlib.sha256(text.encode()).hexdigest()
    client.post("/v1/feedback", json={"text": TEXT, "verdict": "satire", "label": "reporting"})
    store = FeedbackStore(tmp_path / "data")
    assert store.count() == 2
    out = tmp_path / "fb.jsonl"
    assert main(["feedback", "export", "--data-dir", str(tmp_path / "data"), "--out", str(out)]) == 0
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["label"], r["genre"]) for r in recs] == [
        (f"feedback:{ack['id']}", "satire", "satire"), (f"feedback:{ack['id'] + 1}", "sincere", "reporting")]
    assert recs[0]["text"] == text and recs[0]["comment"] == "clearly parody" and recs[0]["model_verdict"] == "sincere"
    assert "exported 2" in capsys.readouterr().err


@pytest.mark.parametrize("body, words", [
    ({"text": TEXT, "verdict": "satire", "label": "fake"}, "label"),
    ({"text": TEXT, "verdict": "maybe", "label": "satire"}, "verdict"),
    ({"text": TEXT, "verdict": "satire", "label": "satire", "comment": "x" * 2001}, "comment"),
    ({"verdict": "satire", "label": "satire"}, "text"),
])
def test_feedback_validation(client, body, words):
    r = client.post("/v1/feedback", json=body)
    assert r.status_code == 422 and words in r.json()["message"]


def test_feedback_store_is_wal_and_full_sync(tmp_path):
    store = FeedbackStore(tmp_path)
    assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_feedback_export_without_database(tmp_path, capsys):
    assert main(["feedback", "export", "--data-dir", str(tmp_path / "none")]) == 1
    err = capsys.readouterr().err
    assert "E100" in err and "Traceback" not in err


def test_lifespan_loads_model_from_directory(tiny_model_dir, tmp_path):
    app = create_app(model_dir=tiny_model_dir, data_dir=tmp_path / "d")
    with TestClient(app) as c:  # runs the lifespan: model and store opened before the first request
        assert c.get("/health").json()["model"] == tiny_model_dir.name
        assert c.post("/v1/predict", json={"text": TEXT}).status_code == 200
    assert (tmp_path / "d" / "feedback.sqlite3").is_file()


def test_serve_with_bad_model_is_a_coded_error(tmp_path, capsys):
    assert main(["serve", "--model", str(tmp_path / "missing")]) == 1
    err = capsys.readouterr().err
    assert "E200" in err and "Traceback" not in err


def test_openapi_matches_committed(client):
    doc = client.get("/openapi.json").json()
    text = json.dumps(doc, indent=2, sort_keys=True) + "\n"
    if os.environ.get("GENRE_DETECT_UPDATE_OPENAPI") == "1":
        OPENAPI_FILE.parent.mkdir(parents=True, exist_ok=True)
        OPENAPI_FILE.write_text(text, encoding="utf-8")
    assert OPENAPI_FILE.is_file(), "run: GENRE_DETECT_UPDATE_OPENAPI=1 python -m pytest tests/test_service.py -k openapi"
    assert json.loads(OPENAPI_FILE.read_text(encoding="utf-8")) == doc, (
        "the API changed; if deliberate, regenerate tests/data/openapi.json (see this module's docstring)")
    assert {"/v1/predict", "/v1/explain", "/v1/feedback", "/health"} <= set(doc["paths"])


HTML_PAGE = ("<html><head><title>t</title><script>var x = 1;</script></head><body><nav>Home | News | Sport</nav>"
             "<article><h1>Council approves budget</h1><p>The council approved the annual budget on Tuesday after a "
             "long debate about road repairs and the library.</p><p>Members voted nine to four in favour, and the "
             "new plan takes effect in April.</p></article><footer>Copyright</footer></body></html>")


def test_pasted_html_is_scored_on_its_main_text_and_flagged(tiny_detector):
    pytest.importorskip("trafilatura")
    from fastapi.testclient import TestClient

    from genre_detect.service.app import create_app

    with TestClient(create_app(detector=tiny_detector)) as client:
        one = client.post("/v1/predict", json={"text": HTML_PAGE}).json()
        plain = client.post("/v1/predict", json={"text": "The council approved the budget on Tuesday."}).json()
        batch = client.post("/v1/predict", json={"texts": [HTML_PAGE, "Plain words here.", "<p></p><div> </div>"]})
    assert one["html_extracted"] is True and "html_extracted" not in plain
    items = batch.json()
    assert batch.status_code == 200 and items[0]["html_extracted"] is True and "label" in items[1]
    assert items[2]["error"]["code"] == "E101" and items[2]["index"] == 2
