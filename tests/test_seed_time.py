"""The seeds' dates through the whole pipeline: stated, resolved, inferred from the story.

Each check is one issue 6 names for the five bundled articles, run on what
``storyline.analyze`` stores and ``storyline.load`` reads back.
"""

from __future__ import annotations

import pytest

from conftest import seed_document
from storyline.records import Corpus, Document, Precision
from storyline.report.story import build_report
from storyline.settings import default_settings


@pytest.fixture(scope="module")
def corpus(analyzed_example: Corpus) -> Corpus:
    return analyzed_example


def resolved(document: Document) -> dict[str, str | None]:
    return {t.text.lower(): t.value for t in document.timex or []}


def test_000_resolves_against_its_stated_date(corpus: Corpus) -> None:
    values = resolved(seed_document(corpus, "000"))
    assert values["25 january"] == "2006-01-25"
    assert values["thursday"] == "2006-02-09"


def test_001_march_3_and_last_year(corpus: Corpus) -> None:
    values = resolved(seed_document(corpus, "001"))
    assert values["march 3, 2006"] == "2006-03-03"  # its date line, the one "March 3"
    assert values["march 2"] == "2006-03-02"  # "the United States said on March 2 it would"
    assert values["last year"] == "2005"


def test_002_is_dated_by_its_story_and_its_thursday_is_9_february(corpus: Corpus) -> None:
    iht = seed_document(corpus, "002")
    published = iht.article.published
    assert published is not None and published.inferred and published.origin == "story"
    assert (published.date.isoformat(), published.precision) == ("2006-02-09", Precision.DAY)
    assert resolved(iht)["thursday"] == "2006-02-09"
    assert resolved(iht)["jan. 25"] == "2006-01-25"
    assert (corpus.inferred_dates or {})[iht.article.id] == published


def test_stated_dates_are_never_replaced(corpus: Corpus) -> None:
    for number in ("000", "001", "004"):
        published = seed_document(corpus, number).article.published
        assert published is not None and not published.inferred


def test_the_invitation_timeline_holds_the_election_and_the_invitation(corpus: Corpus) -> None:
    aj = seed_document(corpus, "000").article.id
    (story,) = (s for s in corpus.stories or [] if aj in s.articles)
    report = build_report(corpus, story, default_settings().summary)
    outlets_by_date: dict[str, set[str]] = {}
    for entry in report.timeline:
        outlets_by_date.setdefault(entry.date, set()).update(r.article for r in entry.sources)
    election = [e for e in report.timeline if e.date == "2006-01-25"]
    assert len(election) == 1, election  # one event, however many outlets date it
    assert {r.article for r in election[0].sources} == {aj, seed_document(corpus, "002").article.id}
    [invitation] = [e for e in report.timeline if "considering inviting" in e.text]
    assert invitation.date == "2006-02-09" and not invitation.inferred
    # 003 may join them: its sentence quoting Putin whole that Thursday ('"We are ready to work
    # with all parties. ... Today we have to recognize ...," the Russian leader said') is his
    # word of that day, not Hamas' answer to it ("Hamas responded favorably to the offer").
    told = {r.article for r in invitation.sources}
    iht, afp = seed_document(corpus, "002").article.id, seed_document(corpus, "003").article.id
    assert {aj, iht} <= told <= {aj, iht, afp}
    [answer] = [e for e in report.timeline if "responded favorably" in e.text]
    assert afp not in {r.article for r in answer.sources}


def test_every_date_s_clause_holds_it(corpus: Corpus) -> None:
    refs = [t for d in corpus.documents for t in d.timex or []]
    with_clause = [t for t in refs if t.event is not None]
    assert len(with_clause) >= len(refs) * 0.8  # the parse finds a verb above most dates
    for ref in with_clause:
        assert ref.event is not None
        assert ref.event.start <= ref.span.start < ref.span.end <= ref.event.end
    iht = seed_document(corpus, "002")
    [election] = [t for t in iht.timex or [] if t.text == "Jan. 25"]
    assert election.event is not None
    assert election.event.of(iht.article.text).startswith("Hamas, which won the Palestinian")
