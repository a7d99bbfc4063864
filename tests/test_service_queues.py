"""Predictions go ahead of explanations, a cancelled explanation stops, full queues say so, and start-up errors
are one coded line before anything claims to serve.

The queue tests run the real app under uvicorn on a loopback port (tests/service_helpers.py) over
:class:`SlowDetector`: the tiny model with a fixed extra time per scored window, so that explaining a 20,000-word
text takes several seconds, as the real model's does, while a short prediction scores one window.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")

from service_helpers import SlowDetector, serve_app, vocab_text

from genre_detect.service.app import create_app

SHORT = "The minister said the plan would be ready after the talks with experts."
DELAY_S = 0.003


@pytest.fixture()
def slow(tiny_model_dir):
    # Two lanes: the layout in which the lanes are shared, so an explanation that queued all its windows on them
    # at once would hold up every prediction (one lane runs each caller's windows in its own thread).
    return SlowDetector(tiny_model_dir, delay_s=DELAY_S, threads=2, lanes=2)


def _wait_for(cond, timeout: float = 30, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(step)
    return False


def _explain_in_background(url: str, text: str, results: list, timeout: float = 120, headers=None):
    def run():
        try:
            with httpx.Client(base_url=url, timeout=timeout) as c:
                r = c.post("/v1/explain", json={"text": text}, headers=headers)
                results.append((r.status_code, r.json() if r.content else None))
        except httpx.HTTPError as exc:
            results.append((None, type(exc).__name__))

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def _explain_running(c) -> bool:
    return c.get("/health").json()["queues"]["explain"]["running"] == 1


def test_300_word_predict_answers_during_a_long_explain(slow, tmp_path):
    long = vocab_text(20_000)
    with serve_app(create_app(detector=slow, data_dir=tmp_path)) as url, httpx.Client(base_url=url, timeout=60) as c:
        done: list = []
        t = _explain_in_background(url, long, done)
        assert _wait_for(lambda: _explain_running(c) and slow.windows_scored > 500), "the explanation did not start"
        # 300 words: several windows, which go through the detector's lanes like the explanation's do.
        t0 = time.perf_counter()
        r = c.post("/v1/predict", json={"text": vocab_text(300, seed=1)})
        took = time.perf_counter() - t0
        assert r.status_code == 200 and r.json()["label"] in ("satire", "sincere")
        assert not done and _explain_running(c), "the explanation should still be running"
        assert len(r.json()["windows"]) > 1
        assert took < 3.0, f"a 300-word prediction waited {took:.1f} s behind an explanation"
        t.join(120)
    assert done and done[0][0] == 200 and "evidence" in done[0][1]


def test_cancelled_explain_stops_scoring(slow, tmp_path):
    long = vocab_text(20_000)
    with serve_app(create_app(detector=slow, data_dir=tmp_path)) as url, httpx.Client(base_url=url, timeout=60) as c:
        done: list = []
        # The client gives up after 1.5 s and closes the connection, as the page's Cancel does.
        t = _explain_in_background(url, long, done, timeout=1.5)
        t.join(30)
        assert done and done[0][0] is None, done  # the client timed out
        assert _wait_for(lambda: not _explain_running(c), timeout=5), "the explanation kept running"
        n = slow.windows_scored
        time.sleep(0.5)
        assert slow.windows_scored == n, "windows are still being scored for a client that left"
        # The worker is free again: a short explanation goes through at once.
        assert c.post("/v1/explain", json={"text": SHORT}).status_code == 200


def test_full_explain_queue_is_503_with_retry_after(slow, tmp_path):
    long = vocab_text(20_000)
    app = create_app(detector=slow, data_dir=tmp_path, explain_queue=0, explains_per_token=0)
    with serve_app(app) as url, httpx.Client(base_url=url, timeout=60) as c:
        done: list = []
        _explain_in_background(url, long, done, timeout=1.5)
        assert _wait_for(lambda: _explain_running(c)), "the explanation did not start"
        r = c.post("/v1/explain", json={"text": SHORT})
        assert r.status_code == 503 and r.json()["code"] == "E606" and int(r.headers["retry-after"]) > 0
        assert c.post("/v1/predict", json={"text": SHORT}).status_code == 200  # predictions are not queued there


# -- start-up: one coded line, exit 1, before "serving on" ---------------------------------------------------------
def _serve_cli(*args: str, timeout: float = 90, tokens_env: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("GENRE_DETECT_TOKENS", None)  # the caller's own token file must not change the outcome
    if tokens_env is not None:
        env["GENRE_DETECT_TOKENS"] = tokens_env
    return subprocess.run([sys.executable, "-m", "genre_detect", "serve", "--log-level", "warning", *args],
                          check=False, capture_output=True, text=True, timeout=timeout, env=env)


def _one_coded_line(proc: subprocess.CompletedProcess, code: str, exit_code: int) -> str:
    err = proc.stderr.strip()
    assert proc.returncode == exit_code, (proc.returncode, err)
    assert "serving on" not in err and "Traceback" not in err, err
    assert err.splitlines()[-1].startswith(f"error: {code}"), err
    return err


def test_serve_without_tokenizer_fails_before_serving(tiny_model_copy):
    (tiny_model_copy / "tokenizer.json").unlink()
    err = _one_coded_line(_serve_cli("--model", str(tiny_model_copy), "--port", "0"), "E200", 1)
    assert "tokenizer.json" in err and len(err.splitlines()) == 1


def test_serve_on_a_busy_port_fails_before_serving(tiny_model_dir):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        err = _one_coded_line(_serve_cli("--model", str(tiny_model_dir), "--port", str(port)), "E609", 1)
    assert f"127.0.0.1:{port}" in err and "in use" in err and len(err.splitlines()) == 1


def test_serve_beyond_loopback_needs_tokens(tiny_model_dir, tmp_path):
    err = _one_coded_line(_serve_cli("--host", "0.0.0.0", "--model", str(tiny_model_dir)), "E608", 2)
    assert "--tokens" in err and len(err.splitlines()) == 1
    # --no-auth passes the check (and then fails on the missing model here, so nothing is ever bound).
    _one_coded_line(_serve_cli("--host", "0.0.0.0", "--no-auth", "--model", str(tmp_path / "none")), "E200", 1)


def test_serve_with_a_bad_token_file(tiny_model_dir, tmp_path):
    bad = tmp_path / "tokens"
    bad.write_text("alice:short\n", encoding="utf-8")
    err = _one_coded_line(_serve_cli("--tokens", str(bad), "--model", str(tiny_model_dir)), "E607", 1)
    assert f"{bad}:1" in err
    err = _one_coded_line(_serve_cli("--model", str(tiny_model_dir), tokens_env=str(bad)), "E607", 1)  # the env
    assert f"{bad}:1" in err
    # A readable-by-others file is used, with a warning to chmod 600 it (here the missing model then stops it).
    bad.write_text("alice:" + "a" * 24 + "\n", encoding="utf-8")
    bad.chmod(0o644)
    err = _one_coded_line(_serve_cli("--tokens", str(bad), "--model", str(tmp_path / "none")), "E200", 1)
    assert f"chmod 600 {bad}" in err


def test_serve_threshold_and_band_flags(tiny_model_dir, tmp_path):
    from genre_detect.service.process import free_port, serve_subprocess

    with serve_subprocess(free_port(), tmp_path / "data", tiny_model_dir,
                          ["--threshold", "0.9", "--uncertain-band", "0.05"]) as url:
        h = httpx.get(url + "/health", timeout=10).json()
        assert (h["threshold"], h["uncertain_band"]) == (0.9, 0.05)
        d = httpx.post(url + "/v1/predict", json={"text": SHORT}, timeout=30).json()
        assert d["label"] == ("satire" if d["satire_probability"] >= 0.9 else "sincere")
    bad = _serve_cli("--uncertain-band", "0.5", "--model", str(tiny_model_dir))
    assert bad.returncode == 2 and "--uncertain-band" in bad.stderr and "serving on" not in bad.stderr
