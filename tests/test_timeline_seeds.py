"""Story timelines dated by their events, background apart, whole statements and thread
summaries, on the bundled example (issue 26): what ``storyline.analyze`` stores, read back."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from conftest import make_article, seed_document
from storyline.records import Corpus, Document, Span
from storyline.report.event_dates import first_day, is_background
from storyline.report.sentences import whole_quotations
from storyline.report.story import StoryReport, story_reports
from storyline.report.summary import SummarySentence, build_thread_summary
from storyline.serve.pages import timeline_chart
from storyline.settings import Settings


@pytest.fixture(scope="module")
def reports(analyzed_example: Corpus, settings: Settings) -> list[StoryReport]:
    return story_reports(analyzed_example, settings.summary)


@pytest.fixture(scope="module")
def thread_summary(analyzed_example: Corpus, settings: Settings) -> list[SummarySentence]:
    (thread,) = analyzed_example.threads or []
    return build_thread_summary(analyzed_example, thread, settings.summary)


def report_of(reports: list[StoryReport], corpus: Corpus, seed: str) -> StoryReport:
    article = seed_document(corpus, seed).article.id
    return next(r for r in reports if article in r.story.articles)


def story_first_day(report: StoryReport) -> dt.date:
    return min(a.published.date for a in report.articles if a.published)


# --------------------------------------------------------------------------- dates


def test_no_event_a_year_before_its_story_is_on_its_timeline_or_chart(
    reports: list[StoryReport],
) -> None:
    for report in reports:
        start = story_first_day(report)
        for entry in report.timeline:
            day = first_day(entry.date)
            assert day is not None and not is_background(entry.date, start), entry
        ticks = [t["label"] for t in timeline_chart(report.timeline)["ticks"]]
        assert all(dt.date.fromisoformat(t) > start.replace(year=start.year - 1) for t in ticks)


def test_rfe_rl_background_is_apart_from_its_timeline(
    analyzed_example: Corpus, reports: list[StoryReport]
) -> None:
    report = report_of(reports, analyzed_example, "001")
    shown = [(e.date, e.text) for e in report.timeline]
    assert shown[0][0] >= "2006"  # it opens with the story, not with 1967
    assert not any("occupied since 1967" in text for _, text in shown)
    assert not any("ceasefire agreed last year" in text for _, text in shown)
    background = {e.date: e.text for e in report.background}
    assert "occupied since 1967" in background["1967"]
    assert "ceasefire agreed last year" in background["2005"]
    [talks] = [e for e in report.timeline if "held talks in Moscow on March 3" in e.text]
    assert talks.date == "2006-03-03"
    [isolate] = [e for e in report.timeline if "said on March 2 it would" in e.text]
    assert isolate.date == "2006-03-02"  # "and the United States said on March 2": a main clause


def test_the_retold_invitation_is_never_dated_by_its_relative_clause(
    analyzed_example: Corpus, reports: list[StoryReport]
) -> None:
    report = report_of(reports, analyzed_example, "000")
    for entry in report.timeline:
        if "had earlier said he would invite Hamas leaders" in entry.text:
            assert entry.date == "2006-02-09", entry
        # "... negotiations that Russia signed on to at a meeting in London last month"
        assert "signed on to at a meeting in London" not in entry.text
    assert not [e for e in report.timeline if e.date == "2006-01" and "invite" in e.text]
    # a relative clause's date still counts the outlet as a report of that event
    [election] = [e for e in report.timeline if e.date == "2006-01-25"]
    iht = seed_document(analyzed_example, "002").article.id
    assert iht in {r.article for r in election.sources}
    assert "Hamas defeated the mainstream Fatah movement" in election.text


def test_an_article_is_cited_once_per_entry(reports: list[StoryReport]) -> None:
    for report in reports:
        for entry in report.timeline:
            articles = [r.article for r in entry.sources]
            assert len(articles) == len(set(articles)), entry


# --------------------------------------------------------------------------- whole statements

_MARK = re.compile(r"[\"“”]")


def balanced(text: str) -> bool:
    marks = _MARK.findall(text)
    return len(marks) % 2 == 0 and not text.startswith("”")


def test_no_entry_or_summary_sentence_is_cut_inside_a_quotation(
    reports: list[StoryReport], thread_summary: list[SummarySentence]
) -> None:
    shown = [
        *(s.sentence for r in reports for s in r.summary),
        *(e.text for r in reports for e in [*r.timeline, *r.background] if not e.publication),
        *(s.sentence for s in thread_summary),
    ]
    assert shown
    for text in shown:
        assert balanced(text), text
    mishal = [t for t in shown if "securing peace" in t]
    assert all(t.startswith("“I want to state here in Moscow") for t in mishal)


#: RFE/RL's paragraphs as a hard-wrapped copy of the text would carry them.
WRAPPED = (
    "Lavrov, however, urged patience on Friday, saying that Russia did not, in his words,\n"
    '“expect that Hamas will do all this and change itself overnight."\n\n'
    '“I want to state here in Moscow," he said, "that if Israel officially declares its\n'
    "readiness; of freeing all the arrested and the prisoners; then our movement will take\n"
    'serious steps towards securing peace."\n\n'
    "Hamas Lays Out Peace Terms\n"
    "Upon arrival in Moscow, Mish'al immediately dampened hopes.\n"
)


def test_a_quote_or_sentence_across_a_line_break_stays_whole() -> None:
    from storyline.annotate.nlp import NlpStage

    (document,) = NlpStage()([Document(article=make_article(WRAPPED))])
    text = document.article.text
    # spaCy's sentences cut at line breaks, as the sentence pool cuts them
    pieces = [
        Span(s.start + m.start(), s.start + m.end())
        for s in document.sentences or []
        for m in re.finditer(r"\S[^\n]*\S|\S", s.of(text))
    ]
    joined = [" ".join(s.of(text).split()) for s in whole_quotations(text, pieces)]
    assert joined[0] == (
        "Lavrov, however, urged patience on Friday, saying that Russia did not, in his words, "
        '“expect that Hamas will do all this and change itself overnight."'
    )
    assert joined[1].startswith("“I want to state here in Moscow,")
    assert joined[1].endswith('towards securing peace."')
    assert "Hamas Lays Out Peace Terms" in joined  # a heading is not glued to what follows
    assert all(balanced(t) for t in joined)


# --------------------------------------------------------------------------- thread summary


def test_the_thread_summary_tells_each_story_in_order_the_latest_included(
    analyzed_example: Corpus, thread_summary: list[SummarySentence]
) -> None:
    sentences = [s.sentence for s in thread_summary]
    assert any("downgraded its ties with the Hamas" in s for s in sentences), sentences
    # background of the 2007 article ("after it won Palestinian elections last year") is not
    # what the thread summary opens with, nor in it
    assert not any("after it won Palestinian elections last year" in s for s in sentences)
    reuters = seed_document(analyzed_example, "004").article.id
    rfe = seed_document(analyzed_example, "001").article.id
    order = [s.sources[0].article for s in thread_summary]
    assert order[-1] == reuters  # the latest story's development comes last
    assert order.index(rfe) < order.index(reuters)
    assert not any(s.startswith("MOSCOW, Russia (Reuters)") for s in sentences)  # no dateline


def test_no_summary_sentence_leaves_its_reader_asking_who(
    reports: list[StoryReport], thread_summary: list[SummarySentence]
) -> None:
    """A sentence whose subject is a bare pronoun ("In a news conference late last month,
    ... he said Russia had ...") is never taken out of its article into a summary."""
    summaries = [s.sentence for r in reports for s in r.summary]
    summaries += [s.sentence for s in thread_summary]
    assert summaries
    for sentence in summaries:
        assert not re.match(r"(?:[^.,;:\"“”]*,\s+)*(?:he|she|they)\s", sentence, re.I), sentence
    assert not any(s.startswith("In a news conference late last month") for s in summaries)
