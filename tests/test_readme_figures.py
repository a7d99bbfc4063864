"""The README's example outputs are a fresh run of the shipped model (eval/readme_figures.py writes them)."""

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("readme_figures", REPO / "eval" / "readme_figures.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["readme_figures"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_readme_blocks_match_a_fresh_run(shipped_model_dir):
    rf = _script()
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = {m.group("name") for m in rf._BLOCK.finditer(text)}
    assert found == set(rf.BLOCKS), "every generated block must be in the README, between its markers"
    _, changed = rf.rewrite(text, str(shipped_model_dir))
    assert changed == [], f"README blocks out of date: {changed}; run python eval/readme_figures.py"


def test_rewrite_replaces_only_the_marked_block(tiny_model_dir):
    rf = _script()
    text = "intro\n<!-- figures:predict-table -->\n```\nstale\n```\n<!-- /figures -->\noutro\n"
    new, changed = rf.rewrite(text, str(tiny_model_dir))
    assert changed == ["predict-table"] and new.startswith("intro\n") and new.endswith("<!-- /figures -->\noutro\n")
    assert "stale" not in new and "$ genre-detect predict examples/parody_oped.txt" in new
    assert rf.rewrite(new, str(tiny_model_dir)) == (new, [])  # a second run changes nothing
    with pytest.raises(SystemExit):
        rf.rewrite("<!-- figures:nonsense -->\nx\n<!-- /figures -->\n", str(tiny_model_dir))
