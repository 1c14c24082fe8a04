"""How each outlet told the story: labels, voices and sides, who reports what, disagreements,
and the cited summaries, on the analysed seeds and on small made-up stories."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import seed_document
from storycorpus import BagOfWordsEmbedder, one_story_corpus, simple_document, span_of
from storyline.records import Corpus, Entity, Ref, TimeRef, TimexType
from storyline.report.compare import source_keys
from storyline.report.figures import figures_in
from storyline.report.sides import side_of
from storyline.report.story import StoryReport, build_report
from storyline.report.summary import SummarySentence, apply_summary_hook, build_thread_summary
from storyline.settings import SummarySettings, default_settings


@pytest.fixture(scope="module")
def corpus(analyzed_example: Corpus) -> Corpus:
    return analyzed_example


def story_of(corpus: Corpus, number: str) -> StoryReport:
    article = seed_document(corpus, number).article.id
    (story,) = (s for s in corpus.stories or [] if article in s.articles)
    return build_report(corpus, story, default_settings().summary)


@pytest.fixture(scope="module")
def invitation(corpus: Corpus) -> StoryReport:
    return story_of(corpus, "000")


def hamas_labels(report: StoryReport, corpus: Corpus, number: str) -> tuple[str, ...]:
    article = seed_document(corpus, number).article.id
    [view] = [v for v in report.outlets if article in v.articles]
    [hamas] = [e for e in corpus.entities or [] if e.name == "Hamas"]
    return view.labels.get(hamas.id, ())


# --------------------------------------------------------------------------- labels


def test_each_outlet_s_labels_for_hamas(corpus: Corpus, invitation: StoryReport) -> None:
    assert "the resistance group" in hamas_labels(invitation, corpus, "000")  # Al Jazeera
    assert "the radical Palestinian Islamic group" in hamas_labels(invitation, corpus, "002")
    rfe = hamas_labels(story_of(corpus, "001"), corpus, "001")
    assert {
        "the radical Palestinian movement",  # in the lede the dump ran into a photo caption
        "the militant group",  # "the militant group's highest-level foreign visit"
        "the radical Islamic movement",
    } <= set(rfe)
    reuters = hamas_labels(story_of(corpus, "004"), corpus, "004")
    assert {"the Hamas Islamist group", "the militant group"} <= set(reuters)


def test_labels_are_designations_of_actors(corpus: Corpus, invitation: StoryReport) -> None:
    types = {e.id: e.type for e in corpus.entities or []}
    phrases = [p for v in invitation.outlets for ps in v.labels.values() for p in ps]
    assert all(types[e] in {"PERSON", "ORG", "GPE"} for v in invitation.outlets for e in v.labels)
    assert "the radical" not in phrases  # the words before "Palestinian" belong to a noun
    # A person's title and name designate that person, not the city it follows.
    for view in invitation.outlets:
        for entity, labels in view.labels.items():
            if types[entity] != "PERSON":
                assert not any("Tzipi Livni" in p for p in labels)


# --------------------------------------------------------------------------- voices and sides


def test_the_comparison_shows_which_outlet_quotes_whom(
    corpus: Corpus, invitation: StoryReport
) -> None:
    names = {e.id: e.name for e in corpus.entities or []}
    by_outlet = {v.outlet: v for v in invitation.outlets}
    aj, iht, meo = (
        next(v for v in invitation.outlets if seed_document(corpus, n).article.id in v.articles)
        for n in ("000", "002", "003")
    )
    assert aj.outlet == "Al Jazeera" and len(by_outlet) == 3  # two unsigned articles stay apart
    assert "Khaled Mashaal" in {names[v] for v in aj.voices}
    assert "Kofi Annan" in {names[v] for v in meo.voices}
    assert "Kofi Annan" not in {names[v] for v in aj.voices}
    for view in (aj, iht, meo):
        for voice in view.voice_details:
            assert voice.quotes >= 1 and voice.words >= 1
    sides = {names[v.entity]: v.side for v in aj.voice_details}
    assert sides["Khaled Mashaal"] == "Hamas" and sides["Vladimir Putin"] == "Russia"
    assert {"Hamas", "Russia", "Israel", "United Nations"} <= set(invitation.sides)
    assert "United Nations" in meo.sides_heard and "United Nations" in aj.sides_missing


def test_side_of_a_speaker_from_designations() -> None:
    actors = {
        "russia": Entity("e-ru", "Russia", "GPE", (), ()),
        "russian": Entity("e-rus", "Russian", "NORP", (), ()),
        "hamas": Entity("e-h", "Hamas", "ORG", (), ()),
        "russian foreign ministry": Entity("e-fm", "Russian Foreign Ministry", "ORG", (), ()),
    }
    putin = Entity("e-p", "Vladimir Putin", "PERSON", (), ())
    assert side_of(putin, ["Russian President"], actors) == "Russia"
    mashaal = Entity("e-m", "Khaled Mashaal", "PERSON", (), ())
    assert side_of(mashaal, ["Hamas political leader"], actors) == "Hamas"
    mccormack = Entity("e-mc", "Sean McCormack", "PERSON", (), ())
    assert side_of(mccormack, ["State Department spokesman"], actors) == "United States"
    assert side_of(actors["russian foreign ministry"], [], actors) == "Russia"
    assert (
        side_of(Entity("e-x", "Andrei Denisov", "PERSON", (), ()), ["First Deputy"], actors) is None
    )


# --------------------------------------------------------------------------- coverage


def test_only_the_iht_reports_the_erez_crossing_attack(
    corpus: Corpus, invitation: StoryReport
) -> None:
    keys = source_keys(invitation.articles)
    iht = keys[seed_document(corpus, "002").article.id]
    erez = [f for f in invitation.coverage if "Erez crossing" in f.text]
    assert erez and all(f.outlets == (iht,) for f in erez)
    assert all(set(f.missing) == set(keys.values()) - {iht} for f in erez)


def test_every_fact_cites_spans_of_its_outlets(invitation: StoryReport) -> None:
    texts = {a.id: a.text for a in invitation.articles}
    keys = source_keys(invitation.articles)
    for fact in invitation.coverage:
        assert fact.sources and fact.outlets
        assert {keys[r.article] for r in fact.sources} == set(fact.outlets)
        for ref in fact.sources:
            assert 0 <= ref.start < ref.end <= len(texts[ref.article])


def test_figures_name_what_they_count() -> None:
    found = {
        (f.value, f.noun) for f in figures_in("Israeli troops killed three armed Palestinians.")
    }
    assert found == {(3.0, "palestinian")}
    assert {(f.value, f.noun) for f in figures_in("About 5,000 workers cross daily.")} == {
        (5000.0, "worker")
    }
    assert figures_in("In 2006 the vote was held.") == []  # a year counts nothing
    assert figures_in("Turnout rose 70 percent.") == []


# --------------------------------------------------------------------------- conflicts


def two_outlets(a: str, b: str) -> Corpus:
    return one_story_corpus(
        [
            simple_document("a", a, "Outlet A", "Title A"),
            simple_document("b", b, "Outlet B", "Title B"),
        ]
    )


def report_of(corpus: Corpus) -> StoryReport:
    summary = default_settings().summary
    return build_report(corpus, (corpus.stories or [])[0], summary, BagOfWordsEmbedder())


def test_a_count_that_differs_between_outlets_is_a_conflict() -> None:
    corpus = two_outlets(
        "Israeli soldiers killed three armed Palestinians near the Erez crossing on Thursday.",
        "Israeli soldiers killed two armed Palestinians near the Erez crossing on Thursday.",
    )
    [conflict] = [c for c in report_of(corpus).conflicts if c.kind == "number"]
    assert conflict.about == "palestinian"
    assert {(c.outlet, c.value) for c in conflict.claims} == {
        ("Outlet A", "three armed Palestinians"),
        ("Outlet B", "two armed Palestinians"),
    }
    for claim in conflict.claims:
        text = corpus.document(claim.source.article).article.text
        assert claim.value in text[claim.source.start : claim.source.end]


ARRIVAL = "The delegation of Hamas arrived in Moscow for talks with Russian officials on Friday."


def test_a_date_that_differs_between_outlets_is_a_conflict() -> None:
    corpus = two_outlets(ARRIVAL, ARRIVAL.replace("Friday", "Sunday"))
    for document, day, value in zip(
        corpus.documents, ("Friday", "Sunday"), ("2006-02-03", "2006-02-05"), strict=True
    ):
        span = span_of(document.article.text, day)
        document.timex = [TimeRef(span, day, TimexType.DATE, value)]
    dates = [c for c in report_of(corpus).conflicts if c.kind == "date"]
    assert [sorted(c.value for c in d.claims) for d in dates] == [["2006-02-03", "2006-02-05"]]


def test_a_denial_of_what_another_outlet_states_is_a_conflict() -> None:
    denied = ARRIVAL.replace("arrived", "did not arrive").replace(" on Friday", "")
    [conflict] = [c for c in report_of(two_outlets(ARRIVAL, denied)).conflicts]
    assert conflict.kind == "negation"
    assert {(c.outlet, c.value) for c in conflict.claims} == {
        ("Outlet A", "affirms"),
        ("Outlet B", "denies"),
    }


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Russia invited the leaders of Hamas to Moscow for talks on Thursday.",) * 2,
        # Different things counted, lengths of time, and a "not" about something else.
        (
            "Firefighters sent 31 fire trucks to the burning warehouse by the river on Monday.",
            "Firefighters sent three ladder trucks to the burning warehouse by the river Monday.",
        ),
        (
            "The boxer retired three years ago from the ring after a long and famous career.",
            "The boxer retired from the ring after a long and famous career of 30 years.",
        ),
        (
            "The boxer won the fight in Berlin on Saturday and kept his heavyweight title.",
            "The boxer won the fight in Berlin on Saturday, not by knockout, and kept his title.",
        ),
    ],
)
def test_what_is_no_conflict(a: str, b: str) -> None:
    assert report_of(two_outlets(a, b)).conflicts == []


# --------------------------------------------------------------------------- summaries


def test_the_invitation_summary_cites_two_outlets_in_time_order(
    invitation: StoryReport,
) -> None:
    texts = {a.id: a.text for a in invitation.articles}
    keys = source_keys(invitation.articles)
    assert 3 <= len(invitation.summary) <= 8
    outlets = {keys[r.article] for s in invitation.summary for r in s.sources}
    assert len(outlets) >= 2
    assert any(len({keys[r.article] for r in s.sources}) >= 2 for s in invitation.summary)
    for sentence in invitation.summary:
        assert sentence.sources
        first = sentence.sources[0]
        assert " ".join(texts[first.article][first.start : first.end].split()) == sentence.sentence


def test_the_thread_summary_draws_on_each_story(corpus: Corpus) -> None:
    [thread] = corpus.threads or []
    summary = build_thread_summary(corpus, thread, default_settings().summary)
    stories = {s.id: set(s.articles) for s in corpus.stories or []}
    drawn = {
        story
        for s in summary
        for r in s.sources[:1]
        for story, a in stories.items()
        if r.article in a
    }
    assert 3 <= len(summary) <= 8 and drawn == set(stories)


def fused(title: str, sentences: list[SummarySentence]) -> list[SummarySentence]:
    """A stand-in for a user's summariser: one sentence resting on the first two sources."""
    sources = tuple(r for s in sentences for r in s.sources)[:2]
    return [SummarySentence(f"{title}: what happened.", sources)]


def uncited(title: str, sentences: list[SummarySentence]) -> list[SummarySentence]:
    return [SummarySentence("A claim with no source.", ())]


def test_a_summary_hook_is_held_to_the_extractive_sources() -> None:
    refs = (Ref("a", 0, 10), Ref("b", 0, 12))
    summary = [SummarySentence("One.", refs[:1]), SummarySentence("Two.", refs[1:])]
    [rewritten] = apply_summary_hook(f"{__name__}:fused", "Story", summary)
    assert rewritten.sources == refs
    # A sentence without a source never replaces the extractive summary.
    assert apply_summary_hook(f"{__name__}:uncited", "Story", summary) == summary
    assert apply_summary_hook("", "Story", summary) == summary


SENTENCE = st.text(alphabet=st.sampled_from("abcdefghij klmnop"), min_size=40, max_size=120).map(
    lambda t: " ".join(t.split()) + "."
)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(SENTENCE, min_size=1, max_size=6), min_size=1, max_size=4))
def test_no_summary_sentence_or_fact_without_a_source_inside_its_article(
    articles: list[list[str]],
) -> None:
    documents = [
        simple_document(f"a{n}", " ".join(sentences), f"Outlet {n % 2}", f"Title {n}")
        for n, sentences in enumerate(articles)
    ]
    report = report_of(one_story_corpus(documents))
    texts = {d.article.id: d.article.text for d in documents}
    cited = [s.sources for s in report.summary] + [f.sources for f in report.coverage]
    cited += [tuple(c.source for c in x.claims) for x in report.conflicts]
    for sources in cited:
        assert sources
        for ref in sources:
            assert 0 <= ref.start < ref.end <= len(texts[ref.article])


def test_summary_settings_have_the_hook_off_by_default() -> None:
    summary: SummarySettings = default_settings().summary
    assert summary.hook == "" and 3 <= summary.max_sentences <= 8
