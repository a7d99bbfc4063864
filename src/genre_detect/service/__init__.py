"""The HTTP service (``genre-detect serve``): a FastAPI app, its request limits and the feedback store.

Needs the ``serve`` extra (``pip install 'genre-detect[serve]'``).

Example:
    >>> from genre_detect.service import create_app       # doctest: +SKIP
    >>> app = create_app(data_dir="/tmp/gd")               # doctest: +SKIP
"""

from __future__ import annotations

__all__ = ["create_app"]


def __getattr__(name: str):
    # Lazy, so that `genre-detect feedback export` can use the store without importing FastAPI.
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module 'genre_detect.service' has no attribute {name!r}")
