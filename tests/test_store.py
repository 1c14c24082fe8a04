"""Store round trips (hypothesis), idempotent writes, migrations."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import assert_same_results
from storyline.errors import StoreError
from storyline.records import (
    Article,
    Corpus,
    Document,
    Dropped,
    Entity,
    Mention,
    Precision,
    PubDate,
    Quote,
    QuoteGroup,
    ReadFailure,
    Ref,
    Span,
    Story,
    Thread,
    ThreadLink,
    TimeRef,
    TimexType,
)
from storyline.store.schema import MIGRATIONS
from storyline.store.store import Store

texts = st.text(min_size=1, max_size=200)


@st.composite
def spans_in(draw: st.DrawFn, text: str, max_size: int = 4) -> list[Span]:
    points = sorted(draw(st.lists(st.integers(0, len(text)), max_size=2 * max_size, unique=True)))
    return [Span(points[i], points[i + 1]) for i in range(0, len(points) - 1, 2)]


@st.composite
def documents(draw: st.DrawFn) -> Document:
    text = draw(texts)
    body = tuple(draw(spans_in(text)))
    published = draw(
        st.none()
        | st.builds(
            PubDate,
            st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1)),
            st.sampled_from(list(Precision)),
            st.sampled_from(["input", "text: dateline"]),
            st.booleans(),
        )
    )
    article = Article(
        id=draw(st.text("abcdef0123456789", min_size=4, max_size=12)),
        source=draw(st.text(min_size=1, max_size=30)),
        text=text,
        body=body,
        title=draw(st.none() | st.text(max_size=40)),
        outlet=draw(st.none() | st.text(max_size=20)),
        published=published,
        byline=draw(st.none() | st.text(max_size=20)),
        dateline=draw(st.none() | st.text(max_size=20)),
        agencies=tuple(draw(st.lists(st.sampled_from(["AFP", "Reuters", "AP"]), unique=True))),
        url=draw(st.none() | st.just("https://example.org/a")),
        highlights=tuple(draw(spans_in(text, 2))),
        dropped=tuple(Dropped(s, "navigation") for s in draw(spans_in(text, 2))),
        language=draw(st.none() | st.sampled_from(["en", "de", "ko"])),
        title_origin=draw(st.none() | st.sampled_from(["h1", "og", "input"])),
        outlet_origin=draw(st.none() | st.sampled_from(["table", "domain", "text: sign-off"])),
        byline_origin=draw(st.none() | st.sampled_from(["json-ld", "meta"])),
    )
    spans = draw(spans_in(text))
    return Document(
        article=article,
        sentences=spans,
        mentions=[Mention(s, s.of(text), "PERSON") for s in spans],
        quotes=[Quote(s, None, s, "X", draw(st.booleans())) for s in spans[:1]],
        timex=[TimeRef(s, s.of(text), TimexType.DATE, "2006-02-09") for s in spans[:1]],
        embedding=np.arange(4, dtype=np.float32) / draw(st.integers(1, 9)),
    )


def _same(a: Document, b: Document) -> bool:
    return (
        a.article == b.article
        and a.sentences == b.sentences
        and a.mentions == b.mentions
        and a.quotes == b.quotes
        and a.timex == b.timex
        and np.array_equal(a.embedding, b.embedding)
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(documents(), max_size=4, unique_by=lambda d: d.article.id))
def test_documents_round_trip(docs: list[Document]) -> None:
    with Store(":memory:") as store:
        store.save_documents(docs)
        loaded = {d.article.id: d for d in store.load_documents()}
    assert set(loaded) == {d.article.id for d in docs}
    for doc in docs:
        assert _same(doc, loaded[doc.article.id])


@settings(max_examples=20, deadline=None)
@given(st.lists(documents(), min_size=1, max_size=3, unique_by=lambda d: d.article.id))
def test_saving_twice_changes_nothing(docs: list[Document]) -> None:
    with Store(":memory:") as store:
        store.save_documents(docs)
        before = store.dump()
        store.save_documents(docs)
        assert store.dump() == before


def _corpus(docs: list[Document]) -> Corpus:
    a, b = docs[0].article.id, docs[1].article.id
    return Corpus(
        documents=docs,
        duplicate_of={b: a},
        entities=[
            Entity("e1", "Vladimir Putin", "PERSON", ("Vladimir Putin", "Putin"), (Ref(a, 0, 5),))
        ],
        stories=[
            Story(
                "s1",
                (a, b),
                "Putin to invite Hamas",
                "Putin invites Hamas.",
                dt.date(2006, 2, 9),
                None,
            )
        ],
        threads=[
            Thread(
                "t1", ("s1",), "Russia and Hamas", "One thread.", (ThreadLink("s1", "s1", "self"),)
            )
        ],
        quote_groups=[QuoteGroup("g1", "e1", "Vladimir Putin", (Ref(a, 0, 5), Ref(b, 0, 3)))],
    )


def test_corpus_round_trip_and_replace() -> None:
    docs = [
        Document(Article(i, f"{i}.txt", "Putin spoke.", (Span(0, 12),)), [], [], [], [])
        for i in "ab"
    ]
    corpus = _corpus(docs)
    with Store(":memory:") as store:
        store.save_documents(docs)
        store.save_corpus(corpus)
        store.save_corpus(corpus)  # replacing with the same results duplicates nothing
        loaded = store.load_corpus()
    assert_same_results(loaded, corpus)


def test_failures_are_logged_once_per_source() -> None:
    with Store(":memory:") as store:
        store.record_failures([ReadFailure("x.bin", "binary file")])
        store.record_failures([ReadFailure("x.bin", "binary file")])
        assert store.failures() == [ReadFailure("x.bin", "binary file")]


def test_migrations_are_recorded_and_not_reapplied(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    Store(path).close()
    with Store(path) as store:
        assert store.schema_version() == MIGRATIONS[-1][0]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_store_from_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO schema_migrations VALUES (999, 'future')")
    with pytest.raises(StoreError, match="newer storyline"):
        Store(path)


def test_unopenable_store_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open"):
        Store(tmp_path / "missing-dir" / "s.db")


def test_cached_vectors_round_trip_and_are_read_not_recomputed(tmp_path: Path) -> None:
    from storyline.annotate.embed import CachedEmbedder

    class Counting:
        dimensions = 3

        def __init__(self) -> None:
            self.calls: list[list[str]] = []

        def encode(self, texts: Sequence[str]) -> np.ndarray:
            self.calls.append(list(texts))
            return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)

    model = Counting()
    with Store(tmp_path / "v.db") as store:
        embedder = CachedEmbedder(lambda: model, store, "test-model", dimensions=3)
        first = embedder.encode(["Hamas won.", "Putin spoke.", "Hamas won."])
        again = CachedEmbedder(lambda: model, store, "test-model", dimensions=3)
        assert np.array_equal(again.encode(["Putin spoke.", "Hamas won."]), first[[1, 0]])
        assert model.calls == [["Hamas won.", "Putin spoke."]]  # each text encoded once
        other = CachedEmbedder(lambda: model, store, "another-model", dimensions=3)
        other.encode(["Hamas won."])  # another model's vectors are its own
        assert model.calls[-1] == ["Hamas won."]


def test_search_finds_words_of_titles_and_bodies_and_fills_in_older_stores(
    tmp_path: Path,
) -> None:
    from storyline.records import Article

    text = "Kalugin said Moscow hoped to bring Hamas up to international requirements."
    article = Article(
        id="a1", source="x", text=text, title="Envoy speaks", body=(Span(0, len(text)),)
    )
    path = tmp_path / "s.db"
    with Store(path) as store:
        store.save_documents([Document(article)])
        assert store.search("kalugin hamas") == ["a1"]
        assert store.search("envoy") == ["a1"]
        assert store.search("Putin") == []
        assert store.search('" OR * NEAR(') == []  # words, never FTS syntax
        for table in ("article_search", "search_rows"):  # as a store from before search
            store._db.execute(f"DELETE FROM {table}")
    with Store(path) as store:
        assert store.search("requirements") == ["a1"]


def test_the_generation_moves_with_what_readers_see_only(tmp_path: Path) -> None:
    from storyline.store.store import StoreWatch

    path = tmp_path / "s.db"
    docs = [
        Document(Article(id="g1", source="g1.txt", text="One.", body=(Span(0, 4),))),
        Document(Article(id="g2", source="g2.txt", text="Two.", body=(Span(0, 4),))),
    ]
    with Store(path) as store:
        watch = StoreWatch(path)
        start = watch.generation()
        store.save_documents(docs)
        assert watch.generation() == start + 1
        store.save_documents(docs)  # nothing new: no change a reader would see
        store.save_text_vectors({"k": np.ones(3, dtype=np.float32)})
        assert watch.generation() == start + 1
        store.save_corpus(Corpus(docs))
        assert watch.generation() == store.generation() == start + 2
        watch.close()
