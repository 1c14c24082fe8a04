"""`storyline show --article ID [--dropped]`: one article's cleaning, inspectable from the CLI."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE_DIR
from storyline.clean.inspection import inspect_article
from storyline.cli import EXIT_ERROR, EXIT_USAGE, app
from storyline.errors import NotFound
from storyline.records import Article, Document, Dropped, Precision, PubDate, Span
from storyline.report.render.text import render_article_text, shorten
from storyline.store.store import Store

runner = CliRunner()

#: A dropped-part line: reason, span, excerpt (see storyline.clean.inspection._dropped_lines).
DROPPED_LINE = re.compile(r"^  (?P<reason>\S.*?)\s+(?P<start>\d+)-(?P<end>\d+)  (?P<excerpt>.+)$")


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("show_article") / "storyline.db"
    result = runner.invoke(app, ["analyze", str(EXAMPLE_DIR), "--db", str(path), "-q"])
    assert result.exit_code == 0, result.output
    return path


def _article(store_path: Path, seed: str) -> Article:
    """The stored article read from the example file whose name starts with ``seed``."""
    with Store(store_path) as store:
        documents = store.load_documents()
    (found,) = [d.article for d in documents if Path(d.article.source).name.startswith(seed)]
    return found


def _show(store_path: Path, *args: str) -> str:
    result = runner.invoke(app, ["show", *args, "--db", str(store_path)])
    assert result.exit_code == 0, result.output
    return result.stdout


def _section(output: str, heading: str) -> str:
    """The lines after the line starting with ``heading``, up to the next section."""
    after = re.split(rf"^{re.escape(heading)}.*\n", output, maxsplit=1, flags=re.M)[1]
    return re.split(r"\n\n(?=(?:Highlights|Body|Dropped|Characters)\b)", after, maxsplit=1)[0]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_dropped_lists_the_appended_stories_with_their_reason(store_path: Path) -> None:
    article = _article(store_path, "002_")
    output = _show(store_path, "--article", article.id[:6], "--dropped")
    listed = [m for line in output.splitlines() if (m := DROPPED_LINE.match(line))]
    appended = [m for m in listed if m["excerpt"].startswith("A feud has broken out")]
    assert len(appended) == 1, output
    assert appended[0]["reason"] == "appended after teaser marker"
    # The span shown is the real one: it covers every story appended after "Also see story:".
    span_text = article.text[int(appended[0]["start"]) : int(appended[0]["end"])]
    for appended_story in ["A feud has broken out", "Ecuadorans", "Jeffrey Epstein", "Bolsonaro"]:
        assert appended_story in span_text
    # Text order, and one line per part however long the part is.
    starts = [int(m["start"]) for m in listed]
    assert starts == sorted(starts) and len(listed) == len(article.dropped)
    in_order = _section(output, "Dropped, in text order").splitlines()
    assert len(in_order) == len(listed) and all(len(line) <= 80 for line in in_order)
    assert re.search(r"appended after teaser marker +1 part ", _section(output, "Dropped, by"))
    assert re.search(r"Characters: 6,315 in the text; kept [\d,]+ \(\d+%\) in the body", output)


def test_body_has_body_sentences_and_no_dropped_lines(store_path: Path) -> None:
    article = _article(store_path, "002_")
    output = _show(store_path, "--article", article.id[:8])
    body = _flat(_section(output, "Body:"))
    assert "Hamas responded favorably to the offer on Thursday." in body
    assert "Also see story:" not in output and "A feud has broken out" not in output
    navigation = _show(store_path, "--article", _article(store_path, "004_").id)
    assert "Russia said on Tuesday it had downgraded its ties" in _flat(navigation)
    assert "Skip to main content" not in navigation and "Enlarge font" not in navigation


def test_metadata_shows_where_the_date_came_from(store_path: Path) -> None:
    article = _article(store_path, "000_")
    assert article.published is not None
    output = _show(store_path, "--article", article.id)
    published = f"{article.published.iso()} ({article.published.precision.value}, from "
    assert f"  published  {published}{article.published.origin})" in output
    assert article.published.iso() == "2006-02-09"
    assert f"  id         {article.id}\n" in output
    assert f"  title      {article.title} (from text)\n" in output


def test_metadata_shows_where_title_outlet_and_byline_came_from(store_path: Path) -> None:
    output = _show(store_path, "--article", _article(store_path, "000_").id)
    assert "  outlet     Al Jazeera (from text: sign-off)\n" in output  # "Aljazeera + Agencies"


def test_a_story_lists_its_article_ids_for_show_article(store_path: Path) -> None:
    with Store(store_path) as store:
        story = (store.load_corpus().stories or [])[0]
    shown = _show(store_path, story.id[:6])
    assert "Summary:" in shown
    for article_id in story.articles:
        assert f"(article {article_id})" in shown


def test_unknown_and_ambiguous_ids_are_one_line_errors(store_path: Path) -> None:
    unknown = runner.invoke(app, ["show", "--article", "zzz", "--db", str(store_path)])
    assert unknown.exit_code == EXIT_ERROR
    assert _flat(unknown.stderr).startswith("error: no article id begins with 'zzz'")
    assert "Traceback" not in unknown.output and unknown.stdout == ""
    # Every example id starts with "a", like every article id.
    several = runner.invoke(app, ["show", "--article", "a", "--db", str(store_path)])
    assert several.exit_code == EXIT_ERROR
    assert "begins several article ids" in _flat(several.stderr)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["s1", "--article", "a1"], "not both"),
        ([], "give a STORY id"),
        (["s1", "--dropped"], "add --article ID"),
    ],
)
def test_wrong_calls_are_one_line_usage_errors(
    store_path: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["show", *args, "--db", str(store_path)])
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr


def test_help_names_both_forms() -> None:
    result = runner.invoke(app, ["show", "--help"])
    assert result.exit_code == 0
    for option in ["STORY", "--article", "--dropped", "--db"]:
        assert option in result.output


# -- an untrusted article, stored directly (no pipeline) -------------------------------------

HOSTILE_TEXT = (
    "Menu [link=http://evil]Home[/link]\n\n"
    "[bold red]Not markup[/bold red] but text :smile: as written.\n\n"
    + "Appended "
    + "very long " * 40
)


def _hostile_article() -> Article:
    text = HOSTILE_TEXT
    body = Span(text.index("[bold"), text.index(" as written.") + len(" as written."))
    return Article(
        id="a0hostile",
        source="test:hostile",
        text=text,
        body=(body,),
        title="[blink]Title[/blink]",
        published=PubDate(dt.date(2006, 2, 1), Precision.MONTH, "story", inferred=True),
        dropped=(
            Dropped(Span(0, text.index("\n")), "navigation"),
            Dropped(Span(text.index("Appended"), len(text.rstrip())), "appended story"),
        ),
    )


def test_article_text_is_printed_literally(tmp_path: Path) -> None:
    db = tmp_path / "hostile.db"
    with Store(db) as store:
        store.save_documents([Document(_hostile_article())])
    result = runner.invoke(app, ["show", "--article", "a0h", "--dropped", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "[bold red]Not markup[/bold red] but text :smile: as written." in result.stdout
    assert "[blink]Title[/blink]" in result.stdout
    assert "[link=http://evil]Home[/link]" in result.stdout
    assert "2006-02 (month, inferred from story)" in result.stdout


def test_long_dropped_parts_are_cut_to_one_line() -> None:
    view = inspect_article(_hostile_article())
    text = render_article_text(view, show_dropped=True, width=60)
    in_order = _section(text, "Dropped, in text order").splitlines()
    (appended,) = [line for line in in_order if "appended story" in line]
    assert len(appended) == 60 and appended.endswith("…")
    assert appended.startswith("  appended story  98-506  Appended very long")
    assert "Characters: " in text and max(len(line) for line in text.splitlines()) <= 60
    assert view.dropped_chars + view.body_chars + view.between_chars == len(HOSTILE_TEXT)
    assert shorten("a\n b", 10) == "a b" and shorten("abcdef ghij", 8) == "abcdef…"


def test_find_article_needs_a_unique_non_empty_prefix(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.save_documents([Document(_hostile_article())])
        assert store.find_article("a0host").article.id == "a0hostile"
        for wrong in ["", "b", "a0hostilex"]:
            with pytest.raises(NotFound):
                store.find_article(wrong)
