"""Who said what on the bundled example, as a reader sees it (issue 24): every quote shown with
a speaker has the right one, nationalities and regions never speak, and a quote's words never
hold its cue."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.annotate.nlp import NlpStage
from storyline.annotate.quotes import QuoteStage
from storyline.clean.cleaner import clean
from storyline.records import Document, Quote, RawDocument
from storyline.settings import default_settings

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "russia-hamas"


@pytest.fixture(scope="module")
def seeds() -> dict[str, Document]:
    documents = {
        path.name[:3]: Document(clean(RawDocument(str(path), path.read_text(encoding="utf-8")),
                                      default_settings().clean))
        for path in sorted(EXAMPLE.glob("*.txt"))
    }  # fmt: skip
    QuoteStage()(NlpStage()(list(documents.values())))
    return documents


def quote_with(document: Document, snippet: str) -> Quote:
    text = document.article.text
    found = [q for q in document.quotes or [] if snippet in q.words(text)]
    assert len(found) == 1, f"{len(found)} quotes hold {snippet!r}"
    return found[0]


@pytest.mark.parametrize(
    ("seed", "snippet", "speaker"),
    [
        ("002", "never regarded Hamas as a terrorist organization", "Putin"),  # not Bush
        ("003", "lead to a certain balance", "Meshaal"),  # not Putin: "he added", after Meshaal
        ("001", "a stab in the back", "Israeli officials"),  # not the United States
        ("004", "downgraded its ties", "Russia"),  # not the dateline, MOSCOW
        ("002", "up to international requirements", "Kalugin"),  # the envoy, by apposition
        ("001", "I want to state here in Moscow", "Mish'al"),
        ("000", "We have never called Hamas a terrorist organisation", "Putin"),
    ],
)
def test_shown_speaker_is_right(
    seeds: dict[str, Document], seed: str, snippet: str, speaker: str
) -> None:
    quote = quote_with(seeds[seed], snippet)
    assert quote.speaker_name is not None and speaker in quote.speaker_name


def test_nationalities_and_regions_never_speak(seeds: dict[str, Document]) -> None:
    silent = {"israeli", "russian", "middle east", "the middle east quartet", "moscow"}
    for document in seeds.values():
        for quote in document.quotes or []:
            assert (quote.speaker_name or "").lower() not in silent, quote


def test_a_quote_broken_by_its_cue_leaves_the_cue_out(seeds: dict[str, Document]) -> None:
    document = seeds["001"]
    quote = quote_with(document, "I want to state here in Moscow")
    words = quote.words(document.article.text)
    assert len(quote.fragments) == 2 and "he said" not in words
    assert words.startswith("I want to state here in Moscow … that if Israel")


def test_fragments_and_narration_are_not_shown_with_a_speaker(seeds: dict[str, Document]) -> None:
    for seed, snippet in [("001", "Russia did not"), ("000", "to suspend international aid")]:
        document = seeds[seed]
        text = document.article.text
        for quote in document.quotes or []:
            if quote.words(text).strip() == snippet:
                assert quote.speaker is None and quote.speaker_name is None


def test_quotes_end_on_words_not_on_commas_or_cut_sentences(seeds: dict[str, Document]) -> None:
    for document in seeds.values():
        text = document.article.text
        for quote in document.quotes or []:
            for part in quote.parts():
                words = part.of(text).rstrip()
                assert not words.endswith(","), words
                assert not words.endswith("This stance would"), words


def test_a_partial_quote_that_ends_its_sentence_keeps_its_closing_mark(
    seeds: dict[str, Document],
) -> None:
    document = seeds["001"]
    quote = quote_with(document, "democratic election")
    assert quote.words(document.article.text).endswith("“democratic election.”")
