"""Sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) behind one small interface.

The embedder turns texts into L2-normalised float32 vectors, so a dot product is a cosine.
It is the one place that knows about onnxruntime and the tokenizer; stages only see
:class:`Embedder`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import cache
from typing import ClassVar, Protocol

import numpy as np

from storyline.records import Document
from storyline.settings import EmbedSettings

DIMENSIONS = 384


class Embedder(Protocol):
    dimensions: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text."""
        ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 via onnxruntime: mean pooling over tokens, then L2 normalisation."""

    dimensions = DIMENSIONS

    def __init__(self, max_tokens: int = 256, batch_size: int = 32, threads: int = 0) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        from storyline.annotate.models import minilm_onnx_path, minilm_tokenizer_path

        self._tokenizer = Tokenizer.from_file(str(minilm_tokenizer_path()))
        self._tokenizer.enable_truncation(max_length=max_tokens)
        self._tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        # 0: onnxruntime's default, a thread per core. Worker processes that share the cores
        # ask for one each, or they would contend for every core at once.
        options.intra_op_num_threads = threads
        # onnxruntime keeps a memory plan for every input shape it has seen; texts padded to
        # ever other lengths made a worker grow to 1.8 GB. Without the plans: the same
        # vectors, 1% slower, 560 MB less (issue 9; 128 PolNeAR texts: 20.7 against 20.5 s,
        # 0.9 against 1.5 GB).
        options.enable_mem_pattern = False
        self._session = onnxruntime.InferenceSession(
            str(minilm_onnx_path()), options, providers=["CPUExecutionProvider"]
        )
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        # Sorting by length keeps padding small inside each batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for begin in range(0, len(order), self._batch_size):
            chosen = order[begin : begin + self._batch_size]
            out[chosen] = self._encode_batch([texts[i] for i in chosen])
        return out

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        types = np.zeros_like(ids)
        (hidden,) = self._session.run(
            ["last_hidden_state"],
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": types},
        )
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return normalise(pooled)


class VectorStore(Protocol):
    """Where vectors of texts are kept between runs (the store: :class:`storyline.store.Store`)."""

    def text_vectors(self, keys: Sequence[str]) -> dict[str, np.ndarray]: ...

    def save_text_vectors(self, vectors: dict[str, np.ndarray]) -> None: ...


class CachedEmbedder:
    """An embedder that remembers: each text is encoded once per model, then read back.

    Reports embed every sentence of a story; reading a story again (``show``, the exports, the
    web UI) then costs a lookup instead of the model. Keys are hashes of the model's name and
    the text, so a changed text or model never reads a stale vector; vectors are kept as the
    float32 the model gave, so a report reads the same whether its vectors were cached or not.
    """

    def __init__(
        self,
        embedder: Callable[[], Embedder],
        store: VectorStore,
        model: str,
        dimensions: int = DIMENSIONS,
    ) -> None:
        self.dimensions = dimensions
        self._embedder = embedder  # called on the first text not cached: the model loads then
        self._store = store
        self._model = model

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self._model}\0{text}".encode()).hexdigest()[:32]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [self.key(t) for t in texts]
        known = self._store.text_vectors(list(dict.fromkeys(keys)))
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in known))
        if missing:
            fresh = self._embedder().encode(missing)
            new = {self.key(t): v for t, v in zip(missing, fresh, strict=True)}
            self._store.save_text_vectors(new)
            known.update(new)
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, key in enumerate(keys):
            out[row] = known[key]
        return out


#: The name vectors of the packaged model are cached under (see :class:`CachedEmbedder`).
MINILM_MODEL = "all-MiniLM-L6-v2-int8"


def normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.clip(norms, 1e-12, None)).astype(np.float32)


def default_embedder(
    max_tokens: int = 256, batch_size: int = 32, threads: int = 0
) -> MiniLMEmbedder:
    """The packaged embedder, loaded once per process and configuration."""
    # Called as default_embedder() and as default_embedder(256, 32, 0), which a cache keys
    # apart: two ONNX sessions of one model, a few hundred MB, in one process.
    return _loaded_embedder(max_tokens, batch_size, threads)


@cache
def _loaded_embedder(max_tokens: int, batch_size: int, threads: int) -> MiniLMEmbedder:
    return MiniLMEmbedder(max_tokens=max_tokens, batch_size=batch_size, threads=threads)


def remembering_embedder(store: VectorStore) -> CachedEmbedder:
    """The packaged embedder, with its vectors kept in ``store`` (reports read them back)."""
    return CachedEmbedder(default_embedder, store, MINILM_MODEL)


def article_text_for_embedding(document: Document, max_chars: int = 2000) -> str:
    """Title and lead: what an editor reads to know what an article is about."""
    article = document.article
    lead = article.body_text[:max_chars]
    return f"{article.title}. {lead}" if article.title else lead


class EmbedStage:
    """Provides one vector per article (title and lead)."""

    name: ClassVar[str] = "embed"
    language_bound: ClassVar[bool] = False  # stored and searched for every article
    needs: ClassVar[frozenset[str]] = frozenset({"article"})
    provides: ClassVar[frozenset[str]] = frozenset({"embedding"})

    def __init__(self, settings: EmbedSettings, embedder: Embedder | None = None) -> None:
        self._settings = settings
        self._embedder = embedder

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            s = self._settings
            self._embedder = default_embedder(s.max_tokens, s.batch_size, s.threads)
        return self._embedder

    def __call__(self, documents: list[Document]) -> list[Document]:
        vectors = self.embedder.encode([article_text_for_embedding(d) for d in documents])
        for document, vector in zip(documents, vectors, strict=True):
            document.embedding = vector
        return documents
