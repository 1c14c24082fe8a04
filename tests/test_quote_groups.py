"""Quote groups: one utterance across outlets, on the seed articles and synthetic cases."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import annotate, make_article
from storyline.annotate.embed import default_embedder
from storyline.records import Corpus, Document, Quote, QuoteGroup, Ref, Span
from storyline.resolve.entities import ResolveStage
from storyline.settings import default_settings

BRIDGES_000 = "We are deeply convinced that burning bridges"
BRIDGES_002 = "I am profoundly convinced that burning bridges"
HANIYA = "If we receive an official invitation to visit Russia, we will visit Russia"
MESHAAL = "If we are sent an invitation, we will accept it"
NEVER_CALLED = "We have never called Hamas a terrorist organisation"


def find(text: str, snippet: str, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(snippet, start + 1)
    return Span(start, start + len(snippet))


def sentence_from(text: str, snippet: str, occurrence: int = 0) -> Span:
    """The content span from ``snippet`` to the end of its quotation (the closing mark)."""
    start = find(text, snippet, occurrence).start
    end = min(i for i in (text.find('"', start), text.find("\n", start)) if i > 0)
    return Span(start, end)


def quote(text: str, content: str, speaker: str | None, name: str | None, nth: int = 0) -> Quote:
    speaker_span = find(text, speaker) if speaker else None
    return Quote(sentence_from(text, content, nth), None, speaker_span, name, True)


def pronoun_he(text: str, before: str) -> Span:
    start = text.index(before) + len(before)
    return Span(start, start + 2)


def seed_quotes(documents: dict[str, Document]) -> None:
    t000, t002, t003 = (documents[a].article.text for a in ("000", "002", "003"))
    documents["000"].quotes = [
        quote(t000, BRIDGES_000, None, "Vladimir Putin"),
        quote(t000, HANIYA, "Ismail Haniya", "Ismail Haniya"),
        Quote(
            sentence_from(t000, NEVER_CALLED),
            None,
            pronoun_he(t000, 'organisation," '),
            "Putin",
            True,
        ),
        quote(t000, NEVER_CALLED, None, None, nth=1),  # the pull quote, unattributed
    ]
    documents["002"].quotes = [
        Quote(sentence_from(t002, BRIDGES_002), None, pronoun_he(t002, 'future," '), "Putin", True),
        quote(t002, HANIYA, "Ismail Haniya", "Ismail Haniya"),
    ]
    documents["003"].quotes = [quote(t003, MESHAAL, "Meshaal told", "Khaled Meshaal")]


def group_quotes(documents: Sequence[Document]) -> Corpus:
    from storyline.resolve.quote_groups import QuoteGroupStage

    s = default_settings()
    corpus = ResolveStage(s.resolve)(Corpus(documents=list(documents)))
    return QuoteGroupStage(s.quote_groups, default_embedder())(corpus)


@pytest.fixture(scope="module")
def seed_documents(example_texts: dict[str, str]) -> list[Document]:
    documents = {
        name.split("_")[0]: Document(make_article(text, name.split("_")[0]))
        for name, text in example_texts.items()
    }
    annotate(list(documents.values()))
    for document in documents.values():
        document.quotes = []
    seed_quotes(documents)
    return [documents[key] for key in sorted(documents)]


@pytest.fixture(scope="module")
def seeds(seed_documents: list[Document]) -> Corpus:
    return group_quotes(seed_documents)


def group_at(corpus: Corpus, article: str, snippet: str, occurrence: int = 0) -> QuoteGroup:
    text = corpus.document(article).article.text
    span = sentence_from(text, snippet, occurrence)
    group = corpus.group_of(article, span)
    assert group is not None, f"no group for {snippet!r} in {article}"
    return group


def test_translations_of_one_utterance_share_a_group(seeds: Corpus) -> None:
    bridges = group_at(seeds, "000", BRIDGES_000)
    assert group_at(seeds, "002", BRIDGES_002) == bridges
    assert bridges.speaker_name == "Vladimir Putin"
    assert bridges.speaker_entity is not None
    assert len(bridges.quotes) == 2


def test_the_same_words_by_one_speaker_in_two_outlets_share_a_group(seeds: Corpus) -> None:
    haniya = group_at(seeds, "000", HANIYA)
    assert group_at(seeds, "002", HANIYA) == haniya
    assert haniya.speaker_name == "Ismail Haniya"


def test_different_speakers_never_share_a_group(seeds: Corpus) -> None:
    assert group_at(seeds, "003", MESHAAL) != group_at(seeds, "000", HANIYA)
    assert group_at(seeds, "000", BRIDGES_000) != group_at(seeds, "000", NEVER_CALLED)


def test_an_unattributed_copy_joins_the_attributed_quote(seeds: Corpus) -> None:
    attributed = group_at(seeds, "000", NEVER_CALLED)
    assert group_at(seeds, "000", NEVER_CALLED, occurrence=1) == attributed
    assert attributed.speaker_name == "Vladimir Putin"


def test_every_quote_is_in_exactly_one_group(seeds: Corpus) -> None:
    refs = [ref for group in seeds.quote_groups or [] for ref in group.quotes]
    expected = {
        Ref(d.article.id, q.content.start, q.content.end)
        for d in seeds.documents
        for q in d.quotes or []
    }
    assert Counter(refs) == Counter(expected)
    assert len({group.id for group in seeds.quote_groups or []}) == len(seeds.quote_groups or [])


def test_group_ids_are_stable(seed_documents: list[Document], seeds: Corpus) -> None:
    again = group_quotes(
        [Document(d.article, mentions=d.mentions, quotes=d.quotes) for d in seed_documents]
    )
    assert again.quote_groups == seeds.quote_groups


class WordsEmbedder:
    """A tiny deterministic stand-in: bag of hashed words, so equal words give cosine 1."""

    dimensions = 64

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                rows[row, sum(map(ord, word)) % self.dimensions] += 1.0
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.clip(norms, 1e-12, None)


def synthetic_corpus() -> list[Document]:
    texts = {
        "u1": 'Officials met on Monday.\n\n"The border will stay closed until further notice."',
        "u2": 'Officials met again.\n\n"The border will stay closed until further notice."',
        "u3": 'A spokesman spoke.\n\n"We expect the talks to resume next week in Cairo."',
    }
    documents = [Document(make_article(text, key), mentions=[]) for key, text in texts.items()]
    for document in documents:
        text = document.article.text
        content = sentence_from(text, text.split('"')[1][:12])
        document.quotes = [Quote(content, None, None, None, True)]
    return documents


def test_unattributed_quotes_group_only_when_nearly_identical() -> None:
    from storyline.resolve.quote_groups import QuoteGroupStage

    s = default_settings()
    corpus = Corpus(documents=synthetic_corpus(), entities=[])
    groups = QuoteGroupStage(s.quote_groups, WordsEmbedder())(corpus).quote_groups or []
    sizes = sorted(len(group.quotes) for group in groups)
    assert sizes == [1, 2]
    assert all(group.speaker_entity is None for group in groups)


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_groups_do_not_depend_on_article_order(
    seed_documents: list[Document], seeds: Corpus, data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(seed_documents))
    assert group_quotes(list(shuffled)).quote_groups == seeds.quote_groups


@pytest.mark.parametrize(
    ("text", "content", "fragments"),
    [
        # broken into whole sentences: two utterances
        ('"It has no future," he said. "We will invite them."',
         'It has no future," he said. "We will invite them.',
         ["It has no future,", "We will invite them."]),
        # continued over paragraphs: one utterance a paragraph
        ('Putin said: "First part.\n\n"Second part," he said.',
         'First part.\n\n"Second part,',
         ["First part.", "Second part,"]),
        # an attribution inside one sentence: one utterance
        ('"I want to state," he said, "that we agree."',
         'I want to state," he said, "that we agree.',
         ['I want to state," he said, "that we agree.']),
        # a partial quote with its clause
        ('He warned it would "legitimize terror."',
         'He warned it would "legitimize terror.',
         ['He warned it would "legitimize terror.']),
        # a passage of several sentences: one utterance a sentence (seed 003's Putin)
        ('"We are ready to work with all parties. Contacts with Hamas must continue."',
         'We are ready to work with all parties. Contacts with Hamas must continue.',
         ["We are ready to work with all parties.", "Contacts with Hamas must continue."]),
        # abbreviations, initials and an ellipsis end no sentence
        ('"Mr. Putin met U.S. envoys and J. Smith. But ... we wait. Why? We must."',
         'Mr. Putin met U.S. envoys and J. Smith. But ... we wait. Why? We must.',
         ["Mr. Putin met U.S. envoys and J. Smith.", "But ... we wait.", "Why?", "We must."]),
    ],
)  # fmt: skip
def test_a_quote_is_grouped_by_the_utterances_it_renders(
    text: str, content: str, fragments: list[str]
) -> None:
    from storyline.resolve.quote_groups import quote_fragments

    start = text.index(content)
    quote = Quote(Span(start, start + len(content)), None, None, None, True)
    assert [span.of(text) for span in quote_fragments(text, quote)] == fragments
    reported = Quote(Span(start, start + len(content)), None, None, None, False)
    assert quote_fragments(text, reported) == [reported.content]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet="abc de", max_size=30), max_size=40),
    st.sampled_from([0.0, 50.0, 80.0, 92.0, 100.0]),
)
def test_near_identical_pairs_are_every_pair_at_the_cutoff(texts: list[str], cutoff: float) -> None:
    """Scoring only within length windows finds exactly the pairs that scoring all would."""
    from rapidfuzz import fuzz

    from storyline.resolve.quote_groups import near_identical_pairs

    found = near_identical_pairs(texts, cutoff)
    every = {
        (i, j)
        for i in range(len(texts))
        for j in range(len(texts))
        if i != j and fuzz.ratio(texts[i], texts[j]) >= cutoff
    }
    assert {(i, j) for i, near in found.items() for j in near} == every
