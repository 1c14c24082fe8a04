"""The terminal, the Markdown and HTML reports, the API and the web page list the same things
only some outlets report, with the same count, and say how many more where they shorten it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from typer.testing import CliRunner

from storyline.annotate.labels import normalise_space
from storyline.cli import app
from storyline.records import Corpus
from storyline.report.compare import Fact, reported_by_some
from storyline.report.render import lists
from storyline.report.render.html import esc
from storyline.report.render.lists import QUOTE_GROUPS_SHOWN, shortened
from storyline.report.render.markdown import md_escape
from storyline.report.story import StoryReport, build_report
from storyline.serve.app import create_app
from storyline.settings import Settings

HEADING = "Reported by some outlets only"
#: How many facts every view shows here: fewer than the example's story has (14), so that
#: each view shortens the list; the views read the limit from ``lists`` when they render.
FACTS_SHOWN = 10
#: Each view builds the report again from the store: seconds each.
slow = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def fewer_facts_shown() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lists, "FACTS_SHOWN", FACTS_SHOWN)
        yield


@pytest.fixture(scope="module")
def invitation(analyzed_example: Corpus, settings: Settings) -> StoryReport:
    (story,) = (s for s in analyzed_example.stories or [] if len(s.articles) == 3)
    return build_report(analyzed_example, story, settings.summary)


@pytest.fixture(scope="module")
def facts(invitation: StoryReport) -> list[Fact]:
    found = reported_by_some(invitation.coverage)
    assert len(found) > FACTS_SHOWN  # the example is long enough to be shortened
    return found


def section(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


def test_the_library_lists_events_then_figures_never_quotes(facts: list[Fact]) -> None:
    kinds = [f.kind for f in facts]
    assert kinds == sorted(kinds, key=lambda k: k != "event") and "quote" not in kinds
    assert all(f.outlets and f.missing for f in facts)


def test_shortening_says_how_many_more() -> None:
    assert shortened(range(17), 15).more_note() == "and 2 more"
    assert shortened(range(15), 15).more_note() == ""


@slow
def test_the_terminal_lists_them(
    analyzed_example_db: Path, invitation: StoryReport, facts: list[Fact]
) -> None:
    result = CliRunner().invoke(
        app, ["show", invitation.story.id, "--db", str(analyzed_example_db)]
    )
    assert result.exit_code == 0, result.output
    listed = section(result.output, f"{HEADING} ({len(facts)}):", "Where outlets disagree")
    shown = normalise_space(listed)
    assert all(normalise_space(f.text) in shown for f in facts[:FACTS_SHOWN])
    assert normalise_space(facts[FACTS_SHOWN].text) not in shown
    assert shown.endswith(f"and {len(facts) - FACTS_SHOWN} more")


@slow
def test_the_markdown_report_lists_them(
    analyzed_example_db: Path, invitation: StoryReport, facts: list[Fact]
) -> None:
    result = CliRunner().invoke(app, ["export", "--format", "md", "--db", str(analyzed_example_db)])
    assert result.exit_code == 0, result.output
    story = section(result.output, f"### {md_escape(invitation.story.title)}", "\n### ")
    listed = section(story, f"#### {HEADING} ({len(facts)})", "####")
    rows = [line for line in listed.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 1 + FACTS_SHOWN  # the header and the facts shown
    assert all(md_escape(f.text) in listed for f in facts[:FACTS_SHOWN])
    assert f"and {len(facts) - FACTS_SHOWN} more" in listed


@slow
def test_the_html_report_lists_them(
    analyzed_example_db: Path, invitation: StoryReport, facts: list[Fact]
) -> None:
    result = CliRunner().invoke(
        app, ["export", "--format", "html", "--db", str(analyzed_example_db)]
    )
    assert result.exit_code == 0, result.output
    story = section(result.output, f">{esc(invitation.story.title)}<", "<h3")
    listed = section(story, f"<h4>{HEADING} ({len(facts)})</h4>", "<h4>")
    assert listed.count("<tr>") == 1 + FACTS_SHOWN
    assert all(esc(f.text) in listed for f in facts[:FACTS_SHOWN])
    assert f"<p>and {len(facts) - FACTS_SHOWN} more</p>" in listed


@pytest.fixture(scope="module")
def client(analyzed_example_db: Path) -> TestClient:
    return TestClient(create_app(analyzed_example_db))


@slow
def test_the_api_gives_them_all(
    client: TestClient, invitation: StoryReport, facts: list[Fact]
) -> None:
    row = client.get(f"/api/stories/{invitation.story.id}").json()
    assert [f["text"] for f in row["reported_by_some"]] == [f.text for f in facts]
    uneven = [f for f in row["coverage"] if f["missing"] and f["outlets"] and f["kind"] != "quote"]
    assert len(uneven) == len(facts)


@slow
def test_the_web_page_lists_them(
    client: TestClient, invitation: StoryReport, facts: list[Fact]
) -> None:
    page = client.get(f"/stories/{invitation.story.id}").text
    listed = section(page, f'{HEADING} <span class="meta">({len(facts)})</span>', "<h2>")
    assert len(re.findall(r"<tr><td>", listed)) == FACTS_SHOWN
    assert all(str(escape(f.text)) in listed for f in facts[:FACTS_SHOWN])
    assert f"and {len(facts) - FACTS_SHOWN} more" in listed


@slow
def test_the_web_page_says_how_many_quote_groups_it_leaves_out(
    client: TestClient, invitation: StoryReport
) -> None:
    page = client.get(f"/stories/{invitation.story.id}").text
    quotes = section(page, "<h2>Quotes across outlets</h2>", "<h2>")
    groups = len(invitation.quote_groups)
    shown = min(groups, QUOTE_GROUPS_SHOWN)
    assert quotes.count("<table>") == shown
    assert (f"and {groups - shown} more" in quotes) == (groups > shown)
