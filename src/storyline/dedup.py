"""Near-duplicates: copies of one text (wire copies, reposts, lightly edited versions).

Each clean body becomes a set of lowercased word shingles; MinHash LSH (datasketch) proposes
candidate pairs cheaply, and each candidate is confirmed with the true Jaccard of the shingle
sets, so the result does not depend on the luck of the hashes. Every copy points at the
earliest copy of its group (by publication date, then id).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from storyline.records import Article, Corpus
from storyline.settings import DedupSettings

if TYPE_CHECKING:
    from datasketch import MinHash

#: A fixed seed: the same texts always get the same signatures, so runs are reproducible.
MINHASH_SEED = 1
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Shingled:
    """One article's shingle set and its MinHash signature."""

    article_id: str
    shingles: frozenset[str]
    signature: MinHash


def chronological_key(article: Article) -> tuple[int, dt.date, str]:
    """Sort key: dated articles by date then id, undated ones after them by id."""
    if article.published is None:
        return (1, dt.date.min, article.id)
    return (0, article.published.date, article.id)


def word_shingles(text: str, size: int) -> frozenset[str]:
    """Lowercased runs of ``size`` words; a text shorter than that is one shingle."""
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return frozenset({" ".join(words)}) if words else frozenset()
    return frozenset(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


class DedupStage:
    """Provides ``duplicate_of``: every non-earliest copy → the earliest copy's id."""

    name: ClassVar[str] = "dedup"
    needs: ClassVar[frozenset[str]] = frozenset({"article"})
    provides: ClassVar[frozenset[str]] = frozenset({"duplicate_of"})

    def __init__(self, settings: DedupSettings) -> None:
        self._settings = settings

    def __call__(self, corpus: Corpus) -> Corpus:
        articles = sorted((d.article for d in corpus.documents), key=chronological_key)
        shingled = [self._shingle(a) for a in articles]
        groups = _components([a.id for a in articles], self._copy_pairs(shingled))
        corpus.duplicate_of = _point_to_earliest(groups, articles)
        return corpus

    def _shingle(self, article: Article) -> Shingled:
        from datasketch import MinHash

        shingles = word_shingles(article.body_text, self._settings.shingle_words)
        signature = MinHash(num_perm=self._settings.num_perm, seed=MINHASH_SEED)
        signature.update_batch([s.encode("utf-8") for s in sorted(shingles)])
        return Shingled(article.id, shingles, signature)

    def _copy_pairs(self, shingled: list[Shingled]) -> list[tuple[str, str]]:
        """Pairs whose true shingle Jaccard reaches the threshold, found through LSH."""
        from datasketch import MinHashLSH

        lsh = MinHashLSH(threshold=self._settings.threshold, num_perm=self._settings.num_perm)
        by_id = {item.article_id: item for item in shingled if item.shingles}
        for item in by_id.values():
            lsh.insert(item.article_id, item.signature)
        pairs = []
        for item in by_id.values():
            for other in sorted(lsh.query(item.signature)):
                confirmed = jaccard(item.shingles, by_id[other].shingles)
                if other > item.article_id and confirmed >= self._settings.threshold:
                    pairs.append((item.article_id, other))
        return pairs


def _components(ids: list[str], pairs: Iterable[tuple[str, str]]) -> list[set[str]]:
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(ids)
    graph.add_edges_from(pairs)
    return [set(c) for c in nx.connected_components(graph) if len(c) > 1]


def _point_to_earliest(groups: list[set[str]], articles: list[Article]) -> dict[str, str]:
    rank = {a.id: n for n, a in enumerate(articles)}  # articles are in chronological order
    duplicate_of: dict[str, str] = {}
    for group in groups:
        earliest = min(group, key=rank.__getitem__)
        duplicate_of.update({member: earliest for member in group if member != earliest})
    return dict(sorted(duplicate_of.items()))
