"""Streaming batch scoring with ``predict --jsonl ... --out FILE``: resumable, never writing an id twice."""

import json

import pytest

from genre_detect.cli import main
from genre_detect.evaluation.results_file import ResultsFile
from genre_detect.pipeline.detector import Detector

WORDS = ("the minister said the plan would be ready after talks with experts area man finds new way to think "
         "alleged senior fellow russia belarus west peace war sanctions possibly seriously half percent").split()


def _records(n: int = 150) -> list[dict]:
    """Short, varied records; every seventh has no id, one has no text (a bad record that must not stop the run)."""
    recs = []
    for i in range(n):
        words = [WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(5 + (i * 13) % 60)]
        rec = {"id": f"r{i}", "text": " ".join(words) + "."}
        if i % 7 == 3:
            del rec["id"]
        recs.append(rec)
    recs[40] = {"id": "no-text"}
    return recs


@pytest.fixture()
def data(tiny_model_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("GENRE_DETECT_MODEL", str(tiny_model_dir))
    src = tmp_path / "big.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in _records()), encoding="utf-8")
    full = tmp_path / "full.jsonl"
    assert main(["predict", "--jsonl", str(src), "--out", str(full)]) == 1  # the record without text fails
    return src, full


def _ids(path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


def test_uninterrupted_output_is_complete_and_repeatable(data, tmp_path, capsys):
    src, full = data
    ids = _ids(full)
    assert len(ids) == len(set(ids)) == 149
    assert "big.jsonl:4" in ids  # record without an id: stable "file:line" id
    again = tmp_path / "again.jsonl"
    capsys.readouterr()
    assert main(["predict", "--jsonl", str(src), "--out", str(again)]) == 1
    assert again.read_bytes() == full.read_bytes()
    err = capsys.readouterr().err
    assert "E104" in err and "big.jsonl:41" in err and "done:" in err


@pytest.mark.parametrize("lines,partial", [(0, 50), (10, 0), (10, 37), (32, 5), (70, 1), (148, 0)])
def test_resume_gives_the_same_bytes(data, tmp_path, capsys, lines, partial):
    src, full = data
    raw = full.read_bytes().splitlines(keepends=True)
    cut = tmp_path / "cut.jsonl"
    # An interrupted run: some complete lines, then maybe a partial one (what a SIGKILL mid-write leaves).
    cut.write_bytes(b"".join(raw[:lines]) + raw[lines][:partial])
    assert main(["predict", "--jsonl", str(src), "--out", str(cut)]) == 1
    assert cut.read_bytes() == full.read_bytes()
    err = capsys.readouterr().err
    if lines:
        assert f"{lines} results already there" in err
    assert ("partial last line" in err) == bool(partial)


def test_killed_run_resumes_and_skips_done_chunks(data, tmp_path, monkeypatch):
    src, full = data
    out = tmp_path / "out.jsonl"
    calls = {"n": 0}
    real = Detector.predict_prepared

    def dies_on_third_call(self, preps, progress=None):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # the run is stopped part-way, after two chunks were written
        return real(self, preps, progress)

    monkeypatch.setattr(Detector, "predict_prepared", dies_on_third_call)
    assert main(["predict", "--jsonl", str(src), "--out", str(out)]) != 0
    assert 0 < len(_ids(out)) < len(_ids(full))
    calls["n"] = -100  # no more interruptions; count the chunks the resumed run scores
    assert main(["predict", "--jsonl", str(src), "--out", str(out)]) == 1
    assert out.read_bytes() == full.read_bytes()
    assert calls["n"] + 100 == 3  # 150 records = 5 chunks of 32; the two finished ones were not scored again


def test_ids_are_never_written_twice(tiny_model_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GENRE_DETECT_MODEL", str(tiny_model_dir))
    src = tmp_path / "dup.jsonl"
    recs = [{"id": "a", "text": "The minister said."}, {"id": "b", "text": "Area man finds."},
            {"id": "a", "text": "A different text with the same id."}]
    src.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["predict", "--jsonl", str(src), "--out", str(out)]) == 1
    assert _ids(out) == ["a", "b"]
    assert "E106" in capsys.readouterr().err
    before = out.read_bytes()
    main(["predict", "--jsonl", str(src), "--out", str(out)])
    assert out.read_bytes() == before


def test_corrupt_line_in_the_middle_is_refused(data, tmp_path, capsys):
    src, full = data
    raw = full.read_bytes().splitlines(keepends=True)
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(raw[0] + b"not json\n" + raw[1])
    assert main(["predict", "--jsonl", str(src), "--out", str(bad)]) == 1
    assert "E106" in capsys.readouterr().err
    assert bad.read_bytes() == raw[0] + b"not json\n" + raw[1]


def test_results_file_refuses_duplicates_and_repairs(tmp_path):
    path = tmp_path / "r.jsonl"
    with ResultsFile(path) as out:
        out.write({"id": "x", "v": 1})
        with pytest.raises(Exception, match="duplicate"):
            out.write({"id": "x", "v": 2})
    path.write_bytes(path.read_bytes() + b'{"id": "y", "v"')
    with ResultsFile(path) as out:
        assert out.repaired_bytes == len(b'{"id": "y", "v"') and "x" in out and "y" not in out
        out.write({"id": "y", "v": 3})
    assert _ids(path) == ["x", "y"]
