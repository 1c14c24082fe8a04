"""Each article's language, and no English annotations on a language the models do not cover.

The paragraphs are from real pages of the newsday dev set (issue 25): a German blog post on
electronic health records, a Russian food-blog list, a Korean entertainment column, a
Brazilian parenting blog and an Indonesian religious blog.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import EXAMPLE_DIR, store_as_written_by
from storyline.clean.cleaner import clean
from storyline.clean.language import article_language, primary_subtag
from storyline.errors import ConfigError
from storyline.records import (
    Article,
    Corpus,
    Document,
    Precision,
    PubDate,
    RawDocument,
    Span,
    Story,
)
from storyline.settings import Settings, load_settings

GERMAN = (
    "Die Digitalisierung als Wachstums- und Entwicklungstreiber zieht sich bereits heute durch "
    "fast alle Branchen und Anwendungsgebiete, sei es im Finanzbereich, der Industrie oder eben "
    "auch im Bereich Healthcare. Auch wenn nicht jedes Geschäftsmodell von Disruption bzw. "
    "Digital Darwinismus bedroht ist, bieten neue Technologien Potenziale für mehr Effizienz, "
    "bessere Prozesse und zur Kostenersparnis."
)
RUSSIAN = (
    "Наши герои знают толк не только во вкусе, но и в красоте еды. За их аккаунтами следят "
    "тысячи подписчиков, а фудблогеры, в свою очередь, радуют поклонников рецептами и яркими "
    "сочными постами."
)
KOREAN = (
    "그래서 처음 이러한 사진 공개에 대한 대중들의 반응은 엘제이의 행동에 대한 비난으로 "
    "이어졌다. 하지만 엘제이는 자신의 부적절한 행동들에 대해 무감한 태도를 보였다. 그는 "
    "“너네들이 우습게 봐도 내가 사랑하는 사람의 추억을 간직하는 게 잘못이냐”고 말하기도 했다."
)
PORTUGUESE = (
    "Aqui nos Estados Unidos você tem à disposição materiais voltados à aquisição da fluência "
    "em leitura. Há vários materiais, mas quero destacar um: um cronômetro para que pais e "
    "professores saibam quantas palavras seus filhos e alunos estão lendo por minuto."
)
INDONESIAN = (
    "Mudah2an kita bisa memahami dan mengamalkan Al Qur’an dan Hadits ini. Jangan cuma di "
    "kerongkongan. Jangan lebay dalam mencintai atau membenci sesuatu, karena bisa jadi yang "
    "kita benci itu ternyata baik bagi kita dan yang kita cintai itu ternyata buruk bagi kita."
)
#: A German news paragraph with what the English rules take for names, a quote and dates.
GERMAN_NEWS = (
    "„Wir brauchen die elektronische Patientenakte jetzt“, sagte Gesundheitsministerin Ulla "
    "Schmidt am Mittwoch in Berlin. Sie sagte, die Krankenkassen müssten bis zum 1. Januar 2006 "
    "bereit sein, und die Techniker Krankenkasse habe im Mai 2005 damit begonnen.\n\n" + GERMAN
)
ENGLISH_NEWS = (
    '"We need electronic health records now," Health Minister Ulla Schmidt said on Wednesday '
    "in Berlin. She said insurers had to be ready by January 1, 2006, and that Techniker "
    "Krankenkasse had started in May 2005."
)


@pytest.mark.parametrize(
    ("text", "code"),
    [(GERMAN, "de"), (RUSSIAN, "ru"), (KOREAN, "ko"), (PORTUGUESE, "pt")],
)
def test_the_language_of_real_paragraphs(text: str, code: str) -> None:
    assert article_language(text) == code


def test_an_english_seed_is_english() -> None:
    for path in sorted(EXAMPLE_DIR.glob("*.txt")):
        assert article_language(path.read_text("utf-8")) == "en", path.name


def test_a_declared_language_decides_only_what_the_text_cannot() -> None:
    assert article_language("Wahlen 2006", "de-DE") == "de"  # too short to tell
    assert article_language(ENGLISH_NEWS, "de") == "en"  # a template's <html lang> is wrong
    # Indonesian and Malay read alike: the page's own "id" wins over a guess of either.
    assert article_language(INDONESIAN, "id-ID") == "id"
    assert article_language(INDONESIAN, "ms") == "ms"
    assert article_language("", None) is None


def test_primary_subtags() -> None:
    assert [primary_subtag(c) for c in ("en-GB", "pt_BR", "DE", "de, en", "", "x-klingon")] == [
        "en", "pt", "de", "de", None, None,
    ]  # fmt: skip


def test_the_clean_stage_gives_each_article_its_language(settings: Settings) -> None:
    text = clean(RawDocument("a.txt", text=GERMAN_NEWS), settings.clean)
    assert text.language == "de"
    # A JSONL record's own "language" is what the input states: it wins.
    stated = clean(RawDocument("b.txt", text=GERMAN_NEWS, language="pt-BR"), settings.clean)
    assert stated.language == "pt"
    # A page too short to tell: the language its <html lang> declares.
    page = (
        '<html lang="ko"><body><article><p>엘제이와 류화영의 진실공방.</p></article></body></html>'
    )
    assert clean(RawDocument("c.html", html=page), settings.clean).language == "ko"


@pytest.fixture(scope="module")
def mixed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A German and an English article analysed together, as a user runs ``analyze``."""
    import storyline

    folder = tmp_path_factory.mktemp("languages")
    lines = folder / "mixed.jsonl"
    records = [
        {"id": "de", "title": "Die elektronische Patientenakte", "text": GERMAN_NEWS},
        {"id": "en", "title": "Health records", "text": ENGLISH_NEWS, "published": "2005-06-01"},
    ]
    lines.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    db = folder / "storyline.db"
    storyline.analyze([lines], db=db)
    return db


def _documents(db: Path) -> dict[str, Document]:
    from storyline.store.store import Store

    with Store(db) as store:
        return {d.article.id: d for d in store.load_documents()}


def test_an_article_in_another_language_gets_no_english_annotations(mixed_db: Path) -> None:
    german, english = _documents(mixed_db)["de"], _documents(mixed_db)["en"]
    assert (german.article.language, english.article.language) == ("de", "en")
    # Nothing the English rules would make of it: "Sie", „…“ sagte, "1. Januar 2006".
    assert german.mentions == [] and german.quotes == [] and german.timex == []
    assert german.sentences == list(german.article.body)  # its paragraphs
    assert german.embedding is not None
    # The same facts in English are read as before.
    names = {m.text for m in english.mentions or []}
    assert {"Ulla Schmidt", "Berlin"} <= names
    assert [q.speaker_name for q in english.quotes or []][:1] == ["Ulla Schmidt"]
    assert {t.text for t in english.timex or []} >= {"Wednesday", "January 1, 2006"}


def test_an_article_in_another_language_is_stored_shown_and_searchable(mixed_db: Path) -> None:
    from storyline.serve.app import create_app
    from storyline.store.store import Store

    with Store(mixed_db) as store:
        assert store.search("Patientenakte") == ["de"]
    client = TestClient(create_app(mixed_db))
    row = client.get("/api/articles/de").json()
    assert (row["language"], row["entities"], row["quotes"], row["timex"]) == ("de", [], [], [])
    assert client.get("/api/articles/en").json()["language"] == "en"
    page = client.get("/articles/de").text
    assert "language de" in page and "Not annotated" in page
    assert "Not annotated" not in client.get("/articles/en").text


def test_covered_languages_are_a_setting(tmp_path: Path) -> None:
    from storyline.pipeline.annotate import annotate, article_stages

    config = tmp_path / "storyline.toml"
    config.write_text('[annotate]\nlanguages = ["en", "de"]\n')
    both = load_settings(config)
    article = clean(RawDocument("a.txt", text=GERMAN_NEWS), both.clean)
    failures: list = []
    [read] = annotate([article], article_stages(both), failures, languages=["en", "de"])
    # The English model and rules, asked to, read German: junk names and dates.
    assert {"Sie sagte", "und"} <= {m.text for m in read.mentions or []}
    assert {"2006", "2005"} <= {t.text for t in read.timex or []}
    [unread] = annotate([article], article_stages(both), failures, languages=["en"])
    assert unread.mentions == [] and not failures
    config.write_text('[annotate]\nlanguages = ["EN"]\n')
    with pytest.raises(ConfigError, match=r"annotate\.languages"):
        load_settings(config)


def test_dating_finds_no_english_time_expressions_in_another_language() -> None:
    from storyline.group.dating import DatingStage

    def document(article_id: str, text: str, language: str, published: PubDate | None) -> Document:
        article = Article(
            article_id, article_id, text, (Span(0, len(text)),), published=published,
            language=language,
        )  # fmt: skip
        return Document(article, sentences=[], mentions=[], quotes=[], timex=[])

    thursday = PubDate(dt.date(2006, 2, 9), Precision.DAY, "input")
    dated = document("en", "Putin said on Thursday he would invite Hamas.", "en", thursday)
    undated = document(
        "de", "Putin sagte im Jahr 2006 am Donnerstag, er lade die Hamas ein.", "de", None
    )
    story = Story("s", ("en", "de"), "t", "d", None, None)
    corpus = DatingStage(["en"])(Corpus([dated, undated], stories=[story]))
    assert corpus.document("de").article.published is not None  # dated by its story
    assert corpus.document("de").timex == []  # and "2006" not read by English rules


def test_a_store_written_before_languages_is_migrated(tmp_path: Path) -> None:
    import storyline.store.schema as schema
    from storyline.store.rows import article_row
    from storyline.store.store import Store

    old = Document(
        Article("old", "old.txt", ENGLISH_NEWS, (Span(0, len(ENGLISH_NEWS)),)),
        sentences=[], mentions=[], quotes=[], timex=[],
    )  # fmt: skip
    path = tmp_path / "v9.db"
    # A store as schema 9 wrote it: the article columns of schema 1, no language yet.
    store_as_written_by(path, 9, [("articles", article_row(old)[:18])])

    with Store(path) as store:
        assert store.schema_version() == schema.MIGRATIONS[-1][0]  # every later one applied
        new = Document(
            Article("new", "new.txt", GERMAN, (Span(0, len(GERMAN)),), language="de"),
            sentences=[], mentions=[], quotes=[], timex=[],
        )  # fmt: skip
        store.save_documents([new])
        languages = {d.article.id: d.article.language for d in store.load_documents()}
    # The old article was annotated as English when stored: it stays unknown, not guessed.
    assert languages == {"old": None, "new": "de"}


def test_a_stage_that_declares_itself_language_bound_skips_other_languages() -> None:
    from typing import ClassVar

    from storyline.pipeline.annotate import annotate

    seen: list[str] = []

    class Counting:
        needs: ClassVar[frozenset[str]] = frozenset({"article"})
        provides: ClassVar[frozenset[str]] = frozenset()

        def __init__(self, name: str, bound: bool) -> None:
            self.name, self.language_bound = name, bound  # type: ignore[misc]

        def __call__(self, documents: list[Document]) -> list[Document]:
            seen.extend(f"{self.name}:{d.article.id}" for d in documents)
            return documents

    def article(article_id: str, language: str) -> Article:
        return Article(article_id, article_id, "Text.", (Span(0, 5),), language=language)

    stages = [Counting("bound", True), Counting("free", False)]
    annotate([article("en-1", "en"), article("de-1", "de")], stages, [], languages=["en"])
    assert seen == ["bound:en-1", "free:en-1", "free:de-1"]


# -- a story in several languages says which ------------------------------------------------

#: One event told in English twice and once in German (hand-grouped: whether grouping joins
#: them is the story tests' business, not the views').
MIXED = {
    "en1": ("Putin invited Hamas leaders to Moscow for talks on Thursday.", "en", "Al Jazeera"),
    "de1": ("Putin hat die Hamas zu Gesprächen nach Moskau eingeladen.", "de", "Der Spiegel"),
    "en2": ("Russia will host Hamas leaders in Moscow, Putin said.", "en", "Reuters"),
}


def mixed_story(languages: dict[str, str | None] | None = None) -> Corpus:
    import dataclasses

    from storycorpus import BagOfWordsEmbedder, one_story_corpus, simple_document

    documents = []
    for article_id, (text, language, outlet) in MIXED.items():
        document = simple_document(article_id, text, outlet, text.split(" on ")[0])
        chosen = (languages or {}).get(article_id, language)
        document.article = dataclasses.replace(document.article, language=chosen)
        document.embedding = BagOfWordsEmbedder().encode([text])[0]
        documents.append(document)
    return one_story_corpus(documents, title="Putin invites Hamas")


def views_of(corpus: Corpus, settings: Settings) -> dict[str, str]:
    """The story as the terminal, the Markdown and HTML reports and the API give it."""
    from storycorpus import BagOfWordsEmbedder
    from storyline.report.render.html import html_report
    from storyline.report.render.markdown import markdown_report
    from storyline.report.render.rows import story_page_row
    from storyline.report.render.text import render_report_text
    from storyline.report.story import build_report

    story = (corpus.stories or [])[0]
    embedder = BagOfWordsEmbedder()
    report = build_report(corpus, story, settings.summary, embedder)
    row = story_page_row(report, report.articles, corpus.duplicate_of, [])
    return {
        "text": render_report_text(report),
        "md": markdown_report(corpus, settings.summary, embedder),
        "html": html_report(corpus, settings.summary, embedder),
        "api": json.dumps(row),
    }


def test_a_story_in_two_languages_says_which_in_every_view(settings: Settings) -> None:
    views = views_of(mixed_story(), settings)
    # The language most of its articles are in first.
    assert "\nLanguages: en, de\n" in views["text"]
    assert "(de, article de1)" in views["text"] and "(en, article en1)" in views["text"]
    assert "\nLanguages: en, de\n" in views["md"]
    assert "eingeladen., 2006-02-09, de\n" in views["md"]
    assert '<p class="languages">Languages: en, de</p>' in views["html"]
    assert '<span class="language">de</span>' in views["html"]
    api = json.loads(views["api"])
    assert api["languages"] == ["en", "de"]
    assert {a["id"]: a["language"] for a in api["article_items"]} == {
        "en1": "en", "de1": "de", "en2": "en",
    }  # fmt: skip


def test_a_story_in_one_language_goes_without_saying(settings: Settings) -> None:
    # One language throughout, or the others unknown (stored before languages were).
    for languages in ({"de1": "en"}, {"de1": None}):
        views = views_of(mixed_story(languages), settings)
        assert "Languages" not in views["text"] + views["md"] + views["html"]
        assert "(article de1)" in views["text"] and ", en, article" not in views["text"]
        assert '<span class="language">' not in views["html"]
        assert json.loads(views["api"])["languages"] == ["en"]


def test_the_story_page_and_its_json_give_the_languages_escaped(tmp_path: Path) -> None:
    from storyline.serve.app import create_app
    from storyline.store.store import Store

    corpus = mixed_story({"en2": "<b>x</b>"})  # no reader makes such a code; the page holds
    db = tmp_path / "storyline.db"
    with Store(db) as store:
        store.save_documents(corpus.documents)
        store.save_corpus(corpus)
    client = TestClient(create_app(db))
    page = client.get("/stories/s-1").text
    # One article each: in the order of their codes.
    assert "· languages &lt;b&gt;x&lt;/b&gt;, de, en</p>" in page
    assert '<span class="meta language">de</span>' in page
    assert '<span class="meta language">&lt;b&gt;x&lt;/b&gt;</span>' in page
    assert "<b>x</b>" not in page
    row = client.get("/api/stories/s-1").json()
    assert row["languages"] == ["<b>x</b>", "de", "en"]
    assert {a["id"]: a["language"] for a in row["article_items"]}["en2"] == "<b>x</b>"


def test_a_story_in_two_languages_is_summed_up_in_the_one_most_of_it_is_in(
    settings: Settings,
) -> None:
    from storycorpus import BagOfWordsEmbedder
    from storyline.report.story import build_report

    corpus = mixed_story()
    report = build_report(corpus, (corpus.stories or [])[0], settings.summary, BagOfWordsEmbedder())
    cited = {ref.article for sentence in report.summary for ref in sentence.sources}
    assert cited and "de1" not in cited
    assert not any("eingeladen" in sentence.sentence for sentence in report.summary)
    # One German article and one English: English, the language the report model reads.
    corpus = mixed_story({"en2": "fr"})
    report = build_report(corpus, (corpus.stories or [])[0], settings.summary, BagOfWordsEmbedder())
    assert {ref.article for s in report.summary for ref in s.sources} <= {"en1"}


def test_an_outlet_in_another_language_is_not_said_to_leave_out_what_it_cannot_be_read_for(
    settings: Settings,
) -> None:
    import dataclasses

    from storycorpus import BagOfWordsEmbedder, one_story_corpus, simple_document
    from storyline.report.story import build_report

    texts = {
        "en1": ("Floods killed 12 people in the valley on Monday, officials said.", "en", "AP"),
        "en2": ("The valley was flooded after days of rain, officials said.", "en", "Reuters"),
        "de1": ("Im Tal starben am Montag 12 Menschen bei Überschwemmungen.", "de", "Der Spiegel"),
    }
    documents = []
    for article_id, (text, language, outlet) in texts.items():
        document = simple_document(article_id, text, outlet, text.split(",")[0])
        document.article = dataclasses.replace(document.article, language=language)
        document.embedding = BagOfWordsEmbedder().encode([text])[0]
        documents.append(document)
    corpus = one_story_corpus(documents, title="Floods in the valley")
    report = build_report(corpus, (corpus.stories or [])[0], settings.summary, BagOfWordsEmbedder())
    [killed] = [fact for fact in report.coverage if "12 people" in fact.text]
    # Reuters, in English, leaves the toll out; Der Spiegel gives it in German, which the
    # report does not read: it is neither credited nor blamed.
    assert killed.outlets == ("AP",) and killed.missing == ("Reuters",)
