"""Build the frozen-probe teacher of issue 13's route 2: all-mpnet-base-v2 cut after layer K, a linear head on top.

    python training/install_teacher.py                       # once: the pinned mpnet weights -> runs/teacher-base
    python training/probe_teacher.py                         # -> runs/probe-teacher/checkpoint (+ probe.json)
    python training/train.py training/minilm-probe-distill.yaml   # the MiniLM student distilled from it

The teacher is not fine-tuned (that costs about 110 min on two CPU cores): its encoder is frozen, so it is built by one
forward pass over the student recipe's own training windows and a logistic regression. Steps:

1. The student recipe's training documents and one epoch of its windows, drawn by the trainer's own sampler with the
   recipe's seed (``genre_detect.training.trainer.sample_windows``), each re-cut to its character span and read by
   mpnet's tokenizer, exactly as the distiller will ask the teacher about them. ``--writers`` adds hand-written pairs.
2. Mean-pooled layer-K states (bf16 on the CPU), cached in ``features.npz`` so that a second head costs no forward.
3. A balanced multinomial logistic regression over the three genres; C by grouped 5-fold CV (groups = documents,
   log loss); the standardisation is folded into the head's weights.
4. Development figures, never a test fold: the calibration fold (document score = mean window probability over
   254-token tiles; ROC-AUC of satire against the rest) and writer w7 (parody above its twin). With ``--variants``
   both heads (without and with the writers' pairs) are fitted and the plan's rule picks one
   (``experiments/register/plan.md``, session 14).
5. The chosen head is saved as a normal checkpoint (``readout: layer:K``): ``train.py --skip-train`` exports,
   calibrates and evaluates it, and ``distill_from`` reads it.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

from genre_detect.errors import GenreDetectError, UsageError
from genre_detect.settings import GENRES

REPO = Path(__file__).resolve().parents[1]


def log(msg: str) -> None:
    print(f"[probe {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Teacher:
    """The frozen, cut encoder and its tokenizer: pooled features of texts, batched by length."""

    def __init__(self, base: Path, layer: int | None, threads: int) -> None:
        """``layer`` None: ``base`` is a checkpoint saved by training (its head is used as it is)."""
        import torch

        from genre_detect.pipeline.windows import load_tokenizer, special_token_ids
        from genre_detect.training.distill import check_teacher_weights
        from genre_detect.training.trainer import _build_classifier_class, load_checkpoint

        torch.set_num_threads(threads)
        self.base = base
        if layer is None:
            self.model = load_checkpoint(base)
        else:
            log(f"teacher weights sha256 ok: {check_teacher_weights(base)}")
            self.model = _build_classifier_class().from_base(base, len(GENRES), readout=f"layer:{layer}").eval()
        for p in self.model.parameters():
            p.requires_grad_(False)
        self.tokenizer = load_tokenizer(str(base / "tokenizer.json"))
        self.cls_id, self.sep_id = special_token_ids(self.tokenizer)
        self.pad_id = self.tokenizer.token_to_id("<pad>") or 0

    def rows(self, texts: list[str], body_max: int) -> list[list[int]]:
        encs = self.tokenizer.encode_batch(texts, add_special_tokens=False)
        return [[self.cls_id, *e.ids[:body_max], self.sep_id] for e in encs]

    def features(self, rows: list[list[int]], batch_size: int = 32, logits: bool = False) -> np.ndarray:
        """Pooled states (or, with ``logits``, the head's genre logits) of token rows, in bf16, sorted by length."""
        import torch

        order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
        width = len(GENRES) if logits else self.model.encoder.config.hidden_size
        out = np.zeros((len(rows), width), dtype=np.float32)
        t0 = time.time()
        for b in range(0, len(order), batch_size):
            idx = order[b : b + batch_size]
            longest = max(len(rows[i]) for i in idx)
            ids = torch.full((len(idx), longest), self.pad_id, dtype=torch.long)
            mask = torch.zeros_like(ids)
            for j, i in enumerate(idx):
                ids[j, : len(rows[i])] = torch.tensor(rows[i])
                mask[j, : len(rows[i])] = 1
            with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
                head_out, pooled = self.model(ids, mask, return_pooled=True)
            out[idx] = (head_out if logits else pooled).float().numpy()
            if (b // batch_size) % 40 == 0:
                log(f"  {b + len(idx)}/{len(rows)} windows ({time.time() - t0:.0f}s)")
        return out


def training_windows(args, writers: list[str]):
    """One epoch of the recipe's training windows as (text, genre index, document id), by the trainer's sampler."""
    from genre_detect.pipeline.windows import load_tokenizer, special_token_ids
    from genre_detect.training.data import recipe_folds, training_fold
    from genre_detect.training.trainer import (_tokenise, base_model_path, parody_documents, sample_windows,
                                               written_documents)

    base = base_model_path(args.base_model)
    tok = load_tokenizer(str(base / "tokenizer.json"))
    cls_id, sep_id = special_token_ids(tok)
    folds = recipe_folds(args)
    docs = training_fold(args, folds)
    if args.parody_docs:
        docs = docs + parody_documents(docs, args.parody_docs, random.Random(args.seed + 2))
    if writers:
        docs = docs + written_documents(args.written_dir, writers)
        # As in the written recipes (training/minilm-written.yaml): 8 crops per side of each hand-written pair.
        args.crops_per_doc = {**args.crops_per_doc, "written": 8}
    items = _tokenise(docs, tok, args.mask_names, keep_spans=True)
    windows = sample_windows(items, args, random.Random(args.seed), cls_id, sep_id, with_spans=True)
    return [(w.text, g, w.item.doc.id) for w, g in windows], folds


def tiles(teacher: Teacher, texts: list[str], body_max: int, max_tiles: int) -> tuple[list[list[int]], list[int]]:
    """Each text cut into consecutive ``body_max``-token windows (at most ``max_tiles``): rows and owner index."""
    from genre_detect.pipeline.normalise import normalise, strip_shortcuts

    rows, owner = [], []
    clean = [strip_shortcuts(normalise(t)).text for t in texts]
    for k, enc in enumerate(teacher.tokenizer.encode_batch(clean, add_special_tokens=False)):
        ids = enc.ids or [teacher.pad_id]
        for s in range(0, min(len(ids), body_max * max_tiles), body_max):
            rows.append([teacher.cls_id, *ids[s : s + body_max], teacher.sep_id])
            owner.append(k)
    return rows, owner


def fit_head(x: np.ndarray, y: np.ndarray, groups: np.ndarray, seed: int) -> dict:
    """Balanced multinomial logistic regression on standardised features; C by grouped 5-fold CV (log loss)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.model_selection import GroupKFold

    mu, sd = x.mean(0), x.std(0) + 1e-6
    z = (x - mu) / sd
    best = None
    for c in (0.001, 0.003, 0.01, 0.03, 0.1):
        losses = []
        for tr, va in GroupKFold(n_splits=5, shuffle=True, random_state=seed).split(z, y, groups):
            clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000).fit(z[tr], y[tr])
            losses.append(log_loss(y[va], clf.predict_proba(z[va]), labels=list(range(len(GENRES)))))
        loss = float(np.mean(losses))
        log(f"  C={c}: grouped-CV log loss {loss:.4f}")
        if best is None or loss < best[1]:
            best = (c, loss)
    clf = LogisticRegression(C=best[0], class_weight="balanced", max_iter=4000).fit(z, y)
    # logits = W ((x - mu) / sd) + b = (W / sd) x + (b - W mu / sd)
    weight = clf.coef_ / sd[None, :]
    bias = clf.intercept_ - (clf.coef_ * (mu / sd)[None, :]).sum(1)
    return {"C": best[0], "cv_log_loss": best[1], "weight": weight, "bias": bias}


def window_probs(head: dict, x: np.ndarray) -> np.ndarray:
    logits = x @ head["weight"].T + head["bias"]
    logits -= logits.max(1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(1, keepdims=True)


def doc_scores(head: dict, x: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    """Mean satire probability over each document's windows."""
    p = window_probs(head, x)[:, GENRES.index("satire")]
    return np.array([p[owner == k].mean() for k in range(n)])


def score_checkpoint(path: Path, args, threads: int, max_tiles: int) -> dict:
    """Development figures of a trained teacher checkpoint, scored as the probe heads are (no test fold)."""
    from genre_detect.training.data import recipe_folds
    from genre_detect.training.written import load_written_pairs

    teacher = Teacher(path, None, threads)
    body_max = args.max_length - 2
    folds = recipe_folds(args)
    w7 = load_written_pairs(args.written_dir, ["w7"])
    calib_rows, calib_owner = tiles(teacher, [d.text for d in folds["calib"]], body_max, max_tiles)
    w7_rows, w7_owner = tiles(teacher, [t.text for t in w7], body_max, max_tiles)
    dev = {"calib_x": teacher.features(calib_rows, logits=True), "calib_owner": np.array(calib_owner),
           "calib_y": np.array([GENRES.index(d.genre) for d in folds["calib"]]),
           "w7_x": teacher.features(w7_rows, logits=True), "w7_owner": np.array(w7_owner),
           "w7_labels": [t.label for t in w7]}
    identity = {"weight": np.eye(len(GENRES)), "bias": np.zeros(len(GENRES))}   # the rows are logits already
    return {"checkpoint": str(path), **dev_figures(identity, dev)}


def dev_figures(head: dict, dev: dict) -> dict:
    from sklearn.metrics import roc_auc_score

    s = doc_scores(head, dev["calib_x"], dev["calib_owner"], len(dev["calib_y"]))
    w = doc_scores(head, dev["w7_x"], dev["w7_owner"], len(dev["w7_labels"]))
    par = np.array([w[i] for i, lab in enumerate(dev["w7_labels"]) if lab == "satire"])
    twin = np.array([w[i] for i, lab in enumerate(dev["w7_labels"]) if lab != "satire"])
    return {"calib_auc": float(roc_auc_score(dev["calib_y"] == GENRES.index("satire"), s)),
            "w7_parody_above_twin": int((par > twin).sum()), "w7_pairs": len(par),
            "w7_parody_mean": float(par.mean()), "w7_twin_mean": float(twin.mean()),
            "w7_parodies_over_half": int((par >= 0.5).sum()), "w7_twins_over_half": int((twin >= 0.5).sum())}


def main() -> None:
    from genre_detect.training import TrainingArguments

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--recipe", default="training/minilm.yaml", help="the student recipe whose windows are read")
    ap.add_argument("--base", default="runs/teacher-base/all-mpnet-base-v2", help="mpnet folder (install_teacher.py)")
    ap.add_argument("--layer", type=int, default=8, help="read the pooled output of this layer (2/3 depth: 8 of 12)")
    ap.add_argument("--writers", nargs="*", default=["w1", "w2", "w3", "w4", "w5", "w6"],
                    help="hand-written pairs for the P+w head (never w7 or w8)")
    ap.add_argument("--output", default="runs/probe-teacher")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-tiles", type=int, default=6, help="windows per calibration document scored (dev only)")
    ap.add_argument("--score", metavar="CHECKPOINT", help="only score a trained teacher checkpoint on the development "
                    "material (calibration fold, w7), as the probe heads are scored")
    opts = ap.parse_args()

    args = TrainingArguments.from_file(opts.recipe)
    if opts.score:
        print(json.dumps(score_checkpoint(Path(opts.score), args, opts.threads, opts.max_tiles), indent=2))
        return
    out = Path(opts.output)
    out.mkdir(parents=True, exist_ok=True)
    body_max = args.max_length - 2
    teacher = Teacher(Path(opts.base), opts.layer, opts.threads)
    t0 = time.time()

    cache = out / "features.npz"
    windows, folds = training_windows(args, opts.writers)
    written = np.array([d.startswith("written:") for _, _, d in windows])
    if cache.is_file():
        log(f"reading cached features from {cache}")
        z = np.load(cache, allow_pickle=False)
        x, calib_x, w7_x = z["x"], z["calib_x"], z["w7_x"]
    else:
        log(f"{len(windows)} training windows ({int(written.sum())} from writers {opts.writers}); layer {opts.layer}")
        x = teacher.features(teacher.rows([t for t, _, _ in windows], body_max))
        calib_rows, _ = tiles(teacher, [d.text for d in folds["calib"]], body_max, opts.max_tiles)
        log(f"{len(calib_rows)} calibration-fold windows")
        calib_x = teacher.features(calib_rows)
        from genre_detect.training.written import load_written_pairs

        w7 = load_written_pairs(args.written_dir, ["w7"])
        w7_rows, _ = tiles(teacher, [t.text for t in w7], body_max, opts.max_tiles)
        w7_x = teacher.features(w7_rows)
        np.savez(cache, x=x, calib_x=calib_x, w7_x=w7_x)
        log(f"features in {time.time() - t0:.0f}s")
    from genre_detect.training.written import load_written_pairs

    w7 = load_written_pairs(args.written_dir, ["w7"])
    _, calib_owner = tiles(teacher, [d.text for d in folds["calib"]], body_max, opts.max_tiles)
    _, w7_owner = tiles(teacher, [t.text for t in w7], body_max, opts.max_tiles)
    dev = {"calib_x": calib_x, "calib_owner": np.array(calib_owner),
           "calib_y": np.array([GENRES.index(d.genre) for d in folds["calib"]]),
           "w7_x": w7_x, "w7_owner": np.array(w7_owner), "w7_labels": [t.label for t in w7]}
    y = np.array([g for _, g, _ in windows])
    groups = np.array([d for _, _, d in windows])

    report = {"layer": opts.layer, "recipe": opts.recipe, "n_windows": len(windows), "variants": {}}
    heads = {}
    for name, keep in (("P", ~written), ("P+w", np.ones(len(windows), dtype=bool))):
        if name == "P+w" and not written.any():
            continue
        log(f"head {name}: {int(keep.sum())} windows")
        head = fit_head(x[keep], y[keep], groups[keep], args.seed)
        heads[name] = head
        report["variants"][name] = {"n_windows": int(keep.sum()), "C": head["C"], "cv_log_loss": head["cv_log_loss"],
                                    **dev_figures(head, dev)}
        log(f"head {name}: {json.dumps(report['variants'][name])}")
    # The plan's rule (experiments/register/plan.md, session 14), on development material only.
    v = report["variants"]
    choice = "P"
    if "P+w" in v and v["P+w"]["calib_auc"] >= v["P"]["calib_auc"] - 0.01 \
            and v["P+w"]["w7_parody_above_twin"] > v["P"]["w7_parody_above_twin"]:
        choice = "P+w"
    report["chosen"] = choice
    log(f"chosen: {choice}")

    import torch

    head = heads[choice]
    teacher.model.head.weight.data = torch.tensor(head["weight"], dtype=torch.float32)
    teacher.model.head.bias.data = torch.tensor(head["bias"], dtype=torch.float32)
    ckpt = out / "checkpoint"
    teacher.model.save(ckpt, teacher.base)
    used = opts.writers if choice == "P+w" else []
    run_args = {**{k: getattr(args, k) for k in ("split", "seed", "sources", "max_length", "stride", "mask_names")},
                "base_model": str(opts.base), "readout": f"layer:{opts.layer}", "written_writers": used,
                "teacher": "frozen probe", "recipe": opts.recipe}
    info = {"args": run_args, "history": [], "train_seconds": round(time.time() - t0, 1), "probe": report}
    (ckpt / "training_run.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    (out / "probe.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    log(f"saved {ckpt} in {time.time() - t0:.0f}s")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    try:
        main()
    except (GenreDetectError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(getattr(exc, "exit_code", 1))
