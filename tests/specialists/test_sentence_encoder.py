"""The all-MiniLM-L6-v2 encoder (an ONNX graph over the packaged weights) reproduces the checkpoint's published behaviour."""

from __future__ import annotations

import numpy as np
import pytest

from specialists.sentence_encoder import SentenceEncoder, shared_encoder


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return shared_encoder()


def test_the_sentence_transformers_quickstart_similarity(encoder: SentenceEncoder) -> None:
    # sentence-transformers' documentation gives 0.7553 for this pair with all-MiniLM-L6-v2: the forward pass,
    # the mean pooling over real tokens and the normalisation must all be right to land on it.
    a, b = encoder.encode(["A man is eating food.", "A man is eating a piece of bread."])
    assert float(a @ b) == pytest.approx(0.7553, abs=0.001)


def test_vectors_are_unit_length_and_batching_changes_nothing(encoder: SentenceEncoder) -> None:
    texts = ["short", "a much longer sentence that needs padding in a batch with a short one", "I wish I were dead"]
    batch = encoder.encode(texts)
    assert batch.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    one_by_one = np.vstack([encoder.encode([t]) for t in texts])
    np.testing.assert_allclose(batch, one_by_one, atol=1e-5)  # padding is never attended to
    assert encoder.encode([]).shape == (0, 384)


def test_meaning_is_closer_than_words(encoder: SentenceEncoder) -> None:
    wish, paraphrase, idiom = encoder.encode(
        ["I wish I could go to sleep and never wake up.", "I keep hoping I just won't be here one day.",
         "This knee pain is killing me."])
    assert float(wish @ paraphrase) > float(wish @ idiom)
