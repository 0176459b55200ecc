"""Tokenizer proofs: exact round-trip on any Unicode string, merges that really are the most
frequent pairs, compression, and JSON save/load that gives the same tokens."""

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groundup.deep.text import BPETokenizer, CharTokenizer, load_tokenizer

SAMPLE = (
    "def add(a, b):\n    return a + b\n\n\nclass Thing:\n    def __init__(self):\n"
    "        self.value = 42  # the answer\n        self.name = 'thing'\n"
    * 20
    + "naïve café — 東京 🐍 x_y_z 1234567\n"
)


@pytest.fixture(scope="module")
def bpe():
    return BPETokenizer().train(SAMPLE, 256 + 60 + 1)


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_bpe_round_trips_any_unicode_string(bpe, text):
    assert bpe.decode(bpe.encode(text)) == text


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_bpe_trained_on_random_text_round_trips(text):
    tok = BPETokenizer(special_tokens=()).train(text * 3 if text else "a", 256 + 10)
    assert tok.decode(tok.encode(text)) == text


def test_special_token_is_one_token_and_round_trips(bpe):
    eot = bpe.special_ids["<|endoftext|>"]
    ids = bpe.encode("a<|endoftext|>b")
    assert ids.count(eot) == 1 and bpe.decode(ids) == "a<|endoftext|>b"
    assert eot == bpe.vocab_size - 1


def test_first_merge_is_the_most_frequent_pair_within_pretokens(bpe):
    counts: Counter = Counter()
    for chunk in bpe._regex.findall(SAMPLE):
        b = chunk.encode()
        counts.update(zip(b, b[1:]))
    top = max(counts.values())
    assert counts[bpe.merges[0]] == top


def test_trained_size_and_compression(bpe):
    assert bpe.vocab_size == 256 + 60 + 1
    text = SAMPLE[:600]
    assert len(text.encode()) / len(bpe.encode(text)) > 2.5  # measured ~3.3 bytes/token


def test_bpe_save_load_gives_the_same_tokens(bpe, tmp_path):
    path = bpe.save(tmp_path / "tok.json")
    again = BPETokenizer.load(path)
    assert again.encode(SAMPLE) == bpe.encode(SAMPLE)
    assert isinstance(load_tokenizer(path), BPETokenizer)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="abc xyz\n_()", max_size=100))
def test_char_round_trips_strings_of_its_vocabulary(text):
    tok = CharTokenizer().train("abc xyz\n_()")
    assert tok.decode(tok.encode(text)) == text


def test_char_unknowns_map_to_replacement_and_save_load(tmp_path):
    tok = CharTokenizer().train("hello world")
    assert tok.vocab_size == 1 + len(set("hello world"))
    ids = tok.encode("hellø")
    assert ids[-1] == 0 and tok.decode(ids) == "hell\ufffd"
    again = load_tokenizer(tok.save(tmp_path / "c.json"))
    assert isinstance(again, CharTokenizer) and again.encode("world") == tok.encode("world")
    top2 = CharTokenizer().train("aaab", vocab_size=2)
    assert top2.chars == ["\ufffd", "a"]


def test_bad_input_is_refused(bpe, tmp_path):
    with pytest.raises(ValueError, match="vocab_size"):
        BPETokenizer().train("abc", 100)
    with pytest.raises(ValueError, match="outside the vocabulary"):
        bpe.decode([bpe.vocab_size])
    with pytest.raises(TypeError, match="str"):
        bpe.encode(b"bytes")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        BPETokenizer.load(tmp_path / "missing.json")
    with pytest.raises(ValueError, match="no characters"):
        CharTokenizer().train("")
