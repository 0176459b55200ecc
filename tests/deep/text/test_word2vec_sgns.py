"""word2vec proofs: the vectorised pair builder equals a plain double loop, and words that
share contexts end up nearest neighbours."""

import numpy as np
import pytest
import torch

from groundup.deep.text.word2vec import Word2Vec, skipgram_pairs, tokenize_words


def test_pairs_equal_the_double_loop(rng):
    ids = rng.integers(0, 50, 40)
    c, o = skipgram_pairs(ids, 3, np.random.default_rng(1))
    reach = np.random.default_rng(1).integers(1, 4, size=40)
    expected = sorted(
        (int(ids[i]), int(ids[j]))
        for i in range(40)
        for j in range(40)
        if i != j and abs(i - j) <= reach[i]
    )
    assert sorted(zip(c.tolist(), o.tolist())) == expected


@pytest.fixture(autouse=True)
def _one_thread():
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def test_words_sharing_contexts_are_neighbours(rng):
    animals, vehicles = ["cat", "dog"], ["car", "bus"]
    sentences = []
    for _ in range(1500):
        a, v = animals[rng.integers(2)], vehicles[rng.integers(2)]
        sentences.append(f"the {a} sat and the {a} ate food . drive the {v} on road with fuel .")
    model = Word2Vec(
        dim=16, window=2, min_count=1, subsample=0, epochs=3, batch_size=1024, lr=0.02, seed=0
    )
    model.fit(" ".join(sentences))
    assert model.most_similar("cat", 1)[0][0] == "dog"
    assert model.most_similar("car", 1)[0][0] == "bus"
    assert model.history_[-1] < model.history_[0]
    assert model.analogy("cat", "dog", "car", 1)[0][0] == "bus"


def test_tokenizer_and_bad_input():
    assert tokenize_words("def read_file(path2):") == ["def", "read", "file", "path"]
    with pytest.raises(ValueError, match="min_count"):
        Word2Vec(min_count=10).fit("a b c")
    with pytest.raises(RuntimeError, match="not fitted"):
        Word2Vec().most_similar("a")
    with pytest.raises(ValueError, match="dim"):
        Word2Vec(dim=0).fit("a b a b")
    model = Word2Vec(dim=4, min_count=1, epochs=1).fit("a b a b c c")
    with pytest.raises(KeyError, match="zzz"):
        model.most_similar("zzz")
