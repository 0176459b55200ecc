"""Byte-level byte-pair encoding (BPE), the tokenizer family of GPT-2 and its successors.

Text is UTF-8 bytes, so the 256 byte values are the base vocabulary and *any* string
round-trips exactly. Training (Sennrich et al., 2016) repeats: count every adjacent pair of
symbols over the corpus, weighted by how often each pre-token occurs,
    (a, b)* = argmax_{(a,b)} Σ_w f(w) · #{i : wᵢ = a, wᵢ₊₁ = b},
and replace (a, b)* by a new symbol, until the vocabulary has the wanted size. Text is first
cut into pre-tokens (words, numbers, punctuation runs, whitespace runs) by a regular expression
so merges never cross them. Encoding applies the learned merges in the order they were learned.
Training is incremental: a heap keyed by pair count and an index pair → words let each merge
touch only the words that contain the pair. See docs/notes/embeddings.md.
"""

from __future__ import annotations

import heapq
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

__all__ = ["PRETOKENIZE_PATTERN", "BPETokenizer"]

# GPT-2's pre-tokenizer in Python's `re` dialect ([^\W\d_] is "a letter"), with identifiers'
# underscores and long digit runs split; every character falls in exactly one class, so the
# pre-tokens always cover the text.
PRETOKENIZE_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?[^\W\d_]+| ?\d{1,3}| ?[^\s\w]+|_+|\s+(?!\S)|\s+"""


def _merge(word: list[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """Replace each non-overlapping occurrence of ``pair`` (left to right) by ``new_id``."""
    out, i, n = [], 0, len(word)
    a, b = pair
    while i < n:
        if i < n - 1 and word[i] == a and word[i + 1] == b:
            out.append(new_id)
            i += 2
        else:
            out.append(word[i])
            i += 1
    return out


class BPETokenizer:
    """Byte-level BPE: ``train(texts, vocab_size)``, ``encode``, ``decode``, ``save``, ``load``.

    Token ids: 0–255 are the bytes, 256… the merges in learning order, then the special
    tokens (whole strings such as ``"<|endoftext|>"``, never split and never produced by merges).

    Parameters
    ----------
    merges : sequence of (int, int), optional
        Learned merges; merge k creates token 256 + k.
    special_tokens : sequence of str
        Special token strings, appended after the merges.
    pattern : str
        The pre-tokenizer regular expression.
    """

    kind = "bpe"

    def __init__(
        self,
        merges: Sequence[tuple[int, int]] = (),
        special_tokens: Sequence[str] = ("<|endoftext|>",),
        pattern: str = PRETOKENIZE_PATTERN,
    ) -> None:
        self.pattern = pattern
        self.special_tokens = list(special_tokens)
        self._set_merges([(int(a), int(b)) for a, b in merges])

    # ----------------------------------------------------------------------------- state
    def _set_merges(self, merges: list[tuple[int, int]]) -> None:
        self.merges = merges
        self.ranks = {pair: 256 + k for k, pair in enumerate(merges)}
        vocab = [bytes([i]) for i in range(256)]
        for a, b in merges:
            if a >= len(vocab) or b >= len(vocab):
                raise ValueError(f"merge ({a}, {b}) uses a token not defined before it")
            vocab.append(vocab[a] + vocab[b])
        self.special_ids = {s: len(vocab) + i for i, s in enumerate(self.special_tokens)}
        vocab += [s.encode("utf-8") for s in self.special_tokens]
        self.vocab = vocab
        self._regex = re.compile(self.pattern)
        self._special_regex = (
            re.compile("(" + "|".join(map(re.escape, self.special_tokens)) + ")")
            if self.special_tokens
            else None
        )
        self._cache: dict[str, list[int]] = {}

    @property
    def vocab_size(self) -> int:
        """Bytes + merges + special tokens."""
        return len(self.vocab)

    # ----------------------------------------------------------------------------- training
    def _pretokens(self, texts: Iterable[str]) -> Counter[str]:
        counts: Counter[str] = Counter()
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"texts must be strings, got {type(text).__name__}")
            parts = self._special_regex.split(text) if self._special_regex else [text]
            for part in parts:
                if part not in self.special_ids:
                    counts.update(self._regex.findall(part))
        return counts

    def train(self, texts: str | Iterable[str], vocab_size: int) -> BPETokenizer:
        """Learn ``vocab_size − 256 − len(special_tokens)`` merges from ``texts``; returns self.

        Parameters
        ----------
        texts : str or iterable of str
            The training text(s); merges never cross pre-token or text boundaries.
        vocab_size : int
            Final vocabulary size, bytes and special tokens included.
        """
        n_special = len(self.special_tokens)
        if not isinstance(vocab_size, int) or vocab_size < 256 + n_special:
            raise ValueError(
                f"vocab_size must be an integer >= {256 + n_special} (bytes + special tokens), "
                f"got {vocab_size!r}"
            )
        counts = self._pretokens([texts] if isinstance(texts, str) else texts)
        if not counts:
            raise ValueError("texts hold no characters to train on")
        words = [list(w.encode("utf-8", errors="surrogatepass")) for w in counts]
        freqs = list(counts.values())
        pair_counts: defaultdict[tuple[int, int], int] = defaultdict(int)
        where: defaultdict[tuple[int, int], set[int]] = defaultdict(set)
        for wi, w in enumerate(words):
            f = freqs[wi]
            for p in zip(w, w[1:]):
                pair_counts[p] += f
                where[p].add(wi)
        heap = [(-c, p) for p, c in pair_counts.items()]
        heapq.heapify(heap)
        merges: list[tuple[int, int]] = []
        n_merges = vocab_size - 256 - n_special
        while len(merges) < n_merges and heap:
            neg, pair = heapq.heappop(heap)
            count = pair_counts.get(pair, 0)
            if count <= 0:
                continue
            if count != -neg:  # a stale entry: the count fell since it was pushed
                heapq.heappush(heap, (-count, pair))
                continue
            new_id = 256 + len(merges)
            merges.append(pair)
            changed: set[tuple[int, int]] = set()
            for wi in where.pop(pair):
                w, f = words[wi], freqs[wi]
                if len(w) < 2:
                    continue
                new = _merge(w, pair, new_id)
                if len(new) == len(w):  # the pair left this word in an earlier merge
                    continue
                for p in zip(w, w[1:]):
                    pair_counts[p] -= f
                for p in zip(new, new[1:]):
                    pair_counts[p] += f
                    where[p].add(wi)
                    changed.add(p)
                words[wi] = new
            pair_counts.pop(pair, None)
            for p in changed:
                if pair_counts[p] > 0:
                    heapq.heappush(heap, (-pair_counts[p], p))
        self._set_merges(merges)
        return self

    # ----------------------------------------------------------------------------- coding
    def _encode_chunk(self, chunk: str) -> list[int]:
        ids = self._cache.get(chunk)
        if ids is not None:
            return ids
        word = list(chunk.encode("utf-8", errors="surrogatepass"))
        ranks = self.ranks
        while len(word) > 1:
            # the earliest-learned merge present in the word goes first, as in training
            best = min(zip(word, word[1:]), key=lambda p: ranks.get(p, 1 << 62))
            if best not in ranks:
                break
            word = _merge(word, best, ranks[best])
        if len(self._cache) < 500_000:
            self._cache[chunk] = word
        return word

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text``: special tokens whole, everything else by the learned merges."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        out: list[int] = []
        parts = self._special_regex.split(text) if self._special_regex else [text]
        for part in parts:
            if part in self.special_ids:
                out.append(self.special_ids[part])
                continue
            for chunk in self._regex.findall(part):
                out.extend(self._encode_chunk(chunk))
        return out

    def encode_array(self, text: str) -> np.ndarray:
        """:meth:`encode` as an int32 array (for corpora)."""
        return np.asarray(self.encode(text), dtype=np.int32)

    def decode_bytes(self, ids: Iterable[int]) -> bytes:
        """The bytes the tokens stand for."""
        vocab, n = self.vocab, len(self.vocab)
        pieces = []
        for i in ids:
            i = int(i)
            if not 0 <= i < n:
                raise ValueError(f"token id {i} is outside the vocabulary 0..{n - 1}")
            pieces.append(vocab[i])
        return b"".join(pieces)

    def decode(self, ids: Iterable[int]) -> str:
        """The text of ``ids``; a sequence cut inside a UTF-8 character shows U+FFFD there."""
        data = self.decode_bytes(ids)
        try:
            return data.decode("utf-8", errors="surrogatepass")
        except UnicodeDecodeError:
            return data.decode("utf-8", errors="replace")

    # ----------------------------------------------------------------------------- files
    def to_dict(self) -> dict[str, object]:
        """JSON-ready description."""
        return {
            "type": self.kind,
            "version": 1,
            "pattern": self.pattern,
            "special_tokens": self.special_tokens,
            "merges": [list(m) for m in self.merges],
        }

    def save(self, path: str | Path) -> Path:
        """Write the tokenizer as JSON (no pickle) and return the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict()))
        return path

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> BPETokenizer:
        """Inverse of :meth:`to_dict`."""
        if data.get("type") != cls.kind:
            raise ValueError(f"not a BPE tokenizer description (type {data.get('type')!r})")
        merges = data["merges"]
        special = data["special_tokens"]
        assert isinstance(merges, list) and isinstance(special, list)
        return cls([(a, b) for a, b in merges], special, str(data["pattern"]))

    @classmethod
    def load(cls, path: str | Path) -> BPETokenizer:
        """Read a tokenizer written by :meth:`save`."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"tokenizer file {path} does not exist")
        return cls.from_dict(json.loads(path.read_text()))
