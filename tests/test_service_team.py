"""The service as a moderation team shares it: tokens, per-token limits, the audit trail and backups."""

from __future__ import annotations

import json
import sqlite3
import stat
import threading

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from genre_detect.cli import main
from genre_detect.errors import InputError
from genre_detect.service.app import create_app
from genre_detect.service.auth import Tokens, is_loopback, loose_permissions
from genre_detect.service.feedback import FeedbackStore

TEXT = "The minister said the plan would be ready after the talks with experts."
ALICE, BOB = "alice-token-0123456789abcdef", "bob-token-0123456789abcdef00"


@pytest.fixture()
def tokens(tmp_path):
    f = tmp_path / "tokens"
    f.write_text(f"# the moderation team\nalice:{ALICE}\n\nbob : {BOB}\n", encoding="utf-8")
    f.chmod(0o600)
    return Tokens.from_file(f)


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture()
def team(tiny_detector, tokens, tmp_path):
    app = create_app(detector=tiny_detector, data_dir=tmp_path / "data", tokens=tokens, rate_limit=0)
    return TestClient(app, raise_server_exceptions=False)


# -- tokens -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("route, body", [
    ("/v1/predict", {"text": TEXT}),
    ("/v1/explain", {"text": TEXT}),
    ("/v1/feedback", {"text": TEXT, "verdict": "sincere", "label": "satire"}),
])
def test_every_v1_route_needs_a_right_token(team, route, body):
    r = team.post(route, json=body)
    assert r.status_code == 401 and r.json()["code"] == "E604" and "needs an API token" in r.json()["message"]
    assert r.headers["www-authenticate"].startswith("Bearer")
    r = team.post(route, json=body, headers=_bearer(ALICE[:-1] + "X"))
    assert r.status_code == 401 and r.json()["code"] == "E604" and "not valid" in r.json()["message"]
    assert team.post(route, json=body, headers={"Authorization": ALICE}).status_code == 401  # no scheme
    assert team.post(route, json=body, headers=_bearer(ALICE)).status_code in (200, 201)
    assert team.post(route, json=body, headers={"authorization": f"bearer {BOB}"}).status_code in (200, 201)


def test_open_routes_and_whoami(team):
    h = team.get("/health")
    assert h.status_code == 200 and h.json()["auth"] is True
    for path in ("/", "/static/app.js", "/docs", "/openapi.json"):
        assert team.get(path).status_code == 200, path
    assert team.get("/v1/whoami").status_code == 401
    assert team.get("/v1/whoami", headers=_bearer(BOB)).json() == {"moderator": "bob", "auth": True}


def test_token_is_checked_before_the_body_is_read(tiny_detector, tokens, tmp_path):
    app = create_app(detector=tiny_detector, data_dir=tmp_path, tokens=tokens, max_body_bytes=2048)
    c = TestClient(app)
    big = json.dumps({"text": "word " * 2000})
    r = c.post("/v1/predict", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 401  # not 413, and not 422 for a body it never parsed
    r = c.post("/v1/predict", content="{not json", headers={"content-type": "application/json"})
    assert r.status_code == 401


def test_tokens_are_compared_in_constant_time(tokens, monkeypatch):
    from genre_detect.service import auth

    calls = []
    real = auth.hmac.compare_digest
    monkeypatch.setattr(auth.hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))
    assert tokens.name_for(ALICE) == "alice"  # the first entry: every other one is still compared
    assert len(calls) == len(tokens.names) == 2
    calls.clear()
    assert tokens.name_for("x" * 40) is None and len(calls) == 2
    assert tokens.name_for("") is None and tokens.name_for(None) is None


@pytest.mark.parametrize("content, words", [
    ("alice\n", "expected 'name:token'"),
    ("alice:short\n", "at least 16"),
    (f"alice:{ALICE}\nalice:{BOB}\n", "appears twice"),
    (f"alice:{ALICE}\nbob:{ALICE}\n", "another name"),
    (f"al ice:{ALICE}\n", "a name is"),
    ("# nothing\n\n", "no 'name:token'"),
])
def test_bad_token_files_are_coded_errors(tmp_path, content, words):
    f = tmp_path / "tokens"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        Tokens.from_file(f)
    assert exc.value.code == "E607" and words in exc.value.message
    with pytest.raises(InputError, match="cannot read"):
        Tokens.from_file(tmp_path / "missing")


def test_permissions_and_loopback(tmp_path):
    f = tmp_path / "tokens"
    f.write_text(f"alice:{ALICE}\n", encoding="utf-8")
    f.chmod(0o600)
    assert not loose_permissions(f)
    f.chmod(0o640)
    assert loose_permissions(f)
    assert stat.S_IMODE(f.stat().st_mode) == 0o640
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.3.4.5", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "10.1.2.3", "192.168.0.5", "example.org"))


# -- rate limits ---------------------------------------------------------------------------------------------------
def test_requests_per_minute_per_token(tiny_detector, tokens, tmp_path):
    c = TestClient(create_app(detector=tiny_detector, data_dir=tmp_path, tokens=tokens, rate_limit=3))
    for _ in range(3):
        assert c.post("/v1/predict", json={"text": TEXT}, headers=_bearer(ALICE)).status_code == 200
    r = c.post("/v1/predict", json={"text": TEXT}, headers=_bearer(ALICE))
    assert r.status_code == 429 and r.json()["code"] == "E605" and "3 requests in a minute" in r.json()["message"]
    assert 1 <= int(r.headers["retry-after"]) <= 60
    assert c.get("/v1/whoami", headers=_bearer(ALICE)).status_code == 429  # every /v1 route counts
    assert c.post("/v1/predict", json={"text": TEXT}, headers=_bearer(BOB)).status_code == 200  # per token
    assert c.get("/health").status_code == 200  # /health is never limited


def test_no_per_minute_limit_for_loopback_without_tokens(tiny_detector, tmp_path):
    import httpx
    from service_helpers import serve_app

    with serve_app(create_app(detector=tiny_detector, data_dir=tmp_path, rate_limit=2)) as url:
        codes = [httpx.post(url + "/v1/predict", json={"text": TEXT}, timeout=30).status_code for _ in range(4)]
    assert codes == [200] * 4  # one person (or their script) on the server's own machine
    c = TestClient(create_app(detector=tiny_detector, data_dir=tmp_path, rate_limit=2))  # client "testclient"
    assert [c.post("/v1/predict", json={"text": TEXT}).status_code for _ in range(3)] == [200, 200, 429]


def test_concurrent_explains_per_token(tiny_model_dir, tokens, tmp_path):
    """One explanation at a time per moderator: a second one from the same token is 429, another token's is not."""
    import httpx
    from service_helpers import SlowDetector, serve_app, vocab_text

    slow = SlowDetector(tiny_model_dir, delay_s=0.003)
    app = create_app(detector=slow, data_dir=tmp_path, tokens=tokens, explains_per_token=1, explain_queue=2)
    with serve_app(app) as url, httpx.Client(base_url=url, timeout=60) as c:
        done: list = []

        def long_explain():
            with httpx.Client(base_url=url, timeout=2) as mine:
                try:
                    mine.post("/v1/explain", json={"text": vocab_text(20_000)}, headers=_bearer(ALICE))
                except httpx.HTTPError as exc:  # gives up after 2 s: the server then stops the work
                    done.append(type(exc).__name__)

        t = threading.Thread(target=long_explain, daemon=True)
        t.start()
        deadline = threading.Event()
        for _ in range(200):
            if c.get("/health").json()["queues"]["explain"]["running"]:
                break
            deadline.wait(0.05)
        r = c.post("/v1/explain", json={"text": TEXT}, headers=_bearer(ALICE))
        assert r.status_code == 429 and r.json()["code"] == "E605" and "already running" in r.json()["message"]
        assert int(r.headers["retry-after"]) >= 1
        assert c.post("/v1/predict", json={"text": TEXT}, headers=_bearer(ALICE)).status_code == 200
        t.join(30)
        assert done  # the long one was given up
        # Alice's slot is free again once her first explanation has gone.
        for _ in range(100):
            if not c.get("/health").json()["queues"]["explain"]["running"]:
                break
            deadline.wait(0.05)
        assert c.post("/v1/explain", json={"text": TEXT}, headers=_bearer(ALICE)).status_code == 200


# -- the audit trail -----------------------------------------------------------------------------------------------
def _report(c, token, text=TEXT, label="satire", comment=""):
    r = c.post("/v1/feedback", json={"text": text, "verdict": "sincere", "label": label, "comment": comment},
               headers=_bearer(token))
    assert r.status_code == 201, r.text
    return r.json()


def test_feedback_records_the_moderator_and_counts_repeats(team, tmp_path):
    a1 = _report(team, ALICE, comment="first")
    a2 = _report(team, ALICE)  # the same moderator, text and label: counted, not stored twice
    b1 = _report(team, BOB)  # another moderator: kept apart
    a3 = _report(team, ALICE, label="opinion")  # another label: a report of its own
    assert a1["moderator"] == "alice" and not a1["duplicate"] and a1["count"] == 1
    assert a2["id"] == a1["id"] and a2["duplicate"] and a2["count"] == 2
    assert b1["id"] != a1["id"] and b1["moderator"] == "bob" and b1["count"] == 1
    assert a3["id"] not in (a1["id"], b1["id"])
    rows = list(FeedbackStore(tmp_path / "data").rows())
    assert [(r["moderator"], r["label"], r["count"], r["comment"]) for r in rows] == [
        ("alice", "satire", 2, "first"), ("bob", "satire", 1, ""), ("alice", "opinion", 1, "")]


def test_export_has_the_moderator_and_filters(team, tmp_path, capsys):
    _report(team, ALICE)
    _report(team, BOB)
    _report(team, BOB, text="Another text about the war and the peace talks.")
    data = tmp_path / "data"
    with sqlite3.connect(data / "feedback.sqlite3") as db:  # date the first report a month earlier
        db.execute("UPDATE feedback SET created_at = '2001-01-15T10:00:00.000+00:00' WHERE id = 1")

    def export(*args) -> list[dict]:
        out = tmp_path / "out.jsonl"
        assert main(["feedback", "export", "--data-dir", str(data), "--out", str(out), *args]) == 0
        return [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]

    every = export()
    assert [(r["moderator"], r["count"]) for r in every] == [("alice", 1), ("bob", 1), ("bob", 1)]
    assert {r["text"] for r in every if r["moderator"] == "alice"} == {TEXT}
    assert [r["moderator"] for r in export("--moderator", "bob")] == ["bob", "bob"]
    assert len(export("--moderator", "bob", "--moderator", "alice")) == 3
    assert export("--moderator", "carol") == []
    assert [r["id"] for r in export("--until", "2001-01-15")] == ["feedback:1"]  # the whole day, inclusive
    assert [r["id"] for r in export("--since", "2001-01-16")] == ["feedback:2", "feedback:3"]
    assert export("--since", "2001-01-15T11:00:00Z", "--until", "2001-01-15") == []
    capsys.readouterr()
    assert main(["feedback", "export", "--data-dir", str(data), "--since", "last week"]) == 2
    assert "not a date" in capsys.readouterr().err


def test_feedback_without_tokens_has_no_moderator(client_no_auth):
    r = client_no_auth.post("/v1/feedback", json={"text": TEXT, "verdict": "satire", "label": "reporting"})
    assert r.status_code == 201 and r.json()["moderator"] is None
    r2 = client_no_auth.post("/v1/feedback", json={"text": TEXT, "verdict": "satire", "label": "reporting"})
    assert r2.json()["id"] == r.json()["id"] and r2.json()["count"] == 2


@pytest.fixture()
def client_no_auth(tiny_detector, tmp_path):
    return TestClient(create_app(detector=tiny_detector, data_dir=tmp_path / "data"))


def test_old_database_gains_the_new_columns(tmp_path):
    db = tmp_path / "feedback.sqlite3"
    with sqlite3.connect(db) as conn:  # the table as the first release made it, with one report
        conn.execute("CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, "
                     "sha256 TEXT NOT NULL, text TEXT NOT NULL, verdict TEXT NOT NULL, satire_probability REAL, "
                     "label TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '', model TEXT)")
        conn.execute("INSERT INTO feedback (created_at, sha256, text, verdict, label) VALUES "
                     "('2026-01-01T00:00:00.000+00:00', 'x', 'old text', 'sincere', 'satire')")
    store = FeedbackStore(tmp_path)
    recs = list(store.export_records())
    assert [(r["text"], r["moderator"], r["count"]) for r in recs] == [("old text", None, 1)]
    assert store.add("old text", verdict="sincere", label="satire")["count"] == 1  # sha256 'x' is not its hash
    store.close()


def test_backup_while_the_store_is_open(team, tmp_path, capsys):
    for i in range(5):
        _report(team, ALICE, text=f"Report {i}: the plan was, allegedly, a triumph.")
    out = tmp_path / "backups" / "feedback.sqlite3"
    assert main(["feedback", "backup", "--data-dir", str(tmp_path / "data"), "--out", str(out)]) == 0
    assert "backed up 5 feedback records" in capsys.readouterr().err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with sqlite3.connect(out) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT moderator, count(*) FROM feedback GROUP BY moderator").fetchall() == [("alice", 5)]
    _report(team, BOB)  # the server's store still works; a second backup replaces the first
    assert main(["feedback", "backup", "--data-dir", str(tmp_path / "data"), "--out", str(out)]) == 0
    with sqlite3.connect(out) as copy:
        assert copy.execute("SELECT count(*) FROM feedback").fetchone()[0] == 6
    assert not list(out.parent.glob(".*partial"))
    assert main(["feedback", "backup", "--data-dir", str(tmp_path / "none"), "--out", str(out)]) == 1
