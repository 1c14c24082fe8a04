"""`storyline timeline`: the dates that matter most over many articles, and what happened on
each, through the library, the CLI, the API and the web UI."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import make_article, store_as_written_by
from storyline.annotate.labels import normalise_space
from storyline.cli import app
from storyline.records import Document, Precision, PubDate, Span, TimeRef, TimexType
from storyline.report.render.timeline import timeline_html, timeline_markdown
from storyline.report.topic_timeline import build_topic_timeline
from storyline.settings import Settings

runner = CliRunner()


def _document(
    article_id: str,
    day: str,
    sentences: list[str],
    dates: dict[str, str],
    background: tuple[str, ...] = (),
) -> Document:
    """An article out on ``day`` whose sentences are one per line; ``dates`` maps a phrase of
    it to the ISO day it names (its clause: its sentence), dating what its sentence reports
    unless it is one of ``background`` (as the annotation's parse judges it)."""
    text = "\n".join(sentences)
    published = PubDate(dt.date.fromisoformat(day), Precision.DAY, "input")
    article = make_article(text, article_id, published)
    spans, at = [], 0
    for sentence in sentences:
        spans.append(Span(at, at + len(sentence)))
        at += len(sentence) + 1
    timex = []
    for phrase, value in dates.items():
        start = text.index(phrase)
        clause = next(s for s in spans if s.start <= start < s.end)
        span = Span(start, start + len(phrase))
        reports = phrase not in background
        timex.append(TimeRef(span, phrase, TimexType.DATE, value, clause, reports))
    return Document(article, sentences=spans, timex=timex)


SPILL = [
    _document(
        "a1",
        "2010-04-21",
        [
            "An explosion on the Deepwater Horizon rig killed eleven workers on Tuesday night.",
            "The rig burned for hours while rescue boats searched the Gulf for the missing crew.",
        ],
        {"Tuesday night": "2010-04-20"},
    ),
    _document(
        "a2",
        "2010-04-22",
        [
            "The Deepwater Horizon rig sank into the Gulf of Mexico on Thursday morning.",
            "On Tuesday an explosion on the rig killed eleven workers and injured many more.",
        ],
        {"Thursday morning": "2010-04-22", "On Tuesday": "2010-04-20"},
    ),
    _document(
        "a3",
        "2010-05-02",
        [
            "President Obama visited the Louisiana coast on Sunday to see the oil spill response.",
            "BP, which leased the rig that exploded on April 20, says it will pay for the cleanup.",
        ],
        {"on Sunday": "2010-05-02", "April 20": "2010-04-20"},
        background=("April 20",),  # in "the rig that exploded on April 20"
    ),
    _document(
        "a4",
        "2010-05-02",
        [
            "President Obama visited the Gulf coast on Sunday to see the response to the spill.",
            "Fishermen in Venice, Louisiana, said the spill had already ruined the season.",
        ],
        {"on Sunday": "2010-05-02"},
    ),
]


def test_dates_that_matter_most_with_what_happened_on_each(settings: Settings) -> None:
    found = build_topic_timeline(SPILL, settings.timeline, dates=2, sentences=2)
    assert [d.date for d in found.dates] == ["2010-04-20", "2010-05-02"]
    first, second = found.dates
    assert first.named == 3 and first.published == 0  # three articles name the blast's day
    texts = [s.text for s in first.sentences]
    assert any("explosion" in t for t in texts)
    # "BP, which leased the rig that exploded on April 20, ..." reports what BP says on May 2:
    # its date is background, so it is no sentence of April 20.
    assert not any(t.startswith("BP, which leased") for t in texts)
    assert any("Obama" in s.text for s in second.sentences)
    # Two outlets said Obama visited the coast: the sentence cites both.
    visit = next(s for s in second.sentences if "Obama" in s.text)
    assert {r.article for r in visit.sources} == {"a3", "a4"}
    assert found.articles == 4
    assert next(a.id for a in found.cited) in {"a1", "a2"}


def test_range_and_numbers_are_held(settings: Settings) -> None:
    found = build_topic_timeline(
        SPILL, settings.timeline, since="2010-04-21", until="2010-04-30", dates=5, sentences=1
    )
    assert found.articles == 2  # those out from the 21st to the 30th
    assert all("2010-04-21" <= d.date <= "2010-04-30" for d in found.dates)
    assert all(len(d.sentences) == 1 for d in found.dates)
    none = build_topic_timeline(SPILL, settings.timeline, since="2011-01-01", dates=3)
    assert none.dates == () and none.articles == 0


def test_untrusted_text_is_escaped_in_markdown_and_html(settings: Settings) -> None:
    hostile = _document(
        "evil",
        "2010-04-20",
        ["<script>alert(1)</script> an [explosion](http://x.example) hit the rig on Tuesday."],
        {"on Tuesday": "2010-04-20"},
    )
    found = build_topic_timeline([hostile], settings.timeline, dates=1, sentences=1)
    assert found.dates, "the one dated sentence makes the timeline"
    page = timeline_html(found)
    assert "<script>" not in page and "&lt;script&gt;" in page
    markdown = timeline_markdown(found)
    assert "<script>" not in markdown and "\\[explosion\\]\\(http" in markdown


_WORDS = st.sampled_from(
    ["the", "rig", "oil", "spill", "coast", "workers", "said", "fire", "boat", "gulf", "crew"]
)


@st.composite
def _articles(draw: st.DrawFn) -> list[Document]:
    documents = []
    for n in range(draw(st.integers(1, 6))):
        day = dt.date(2010, 4, 20) + dt.timedelta(days=draw(st.integers(0, 10)))
        sentences, dates = [], {}
        for m in range(draw(st.integers(1, 4))):
            words = draw(st.lists(_WORDS, min_size=6, max_size=14))
            named = draw(st.none() | st.integers(0, 10))
            phrase = f"on day{n}x{m}"
            if named is not None:
                dates[phrase] = (dt.date(2010, 4, 20) + dt.timedelta(days=named)).isoformat()
                words.append(phrase)
            sentences.append(" ".join(words).capitalize() + ".")
        documents.append(_document(f"p{n}", day.isoformat(), sentences, dates))
    return documents


@given(_articles(), st.integers(1, 5), st.integers(1, 3))
@hypothesis_settings(max_examples=60, deadline=None)
def test_any_timeline_holds_its_bounds_and_cites_its_words(
    documents: list[Document], dates: int, sentences: int
) -> None:
    from storyline.settings import default_settings

    found = build_topic_timeline(
        documents, default_settings().timeline, "2010-04-22", "2010-04-28", dates, sentences
    )
    days = [d.date for d in found.dates]
    assert days == sorted(set(days)) and len(days) <= dates
    assert all("2010-04-22" <= day <= "2010-04-28" for day in days)
    texts = {d.article.id: d.article.text for d in documents}
    for day in found.dates:
        assert 1 <= len(day.sentences) <= sentences
        for sentence in day.sentences:
            own = sentence.sources[0]
            assert normalise_space(texts[own.article][own.start : own.end]) == sentence.text
            articles = [r.article for r in sentence.sources]
            assert len(articles) == len(set(articles))


# --------------------------------------------------------------------------- the product


def _cli(*arguments: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["timeline", *arguments])
    return result.exit_code, result.stdout, result.stderr


def test_cli_jsonl_is_one_line_of_dates_sentences_and_source_spans(
    analyzed_example_db: Path,
) -> None:
    db = str(analyzed_example_db)
    code, out, _ = _cli("--db", db, "--dates", "3", "--sentences", "2", "--format", "jsonl")
    assert code == 0 and out.count("\n") == 1
    row = json.loads(out)
    assert 1 <= len(row["timeline"]) <= 3
    days = [d["date"] for d in row["timeline"]]
    assert days == sorted(days) and all(re.fullmatch(r"\d{4}-\d\d-\d\d", d) for d in days)
    assert "2006-02-09" in days  # Putin's offer: the day three of the five articles came out
    for day in row["timeline"]:
        for sentence in day["sentences"]:
            assert sentence["text"] and sentence["sources"]
            assert set(sentence["sources"][0]) == {"article", "start", "end"}
    # The seeds' background never makes a date: 1967 ("occupied since 1967") and the
    # elections Putin's words are dated by in their relative clause.
    assert not any(d < "2006" for d in days)
    text = " ".join(s["text"] for d in row["timeline"] for s in d["sentences"])
    assert "which won the Palestinian parliamentary elections" not in text
    cited = {s["article"] for s in row["sources"]}
    assert all(
        r["article"] in cited for d in row["timeline"] for s in d["sentences"] for r in s["sources"]
    )


def test_cli_text_md_html_and_scopes(analyzed_example_db: Path, tmp_path: Path) -> None:
    db = str(analyzed_example_db)
    code, out, _ = _cli("--db", db)
    assert code == 0 and out.startswith("Timeline of the whole store:") and "Sources" in out
    code, out, _ = _cli("--db", db, "--query", "Moscow", "--since", "2006-03-01")
    assert code == 0 and 'Timeline of the search "Moscow", 2006-03-01 to the end' in out
    assert "2006-02-09" not in out
    page = tmp_path / "t.html"
    code, _, _ = _cli("--db", db, "--format", "html", "--out", str(page))
    assert code == 0 and page.read_text().startswith("<!doctype html>")
    code, out, _ = _cli("--db", db, "--format", "md")
    assert code == 0 and out.startswith("# Timeline of the whole store")


def test_cli_errors_are_one_line(analyzed_example_db: Path) -> None:
    db = str(analyzed_example_db)
    code, _, err = _cli("--db", db, "--query", "x", "--entity", "y")
    assert code == 2 and "not several" in err
    code, _, err = _cli("--db", db, "--since", "March 2006")
    assert code == 1 and "'March 2006' is not a date written YYYY-MM-DD" in err
    code, _, err = _cli("--db", db, "--thread", "zzz")
    assert code == 1 and "no thread id begins with 'zzz'" in err
    assert len(err.strip().splitlines()) == 1


def test_a_store_from_before_the_judgement_is_migrated(tmp_path: Path) -> None:
    """Time expressions stored before ``TimeRef.reports`` read back as not judged (None),
    which dates their sentences as before; new ones keep the judgement."""
    import storyline.store.schema as schema
    from storyline.store.rows import article_row, timex_row
    from storyline.store.store import Store

    path = tmp_path / "v10.db"
    old = SPILL[2]
    monday = {"on Monday": "2010-05-03"}
    new = _document(
        "a9", "2010-05-03", ["Oil reached the coast on Monday."], monday, ("on Monday",)
    )
    # A store as schema 10 wrote it: no origin columns, no reports.
    rows = [("articles", article_row(old)[:19])]
    rows += [("timex", timex_row("a3", t)[:-1]) for t in old.timex or []]
    store_as_written_by(path, 10, rows)
    with Store(path) as store:
        assert store.schema_version() == schema.MIGRATIONS[-1][0]
        store.save_documents([new])
        stored = {d.article.id: d.timex or [] for d in store.load_documents()}
    assert [t.reports for t in stored["a3"]] == [None, None]
    assert [t.reports for t in stored["a9"]] == [False]


def test_api_route_and_pages_for_a_thread_and_an_entity(analyzed_example_db: Path) -> None:
    from storyline.serve.app import create_app
    from storyline.store.store import Store

    client = TestClient(create_app(analyzed_example_db))
    row = client.get("/api/timeline", params={"dates": 2, "sentences": 1}).json()
    assert len(row["timeline"]) <= 2 and row["scope"] == "the whole store"
    assert client.get("/api/timeline", params={"since": "soon"}).status_code == 422
    assert client.get("/api/timeline", params={"thread": "zzz"}).status_code == 404
    with Store(analyzed_example_db) as store:
        corpus = store.load_corpus()
    thread = (corpus.threads or [])[0].id
    entity = next(e for e in corpus.entities or [] if e.name == "Vladimir Putin")
    page = client.get(f"/threads/{thread[:8]}/timeline").text
    assert "Timeline of the thread" in page and "2006-02-09" in page
    page = client.get(f"/entities/{entity.id}/timeline").text
    assert "Timeline of the articles naming Vladimir Putin" in page
    assert f"/entities/{entity.id}/timeline" in client.get(f"/entities/{entity.id}").text


def test_events_many_articles_report_come_first_and_every_sentence_names_its_subject(
    settings: Settings,
) -> None:
    day = "2019-11-18"
    quake = _document(
        "q1",
        day,
        [
            "A strong earthquake shook the coast of Chile on Monday, officials said.",
            "He said the damage was being assessed by rescue teams across the coast.",
        ],
        {"on Monday": day},
    )
    monday = {"on Monday": day}
    match = _document(
        "m1",
        day,
        ["The national team won its match against Peru on Monday, officials said."],
        monday,
    )
    for large in ("m1", "q1"):  # the event six articles tell of comes first, either way
        sizes = {"m1": 1, "q1": 1, large: 6}
        found = build_topic_timeline(
            [quake, match], settings.timeline, dates=1, sentences=1, story_sizes=sizes
        )
        assert found.dates[0].sentences[0].sources[0].article == large
    every = build_topic_timeline([quake, match], settings.timeline, dates=1, sentences=3)
    texts = [s.text for d in every.dates for s in d.sentences]
    assert texts and not any(t.startswith("He said") for t in texts)
    name = _document("n1", day, ["He Jianxiong spoke at an event in Washington on Monday."], monday)
    named = build_topic_timeline([name], settings.timeline, dates=1, sentences=1)
    assert [s.text for d in named.dates for s in d.sentences] == [name.article.text]


def test_an_entity_s_timeline_tells_only_sentences_that_mention_it(
    analyzed_example_db: Path,
) -> None:
    from storyline.store.store import Store

    with Store(analyzed_example_db) as store:
        corpus = store.load_corpus()
        putin = next(e.id for e in corpus.entities or [] if e.name == "Vladimir Putin")
        mentions = store.mentions_of(putin)
    code, out, _ = _cli("--db", str(analyzed_example_db), "--entity", putin, "-f", "jsonl")
    assert code == 0
    sentences = [s for day in json.loads(out)["timeline"] for s in day["sentences"]]
    assert sentences
    for sentence in sentences:
        own = sentence["sources"][0]
        spans = mentions[own["article"]]
        assert any(own["start"] <= m.start < own["end"] for m in spans), sentence["text"]
