"""Tokenisation and strided windows: long articles are split, never cut.

A text is tokenised once (with character offsets); windows of ``max_length - 2`` word pieces start every ``stride``
tokens, and each gets ``[CLS]``/``[SEP]``. The last window is aligned to the end of the text so that no token is left
out. Windows from many documents are later batched together by the detector.

Example:
    >>> # doctest: +SKIP
    >>> wins = split_windows(ids, offsets, cls_id, sep_id, max_length=256, stride=254)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["TokenWindow", "load_tokenizer", "special_token_ids", "split_windows"]


@dataclass
class TokenWindow:
    """Token ids of one window (special tokens included) and its character span in the tokenised text."""

    ids: np.ndarray
    start: int
    end: int

    @property
    def num_tokens(self) -> int:
        return int(self.ids.shape[0])


def load_tokenizer(path: str):
    """Load a ``tokenizer.json`` with truncation and padding switched off: windowing is done here."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(path)
    tok.no_truncation()
    tok.no_padding()
    return tok


def special_token_ids(tokenizer) -> tuple[int | None, int | None]:
    """The ids that open and close every window, as the tokenizer's own post-processor adds them.

    BERT-style tokenizers (MiniLM) give ``[CLS]``/``[SEP]``; MPNet and RoBERTa give ``<s>``/``</s>`` (the MPNet vocab
    also lists ``[CLS]``, which that model was never trained with, so the post-processor decides). A tokenizer with
    no post-processor falls back to those names; ``(None, None)`` when it has neither.
    """
    enc = tokenizer.encode("", add_special_tokens=True)
    added = [i for i, m in zip(enc.ids, enc.attention_mask) if m]       # padding, if switched on, is not added
    if len(added) == 2:
        return added[0], added[1]
    for cls_token, sep_token in (("[CLS]", "[SEP]"), ("<s>", "</s>")):
        cls_id, sep_id = tokenizer.token_to_id(cls_token), tokenizer.token_to_id(sep_token)
        if cls_id is not None and sep_id is not None:
            return cls_id, sep_id
    return None, None


def split_windows(ids: list[int], offsets: list[tuple[int, int]], cls_id: int, sep_id: int, max_length: int,
                  stride: int) -> list[TokenWindow]:
    """Split one tokenised text (without special tokens) into overlapping windows covering every token."""
    body = max_length - 2
    n = len(ids)
    if n == 0:
        return [TokenWindow(np.array([cls_id, sep_id], dtype=np.int64), 0, 0)]
    starts = list(range(0, max(n - body, 0) + 1, stride))
    if starts[-1] + body < n:
        starts.append(n - body)
    out = []
    arr = np.asarray(ids, dtype=np.int64)
    for s in starts:
        e = min(s + body, n)
        win = np.concatenate([[cls_id], arr[s:e], [sep_id]]).astype(np.int64)
        out.append(TokenWindow(win, offsets[s][0], offsets[e - 1][1]))
    return out
