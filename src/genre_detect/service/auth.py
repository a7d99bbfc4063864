"""Who is calling: the moderators' API tokens, read from a ``name:token`` file, checked in constant time.

A moderation team runs one server for everyone. With a token file, every ``/v1/*`` request must carry
``Authorization: Bearer <token>``; the name the token belongs to is the moderator recorded with their feedback and the
key of their rate limits. ``/health``, the page and its assets stay open (the page asks for the token itself).

The file has one ``name:token`` per line; blank lines and lines starting with ``#`` are ignored. Names are short
identifiers (letters, digits, ``._@-``); tokens are at least :data:`MIN_TOKEN_CHARS` characters with no spaces.
Make one with ``python -c "import secrets; print(secrets.token_urlsafe(24))"`` and keep the file ``chmod 600``.

Example:
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp(), "tokens")
    >>> _ = f.write_text("alice:correct-horse-battery-staple\\n")
    >>> tokens = Tokens.from_file(f)
    >>> tokens.name_for("correct-horse-battery-staple"), tokens.name_for("wrong")
    ('alice', None)
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import re
import stat
from pathlib import Path

from ..errors import InputError

__all__ = ["MIN_TOKEN_CHARS", "TOKENS_ENV", "Tokens", "is_loopback", "loose_permissions"]

TOKENS_ENV = "GENRE_DETECT_TOKENS"
MIN_TOKEN_CHARS = 16
_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")


def _digest(token: str) -> bytes:
    # Compare digests, not the tokens: equal lengths whatever was sent, so compare_digest leaks nothing by length.
    return hashlib.sha256(token.encode("utf-8")).digest()


class Tokens:
    """The accepted tokens, kept as SHA-256 digests, and the moderator name of each."""

    def __init__(self, pairs: dict[str, str]) -> None:
        self._by_digest = [(_digest(tok), name) for name, tok in pairs.items()]
        self.names = sorted(pairs)

    @classmethod
    def from_file(cls, path: str | Path) -> Tokens:
        """Read a ``name:token`` file; a missing, empty or malformed file is error E607 naming the line."""
        path = Path(path).expanduser()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError("E607", f"cannot read the token file: {getattr(exc, 'strerror', None) or exc}",
                             source=str(path)) from None
        pairs: dict[str, str] = {}
        seen: set[str] = set()
        for n, raw in enumerate(lines, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            where = f"{path}:{n}"
            name, sep, token = (part.strip() for part in line.partition(":"))
            if not sep or not name or not token:
                raise InputError("E607", "expected 'name:token'", source=where)
            if not _NAME.match(name):
                raise InputError("E607", "a name is 1-64 letters, digits or ._@-", source=where)
            if len(token) < MIN_TOKEN_CHARS or any(ch.isspace() for ch in token):
                raise InputError("E607", f"a token is at least {MIN_TOKEN_CHARS} characters without spaces",
                                 source=where)
            if name in pairs:
                raise InputError("E607", f"name {name!r} appears twice", source=where)
            if token in seen:
                raise InputError("E607", "this token is also given to another name", source=where)
            pairs[name] = token
            seen.add(token)
        if not pairs:
            raise InputError("E607", "the token file has no 'name:token' line", source=str(path))
        return cls(pairs)

    def name_for(self, token: str | None) -> str | None:
        """The moderator a token belongs to, or ``None``; every stored digest is compared (constant time)."""
        if not token:
            return None
        given = _digest(token)
        found = None
        for digest, name in self._by_digest:
            if hmac.compare_digest(given, digest) and found is None:
                found = name  # no early exit: the time taken does not depend on which entry matched
        return found


def loose_permissions(path: str | Path) -> bool:
    """True when the file can be read or written by its group or by others (it should be ``chmod 600``)."""
    try:
        mode = os.stat(Path(path).expanduser()).st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IRWXG | stat.S_IRWXO))


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the server on this machine (127.0.0.0/8, ::1, ``localhost``)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to anything
