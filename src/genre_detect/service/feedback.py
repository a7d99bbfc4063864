"""Moderators' feedback: a durable SQLite store of "wrong verdict" reports, and their export for retraining.

Durability is the point of this module. The database runs in WAL mode with ``synchronous=FULL``: a commit returns
only after the write-ahead log is fsynced, so an entry acknowledged to a client survives the server being killed
(SIGKILL, power loss of the process) right after the acknowledgement. The service acknowledges only after
:meth:`FeedbackStore.add` has returned.

Example:
    >>> import tempfile
    >>> store = FeedbackStore(tempfile.mkdtemp())
    >>> entry = store.add("Area man does thing.", verdict="sincere", label="satire", comment="obvious parody")
    >>> [r["label"] for r in store.export_records()]
    ['satire']
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from ..errors import ServiceError

__all__ = ["DATA_DIR_ENV", "DB_NAME", "MODERATOR_LABELS", "VERDICTS", "FeedbackStore", "default_data_dir"]

DATA_DIR_ENV = "GENRE_DETECT_DATA_DIR"
DB_NAME = "feedback.sqlite3"

# What a moderator can say the text really is, mapped to (binary label, genre) as the training data uses them.
# "sincere" is for a moderator who knows the text is not satire but does not want to pick its genre.
MODERATOR_LABELS: dict[str, tuple[str, str | None]] = {
    "satire": ("satire", "satire"),
    "opinion": ("sincere", "opinion"),
    "reporting": ("sincere", "reporting"),
    "sincere": ("sincere", None),
}
VERDICTS = ("satire", "sincere", "uncertain")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    text TEXT NOT NULL,
    verdict TEXT NOT NULL,
    satire_probability REAL,
    label TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    model TEXT
);
CREATE INDEX IF NOT EXISTS feedback_sha256 ON feedback(sha256);
"""


def default_data_dir() -> Path:
    """``$GENRE_DETECT_DATA_DIR``, else ``$XDG_DATA_HOME/genre-detect``, else ``~/.local/share/genre-detect``.

    Not to be confused with :func:`genre_detect.data.default_data_dir` (the labelled training sets).
    """
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "genre-detect"


def text_sha256(text: str) -> str:
    """Hex SHA-256 of the UTF-8 text: lets a retraining job spot repeats without comparing whole texts."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class FeedbackStore:
    """Append-only feedback table in ``<data_dir>/feedback.sqlite3``.

    One connection is shared by the service's worker threads behind a lock: writes are serialised anyway by
    SQLite, and a single connection keeps the pragmas in one place.

    Example:
        >>> store = FeedbackStore("/tmp/gd-feedback")          # doctest: +SKIP
        >>> store.add("text", verdict="satire", label="reporting")["id"]   # doctest: +SKIP
        1
    """

    def __init__(self, data_dir: str | Path | None = None) -> None:
        self.data_dir = Path(data_dir).expanduser() if data_dir else default_data_dir()
        self.path = self.data_dir / DB_NAME
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ServiceError("E601", f"cannot open the feedback store: {exc}", http_status=500,
                               source=str(self.path)) from None
        self._lock = threading.Lock()

    def add(self, text: str, verdict: str, label: str, comment: str = "", satire_probability: float | None = None,
            model: str | None = None) -> dict:
        """Record one report; returns ``{"id", "sha256", "created_at"}`` only once the row is committed."""
        if label not in MODERATOR_LABELS:
            raise ServiceError("E603", f"label must be one of {sorted(MODERATOR_LABELS)}", http_status=422)
        if verdict not in VERDICTS:
            raise ServiceError("E603", f"verdict must be one of {list(VERDICTS)}", http_status=422)
        digest = text_sha256(text)
        created = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        row = (created, digest, text, verdict, satire_probability, label, comment, model)
        try:
            with self._lock:
                # Explicit BEGIN/COMMIT (autocommit mode otherwise): the COMMIT is where the WAL is fsynced.
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    cur = self._conn.execute(
                        "INSERT INTO feedback (created_at, sha256, text, verdict, satire_probability, label, comment,"
                        " model) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
                    self._conn.execute("COMMIT")
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            raise ServiceError("E601", f"feedback was not recorded: {exc}", http_status=503) from None
        return {"id": cur.lastrowid, "sha256": digest, "created_at": created}

    def count(self) -> int:
        with self._lock:
            return self._conn.execute("SELECT COUNT(*) FROM feedback").fetchone()[0]

    def rows(self) -> Iterator[dict]:
        """Every stored report, oldest first, as plain dicts of the table's columns."""
        with self._lock:
            cur = self._conn.execute("SELECT * FROM feedback ORDER BY id")
            names = [d[0] for d in cur.description]
            rows = cur.fetchall()
        for r in rows:
            yield dict(zip(names, r))

    def export_records(self) -> Iterator[dict]:
        """Reports as training records: ``id``, ``text``, ``label`` (satire/sincere), ``genre``, plus metadata.

        ``source``/``publisher`` are ``"feedback"`` so that a retraining split can hold them out as one unit.
        """
        for r in self.rows():
            binary, genre = MODERATOR_LABELS.get(r["label"], (None, None))
            yield {
                "id": f"feedback:{r['id']}",
                "text": r["text"],
                "label": binary,
                "genre": genre,
                "source": "feedback",
                "publisher": "feedback",
                "sha256": r["sha256"],
                "moderator_label": r["label"],
                "model_verdict": r["verdict"],
                "satire_probability": r["satire_probability"],
                "comment": r["comment"],
                "model": r["model"],
                "created_at": r["created_at"],
            }

    def close(self) -> None:
        with self._lock:
            self._conn.close()
