"""Why a story holds each article: the closest member by the story rule, and what they share."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from storycorpus import BagOfWordsEmbedder, simple_document, span_of
from storyline.group.membership import (
    YEARS_UNKNOWN,
    Membership,
    membership_basis,
    membership_reason,
    story_membership,
)
from storyline.records import Corpus, Document, Mention, Story
from storyline.report.render.html import html_report
from storyline.report.render.markdown import markdown_report
from storyline.report.render.rows import membership_row
from storyline.report.render.text import citation_markers, render_report_text
from storyline.report.story import build_report
from storyline.settings import Settings

STADIA = (
    "Google is shutting down Stadia, its cloud gaming service, in January. Stadia players "
    "get refunds for hardware bought through the Google Store, including the Chromecast "
    "controller bundle. Google said Stadia never found the audience it hoped for."
)
STADIA_AGAIN = (
    "Stadia will close: Google announced the end of the cloud gaming service on Thursday. "
    "Google will refund Stadia hardware, Chromecast bundles included, and games bought "
    "on the Stadia store. Stadia launched in 2019."
)
HARVEST = (
    "Farmers in the valley began the grape harvest early this year after a dry summer. "
    "The cooperative expects a smaller crop but sweeter fruit, its director said."
)


def _document(article_id: str, text: str, outlet: str, names: dict[str, str], day: int) -> Document:
    """A document with the given names tagged (every occurrence) and an embedding made of its
    words, so that alike texts have alike vectors."""
    document = simple_document(article_id, text, outlet, None, day)
    document.mentions = [
        Mention(span_of(text, name, n), name, kind)
        for name, kind in names.items()
        for n in range(text.count(name))
    ]
    document.embedding = BagOfWordsEmbedder().encode([text])[0]
    return document


def _corpus(*documents: Document, copies: dict[str, str] | None = None) -> Corpus:
    story = Story("s-1", tuple(d.article.id for d in documents[:-1]), "Stadia", "",
                  dt.date(2022, 9, 29), dt.date(2022, 9, 30))  # fmt: skip
    other = Story("s-2", (documents[-1].article.id,), "Harvest", "", None, None)
    return Corpus(list(documents), copies or {}, [story, other], [], [], [])


def _stadia_corpus(extra_name: str | None = None) -> Corpus:
    names = {"Google": "ORG", "Stadia": "ORG"}
    if extra_name:
        names[extra_name] = "ORG"
    first = _document("a-first", STADIA + (f" {extra_name} agreed." if extra_name else ""),
                      "Verge", names, 9)  # fmt: skip
    second = _document("a-second", STADIA_AGAIN + (f" {extra_name} too." if extra_name else ""),
                       "Wired", names, 10)  # fmt: skip
    later = dataclasses.replace(first.article.published, date=dt.date(2006, 2, 11))
    copy = dataclasses.replace(first.article, id="a-copy", outlet="Mirror", published=later)
    copied = Document(copy, first.sentences, first.mentions, [], [], first.embedding)
    harvest = _document("a-harvest", HARVEST, "Farm News", {}, 9)
    return _corpus(first, second, copied, harvest, copies={"a-copy": "a-first"})


def _membership(corpus: Corpus, settings: Settings) -> dict[str, Membership]:
    story = (corpus.stories or [])[0]
    found = story_membership(corpus, story, membership_basis(corpus, settings.stories))
    return {m.article: m for m in found}


def test_two_articles_on_stadia_share_its_names_and_words(settings: Settings) -> None:
    members = _membership(_stadia_corpus(), settings)
    assert set(members) == {"a-second", "a-copy"}  # every article after the first
    second = members["a-second"]
    assert second.closest == "a-first" and second.copy_of is None
    assert set(second.names) == {"Google", "Stadia"}
    assert "chromecast" in second.words
    # Names are shown as names, not again as words; stopwords and numbers never show.
    assert not {"google", "stadia", "the", "will", "2019"} & set(second.words)
    assert second.days_apart == 1
    evidence = second.evidence
    assert evidence is not None and evidence.score > 0 and evidence.dense > 0.3
    assert evidence.names > 0 and evidence.words > 0 and not evidence.shared_quote
    reason = membership_reason(second)
    assert reason.startswith("shares Stadia, Google") and "1 day apart" in reason
    assert "“chromecast”" in reason


def test_a_copy_says_what_it_copies(settings: Settings) -> None:
    copy = _membership(_stadia_corpus(), settings)["a-copy"]
    assert copy.copy_of == "a-first" and copy.closest == "a-first"
    assert copy.evidence is not None and copy.evidence.dense == pytest.approx(1.0, abs=1e-3)
    corpus = _stadia_corpus()
    story = (corpus.stories or [])[0]
    report = build_report(corpus, story, settings.summary, BagOfWordsEmbedder())
    text = render_report_text(report)
    section = text.split("Why these articles are one story:\n")[1].split("\n\n")[0]
    assert "[Mirror]: copy of [Verge]" in section
    assert "[Wired]: closest to [Verge] — shares Stadia, Google" in section


def test_a_story_of_one_article_says_nothing(settings: Settings) -> None:
    corpus = _stadia_corpus()
    assert story_membership(corpus, (corpus.stories or [])[1],
                            membership_basis(corpus, settings.stories)) == []  # fmt: skip


def test_shared_names_are_escaped_in_html_and_markdown(settings: Settings) -> None:
    corpus = _stadia_corpus(extra_name="<script>alert(1)</script>")
    members = _membership(corpus, settings)
    assert "<script>alert(1)</script>" in members["a-second"].names
    page = html_report(corpus, settings.summary, BagOfWordsEmbedder())
    assert "Why these articles are one story" in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    markdown = markdown_report(corpus, settings.summary, BagOfWordsEmbedder())
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown


def test_the_api_row_holds_the_evidence(settings: Settings) -> None:
    row = membership_row(_membership(_stadia_corpus(), settings)["a-second"])
    assert row["article"] == "a-second" and row["closest"] == "a-first"
    assert row["copy_of"] is None and set(row["names"]) == {"Google", "Stadia"}
    assert set(row["evidence"]) == {"score", "embedding", "words", "names", "years",
                                    "shared_quote"}  # fmt: skip
    assert row["evidence"]["years"] != YEARS_UNKNOWN or row["days_apart"] == 1
    assert row["reason"].startswith("shares ")


def test_scores_are_the_rule_s_own(settings: Settings) -> None:
    """The evidence's score is what story building computes for the pair."""
    from storyline.group.stories import profile_of
    from storyline.group.story_index import StoryIndex

    corpus = _stadia_corpus()
    originals = [d for d in corpus.documents if d.article.id not in corpus.duplicate_of]
    profiles = [profile_of(d) for d in originals]
    index = StoryIndex(settings.stories, len(profiles[0].vector), lambda _: "s")
    index.restore("all", profiles)
    scores = index.pair_scores(profiles[:2])
    evidence = _membership(corpus, settings)["a-second"].evidence
    assert evidence is not None and evidence.score == pytest.approx(float(scores[1, 0]), abs=1e-3)
    assert np.isfinite(scores).all()


# --------------------------------------------------------------------------- the bundled example


@pytest.fixture(scope="module")
def invitation(analyzed_example: Corpus) -> Story:
    return next(s for s in analyzed_example.stories or [] if "invite" in s.title.lower())


def test_the_invitation_story_names_its_real_shared_actors(
    analyzed_example: Corpus, invitation: Story, settings: Settings
) -> None:
    basis = membership_basis(analyzed_example, settings.stories)
    members = story_membership(analyzed_example, invitation, basis)
    assert len(members) == len(invitation.articles) - 1
    shared = {name for m in members for name in m.names}
    assert "Hamas" in shared and "Putin" in shared
    for member in members:
        assert member.closest in invitation.articles and member.closest != member.article
        assert member.evidence is not None and member.evidence.score > 0
        assert member.evidence.shared_quote  # all three render Putin's words on Hamas
        assert not {"the", "and", "said", "hamas", "putin"} & set(member.words)


def test_show_explains_every_article_of_the_invitation_story(
    analyzed_example: Corpus, invitation: Story, settings: Settings
) -> None:
    report = build_report(analyzed_example, invitation, settings.summary, BagOfWordsEmbedder())
    text = render_report_text(report)
    section = text.split("Why these articles are one story:\n")[1].split("\n\n")[0]
    lines = section.splitlines()
    markers = citation_markers(report.articles)
    assert len(lines) == len(invitation.articles)
    for article, line in zip(report.articles, lines, strict=True):
        assert f"[{markers[article.id]}]" in line.split(":")[0]
    assert lines[0].endswith("the first article")
    assert all("closest to [" in line and "Hamas" in line for line in lines[1:])
    assert "embedding cos" in section and "quotes the same words" in section


def test_the_basis_counts_articles_as_stories_were_built_under_the_languages_given(
    settings: Settings,
) -> None:
    text = "Die Polizei hat am Montag zwölf Personen festgenommen, sagte Anna Schmidt."
    german = simple_document("de", text, "Zeitung", None)
    german.article = dataclasses.replace(german.article, language="de")
    german.embedding = np.ones(4) / 2
    corpus = Corpus([german], stories=[], duplicate_of={})
    stories = settings.stories
    # Not a language the models cover: compared by its numbers and names only.
    assert "festgenommen" not in membership_basis(corpus, stories, ["en"]).frequencies.terms
    assert "festgenommen" in membership_basis(corpus, stories, ["en", "de"]).frequencies.terms
