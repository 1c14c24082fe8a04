"""A story's quote groups as a reader gets them: speaker by speaker in the story's order, one
heading per speaker, the same in every view (issue 24: the example's story page listed its
quote groups with "Khaled Mashaal:" as a heading nine times)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import seed_document
from storyline.cli import app
from storyline.records import Corpus, QuoteGroup, Ref, Story
from storyline.report.articles import article_key
from storyline.report.cast import quotes_by_speaker, story_quote_groups, utterance_text
from storyline.report.render.markdown import md_escape
from storyline.serve.app import create_app
from storyline.serve.pages import QUOTE_GROUPS_SHOWN

runner = CliRunner()


def invitation(corpus: Corpus) -> Story:
    story = corpus.story_of(seed_document(corpus, "000").article.id)
    assert story is not None
    return story


def position(corpus: Corpus, ref: Ref) -> tuple[object, ...]:
    return (*article_key(corpus.document(ref.article).article), ref.start)


def speaker(group: QuoteGroup) -> tuple[str | None, str | None]:
    return (group.speaker_entity, None if group.speaker_entity else group.speaker_name)


def test_quote_groups_come_speaker_by_speaker_in_the_order_of_the_story(
    analyzed_example: Corpus,
) -> None:
    corpus = analyzed_example
    for story in corpus.stories or []:
        groups = story_quote_groups(corpus, story)
        assert groups
        speakers = list(dict.fromkeys(map(speaker, groups)))
        runs = [
            s for n, s in enumerate(map(speaker, groups)) if n == 0 or s != speaker(groups[n - 1])
        ]
        assert runs == speakers, "a speaker's groups are together"
        first = {
            s: min(position(corpus, g.quotes[0]) for g in groups if speaker(g) == s)
            for s in speakers
        }
        named = [s for s in speakers if s != (None, None)]
        assert named == sorted(named, key=first.__getitem__), "speakers as they first speak"
        assert (None, None) not in speakers[:-1], "unattributed quotes last"
        for group in groups:
            renderings = [position(corpus, r) for r in group.quotes]
            assert renderings == sorted(renderings)
        for s in speakers:
            theirs = [position(corpus, g.quotes[0]) for g in groups if speaker(g) == s]
            assert theirs == sorted(theirs), "a speaker's utterances in the story's order"


def test_each_speaker_is_one_heading(analyzed_example: Corpus) -> None:
    headings = quotes_by_speaker(story_quote_groups(analyzed_example, invitation(analyzed_example)))
    names = [h.name for h in headings]
    assert names.count("Khaled Mashaal") == 1 and names.count("Vladimir Putin") == 1
    assert len(names) == len(set(names))
    assert names[0] == "Vladimir Putin"  # the story opens with his invitation


# -- every view ---------------------------------------------------------------------------------


def expected(corpus: Corpus, story: Story, shown: int | None = None) -> list[str]:
    """The headings every view shows for ``story`` (its first ``shown`` groups)."""
    return [h.name for h in quotes_by_speaker(story_quote_groups(corpus, story)[:shown])]


def section(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


@pytest.mark.slow
def test_every_view_shows_the_quote_groups_in_one_order(
    analyzed_example: Corpus, analyzed_example_db: Path
) -> None:
    corpus, db = analyzed_example, str(analyzed_example_db)
    story = invitation(corpus)
    ids = [g.id for g in story_quote_groups(corpus, story)]
    names = expected(corpus, story)

    shown = runner.invoke(app, ["show", story.id, "--db", db])
    assert shown.exit_code == 0, shown.output
    quotes = section(shown.output, "\nQuotes:\n", "\nOutlets:")
    assert re.findall(r"^  (\S.*):$", quotes, flags=re.M) == names

    exported = runner.invoke(app, ["export", "--db", db, "--format", "stories"])
    rows = {row["id"]: row for row in map(json.loads, exported.output.splitlines())}
    assert [g["group"] for g in rows[story.id]["quote_groups"]] == ids

    markdown = runner.invoke(app, ["export", "--db", db, "--format", "md"]).output
    quotes = section(section(markdown, f"### {story.title}\n", "\n### "), "#### Quotes", "\n#### ")
    assert re.findall(r"^\*\*(.+)\*\*$", quotes, flags=re.M) == [md_escape(n) for n in names]

    report = runner.invoke(app, ["export", "--db", db, "--format", "html"]).output
    quotes = section(
        section(report, f'id="story-{story.id}"', "</section>"), "<h4>Quotes</h4>", "<h4>"
    )
    assert [html.unescape(n) for n in re.findall(r"<p><strong>(.*?)</strong></p>", quotes)] == names

    client = TestClient(create_app(db))
    api = client.get(f"/api/stories/{story.id}").json()
    assert [g["group"] for g in api["quote_groups"]] == ids
    page = client.get(f"/stories/{story.id}").text
    quotes = section(page, '<div class="quotes">', "</div>")
    headings = [html.unescape(n) for n in re.findall(r"<p><strong>(.*?)</strong></p>", quotes)]
    assert headings == expected(corpus, story, QUOTE_GROUPS_SHOWN)
    if len(ids) > QUOTE_GROUPS_SHOWN:
        assert f"{len(ids) - QUOTE_GROUPS_SHOWN} more" in page


def test_a_rendering_shows_the_words_said_without_the_cue_or_the_attributions_comma(
    analyzed_example: Corpus,
) -> None:
    shown = {}
    for number in ("001", "002"):
        article = seed_document(analyzed_example, number).article
        for group in analyzed_example.quote_groups or []:
            for ref in group.quotes:
                if ref.article == article.id:
                    shown[ref] = utterance_text(analyzed_example, ref)
    texts = list(shown.values())
    assert "Putin's invitation to Hamas as “a stab in the back”" in texts  # not 'back,”'
    assert any(t.startswith("I want to state here in Moscow … that if Israel") for t in texts)
    assert not [t for t in texts if re.search(r",[\"”»]*$", t) or "he said" in t]
