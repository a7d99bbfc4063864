"""Moderators' feedback: a durable SQLite store of "wrong verdict" reports, and their export for retraining.

Durability is the point of this module. The database runs in WAL mode with ``synchronous=FULL``: a commit returns
only after the write-ahead log is fsynced, so an entry acknowledged to a client survives the server being killed
(SIGKILL, power loss of the process) right after the acknowledgement. The service acknowledges only after
:meth:`FeedbackStore.add` has returned.

Each report carries the moderator's name (from their API token; empty when the server has no tokens). One row per
text, label and moderator: the same moderator reporting the same text with the same label again raises that row's
``count`` instead of adding a copy, while reports from different moderators stay separate rows, so a retraining job
can see who agreed with whom. :meth:`FeedbackStore.backup` copies the database while the server runs (SQLite's online
backup API).

Example:
    >>> import tempfile
    >>> store = FeedbackStore(tempfile.mkdtemp())
    >>> entry = store.add("Area man does thing.", verdict="sincere", label="satire", moderator="alice")
    >>> store.add("Area man does thing.", verdict="sincere", label="satire", moderator="alice")["count"]
    2
    >>> [(r["label"], r["moderator"], r["count"]) for r in store.export_records()]
    [('satire', 'alice', 2)]
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Collection, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from ..errors import ServiceError

__all__ = ["DATA_DIR_ENV", "DB_NAME", "MODERATOR_LABELS", "VERDICTS", "FeedbackStore", "default_data_dir",
           "parse_when"]

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
# Columns added after the first release; a database made before them gets them on open (ALTER TABLE ... ADD).
_ADDED_COLUMNS = {
    "moderator": "TEXT NOT NULL DEFAULT ''",
    "count": "INTEGER NOT NULL DEFAULT 1",
    "updated_at": "TEXT",
}


def default_data_dir() -> Path:
    """``$GENRE_DETECT_DATA_DIR``, else ``$XDG_DATA_HOME/genre-detect``, else ``~/.local/share/genre-detect``.

    Not to be confused with :func:`genre_detect.training.data.default_data_dir` (the labelled training sets).
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
            have = {r[1] for r in self._conn.execute("PRAGMA table_info(feedback)")}
            for name, decl in _ADDED_COLUMNS.items():
                if name not in have:
                    self._conn.execute(f"ALTER TABLE feedback ADD COLUMN {name} {decl}")
            self._conn.execute("CREATE INDEX IF NOT EXISTS feedback_key ON feedback(sha256, label, moderator)")
        except (OSError, sqlite3.Error) as exc:
            raise ServiceError("E601", f"cannot open the feedback store: {exc}", http_status=500,
                               source=str(self.path)) from None
        self._lock = threading.Lock()

    def add(self, text: str, verdict: str, label: str, comment: str = "", satire_probability: float | None = None,
            model: str | None = None, moderator: str | None = None) -> dict:
        """Record one report; returns ``{"id", "sha256", "created_at", "count", "duplicate", "moderator"}`` only once
        it is committed.

        A repeat of a report already stored for the same text, label and moderator is counted on that row
        (``duplicate`` is true, ``count`` says how often it was sent); a non-empty comment replaces the old one, and
        the verdict and probability shown are the latest.
        """
        if label not in MODERATOR_LABELS:
            raise ServiceError("E603", f"label must be one of {sorted(MODERATOR_LABELS)}", http_status=422)
        if verdict not in VERDICTS:
            raise ServiceError("E603", f"verdict must be one of {list(VERDICTS)}", http_status=422)
        digest = text_sha256(text)
        moderator = moderator or ""
        now = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        try:
            with self._lock:
                # Explicit BEGIN/COMMIT (autocommit mode otherwise): the COMMIT is where the WAL is fsynced. The
                # look-up and the write share one IMMEDIATE transaction, so two repeats cannot both insert.
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    # The text itself is compared too: a hash collision must not merge two texts.
                    old = self._conn.execute(
                        "SELECT id, created_at, count FROM feedback WHERE sha256 = ? AND label = ? AND moderator = ?"
                        " AND text = ? ORDER BY id LIMIT 1", (digest, label, moderator, text)).fetchone()
                    if old:
                        rid, created, count = old[0], old[1], old[2] + 1
                        self._conn.execute(
                            "UPDATE feedback SET count = ?, updated_at = ?, verdict = ?, satire_probability = ?,"
                            " model = ?, comment = CASE WHEN ? != '' THEN ? ELSE comment END WHERE id = ?",
                            (count, now, verdict, satire_probability, model, comment, comment, rid))
                    else:
                        created, count = now, 1
                        rid = self._conn.execute(
                            "INSERT INTO feedback (created_at, sha256, text, verdict, satire_probability, label,"
                            " comment, model, moderator, count, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
                            (now, digest, text, verdict, satire_probability, label, comment, model, moderator,
                             now)).lastrowid
                    self._conn.execute("COMMIT")
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            raise ServiceError("E601", f"feedback was not recorded: {exc}", http_status=503) from None
        return {"id": rid, "sha256": digest, "created_at": created, "count": count, "duplicate": count > 1,
                "moderator": moderator or None}

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

    def export_records(self, moderators: Collection[str] | None = None, since: datetime | None = None,
                       until: datetime | None = None) -> Iterator[dict]:
        """Reports as training records: ``id``, ``text``, ``label`` (satire/sincere), ``genre``, plus metadata.

        ``source``/``publisher`` are ``"feedback"`` so that a retraining split can hold them out as one unit.
        ``moderators`` keeps only those names (``""`` for reports sent without a token); ``since`` (inclusive) and
        ``until`` (exclusive) filter on when the report was first made (timezone-aware datetimes, see
        :func:`parse_when`).
        """
        for r in self.rows():
            if moderators is not None and (r["moderator"] or "") not in moderators:
                continue
            made = datetime.fromisoformat(r["created_at"])
            if (since is not None and made < since) or (until is not None and made >= until):
                continue
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
                "moderator": r["moderator"] or None,
                "count": r["count"],
                "created_at": r["created_at"],
                "updated_at": r["updated_at"] or r["created_at"],
            }

    def backup(self, out: str | Path) -> int:
        """Copy the database to ``out`` while the server may be writing (SQLite's online backup), atomically.

        The copy is written next to ``out`` and renamed over it only once complete and checked, readable by its owner
        only (it holds every reported text). Returns the number of reports in the copy.

        Example:
            >>> FeedbackStore("/var/lib/genre-detect").backup("/backups/feedback.sqlite3")   # doctest: +SKIP
            42
        """
        out = Path(out).expanduser()
        tmp = out.with_name(f".{out.name}.partial")
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp.unlink(missing_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.close(fd)
            dst = sqlite3.connect(tmp)
            try:
                with self._lock:
                    self._conn.backup(dst)  # pages are copied in one step; writers wait for it (milliseconds)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
                ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
                n = dst.execute("SELECT COUNT(*) FROM feedback").fetchone()[0]
            finally:
                dst.close()
            if ok != "ok":
                raise sqlite3.DatabaseError(f"integrity check of the copy failed: {ok}")
            os.replace(tmp, out)
        except (OSError, sqlite3.Error) as exc:
            tmp.unlink(missing_ok=True)
            raise ServiceError("E601", f"backup failed: {exc}", http_status=500, source=str(out)) from None
        return n

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def parse_when(value: str, end: bool = False) -> datetime:
    """A date (``2026-05-01``) or ISO date-time for the export filters, as an aware datetime (UTC when none given).

    With ``end`` a bare date means the end of that day, so ``--since 2026-05-01 --until 2026-05-01`` is that day.

    Example:
        >>> parse_when("2026-05-01", end=True).isoformat()
        '2026-05-02T00:00:00+00:00'
    """
    value = value.strip()
    try:
        if len(value) == 10:
            d = date.fromisoformat(value)
            when = datetime(d.year, d.month, d.day, tzinfo=timezone.utc)
            return when + timedelta(days=1) if end else when
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD) or an ISO date-time") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)
