"""word2vec: skip-gram with negative sampling (Mikolov et al., 2013), in PyTorch.

Each word w has an input vector v_w and an output vector u_w. For every (centre c, context o)
pair within a window, and k "negative" words n₁…n_k drawn from the unigram distribution
raised to the ¾ power, minimise
    −log σ(u_o·v_c) − Σᵢ log σ(−u_{nᵢ}·v_c),
which pushes words that share contexts towards similar vectors. Frequent words are dropped at
random with probability 1 − √(t / f(w)) (subsampling) and the window is shrunk at random per
position (nearer words count more), both as in the original code. Pairs are built with array
operations, one shift of the token array per offset. See docs/notes/embeddings.md.
"""

from __future__ import annotations

import re
import time
from collections import Counter

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["Word2Vec", "skipgram_pairs", "tokenize_words"]

_WORD = re.compile(r"[A-Za-z]+")


def tokenize_words(text: str) -> list[str]:
    """Lower-case alphabetic words of ``text``; identifiers split at underscores and digits."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return [w.lower() for w in _WORD.findall(text)]


def skipgram_pairs(
    ids: np.ndarray, window: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(centre, context) index pairs within a randomly shrunk window of each position.

    Position i looks b_i ∈ {1 … window} words to each side, b_i uniform (the original code's
    "reduced window"), so a word at distance d is a context with probability (window−d+1)/window.
    """
    if window < 1:
        raise ValueError(f"window must be >= 1, got {window}")
    n = len(ids)
    reach = rng.integers(1, window + 1, size=n)
    centres, contexts = [], []
    for d in range(1, window + 1):
        if d >= n:
            break
        i = np.arange(n - d)
        fwd = i[reach[i] >= d]  # i sees i + d
        bwd = i[reach[i + d] >= d]  # i + d sees i
        centres += [ids[fwd], ids[bwd + d]]
        contexts += [ids[fwd + d], ids[bwd]]
    if not centres:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(centres), np.concatenate(contexts)


class Word2Vec:
    """Skip-gram with negative sampling; ``fit(text)``, then ``most_similar`` and ``analogy``.

    Parameters
    ----------
    dim : int
        Vector size.
    window : int
        Largest distance of a context word.
    negative : int
        Negative samples per pair.
    min_count : int
        Words seen fewer times are dropped.
    max_vocab : int
        Keep at most this many of the most frequent words.
    subsample : float
        Threshold t of frequent-word subsampling (0 turns it off).
    epochs : int
        Passes over the pairs.
    batch_size : int
        Pairs per step.
    lr : float
        Adam learning rate.
    seed : int
        Seeds subsampling, windows, negatives and initialisation.

    Attributes
    ----------
    vocab_ : list of str
        The words, most frequent first.
    vectors_ : np.ndarray
        (V, dim) input vectors, unit length.
    history_ : list of float
        Mean loss of each epoch.
    """

    def __init__(
        self,
        dim: int = 64,
        window: int = 5,
        negative: int = 5,
        min_count: int = 5,
        max_vocab: int = 10_000,
        subsample: float = 1e-4,
        epochs: int = 1,
        batch_size: int = 4096,
        lr: float = 0.005,
        seed: int = 0,
    ) -> None:
        self.dim, self.window, self.negative = dim, window, negative
        self.min_count, self.max_vocab, self.subsample = min_count, max_vocab, subsample
        self.epochs, self.batch_size, self.lr, self.seed = epochs, batch_size, lr, seed

    def _check(self) -> None:
        for name in ("dim", "window", "min_count", "max_vocab", "epochs", "batch_size"):
            v = getattr(self, name)
            if not isinstance(v, int) or v < 1:
                raise ValueError(f"{name} must be a positive integer, got {v!r}")
        if not isinstance(self.negative, int) or self.negative < 0:
            raise ValueError(f"negative must be an integer >= 0, got {self.negative!r}")
        if not (self.lr > 0 and self.subsample >= 0):
            raise ValueError(f"need lr > 0 and subsample >= 0, got {self.lr!r}, {self.subsample!r}")

    def fit(self, text: str | list[str]) -> Word2Vec:
        """Learn vectors from ``text`` (a string, or a list of words); returns self."""
        self._check()
        words = tokenize_words(text) if isinstance(text, str) else list(text)
        counts = Counter(words)
        vocab = [w for w, c in counts.most_common(self.max_vocab) if c >= self.min_count]
        if len(vocab) < 2:
            raise ValueError(
                f"only {len(vocab)} word(s) occur >= min_count={self.min_count} times; need 2"
            )
        self.vocab_ = vocab
        self.index_ = {w: i for i, w in enumerate(vocab)}
        freq = np.array([counts[w] for w in vocab], dtype=np.float64)
        ids = np.array([self.index_.get(w, -1) for w in words], dtype=np.int64)
        ids = ids[ids >= 0]
        rng = np.random.default_rng(self.seed)
        gen = torch.Generator().manual_seed(self.seed)
        noise = torch.from_numpy(freq**0.75 / (freq**0.75).sum())
        V = len(vocab)
        torch.manual_seed(self.seed)
        self.v_ = nn.Embedding(V, self.dim)
        self.u_ = nn.Embedding(V, self.dim)
        nn.init.uniform_(self.v_.weight, -0.5 / self.dim, 0.5 / self.dim)
        nn.init.zeros_(self.u_.weight)
        opt = torch.optim.Adam([self.v_.weight, self.u_.weight], lr=self.lr)
        self.history_: list[float] = []
        start = time.perf_counter()
        for _ in range(self.epochs):
            kept = ids
            if self.subsample > 0:
                f = freq[ids] / freq.sum()
                keep_p = np.minimum(1.0, np.sqrt(self.subsample / f) + self.subsample / f)
                kept = ids[rng.random(len(ids)) < keep_p]
            c_all, o_all = skipgram_pairs(kept, self.window, rng)
            order = rng.permutation(len(c_all))
            total, n = 0.0, 0
            for b in range(0, len(order), self.batch_size):
                sel = order[b : b + self.batch_size]
                c = torch.from_numpy(c_all[sel])
                o = torch.from_numpy(o_all[sel])
                vc = self.v_(c)
                pos = F.logsigmoid((self.u_(o) * vc).sum(-1))
                loss = -pos
                if self.negative:
                    neg_ids = torch.multinomial(
                        noise, len(sel) * self.negative, replacement=True, generator=gen
                    ).view(len(sel), self.negative)
                    neg = F.logsigmoid(-(self.u_(neg_ids) @ vc[:, :, None]).squeeze(-1)).sum(-1)
                    loss = loss - neg
                loss = loss.mean()
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                total += float(loss.detach()) * len(sel)
                n += len(sel)
            self.history_.append(total / max(n, 1))
        self.seconds_ = time.perf_counter() - start
        self.n_pairs_ = n
        w = self.v_.weight.detach().numpy().astype(np.float64)
        self.vectors_ = w / np.maximum(np.linalg.norm(w, axis=1, keepdims=True), 1e-12)
        return self

    def _vec(self, word: str) -> np.ndarray:
        if not hasattr(self, "vectors_"):
            raise RuntimeError("this Word2Vec is not fitted yet; call fit first")
        if word not in self.index_:
            raise KeyError(f"word {word!r} is not in the vocabulary of {len(self.vocab_)} words")
        return self.vectors_[self.index_[word]]

    def most_similar(self, word: str, k: int = 5) -> list[tuple[str, float]]:
        """The ``k`` words of highest cosine similarity to ``word`` (itself excluded)."""
        v = self._vec(word)
        sims = self.vectors_ @ v
        sims[self.index_[word]] = -np.inf
        top = np.argsort(-sims)[:k]
        return [(self.vocab_[i], float(sims[i])) for i in top]

    def analogy(self, a: str, b: str, c: str, k: int = 5) -> list[tuple[str, float]]:
        """Words d with a : b :: c : d, ranked by cos(d, b − a + c) (a, b, c excluded)."""
        q = self._vec(b) - self._vec(a) + self._vec(c)
        sims = self.vectors_ @ (q / np.linalg.norm(q))
        for w in (a, b, c):
            sims[self.index_[w]] = -np.inf
        top = np.argsort(-sims)[:k]
        return [(self.vocab_[i], float(sims[i])) for i in top]
