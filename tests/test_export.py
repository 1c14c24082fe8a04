"""Exports: the JSONL export contract (docs/architecture.md), and reports that never let
article text inject HTML."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from storycorpus import BagOfWordsEmbedder, one_story_corpus, seed_corpus, simple_document
from storyline.records import Corpus, Entity, Quote, QuoteGroup, Ref, Span, Thread, ThreadLink
from storyline.report.export import write_jsonl
from storyline.report.render.html import html_report
from storyline.report.render.markdown import markdown_report, md_escape
from storyline.report.render.rows import article_rows, story_rows, thread_rows, vector_values
from storyline.settings import Settings

ARTICLE_FIELDS = {
    "id", "source", "url", "title", "outlet", "language", "published", "published_inferred",
    "text", "body", "duplicate_of", "story", "thread", "entities", "quotes", "timex",
}  # fmt: skip
STORY_FIELDS = {
    "id", "thread", "title", "description", "articles", "start", "end", "timeline", "cast",
    "quote_groups", "outlets", "sides", "coverage", "conflicts", "summary", "background",
}  # fmt: skip
OPT_STR = (str, type(None))


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return seed_corpus()


@pytest.fixture(scope="module")
def articles(corpus: Corpus) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in article_rows(corpus)}


@pytest.fixture(scope="module")
def stories(corpus: Corpus, settings: Settings) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in story_rows(corpus, settings.summary)}


def assert_span(text: str, item: dict[str, Any]) -> None:
    assert isinstance(item["start"], int) and isinstance(item["end"], int)
    assert text[item["start"] : item["end"]].strip()


# --------------------------------------------------------------------------- articles


def test_article_rows_have_exactly_the_contract_fields(articles: dict[str, dict[str, Any]]) -> None:
    assert set(articles) == {"aj", "rfe", "iht", "meo", "reu", "meo-copy"}
    for row in articles.values():
        assert set(row) == ARTICLE_FIELDS
        for key in ("id", "source", "text", "body"):
            assert isinstance(row[key], str)
        for key in ("title", "outlet", "language", "published", "duplicate_of", "story", "thread"):
            assert isinstance(row[key], OPT_STR)
        assert all(isinstance(row[k], list) for k in ("entities", "quotes", "timex"))


def test_article_row_values(articles: dict[str, dict[str, Any]]) -> None:
    aj = articles["aj"]
    assert (aj["outlet"], aj["published"], aj["story"], aj["thread"]) == (
        "Al Jazeera", "2006-02-09", "s-invite", "t-russia-hamas",
    )  # fmt: skip
    assert articles["reu"]["published"] == "2007-07"
    # The IHT page states no date: its story's is marked as such.
    assert (articles["iht"]["published"], articles["iht"]["published_inferred"]) == (
        "2006-02-09",
        True,
    )
    assert aj["published_inferred"] is False
    assert articles["reu"]["thread"] is None
    assert articles["meo-copy"]["duplicate_of"] == "meo"
    assert aj["duplicate_of"] is None


def test_entity_rows(articles: dict[str, dict[str, Any]]) -> None:
    for row in articles.values():
        for item in row["entities"]:
            assert set(item) == {"start", "end", "text", "type", "entity", "name"}
            assert_span(row["text"], item)
            assert row["text"][item["start"] : item["end"]] == item["text"]
            assert isinstance(item["entity"], OPT_STR) and isinstance(item["name"], OPT_STR)
    putin = [e for e in articles["aj"]["entities"] if e["text"] == "Vladimir Putin"]
    assert putin and putin[0]["entity"] == "e-putin" and putin[0]["name"] == "Vladimir Putin"


def test_quote_rows(articles: dict[str, dict[str, Any]]) -> None:
    keys = {"content", "cue", "speaker", "speaker_name", "speaker_entity", "direct", "group"}
    for row in articles.values():
        for item in row["quotes"]:
            assert set(item) == keys
            assert_span(row["text"], item["content"])
            assert (
                item["speaker"] is None
                or row["text"][item["speaker"]["start"] : item["speaker"]["end"]]
            )
            assert isinstance(item["direct"], bool)
    (haniya,) = articles["aj"]["quotes"]
    assert (haniya["cue"], haniya["speaker_entity"], haniya["group"]) == (
        "said", "e-haniya", "g-haniya-visit",
    )  # fmt: skip
    assert articles["meo"]["quotes"][0]["group"] is None


def test_timex_rows(articles: dict[str, dict[str, Any]]) -> None:
    for row in articles.values():
        for item in row["timex"]:
            assert set(item) == {"start", "end", "text", "value", "event", "reports"}
            assert row["text"][item["start"] : item["end"]] == item["text"]
            assert item["reports"] in (True, False, None)
            event = item["event"]  # the clause the date belongs to, where the parse found one
            assert event is None or event["start"] <= item["start"] < item["end"] <= event["end"]
    assert {t["value"] for t in articles["aj"]["timex"]} == {"2006-01-25", "2006-02-09"}


def test_write_jsonl_round_trips(corpus: Corpus) -> None:
    stream = io.StringIO()
    count = write_jsonl(article_rows(corpus), stream)
    lines = stream.getvalue().splitlines()
    assert count == len(lines) == 6
    assert json.loads(lines[0]) == next(iter(article_rows(corpus)))


# --------------------------------------------------------------------------- vectors


def exported_vectors(text: str) -> dict[str, np.ndarray]:
    """Each article's ``vector`` of a JSONL export, read back as float32 (None kept out)."""
    rows = [json.loads(line) for line in text.splitlines()]
    return {r["id"]: np.array(r["vector"], dtype=np.float32) for r in rows if r["vector"]}


def test_vectors_only_with_the_flag_and_exactly_the_stored_float32(settings: Settings) -> None:
    from storyline.errors import ConfigError
    from storyline.report.export import export_text

    texts = {
        "a": "Russia invited Hamas to Moscow for talks.",
        "b": "Hamas leaders accepted the Russian invitation.",
        "c": "An earthquake shook the coast of Chile.",
    }
    documents = [simple_document(k, t, "Outlet", None) for k, t in texts.items()]
    embedder = BagOfWordsEmbedder()
    for document, vector in zip(documents, embedder.encode(list(texts.values())), strict=True):
        document.embedding = vector
    documents[2].embedding = None  # stored without one
    corpus = one_story_corpus(documents)
    assert all("vector" not in row for row in article_rows(corpus))
    rows = {row["id"]: row for row in article_rows(corpus, vectors=True)}
    assert all(set(row) == ARTICLE_FIELDS | {"vector"} for row in rows.values())
    assert rows["c"]["vector"] is None
    assert "vector" not in export_text(corpus, "jsonl", settings)
    vectors = exported_vectors(export_text(corpus, "jsonl", settings, vectors=True))
    assert set(vectors) == {"a", "b"}
    for document in documents[:2]:
        assert len(vectors[document.article.id]) == embedder.dimensions
        assert vectors[document.article.id].tobytes() == document.embedding.tobytes()
    stored = documents[0].embedding @ documents[1].embedding
    assert vectors["a"] @ vectors["b"] == stored > 0
    with pytest.raises(ConfigError, match="format jsonl"):
        export_text(corpus, "stories", settings, vectors=True)


@given(st.lists(st.floats(width=32, allow_nan=False, allow_infinity=False), max_size=64))
def test_vector_values_read_back_as_the_same_float32(values: list[float]) -> None:
    stored = np.array(values, dtype=np.float32)
    written = json.dumps(vector_values(stored))
    assert np.array(json.loads(written), dtype=np.float32).tobytes() == stored.tobytes()


def test_export_vectors_from_the_cli_are_the_embeddings_grouping_compared(
    analyzed_example_db: Path,
) -> None:
    from typer.testing import CliRunner

    from storyline.cli import app
    from storyline.group.membership import story_membership
    from storyline.report.story import membership_basis
    from storyline.store.store import Store

    runner = CliRunner()
    db = str(analyzed_example_db)
    with Store(db) as store:
        stored = {d.article.id: d.embedding for d in store.load_documents()}
        corpus = store.load_corpus()
    plain = runner.invoke(app, ["export", "--db", db])
    with_vectors = runner.invoke(app, ["export", "--vectors", "--db", db])
    assert plain.exit_code == with_vectors.exit_code == 0, with_vectors.output
    assert '"vector"' not in plain.stdout
    vectors = exported_vectors(with_vectors.stdout)
    assert set(vectors) == set(stored) and len(vectors) == 5
    for article_id, vector in vectors.items():
        embedding = stored[article_id]
        assert embedding is not None and len(vector) == len(embedding)
        assert vector.tobytes() == embedding.tobytes()
    first, second = sorted(vectors)[:2]
    assert vectors[first] @ vectors[second] == np.dot(stored[first], stored[second])
    # The embedding cosine a story's membership gives for a member and its closest article
    # (rounded to 4 places) is the one the exported vectors give.
    story = next(s for s in corpus.stories or [] if len(s.articles) > 1)
    members = story_membership(corpus, story, membership_basis(corpus), list(story.articles))
    scored = [m for m in members if m.closest is not None and m.evidence is not None]
    assert scored
    for member in scored:
        exported = np.float64(vectors[member.article]) @ np.float64(vectors[member.closest])
        assert exported == pytest.approx(member.evidence.dense, abs=5e-5)
    wrong = runner.invoke(app, ["export", "--format", "stories", "--vectors", "--db", db])
    assert wrong.exit_code == 2 and "--format jsonl" in wrong.output


# --------------------------------------------------------------------------- stories


def test_story_rows_contract(stories: dict[str, dict[str, Any]], corpus: Corpus) -> None:
    assert list(stories) == ["s-invite", "s-visit", "s-down"]
    texts = {d.article.id: d.article.text for d in corpus.documents}
    for row in stories.values():
        assert set(row) == STORY_FIELDS
        assert isinstance(row["articles"], list) and isinstance(row["title"], str)
        for entry in row["timeline"] + row["background"]:
            assert set(entry) == {"date", "precision", "inferred", "text", "sources"}
            assert isinstance(entry["inferred"], bool)
        for member in row["cast"]:
            assert set(member) == {"entity", "name", "aliases", "articles"}
        for group in row["quote_groups"]:
            assert set(group) == {"group", "speaker_entity", "speaker_name", "quotes"}
        for outlet in row["outlets"]:
            assert set(outlet) == {
                "outlet", "articles", "labels", "voices", "voice_details", "sides_heard",
                "sides_missing",
            }  # fmt: skip
            assert all(isinstance(p, list) for p in outlet["labels"].values())
        for sentence in row["summary"]:
            assert set(sentence) == {"sentence", "sources"}
        told = row["timeline"] + row["background"] + row["summary"]
        sources = [s for e in told for s in e["sources"]]
        sources += [q for g in row["quote_groups"] for q in g["quotes"]]
        for source in sources:
            assert set(source) == {"article", "start", "end"}
            assert_span(texts[source["article"]], source)
    invite = stories["s-invite"]
    assert (invite["thread"], invite["start"], invite["end"]) == (
        "t-russia-hamas",
        "2006-02-09",
        "2006-02-09",
    )
    assert len(invite["summary"]) >= 3
    assert invite["description"] == "Putin says he will invite the leaders of Hamas to Moscow."
    assert stories["s-down"]["end"] is None
    json.dumps(list(stories.values()))  # serialisable as is


def test_story_labels_exported(stories: dict[str, dict[str, Any]]) -> None:
    outlets = {o["outlet"]: o for o in stories["s-invite"]["outlets"]}
    assert (
        "Russia's special envoy for the Middle East" in outlets["Al Jazeera"]["labels"]["e-kalugin"]
    )


def test_thread_rows_give_each_link_its_reason(corpus: Corpus, settings: Settings) -> None:
    (row,) = thread_rows(corpus, settings.summary, BagOfWordsEmbedder())
    summary = row.pop("summary")
    assert summary and all(sentence["sources"] for sentence in summary)
    assert row == {
        "id": "t-russia-hamas",
        "title": "Russia and Hamas",
        "description": "2 stories from 2006-02-09 to 2006-03-03",
        "stories": ["s-invite", "s-visit"],
        "start": "2006-02-09",
        "end": "2006-03-03",
        "links": [{"earlier": "s-invite", "later": "s-visit", "reason": "same actors, later"}],
    }


# --------------------------------------------------------------------------- reports


@pytest.mark.slow
def test_markdown_report_reads_like_a_report(corpus: Corpus, settings: Settings) -> None:
    report = markdown_report(corpus, settings.summary)
    headings = ["## Thread: Russia and Hamas", "### Putin invites Hamas to Moscow"]
    headings += [f"#### {h}" for h in ("Summary", "Timeline", "Cast", "Quotes", "Outlets")]
    assert all(heading in report for heading in headings)
    assert "\\[Al Jazeera\\]" in report
    link = "- 2006-02-09 Putin invites Hamas to Moscow → 2006-03-03 Hamas delegation in Moscow: "
    assert link + "same actors, later" in report
    assert "Putin says he will invite the leaders of Hamas to Moscow." in report
    assert report.index("Hamas delegation in Moscow") < report.index("Russia downgrades ties")


@pytest.mark.slow
def test_html_report_is_self_contained(corpus: Corpus, settings: Settings) -> None:
    page = html_report(corpus, settings.summary)
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "<script" not in page and "<link" not in page and "http" not in page
    assert "Russia&#x27;s special envoy for the Middle East" in page
    assert page.count("<section") == 3
    assert "Hamas delegation in Moscow: same actors, later</li>" in page


SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


def hostile_corpus() -> Corpus:
    body = (
        f"Officials met {SCRIPT} in the capital on Monday to discuss the new plan. "
        f"The minister said the plan {IMG} would start next week for everyone. "
        f"Critics said the plan [click](javascript:alert(1)) would fail within the year."
    )
    documents = [
        simple_document("h1", body, f"Outlet {SCRIPT}", f"Title {IMG}"),
        simple_document("h2", body.replace("Monday", "Tuesday"), IMG, SCRIPT),
    ]
    at = body.index(SCRIPT)
    entity = Entity(f"e-{SCRIPT}", IMG, "PERSON", (SCRIPT,), (Ref("h1", at, at + len(SCRIPT)),))
    quote = Quote(Span(at, at + len(SCRIPT)), None, Span(at, at + len(SCRIPT)), SCRIPT, True)
    documents[0].quotes = [quote]
    group = QuoteGroup("g-x", entity.id, IMG, (Ref("h1", at, at + len(SCRIPT)),))
    corpus = one_story_corpus(documents, title=f"Story {SCRIPT}", description=IMG)
    thread = Thread("t-x", ("s-1",), SCRIPT, IMG, (ThreadLink("s-1", "s-1", SCRIPT),))
    return dataclasses.replace(corpus, entities=[entity], quote_groups=[group], threads=[thread])


@pytest.mark.parametrize("render", [html_report, markdown_report])
def test_untrusted_text_never_reaches_output_unescaped(render: Any, settings: Settings) -> None:
    output = render(hostile_corpus(), settings.summary, BagOfWordsEmbedder())
    assert SCRIPT not in output and IMG not in output
    assert "<script" not in output.lower() and "<img" not in output.lower()
    assert "&lt;script&gt;" in output  # the text is shown, inert
    if render is markdown_report:  # in HTML, Markdown link syntax is plain text
        assert "](javascript" not in output


@given(st.text())
def test_md_escape_leaves_no_markup(text: str) -> None:
    escaped = md_escape(text)
    assert "<" not in escaped and ">" not in escaped and "\n" not in escaped
    for char in "[]()`*_!|":
        assert escaped.count(char) == escaped.count("\\" + char)


@pytest.mark.slow
def test_export_text_in_every_format(corpus: Corpus, settings: Settings) -> None:
    from storyline.errors import ConfigError
    from storyline.report.export import FORMATS, export_text

    outputs = {f: export_text(corpus, f, settings) for f in FORMATS}
    ids = [json.loads(line)["id"] for line in outputs["jsonl"].splitlines()]
    assert ids == sorted(ids) and len(ids) == 6
    assert len(outputs["stories"].splitlines()) == 3
    assert [json.loads(line)["id"] for line in outputs["threads"].splitlines()] == [
        "t-russia-hamas"
    ]
    assert outputs["md"].startswith("# Storyline report")
    assert outputs["html"].startswith("<!DOCTYPE html>")
    with pytest.raises(ConfigError, match="known: jsonl"):
        export_text(corpus, "pdf", settings)
