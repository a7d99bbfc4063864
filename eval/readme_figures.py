"""Regenerate the README's example outputs from a fresh run of the shipped model, so that they cannot drift.

Each block lives between marker comments in README.md::

    <!-- figures:NAME -->
    ...generated...
    <!-- /figures -->

and :data:`BLOCKS` says which command produces it. The commands run in this process through the real CLI
(:func:`genre_detect.cli.main`), on the bundled examples, with the model given by ``--model`` (default: the shipped
one, or ``$GENRE_DETECT_MODEL``). ``tests/test_readme_figures.py`` checks that the README matches a fresh run.

Usage:
    python eval/readme_figures.py             # rewrite the blocks in README.md
    python eval/readme_figures.py --check     # exit 1 and name the blocks that differ
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

README = REPO / "README.md"
EXAMPLES = ["examples/parody_oped.txt", "examples/council_report.txt"]
# name -> (fence language, argv after "genre-detect", shown with a "$ genre-detect ..." line)
BLOCKS: dict[str, tuple[str, list[str], bool]] = {
    "predict-table": ("", ["predict", *EXAMPLES], True),
    "predict-json": ("json", ["predict", "--json", EXAMPLES[0]], False),
    "explain-example": ("", ["explain", "--no-colour", EXAMPLES[0]], True),
}
_BLOCK = re.compile(r"(<!-- figures:(?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /figures -->)", re.DOTALL)


def run_cli(argv: list[str], model: str | None = None) -> str:
    """Standard output of ``genre-detect ARGV`` run in this process from the repository root."""
    from genre_detect.cli import main

    env_before = os.environ.get("GENRE_DETECT_MODEL")
    out = io.StringIO()
    cwd = os.getcwd()
    try:
        if model:
            os.environ["GENRE_DETECT_MODEL"] = model
        os.chdir(REPO)
        with contextlib.redirect_stdout(out):
            rc = main(argv)
    finally:
        os.chdir(cwd)
        if model and env_before is None:
            os.environ.pop("GENRE_DETECT_MODEL", None)
        elif model:
            os.environ["GENRE_DETECT_MODEL"] = env_before
    if rc != 0:
        raise SystemExit(f"genre-detect {' '.join(argv)} exited {rc}")
    return out.getvalue()


def _wrap_json(line: str, width: int = 116) -> str:
    """One JSON object on lines of at most ``width`` characters, broken only at spaces between tokens."""
    json.loads(line)  # it must be one object
    return textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False, subsequent_indent=" ")


def render(name: str, model: str | None = None) -> str:
    """The body of block ``name`` (a fenced code block) from a fresh run."""
    lang, argv, show_command = BLOCKS[name]
    out = run_cli(argv, model).rstrip("\n")
    if lang == "json":
        out = _wrap_json(out.splitlines()[0])
    head = f"$ genre-detect {' '.join(argv)}\n" if show_command else ""
    return f"```{lang}\n{head}{out}\n```\n"


def rewrite(text: str, model: str | None = None) -> tuple[str, list[str]]:
    """``text`` with every known block regenerated, and the names of the blocks whose content changed."""
    changed: list[str] = []

    def sub(m: re.Match) -> str:
        name = m.group("name")
        if name not in BLOCKS:
            raise SystemExit(f"README.md has an unknown figures block {name!r}; known: {', '.join(BLOCKS)}")
        body = render(name, model)
        if body != m.group("body"):
            changed.append(name)
        return m.group(1) + body + m.group(4)

    return _BLOCK.sub(sub, text), changed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", help="model directory (default: the shipped model or $GENRE_DETECT_MODEL)")
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 when a block differs")
    args = ap.parse_args()
    text = README.read_text(encoding="utf-8")
    new, changed = rewrite(text, args.model)
    found = [m.group("name") for m in _BLOCK.finditer(text)]
    if args.check:
        print(f"{len(found)} blocks checked; differ: {', '.join(changed) or 'none'}")
        sys.exit(1 if changed else 0)
    if new != text:
        README.write_text(new, encoding="utf-8")
    print(f"{len(found)} blocks ({', '.join(found)}); rewritten: {', '.join(changed) or 'none'}")


if __name__ == "__main__":
    main()
