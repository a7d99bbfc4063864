"""How long ``explain`` takes on a 1,500-word article (target: 3 s on this machine), next to plain ``predict``.

Articles: the first 1,500 words of the satire seed (many cues, so the most perturbations) and of one long sincere
analysis from the shared data, both read at run time (nothing is copied into the repository); ``--file`` adds your
own. Without ../shared the bundled examples are repeated to 1,500 words. Each figure is the median of ``--repeat``
warm runs after one warm-up. It prints figures; it is not a test.

Usage:
    python eval/bench_explain.py                   # the shipped model
    python eval/bench_explain.py --model DIR --file article.txt --repeat 5
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from genre_detect import Detector
from genre_detect.explain import explain_details
from genre_detect.training.data import default_data_dir

WORDS = 1500


def first_words(text: str, n: int = WORDS) -> str:
    """``text`` up to its ``n``-th word, paragraphs kept."""
    ms = list(re.finditer(r"\S+", text))
    return text if len(ms) <= n else text[:ms[n - 1].end()]


def articles(extra: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    seeds = default_data_dir().parent / "seeds"
    for p in sorted(seeds.glob("001_*.txt")):
        out[f"seed {p.name[:3]} (satire)"] = first_words(p.read_text(encoding="utf-8"))
    pen0 = default_data_dir() / "pen0_analysis" / "data.jsonl"
    if pen0.is_file():
        import json

        with pen0.open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if len(rec["text"].split()) >= WORDS:
                    out[f"pen0 {rec['id'][:30]} (analysis)"] = first_words(rec["text"])
                    break
    if not out:
        base = " ".join((REPO / "examples" / f).read_text(encoding="utf-8") for f in sorted(
            p.name for p in (REPO / "examples").glob("*.txt")))
        out["bundled examples x n"] = first_words(" ".join([base] * (WORDS // max(len(base.split()), 1) + 1)))
    for f in extra:
        out[f] = first_words(Path(f).read_text(encoding="utf-8"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", help="model directory (default: the shipped model)")
    ap.add_argument("--file", action="append", default=[], help="another article to time (repeatable)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    det = Detector.load(args.model)
    print(f"model: {det.model_dir}  window {det.settings.max_length} tokens, stride {det.settings.stride}")
    print(f"{'article':<44} {'words':>5} {'sent':>5} {'cues':>5} {'windows':>7} {'perturbed':>9} "
          f"{'predict s':>9} {'explain s':>9}")
    for name, text in articles(args.file).items():
        det.predict(text)
        (exp,) = explain_details(det, [text])  # warm-up, and the counts below
        t_pred, t_exp = [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            det.predict(text)
            t_pred.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            det.explain(text)
            t_exp.append(time.perf_counter() - t0)
        spans = {(s.start, s.end) for s in exp.sentences if s.seen} | {(c.start, c.end) for c, d in exp.cues if d.seen}
        print(f"{name[:44]:<44} {len(text.split()):>5} {len(exp.sentences):>5} {len(exp.cues):>5} "
              f"{len(exp.prediction.windows):>7} {len(spans):>9} {statistics.median(t_pred):>9.3f} "
              f"{statistics.median(t_exp):>9.3f}")


if __name__ == "__main__":
    main()
