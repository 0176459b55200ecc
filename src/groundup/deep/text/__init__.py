"""Text for the language models: byte-level BPE and character tokenizers, and word2vec.

Both tokenizers share one interface — ``train(texts, vocab_size)``, ``encode(str) ->
list[int]``, ``decode(list[int]) -> str``, ``save(path)``, ``load(path)`` — and
:func:`load_tokenizer` reads either from its JSON file.
"""

from __future__ import annotations

import json
from pathlib import Path

from groundup.deep.text.bpe import PRETOKENIZE_PATTERN, BPETokenizer
from groundup.deep.text.char import CharTokenizer
from groundup.deep.text.word2vec import Word2Vec

Tokenizer = BPETokenizer | CharTokenizer


def load_tokenizer(path: str | Path) -> Tokenizer:
    """Read a tokenizer JSON written by either tokenizer's ``save``."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"tokenizer file {path} does not exist")
    data = json.loads(path.read_text())
    kinds: dict[str, type[BPETokenizer] | type[CharTokenizer]] = {
        "bpe": BPETokenizer,
        "char": CharTokenizer,
    }
    if data.get("type") not in kinds:
        raise ValueError(f"{path} is not a tokenizer file (type {data.get('type')!r})")
    return kinds[data["type"]].from_dict(data)


__all__ = [
    "PRETOKENIZE_PATTERN",
    "BPETokenizer",
    "CharTokenizer",
    "Tokenizer",
    "Word2Vec",
    "load_tokenizer",
]
