import json
import subprocess
import sys


from genre_detect.cli import main

TEXT = "The minister said the plan would be ready after the talks with experts."


def test_predict_file_json(model_env, tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_text(TEXT, encoding="utf-8")
    assert main(["predict", "--json", str(f)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    d = json.loads(lines[0])
    assert d["id"] == str(f) and d["label"] in ("satire", "sincere")


def test_predict_table_output(model_env, tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_text(TEXT, encoding="utf-8")
    assert main(["predict", str(f)]) == 0
    out = capsys.readouterr().out
    assert "verdict" in out and "a.txt" in out


def test_predict_stdin(tiny_model_dir, tmp_path):
    env = {"GENRE_DETECT_MODEL": str(tiny_model_dir), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "genre_detect", "predict", "--json", "-"], input=TEXT.encode(),
                          capture_output=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["id"] == "-"


def test_predict_jsonl_records(model_env, tmp_path, capsys):
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(json.dumps({"id": f"r{i}", "text": TEXT}) for i in range(3)) + "\n", encoding="utf-8")
    assert main(["predict", "--jsonl", str(f), "--json"]) == 0
    ids = [json.loads(x)["id"] for x in capsys.readouterr().out.splitlines()]
    assert ids == ["r0", "r1", "r2"]


def test_bad_inputs_are_reported_and_others_still_scored(model_env, tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text(TEXT, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    binary = tmp_path / "bin.dat"
    binary.write_bytes(b"\x00\x01\x02binary")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("caf\xe9 cr\xe8me".encode("latin-1"))
    rc = main(["predict", "--json", str(empty), str(good), str(binary), str(latin1), str(tmp_path / "missing.txt")])
    out, err = capsys.readouterr()
    assert rc == 1
    assert [json.loads(x)["id"] for x in out.splitlines()] == [str(good)]
    errors = err.strip().splitlines()
    assert len([e for e in errors if e.startswith("error:")]) == 4
    for code, name in (("E101", "empty.txt"), ("E102", "bin.dat"), ("E102", "latin1.txt"), ("E100", "missing.txt")):
        assert any(code in e and name in e for e in errors), (code, errors)
    assert "Traceback" not in err


def test_oversized_file_is_refused(model_env, tmp_path, capsys):
    from genre_detect.pipeline.inputs import MAX_BYTES

    big = tmp_path / "big.txt"
    big.write_text("word " * (MAX_BYTES // 5 + 10), encoding="utf-8")
    assert main(["predict", str(big)]) == 1
    assert "E103" in capsys.readouterr().err


def test_usage_errors_exit_2(model_env, capsys):
    assert main(["predict", "--threshold", "3", "x.txt"]) == 2
    assert main(["predict", "--jsonl", "a.jsonl", "b.txt"]) == 2
    assert main(["no-such-command"]) == 2


def test_bad_model_dir_exit_1(tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_text(TEXT, encoding="utf-8")
    assert main(["predict", "--model", str(tmp_path / "nope"), str(f)]) == 1
    assert "E200" in capsys.readouterr().err


def test_help_does_not_import_heavy_modules():
    code = ("import sys; from genre_detect.cli import main; "
            "rc = main(['--help']); "
            "heavy = [m for m in ('numpy', 'onnxruntime', 'torch', 'tokenizers') if m in sys.modules]; "
            "print(heavy)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stdout + proc.stderr
    assert "predict" in proc.stdout
