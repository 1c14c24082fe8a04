"""Bad input never stops a batch or harms a store: each bad input gets one line naming it and
the problem, the rest is stored, the exit code says some input was skipped, and what was
stored before stays as it was. Readers and cleaners take any bytes and any text without a
crash or a hang, and every span they give is of the text as stored."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from badinputs import (
    EXAMPLE_DIR,
    JSONL_LINES,
    STORED_FIRST,
    bad_inputs_to_name,
    example,
    write_bad_inputs,
)
from conftest import comparable_dump
from storyline.clean import clean
from storyline.cli import app
from storyline.errors import MalformedInput
from storyline.read.files import Unreadable, decode_file
from storyline.read.inputs import read_inputs
from storyline.records import Article, RawDocument, ReadFailure, storable_text
from storyline.settings import Settings
from storyline.store.store import Store

runner = CliRunner()
#: The exit code of a command that stored what it could and skipped the rest (docs/commands.md).
SKIPPED = 3


@pytest.fixture(scope="module")
def bad_batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A store holding one example article, then given the folder of bad inputs twice."""
    root = tmp_path_factory.mktemp("bad")
    db = root / "storyline.db"
    first = runner.invoke(app, ["analyze", str(EXAMPLE_DIR / STORED_FIRST), "--db", str(db)])
    assert first.exit_code == 0, first.output
    with Store(str(db)) as store:
        before = store.dump()
    expected = write_bad_inputs(root / "inbox")
    inputs = bad_inputs_to_name(root / "inbox")
    started = time.monotonic()
    batch = runner.invoke(app, ["analyze", *inputs, "--db", str(db)])
    seconds = time.monotonic() - started
    with Store(str(db)) as store:
        after = store.dump()
        corpus = store.load_corpus()
    again = runner.invoke(app, ["analyze", *inputs, "--db", str(db)])
    with Store(str(db)) as store:
        after_again = store.dump()
    return {
        "folder": root / "inbox",
        "expected": expected,
        "before": before,
        "batch": batch,
        "seconds": seconds,
        "after": after,
        "corpus": corpus,
        "again": again,
        "after_again": after_again,
    }


def _skipped_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("skipped ")]


def test_each_bad_input_gets_one_line_naming_it_and_the_problem(bad_batch: dict) -> None:
    batch = bad_batch["batch"]
    assert batch.exit_code == SKIPPED, batch.output
    lines = _skipped_lines(batch.output)
    folder = bad_batch["folder"]
    refused = [bad for bad in bad_batch["expected"] if bad.reason is not None]
    for bad in refused:
        shown = storable_text(str(folder / bad.source))  # a name's bad bytes as U+FFFD
        named = [line for line in lines if line.startswith(f"skipped {shown}: ")]
        assert len(named) == 1, (bad.kind, lines)
        assert bad.reason in named[0], (bad.kind, named[0])
    assert len(lines) == len(refused), lines  # nothing else was skipped
    assert "Traceback" not in batch.output


def test_the_rest_of_the_batch_is_stored_as_published(bad_batch: dict) -> None:
    corpus = bad_batch["corpus"]
    texts = {Path(d.article.source).name: d.article.text for d in corpus.documents}
    kept = [bad for bad in bad_batch["expected"] if bad.reason is None]
    assert len(corpus.documents) == 1 + len(kept)
    # Legacy encodings read as the text was published (curly quotes, dashes and all).
    assert texts["cp1252.txt"] == example("001_8d82cfc35d385578.txt")
    assert texts["utf16.txt"] == example("002_c0af5a29d12023ff.txt")
    assert any("Путин встретился" in text for name, text in texts.items() if "cp1251" in name)
    # A name that is not UTF-8 is stored, readable: the undecodable byte shown as U+FFFD.
    assert texts["caf\ufffd-report.txt"] == example("003_6fe1d82189966668.txt")
    # The HTML bombs after an article, and broken markup, leave the article.
    for name in ("deep.html", "attribute.html", "broken.html"):
        assert "terminal would open next spring" in texts[name], name


def test_characters_no_store_can_take_are_left_out_and_spans_stay_valid(bad_batch: dict) -> None:
    corpus = bad_batch["corpus"]
    nul_line = len(JSONL_LINES)
    [document] = [d for d in corpus.documents if d.article.source.endswith(f":{nul_line}")]
    text = document.article.text
    assert "\x00" not in text and "\x01" not in text and "\x0c" not in text
    assert "Hamas" in text and "lone surrogate \ufffd and a form feed\n here." in text
    text.encode("utf-8")  # every character can be stored
    _assert_spans_valid(document.article)
    for mention in document.mentions or []:
        assert 0 <= mention.span.start < mention.span.end <= len(text)


def test_what_was_stored_before_stays_and_a_rerun_changes_nothing(bad_batch: dict) -> None:
    before, after = bad_batch["before"], bad_batch["after"]
    assert set(before["articles"]) <= set(after["articles"])  # the first article, unchanged
    again = bad_batch["again"]
    assert again.exit_code == SKIPPED, again.output
    kept = sum(bad.reason is None for bad in bad_batch["expected"])
    assert f"0 new articles, {kept} already stored" in again.output
    assert comparable_dump(bad_batch["after_again"]) == comparable_dump(after)


def test_the_bad_batch_takes_seconds_not_minutes(bad_batch: dict) -> None:
    # A page of a million elements took over five minutes to clean before it was refused.
    assert bad_batch["seconds"] < 120, bad_batch["seconds"]


def test_the_store_of_postgresql_takes_what_sqlite_takes(postgres_url: str, tmp_path: Path) -> None:
    """PostgreSQL refuses NUL in text, which SQLite stores: the line with one is stored."""
    line = json.loads(JSONL_LINES[-1][2])
    path = tmp_path / "nul.jsonl"
    path.write_text(json.dumps(line) + "\n", "utf-8")
    result = runner.invoke(app, ["analyze", str(path), "--db", postgres_url])
    assert result.exit_code == 0, result.output
    with Store(postgres_url) as store:
        [document] = store.load_corpus().documents
    assert "\x00" not in document.article.text and "Hamas" in document.article.text


# --------------------------------------------------------------------------- fuzzing

#: Per-example time limit: a reader or cleaner that takes longer on a small input hangs.
DEADLINE_MS = 5000
#: Examples per fuzz test: few enough for CI on 2 cores; a longer search is
#: ``STORYLINE_FUZZ_EXAMPLES=2000 pytest tests/test_bad_input.py -k any`` (benchmarks/RESULTS.md).
FUZZ_EXAMPLES = int(os.environ.get("STORYLINE_FUZZ_EXAMPLES", "60"))
FUZZ = hypothesis_settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=DEADLINE_MS,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

_TAGS = ["p", "div", "span", "article", "h1", "a", "b", "table", "tr", "td", "script", "ul"]
#: Real lines (the example's, menus and prose alike), so that fuzzed inputs reach the
#: cleaners' decisions, not only their first refusal.
_EXAMPLE_LINES = sorted(
    {line for path in EXAMPLE_DIR.iterdir() for line in path.read_text("utf-8").splitlines()}
)
_words = (
    st.text(alphabet=st.characters(codec="utf-8"), max_size=80)
    | st.sampled_from(_EXAMPLE_LINES)
    | st.sampled_from(
        ["Putin said on Thursday.", "&amp;", "&#0;", "&#xD800;", "<", ">", '"', "\x00", "\x0b"]
    )
)
#: Texts as dumps come: real lines, mixed with any characters at all, under any line breaks.
_texts = st.lists(st.sampled_from(_EXAMPLE_LINES) | st.text(max_size=200), max_size=40).flatmap(
    lambda lines: st.sampled_from(["\n", "\r\n", "\n\n", "\r", "\u2028"]).map(
        lambda newline: newline.join(lines)
    )
) | st.text(max_size=2000)


@st.composite
def _html(draw: st.DrawFn, depth: int = 0) -> str:
    """Markup as broken as pages come: random nesting, unclosed and stray tags, attributes."""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["text", "element", "stray"] if depth < 6 else ["text"]))
        if kind == "text":
            parts.append(draw(_words))
        elif kind == "stray":
            parts.append(draw(st.sampled_from(["</p>", "<br>", "<p", "<!--", "]]>", "<?x", "</"])))
        else:
            tag = draw(st.sampled_from(_TAGS))
            attribute = draw(st.sampled_from(["", ' class="x"', " id=a", ' title="' + "\x01"]))
            inner = draw(_html(depth + 1))
            closing = draw(st.sampled_from([f"</{tag}>", ""]))
            parts.append(f"<{tag}{attribute}>{inner}{closing}")
    return "".join(parts)


def _assert_spans_valid(article: Article) -> None:
    size = len(article.text)
    spans = [*article.body, *article.highlights, *(d.span for d in article.dropped)]
    assert all(0 <= s.start <= s.end <= size for s in spans), spans
    assert list(article.body) == sorted(article.body, key=lambda s: s.start)
    for earlier, later in zip(article.body, article.body[1:], strict=False):
        assert earlier.end <= later.start


def _cleaned_or_refused(raw: RawDocument, settings_: Settings) -> None:
    try:
        article = clean(raw, settings_.clean)
    except MalformedInput as exc:
        assert exc.source == raw.source and str(exc)
        event("refused")  # the share of each is in --hypothesis-show-statistics
        return
    event("cleaned")
    _assert_spans_valid(article)
    assert "\x00" not in article.text
    article.text.encode("utf-8")
    for value in (article.title, article.outlet, article.byline):
        (value or "").encode("utf-8")


@pytest.mark.fuzz
@FUZZ
@given(text=_texts)
def test_any_text_is_cleaned_or_refused_with_valid_spans(text: str, settings: Settings) -> None:
    _cleaned_or_refused(RawDocument(source="fuzz.txt", text=text), settings)


@pytest.mark.fuzz
@FUZZ
@given(body=_html(), head=st.sampled_from(["", "<html><head><title>T</title></head><body>"]))
def test_any_html_is_cleaned_or_refused_with_valid_spans(
    body: str, head: str, settings: Settings
) -> None:
    _cleaned_or_refused(RawDocument(source="fuzz.html", html=head + body), settings)


@pytest.mark.fuzz
@FUZZ
@given(data=st.binary(max_size=3000), html=st.booleans())
def test_any_bytes_are_text_or_a_reason(data: bytes, html: bool) -> None:
    try:
        text = decode_file(data, html)
    except Unreadable as exc:
        assert str(exc)
        return
    assert text.strip()


_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
_json_values = (
    _scalars
    | st.lists(_scalars, max_size=3)
    | st.dictionaries(st.text(max_size=8), _scalars, max_size=3)
)
_objects = st.fixed_dictionaries(
    {},
    optional={
        name: _json_values | st.text(max_size=200)
        for name in ("text", "html", "title", "published", "outlet", "url", "id")
    },
)
_lines = st.lists(
    st.binary(max_size=200) | _objects.map(lambda o: json.dumps(o).encode()), max_size=6
)


@pytest.mark.fuzz
@FUZZ
@given(lines=_lines)
def test_any_jsonl_gives_a_document_or_a_failure_per_line(
    lines: list[bytes], tmp_path_factory: pytest.TempPathFactory, settings: Settings
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.jsonl"
    lines = [line.replace(b"\n", b" ").replace(b"\r", b" ") for line in lines]
    path.write_bytes(b"\n".join(lines))
    results = list(read_inputs([path], settings.read))
    # Line breaks inside a line's bytes (\x0b, \x1c, \x85 in text) do not split it: bytes do.
    wanted = [n for n, line in enumerate(lines, start=1) if line.strip()]
    assert [int(r.source.rsplit(":", 1)[1]) for r in results] == wanted
    for result in results:
        assert isinstance(result, RawDocument | ReadFailure)
        if isinstance(result, RawDocument):
            _cleaned_or_refused(result, settings)
