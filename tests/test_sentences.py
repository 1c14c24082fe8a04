"""Report sentences keep quotations whole: no summary, timeline or coverage sentence begins or
ends inside a quote, on small parsed texts and on the bundled example."""

from __future__ import annotations

import re

import pytest

from conftest import make_article
from storyline.annotate.labels import normalise_space
from storyline.records import Corpus, Document, Ref, Span
from storyline.report.sentences import quotations, whole_quotations
from storyline.report.story import StoryReport, story_reports
from storyline.settings import Settings

# --------------------------------------------------------------------------- joining


def texts(text: str, spans: list[Span]) -> list[str]:
    return [span.of(text) for span in spans]


def spans_of(text: str, *pieces: str) -> list[Span]:
    """The spans of ``pieces``, found in ``text`` one after the other."""
    spans, at = [], 0
    for piece in pieces:
        start = text.index(piece, at)
        spans.append(Span(start, start + len(piece)))
        at = start + len(piece)
    return spans


PARSED = (
    "Putin said: \"We haven't considered Hamas a terrorist organization. Today we must respect "
    'the choice of the Palestinian people." He spoke in Madrid.\n\n'
    "Mashaal said: “We will come. We are ready to talk.” Israel objected.\n\n"
    "The fence is 6'2\" high. Workers climbed it on Monday. Police arrived later.\n\n"
    'He added: "Contacts must continue. Bridges must not burn.\n\n'
    '"This is our stance." The visit was short.\n'
)


@pytest.fixture(scope="module")
def parsed() -> Document:
    from storyline.annotate.nlp import NlpStage

    (document,) = NlpStage()([Document(article=make_article(PARSED))])
    return document


def test_a_quote_spacy_cuts_in_two_is_one_sentence(parsed: Document) -> None:
    spacy = texts(PARSED, parsed.sentences or [])
    # what spaCy gives: each quote cut at its inner full stop
    assert "Putin said: \"We haven't considered Hamas a terrorist organization." in spacy
    assert "Mashaal said: “We will come." in spacy
    joined = texts(PARSED, whole_quotations(PARSED, parsed.sentences or []))
    assert joined[:4] == [
        "Putin said: \"We haven't considered Hamas a terrorist organization. Today we must "
        'respect the choice of the Palestinian people."',
        "He spoke in Madrid.",
        "Mashaal said: “We will come. We are ready to talk.”",
        "Israel objected.",
    ]


def test_a_stray_mark_does_not_swallow_its_paragraph(parsed: Document) -> None:
    joined = texts(PARSED, whole_quotations(PARSED, parsed.sentences or []))
    assert joined[4:7] == [
        "The fence is 6'2\" high.",
        "Workers climbed it on Monday.",
        "Police arrived later.",
    ]


def test_a_quote_left_open_runs_to_its_paragraph_s_end_only(parsed: Document) -> None:
    joined = texts(PARSED, whole_quotations(PARSED, parsed.sentences or []))
    assert joined[7:] == [
        'He added: "Contacts must continue. Bridges must not burn.',
        '"This is our stance."',
        "The visit was short.",
    ]


def test_a_closing_mark_cut_off_goes_back_to_its_quote() -> None:
    text = 'Russia had "never regarded Hamas as a terrorist organization." Washington was irked.'
    cut = spans_of(text, 'Russia had "never regarded Hamas as a terrorist organization.', '"')
    cut.append(Span(cut[-1].end + 1, len(text)))
    assert texts(text, whole_quotations(text, cut)) == [
        'Russia had "never regarded Hamas as a terrorist organization."',
        "Washington was irked.",
    ]
    glued = spans_of(text, 'Russia had "never regarded Hamas as a terrorist organization.')
    glued.append(Span(glued[0].end, len(text)))  # the mark begins the next sentence
    assert texts(text, whole_quotations(text, glued)) == [
        'Russia had "never regarded Hamas as a terrorist organization."',
        "Washington was irked.",
    ]


def test_an_attribution_after_the_closing_mark_stays_with_its_quote() -> None:
    text = '"We will not stop. We will go on." he said. The talks ended.'
    cut = spans_of(text, '"We will not stop.', "We will go on.", '" he said.', "The talks ended.")
    assert texts(text, whole_quotations(text, cut)) == [
        '"We will not stop. We will go on." he said.',
        "The talks ended.",
    ]


def test_quotations_pair_marks_by_where_they_stand() -> None:
    text = 'He said "no" and “yes”, then "maybe” and 5\'10" ok, "open to the end'
    found = texts(text, quotations(text, Span(0, len(text))))
    assert found == ['"no"', "“yes”", '"maybe”', '"open to the end']


# --------------------------------------------------------------------------- the example


@pytest.fixture(scope="module")
def reports(analyzed_example: Corpus, settings: Settings) -> list[StoryReport]:
    return story_reports(analyzed_example, settings.summary)


def shown(report: StoryReport) -> list[tuple[str, str, tuple[Ref, ...]]]:
    """Every sentence a reader sees in the summary, the timeline and the coverage (quotes are
    quote groups' renderings, not sentences), with its sources."""
    return [
        *(("summary", s.sentence, s.sources) for s in report.summary),
        *(("timeline", e.text, e.sources) for e in report.timeline if not e.publication),
        *(("coverage", f.text, f.sources) for f in report.coverage if f.kind != "quote"),
    ]


_MARK = re.compile(r"[\"“”]")


def ends_its_paragraph(corpus: Corpus, text: str, sources: tuple[Ref, ...]) -> bool:
    """Whether the sentence is the last of its paragraph (where a quote continued in the next
    paragraph is still open)."""
    for ref in sources:
        article = corpus.document(ref.article).article.text
        if normalise_space(article[ref.start : ref.end]) == text:
            return article[ref.end :].startswith("\n") or ref.end == len(article.rstrip())
    return False


def test_no_sentence_ends_inside_a_quotation(
    analyzed_example: Corpus, reports: list[StoryReport]
) -> None:
    for report in reports:
        for where, text, sources in shown(report):
            marks = _MARK.findall(text)
            # curly and straight marks are mixed in one outlet's quotes ('“expect ... overnight."')
            balanced = len(marks) % 2 == 0 and marks.count("“") <= len(marks) // 2
            assert balanced or ends_its_paragraph(analyzed_example, text, sources), (where, text)


def test_putin_s_terrorist_organization_statement_is_whole(reports: list[StoryReport]) -> None:
    said = [
        text
        for report in reports
        for _, text, _ in shown(report)
        if "We haven't considered Hamas a terrorist organization" in text
    ]
    assert said
    assert all(
        text
        == "Speaking through a Spanish interpreter, Putin said: \"We haven't considered Hamas a "
        "terrorist organization. Today we must recognize that Hamas has reached power in "
        "Palestine as a result of legitimate elections and we must respect the choice of the "
        'Palestinian people."'
        for text in said
    )
    for report in reports:
        for where, text, _ in shown(report):
            # never half a quote shown as a plain fact, with no speaker
            assert not text.startswith("Today we must recognize that Hamas"), where
            assert not text.startswith("I am sure you will do everything"), where
            assert not text.endswith("Hamas a terrorist organization."), (where, text)
            assert not text.endswith("Hamas as a terrorist organization."), (where, text)


def test_report_sentences_point_at_their_exact_text(
    analyzed_example: Corpus, reports: list[StoryReport]
) -> None:
    for report in reports:
        for sentence in report.summary:
            ref = sentence.sources[0]
            article = analyzed_example.document(ref.article).article.text
            assert normalise_space(article[ref.start : ref.end]) == sentence.sentence
