"""A character tokenizer with the BPE tokenizer's interface: one token per Unicode character.

The vocabulary is the sorted set of characters seen in training; id 0 is U+FFFD, the
replacement character, which stands for every character never seen (the same symbol
``bytes.decode(errors="replace")`` uses), so decode(encode(s)) = s exactly when every
character of s was seen. Encoding a whole corpus is one vectorised lookup: the text as UTF-32
code points, ``searchsorted`` into the sorted vocabulary. See docs/notes/embeddings.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

__all__ = ["CharTokenizer", "UNKNOWN"]

UNKNOWN = "\ufffd"


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)


class CharTokenizer:
    """Characters as tokens: ``train(texts)``, ``encode``, ``decode``, ``save``, ``load``.

    Parameters
    ----------
    chars : str or iterable of str, optional
        The vocabulary (U+FFFD is added as id 0 if missing).
    """

    kind = "char"

    def __init__(self, chars: Iterable[str] = ()) -> None:
        self._set(chars)

    def _set(self, chars: Iterable[str]) -> None:
        unique = sorted(set(chars) - {UNKNOWN})
        if any(len(c) != 1 for c in unique):
            raise ValueError("chars must be single characters")
        self.chars = [UNKNOWN, *unique]
        self._points = _code_points("".join(unique)).astype(np.int64)  # sorted: ids 1..n

    @property
    def vocab_size(self) -> int:
        """Distinct characters + the unknown token."""
        return len(self.chars)

    def train(self, texts: str | Iterable[str], vocab_size: int | None = None) -> CharTokenizer:
        """Take the characters of ``texts`` as the vocabulary; returns self.

        Parameters
        ----------
        texts : str or iterable of str
            Training text(s).
        vocab_size : int, optional
            Keep only the ``vocab_size − 1`` most frequent characters (ties: lower code point).
        """
        parts = [texts] if isinstance(texts, str) else list(texts)
        counts = np.zeros(0, dtype=np.int64)
        for part in parts:
            if not isinstance(part, str):
                raise TypeError(f"texts must be strings, got {type(part).__name__}")
            c = np.bincount(_code_points(part))
            counts = np.pad(counts, (0, max(0, len(c) - len(counts))))
            counts[: len(c)] += c
        seen = np.flatnonzero(counts)
        if len(seen) == 0:
            raise ValueError("texts hold no characters to train on")
        if vocab_size is not None:
            if not isinstance(vocab_size, int) or vocab_size < 2:
                raise ValueError(f"vocab_size must be an integer >= 2, got {vocab_size!r}")
            order = seen[np.lexsort((seen, -counts[seen]))]
            seen = order[: vocab_size - 1]
        self._set(chr(int(c)) for c in seen)
        return self

    def encode_array(self, text: str) -> np.ndarray:
        """Token ids of ``text`` as an int32 array (unseen characters → 0)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        cp = _code_points(text).astype(np.int64)
        pos = np.searchsorted(self._points, cp)
        pos_clipped = np.minimum(pos, max(len(self._points) - 1, 0))
        found = (
            (pos < len(self._points)) & (self._points[pos_clipped] == cp)
            if len(self._points)
            else np.zeros(len(cp), dtype=bool)
        )
        return np.where(found, pos + 1, 0).astype(np.int32)

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` (unseen characters → 0, which decodes to U+FFFD)."""
        return self.encode_array(text).tolist()

    def decode(self, ids: Iterable[int]) -> str:
        """The characters of ``ids``."""
        arr = np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids, dtype=np.int64)
        if arr.size and (arr.min() < 0 or arr.max() >= self.vocab_size):
            bad = int(arr[(arr < 0) | (arr >= self.vocab_size)][0])
            raise ValueError(f"token id {bad} is outside the vocabulary 0..{self.vocab_size - 1}")
        return "".join(self.chars[i] for i in arr.tolist())

    def to_dict(self) -> dict[str, object]:
        """JSON-ready description."""
        return {"type": self.kind, "version": 1, "chars": "".join(self.chars[1:])}

    def save(self, path: str | Path) -> Path:
        """Write the vocabulary as JSON and return the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict()))
        return path

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> CharTokenizer:
        """Inverse of :meth:`to_dict`."""
        if data.get("type") != cls.kind:
            raise ValueError(f"not a char tokenizer description (type {data.get('type')!r})")
        return cls(str(data["chars"]))

    @classmethod
    def load(cls, path: str | Path) -> CharTokenizer:
        """Read a tokenizer written by :meth:`save`."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"tokenizer file {path} does not exist")
        return cls.from_dict(json.loads(path.read_text()))
