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


# -- groups never chain ---------------------------------------------------------------------

#: Three statements of one speaker, each given its own vector: B lies between A and C.
STATEMENTS = {
    "A": "We will reopen the border crossing to trucks on Monday morning",
    "B": "Our talks with the donors about the salaries went well this week",
    "C": "Nobody in this government has ever promised an election date yet",
}


class AngleEmbedder:
    """Each statement a unit vector at an angle (degrees): cosines are cosines of the angles."""

    def __init__(self, angles: dict[str, float]) -> None:
        self._vectors = {
            STATEMENTS[key]: np.array([np.cos(np.radians(a)), np.sin(np.radians(a))])
            for key, a in angles.items()
        }

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vectors[text] for text in texts]).astype(np.float32)


def one_speaker_corpus(keys: str) -> Corpus:
    """One article per statement, each a direct quote of one entity (Jane Doe)."""
    from storyline.records import Entity

    documents, mentions = [], []
    for key in keys:
        text = f'Jane Doe said: "{STATEMENTS[key]}"'
        document = Document(make_article(text, f"q{key}"), mentions=[])
        content = find(text, STATEMENTS[key])
        document.quotes = [Quote(content, None, find(text, "Jane Doe"), "Jane Doe", True)]
        mentions.append(Ref(f"q{key}", 0, len("Jane Doe")))
        documents.append(document)
    jane = Entity("e-jane", "Jane Doe", "PERSON", ("Jane Doe",), tuple(mentions))
    return Corpus(documents=documents, entities=[jane])


@pytest.mark.parametrize(
    ("angles", "expected"),
    [
        # A ~ B (cosine 0.82) and B ~ C (0.77), A !~ C (0.26): B joins its closer one only.
        ({"A": 35, "B": 0, "C": -40}, [{"qA", "qB"}, {"qC"}]),
        ({"A": 40, "B": 0, "C": -35}, [{"qA"}, {"qB", "qC"}]),
        # All three within reach of each other: one group.
        ({"A": 20, "B": 0, "C": -20}, [{"qA", "qB", "qC"}]),
    ],
)
def test_a_quote_like_two_different_statements_never_joins_them(
    angles: dict[str, float], expected: list[set[str]]
) -> None:
    from storyline.resolve.quote_groups import QuoteGroupStage

    s = default_settings().quote_groups
    corpus = QuoteGroupStage(s, AngleEmbedder(angles))(one_speaker_corpus("ABC"))
    grouped = [{ref.article for ref in g.quotes} for g in corpus.quote_groups or []]
    assert sorted(grouped, key=sorted) == expected
    assert all(g.speaker_entity == "e-jane" for g in corpus.quote_groups or [])


LINKS = st.dictionaries(
    st.tuples(st.integers(0, 9), st.integers(0, 9))
    .filter(lambda pair: pair[0] < pair[1]),
    st.sampled_from([0.7, 0.8, 0.9, 1.0]),  # few strengths: ties are common
    max_size=30,
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(links=LINKS, data=st.data())
def test_complete_linkage_groups_only_quotes_that_all_match(
    links: dict[tuple[int, int], float], data: st.DataObject
) -> None:
    """Every group is linked in every pair (no chaining); no two groups could join; every
    quote is in one group; the order links come in changes nothing."""
    from storyline.resolve.quote_groups import complete_linkage

    nodes = list(range(10))
    groups = complete_linkage(nodes, links)
    assert sorted(n for g in groups for n in g) == nodes
    linked = set(links)
    for group in groups:
        assert all((i, j) in linked for i in group for j in group if i < j)
    for first in groups:
        for second in groups:
            if first < second:
                pairs = {(min(i, j), max(i, j)) for i in first for j in second}
                assert not pairs <= linked, "two groups all of whose quotes match stay apart"
    shuffled = dict(data.draw(st.permutations(list(links.items()))))
    assert complete_linkage(reversed(nodes), shuffled) == groups


def test_complete_linkage_takes_the_strongest_links_first() -> None:
    from storyline.resolve.quote_groups import complete_linkage

    # 1 is linked to 0 and 2, which are not linked: 1 goes with 2, its stronger link.
    assert complete_linkage(range(3), {(0, 1): 0.75, (1, 2): 0.9}) == [[0], [1, 2]]
    # A clique stays whole; a quote linked to only part of it stays out.
    clique = {(0, 1): 0.9, (0, 2): 0.8, (1, 2): 0.85, (2, 3): 0.75}
    assert complete_linkage(range(4), clique) == [[0, 1, 2], [3]]


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


def test_a_cue_inside_a_sentence_is_left_out_of_what_is_grouped() -> None:
    from storyline.resolve.quote_groups import collect_quotes

    text = 'Jane Doe said: "I want to state," she said, "that we agree."'
    first, second = find(text, "I want to state,"), find(text, "that we agree.")
    quote = Quote(Span(first.start, second.end), None, find(text, "Jane Doe"), "Jane Doe", True,
                  fragments=(first, second))  # fmt: skip
    corpus = Corpus(documents=[Document(make_article(text, "q"), quotes=[quote])], entities=[])
    (item,) = collect_quotes(corpus)
    assert (item.ref.start, item.ref.end) == (first.start, second.end)
    assert item.text == "I want to state, that we agree."


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
