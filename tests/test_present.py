"""Present: what a reader sees of a story, on the seed articles (real NLP and embeddings)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from storycorpus import BagOfWordsEmbedder, one_story_corpus, seed_corpus, simple_document
from storyline.annotate.labels import labels_in_article
from storyline.records import (
    Corpus,
    Document,
    Precision,
    PubDate,
    Ref,
    Span,
    Story,
    TimeRef,
    TimexType,
)
from storyline.report.cast import CAST_TYPES
from storyline.report.sentences import is_summary_candidate
from storyline.report.story import StoryReport, build_report, thread_summary
from storyline.settings import Settings, SummarySettings


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return seed_corpus()


def story(corpus: Corpus, story_id: str) -> Story:
    return next(s for s in corpus.stories or [] if s.id == story_id)


@pytest.fixture(scope="module")
def invitation(corpus: Corpus, settings: Settings) -> StoryReport:
    return build_report(corpus, story(corpus, "s-invite"), settings.summary)


def text_of(corpus: Corpus, ref: Ref) -> str:
    return corpus.document(ref.article).article.text[ref.start : ref.end]


# --------------------------------------------------------------------------- summary


def test_summary_sentences_cite_their_own_text(corpus: Corpus, invitation: StoryReport) -> None:
    assert 3 <= len(invitation.summary) <= 6
    for sentence in invitation.summary:
        own = text_of(corpus, sentence.sources[0])
        assert " ".join(own.split()) == sentence.sentence
        assert all(text_of(corpus, ref).strip() for ref in sentence.sources)


def test_summary_draws_on_and_cites_several_outlets(invitation: StoryReport) -> None:
    cited = {ref.article for s in invitation.summary for ref in s.sources}
    assert len(cited) >= 2
    assert any(len({r.article for r in s.sources}) >= 2 for s in invitation.summary)
    assert "meo-copy" not in cited  # a copy is never a separate source


def test_summary_skips_quotes_fragments_and_boilerplate(invitation: StoryReport) -> None:
    for sentence in invitation.summary:
        assert not sentence.sentence.startswith(('"', "“"))
        assert "Last Modified" not in sentence.sentence


def test_summary_candidate_rules() -> None:
    assert is_summary_candidate("Putin said he would invite the leaders of Hamas to Moscow.", 8)
    assert not is_summary_candidate(
        '"We have never called Hamas a terrorist organisation," he said.', 8
    )
    assert not is_summary_candidate(
        'Today we must respect the choice of the Palestinian people," the Russian leader said.', 8
    )
    assert not is_summary_candidate("Putin to invite Hamas to Moscow", 8)  # a headline


def test_summary_respects_max_sentences(corpus: Corpus, settings: Settings) -> None:
    two = settings.summary.model_copy(update={"max_sentences": 2})
    report = build_report(corpus, story(corpus, "s-invite"), two)
    assert len(report.summary) == 2


def test_report_does_not_depend_on_document_order(
    corpus: Corpus, invitation: StoryReport, settings: Settings
) -> None:
    shuffled = dataclasses.replace(corpus, documents=list(reversed(corpus.documents)))
    again = build_report(shuffled, story(corpus, "s-invite"), settings.summary)
    assert again.summary == invitation.summary
    assert again.timeline == invitation.timeline
    assert again.cast == invitation.cast


# --------------------------------------------------------------------------- timeline


def test_timeline_is_sorted_with_valid_sources(corpus: Corpus, invitation: StoryReport) -> None:
    dates = [entry.date for entry in invitation.timeline]
    assert dates == sorted(dates)
    for entry in invitation.timeline:
        assert entry.precision == {4: "year", 7: "month", 10: "day"}[len(entry.date)]
        assert entry.sources and all(text_of(corpus, r).strip() for r in entry.sources)
        assert all(r.article != "meo-copy" for r in entry.sources)


def test_timeline_holds_dated_events_and_publications(invitation: StoryReport) -> None:
    by_date = {(e.date, e.text) for e in invitation.timeline}
    assert any(date == "2006-01-25" and "landslide" in text for date, text in by_date)
    # The headlines "Putin to invite Hamas" (Al Jazeera) and "Putin considering inviting Hamas
    # to Moscow" (IHT) report the invitation IHT dates "on Thursday": one event, both outlets.
    [invited] = [e for e in invitation.timeline if "considering inviting" in e.text]
    assert invited.date == "2006-02-09" and {r.article for r in invited.sources} >= {"aj", "iht"}
    assert not invited.inferred  # Al Jazeera states its date; IHT's is inferred
    assert not any(t.startswith(("Al Jazeera reports", "International Herald")) for _, t in by_date)


def test_an_event_dated_only_through_an_inferred_date_says_so(settings: Settings) -> None:
    inferred = PubDate(dt.date(2006, 2, 9), Precision.DAY, "story", inferred=True)
    text = "Hamas responded favorably to the offer from Moscow on Thursday."
    document = simple_document("a", text, "One", "Hamas answers Moscow")
    document.article = dataclasses.replace(document.article, published=inferred)
    at = text.index("Thursday")
    document.timex = [TimeRef(Span(at, at + 8), "Thursday", TimexType.DATE, "2006-02-09")]
    corpus = one_story_corpus([document])
    report = build_report(corpus, corpus.stories[0], settings.summary, BagOfWordsEmbedder())  # type: ignore[index]
    [event] = [e for e in report.timeline if "responded" in e.text]
    assert event.inferred and event.shown_date() == "2006-02-09 (inferred)"
    [published] = [e for e in report.timeline if "reports" in e.text]
    assert published.inferred and "(date inferred)" in published.text


def test_an_untitled_article_coming_out_is_no_timeline_entry(settings: Settings) -> None:
    """Nothing to show and no span to cite: "One reports: (untitled)" is no event."""
    document = simple_document("a", "Hamas responded favorably to the offer.", "One", None)
    corpus = one_story_corpus([document])
    report = build_report(corpus, corpus.stories[0], settings.summary, BagOfWordsEmbedder())  # type: ignore[index]
    assert document.article.published is not None
    assert not [e for e in report.timeline if e.publication]


def test_timeline_merges_one_event_told_by_two_outlets(settings: Settings) -> None:
    sentence = "Hamas won the Palestinian parliamentary elections on 25 January."
    documents = [
        simple_document("a", f"Intro line here today. {sentence}", "One", "T1"),
        simple_document("b", f"{sentence} Other news follows here now.", "Two", "T2"),
    ]
    for document in documents:
        at = document.article.text.index("25 January")
        document.timex = [TimeRef(Span(at, at + 10), "25 January", TimexType.DATE, "2006-01-25")]
    corpus = one_story_corpus(documents)
    report = build_report(corpus, corpus.stories[0], settings.summary, BagOfWordsEmbedder())  # type: ignore[index]
    events = [e for e in report.timeline if e.date == "2006-01-25"]
    assert len(events) == 1
    assert {r.article for r in events[0].sources} == {"a", "b"}


# --------------------------------------------------------------------------- cast, quotes


def test_cast_ranks_actors_by_articles(invitation: StoryReport) -> None:
    names = [m.name for m in invitation.cast]
    assert {"Hamas", "Vladimir Putin", "Alexander Kalugin"} <= set(names)
    assert all(m.type in CAST_TYPES for m in invitation.cast)
    counts = [len(m.articles) for m in invitation.cast]
    assert counts == sorted(counts, reverse=True)
    assert all("meo-copy" not in m.articles for m in invitation.cast)


@pytest.mark.slow
def test_quote_groups_of_the_story_only(corpus: Corpus, settings: Settings) -> None:
    invite = build_report(corpus, story(corpus, "s-invite"), settings.summary)
    assert [g.id for g in invite.quote_groups] == ["g-haniya-visit"]
    assert build_report(corpus, story(corpus, "s-down"), settings.summary).quote_groups == []


# --------------------------------------------------------------------------- outlets


def test_outlets_and_voices(invitation: StoryReport) -> None:
    views = {v.outlet: v for v in invitation.outlets}
    assert set(views) == {
        "Al Jazeera",
        "International Herald Tribune",
        "Middle East Online",
        "Mirror Site",
    }
    assert views["Al Jazeera"].articles == ("aj",)
    assert "e-haniya" in views["Al Jazeera"].voices
    assert "e-mashaal" in views["Middle East Online"].voices


def test_labels_from_seed_text(invitation: StoryReport) -> None:
    views = {v.outlet: v for v in invitation.outlets}
    aj = views["Al Jazeera"].labels
    assert "Russia's special envoy for the Middle East" in aj["e-kalugin"]
    assert "Hamas' political leader" in aj["e-mashaal"]
    assert "a senior Hamas official" in aj["e-haniya"]
    assert (
        "Russia's special Middle East envoy"
        in views["International Herald Tribune"].labels["e-kalugin"]
    )
    assert "the United States" not in " ".join(
        p for v in views.values() for p in v.labels.get("e-russia", ())
    )


def without_parse(document: Document) -> Document:
    return dataclasses.replace(document, parse=None)


def test_labels_by_text_patterns_without_parse(corpus: Corpus) -> None:
    aj = labels_in_article(corpus, without_parse(corpus.document("aj")))
    assert "Russia's special envoy for the Middle East" in aj["e-kalugin"]
    assert "Hamas' political leader" in aj["e-mashaal"]
    assert "a senior" not in aj.get("e-hamas", [])  # "a senior Hamas official" is Haniya's
    rfe = labels_in_article(corpus, without_parse(corpus.document("rfe")))
    assert "the radical Palestinian movement" in rfe["e-hamas"]
    assert all(not p.startswith(("said", "told")) for ps in rfe.values() for p in ps)


def test_labels_reject_list_items_and_clauses(settings: SummarySettings) -> None:
    from storyline.records import Entity, Ref

    text = (
        "The quartet includes Russia, the United States, the EU and the UN. Hamas, which won, met."
    )
    document = simple_document("x", text, "O", "T")
    russia = text.index("Russia")
    hamas = text.index("Hamas")
    entities = [
        Entity("e-r", "Russia", "GPE", ("Russia",), (Ref("x", russia, russia + 6),)),
        Entity("e-h", "Hamas", "ORG", ("Hamas",), (Ref("x", hamas, hamas + 5),)),
    ]
    corpus = dataclasses.replace(one_story_corpus([document]), entities=entities)
    assert labels_in_article(corpus, document) == {}


def test_thread_summary_line(corpus: Corpus) -> None:
    thread = (corpus.threads or [])[0]
    assert thread_summary(corpus, thread) == "Russia and Hamas: 2 stories, 2006-02-09 to 2006-03-03"


def test_plain_text_report(invitation: StoryReport) -> None:
    from storyline.report.render.text import render_report_text

    text = render_report_text(invitation)
    assert text.startswith(
        "Putin invites Hamas to Moscow\n2006-02-09\n"
        "Putin says he will invite the leaders of Hamas to Moscow.\n"
    )
    assert (
        "Thread t-russia-hamas: 2 stories from 2006-02-09 to 2006-03-03\n"
        "  2006-02-09 Putin invites Hamas to Moscow → 2006-03-03 Hamas delegation in Moscow: "
        "same actors, later\n"
    ) in text
    assert "[Al Jazeera]" in text and "Russia's special envoy for the Middle East" in text
    assert "If we receive an official invitation" in text
