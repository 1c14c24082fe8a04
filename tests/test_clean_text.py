"""The text-dump cleaner's cues, each on a small page shaped like the real ones it was made for."""

from __future__ import annotations

import pytest

from conftest import dropped_reasons
from storyline.clean import clean
from storyline.clean.language import page_stoplist, stoplist, stopword_density, word_count
from storyline.clean.lines import split_lines
from storyline.clean.text import line_label
from storyline.errors import MalformedInput
from storyline.records import Article, RawDocument
from storyline.settings import CleanSettings, default_settings

MENU = "Home\nNews\nWorld\nSport\nBusiness\nCulture\nWeather\nContact\n"
FOOTER = "About us\nCareers\nAdvertise\nCopyright © 2019 Example Media Ltd. All rights reserved.\n"
PROSE = [
    "The city council voted on Tuesday to close the old harbour bridge for repairs that are "
    "expected to last until the end of next year.",
    "Engineers found cracks in two of the bridge's steel supports during an inspection in the "
    "summer, the council said in a statement.",
    "Traffic will be sent over the ring road while the work is done, and a ferry will carry "
    "cyclists and people on foot across the harbour.",
]


#: More paragraphs, for pages whose article has short lines between its paragraphs: the main
#: run keeps a paragraph after them only when it outweighs what they cost.
MORE = [
    "The council expects the first of the new steel supports to arrive from the foundry in "
    "March, and the old ones will be cut out and recycled.",
    "Shops near the bridge have asked for help with the loss of passing trade, and the "
    "council said it would look at lower rates for the months of the works.",
    "The ferry will run every twenty minutes from six in the morning until midnight, and "
    "tickets will cost the same as a bus fare.",
]


@pytest.fixture(scope="module")
def settings() -> CleanSettings:
    return default_settings().clean


def cleaned(text: str, settings: CleanSettings) -> Article:
    return clean(RawDocument(source="page.txt", text=text), settings)


def test_short_sentences_and_table_rows_inside_the_article_are_kept(
    settings: CleanSettings,
) -> None:
    table = (
        "Pos. Driver Points Wins Poles Top 5 Top 10\n"
        "1 Kyle Busch 5040 5 1 17 27\n"
        "2 Martin Truex Jr. 5035 7 0 15 24\n"
    )
    steps = "Eat one hour before your workout.\nDrink water during the workout.\n"
    text = MENU + PROSE[0] + "\n" + table + PROSE[1] + "\n" + steps + PROSE[2] + "\n" + FOOTER
    body = cleaned(text, settings).body_text
    assert "1 Kyle Busch 5040 5 1 17 27" in body
    assert "Eat one hour before your workout." in body
    assert all(paragraph in body for paragraph in PROSE)
    assert "Weather" not in body and "Careers" not in body


def test_cjk_sentences_count_as_prose(settings: CleanSettings) -> None:
    lines = [
        "先日、不正に改造したiPhoneを販売したとして、商標法違反の疑いで男性が逮捕されました。",
        "報道によると、今回販売されたのは、いわゆる「脱獄」したiPhoneです。",
        "もちろん、アップル社は「脱獄」を認めていませんし、保証の対象外となります。",
    ]
    assert word_count(lines[0]) >= 20
    body = cleaned(MENU + "\n".join(lines) + "\n" + FOOTER, settings).body_text
    assert all(line in body for line in lines)
    assert "Contact" not in body


def test_photo_credit_is_a_caption_and_does_not_end_the_article(settings: CleanSettings) -> None:
    credit = "© John Brecher Needle poking skin during administration of a flu shot at a clinic."
    footer_copyright = "Copyright © 2019 Example Media Ltd. All rights reserved."
    text = "\n".join([MENU + PROSE[0], credit, PROSE[1], PROSE[2], footer_copyright, "Careers"])
    article = cleaned(text, settings)
    assert PROSE[2] in article.body_text
    assert dropped_reasons(article)[credit] == "caption"
    assert dropped_reasons(article)[footer_copyright] == "copyright"


def test_a_lede_run_into_a_photo_caption_is_kept_and_the_caption_dropped(
    settings: CleanSettings,
) -> None:
    # Seed 001's shape: the dump lost the line break between the caption and the lede.
    caption = "Council members (left) and engineers inspect the bridge in the harbour today (epa)"
    text = MENU + caption + " " + PROSE[0] + " " + PROSE[1] + "\n" + PROSE[2] + "\n" + FOOTER
    article = cleaned(text, settings)
    assert PROSE[0] in article.body_text and PROSE[2] in article.body_text
    assert "inspect the bridge" not in article.body_text
    assert dropped_reasons(article)[caption] == "caption"


def test_an_article_that_lost_its_line_breaks_keeps_its_prose_not_its_notice(
    settings: CleanSettings,
) -> None:
    # A news API's one-line text: a sign-up notice inside a line of a thousand characters
    # made all of it a notice, and the article was skipped as having no body.
    notice = "Sign up to FREE email alerts from Daily Planet Subscribe Thank you for subscribing."
    text = " ".join(["Flood waters rise in the valley as rain continues", notice, *PROSE, *MORE])
    assert len(text) > 600 and "\n" not in text
    body = cleaned(text, settings).body_text
    assert all(paragraph in body for paragraph in PROSE + MORE)
    assert "Sign up" not in body and "subscribing" not in body
    with pytest.raises(MalformedInput, match="no article body"):
        cleaned("We use cookies to give you the best experience on our website. " * 12, settings)


def test_comment_section_is_cut(settings: CleanSettings) -> None:
    comments = (
        "34 responses to “Bridge to close for repairs”\n"
        "It is about time they fixed that bridge, it has been falling apart for years.\n"
        "The ferry will never cope with the rush hour crowds, mark my words on this one.\n"
    )
    article = cleaned(MENU + "\n".join(PROSE) + "\n" + comments + FOOTER, settings)
    assert PROSE[2] in article.body_text
    assert "mark my words" not in article.body_text


def test_a_long_list_of_links_is_not_prose(settings: CleanSettings) -> None:
    languages = (
        "Change language & content: Afrique francophone (français) América Latina (español) "
        "Argentina (español) Australia (English) Belgique (français) België (Nederlands)"
    )
    stopwords = page_stoplist(PROSE)
    assert stopword_density(PROSE[0], stopwords) > 0.3
    assert line_label(languages, settings, stopwords) == "list of names or links"
    assert line_label(PROSE[0], settings, stopwords) == "body"


def test_a_cookie_banner_is_a_notice_but_prose_about_a_browser_is_not(
    settings: CleanSettings,
) -> None:
    banner = (
        "This website uses cookies to improve your experience while you navigate through the "
        "website. Out of these cookies, the cookies that are categorized as necessary are stored."
    )
    prose = (  # long, and it only mentions the browser: prose, not a notice
        "The promise of Google Stadia: high quality visuals and rock-solid performance streamed "
        "to your browser. You would not need a console or a download, and the games would run "
        "the same on a phone, a laptop or a television, the company said at its launch event."
    )
    stopwords = page_stoplist(PROSE)
    assert line_label(banner, settings, stopwords) == "notice"
    assert line_label(prose, settings, stopwords) == "body"


def test_share_buttons_opening_new_windows_are_navigation(settings: CleanSettings) -> None:
    assert line_label("Click to share on Facebook (Opens in new window)", settings) == "navigation"
    assert line_label("Submit to Stumbleupon (Opens in new window)", settings) == "navigation"


def test_page_language_picks_its_stoplist() -> None:
    portuguese = [
        "Nesta página você terá sempre a classificação atualizada da corrida até a última etapa "
        "e poderá conferir os resultados de todos os pilotos.",
        "O calendário da temporada é composto por trinta e seis corridas, e somente os doze "
        "primeiros disputam o título nas dez últimas provas do ano.",
        "Os comentários com textos que não respeitam os outros usuários não serão aprovados "
        "pelos moderadores do site.",
    ]
    assert page_stoplist(portuguese) == stoplist("Portuguese")
    assert page_stoplist(PROSE) in {stoplist("English"), stoplist("Simple_English")}


@pytest.mark.parametrize("button", ["Partager", "Startseite", "Compartilhar", "Поделиться", "Menü"])
def test_buttons_and_menus_in_other_languages_are_navigation(
    settings: CleanSettings, button: str
) -> None:
    assert line_label(button, settings) == "navigation"


def test_subheadings_and_list_items_between_paragraphs_are_kept(settings: CleanSettings) -> None:
    # Bench_extraction's pages keep their subheadings, tour dates, deal lines and tweet credits
    # in the article; a repeated short item ("Get it on Amazon") is a list item, not a repeat.
    heading, dates = "Repairs and ferries", "June 9 – West Palm Beach, FL @ Coral Sky Amphitheatre"
    tweet, deal = "— Harbour Council (@HarbourCouncil) November 18, 2019", "Get it on Amazon"
    page = [*PROSE[:2], heading, dates, PROSE[2], tweet, MORE[0], deal, MORE[1], deal, MORE[2]]
    body = cleaned(MENU + "\n".join(page) + "\n" + FOOTER, settings)
    assert all(line in body.body_text for line in page)
    assert body.body_text.count("Get it on Amazon") == 2
    assert "Weather" not in body.body_text


def test_a_headline_link_broken_over_two_lines_is_dropped(settings: CleanSettings) -> None:
    # Seed 000's shape: "Mashaal: Qatar is not mediating / between Hamas and the US".
    link = "Mayor: the ferry is not a long-term fix\nfor the harbour crossing\n"
    text = MENU + PROSE[0] + "\n" + link + PROSE[1] + "\n" + PROSE[2] + "\n" + FOOTER
    body = cleaned(text, settings).body_text
    assert "long-term fix" not in body and "for the harbour crossing" not in body
    assert PROSE[1] in body


def test_a_pull_quote_goes_with_the_lines_that_sign_it(settings: CleanSettings) -> None:
    quote = '"The bridge will be safe again by next winter"\nAnna Berg,\nCouncil engineer\n'
    said = 'Anna Berg said: "The bridge will be safe again by next winter," at the meeting.'
    text = "\n".join([MENU + PROSE[0], said, PROSE[1], quote + PROSE[2], *MORE, FOOTER])
    article = cleaned(text, settings)
    assert article.body_text.count("safe again by next winter") == 1
    assert "Council engineer" not in article.body_text
    assert dropped_reasons(article)["Council engineer"] == "pull quote"


def test_a_comment_section_with_signed_comments_is_cut(settings: CleanSettings) -> None:
    comments = (
        "joetoronto says:\n"
        "November 19, 2019 at 6:44 am\n"
        "It is about time they fixed that bridge, it has been falling apart for years.\n"
        "Anna K. on November 19, 2019 at 7:02 am said:\n"
        "The ferry will never cope with the rush hour crowds, mark my words on this one.\n"
    )
    article = cleaned(MENU + "\n".join(PROSE) + "\n" + comments + FOOTER, settings)
    assert PROSE[2] in article.body_text
    assert "joetoronto" not in article.body_text and "mark my words" not in article.body_text


@pytest.mark.parametrize(
    "credit",
    [
        "Sanjeev Verma/Hindustan Times/Getty Images",
        "Natalie Naccache | Bloomberg | Getty Images",
        "Michael Conroy, AP",
        "Christopher Tays Submitted photo",
        "Jason Cipriani/ZDNet",
        "The protests kicked off in June and have grown in size (Image: GETTY )",
        "Image caption Scooter Braun has managed Justin Bieber throughout his career",
    ],
)
def test_photo_credits_and_captions_are_captions(settings: CleanSettings, credit: str) -> None:
    assert line_label(credit, settings) == "caption"


@pytest.mark.parametrize(
    "line",
    [
        "June 26 -- PPL Center, Allentown, PA",  # a state, not the Press Association
        "Die elektronische Patientenakte (ePA) soll diesen Herausforderungen begegnen und "
        "bildet aktuell das Kernthema in deutschen Krankenhäusern.",  # an abbreviation
    ],
)
def test_a_state_or_an_abbreviation_is_not_a_photo_credit(
    settings: CleanSettings, line: str
) -> None:
    assert line_label(line, settings) != "caption"


@pytest.mark.parametrize(
    "control", ["1 / 23", "1 of 6", "Back to Gallery", "View all (23)", "Advert",
                "Continue Reading Below", "Next Post"]
)  # fmt: skip
def test_gallery_controls_and_advert_labels_are_navigation(
    settings: CleanSettings, control: str
) -> None:
    assert line_label(control, settings) == "navigation"


def test_teaser_excerpts_cut_off_with_an_ellipsis_are_dropped(settings: CleanSettings) -> None:
    teasers = (
        "Council approves new budget NEW DELHI: The city council on Wednesday approved a budget "
        "that will fund the repair of two bridges and a ferry across the harbour, officials...\n"
        "Schools reopen after the floods NEW DELHI: All schools in the district are open again "
        "and attendance is back to what it was before the floods, the education board said. It...\n"
    )
    text = MENU + teasers + "\n".join(PROSE) + "\n" + FOOTER
    article = cleaned(text, settings)
    assert "Council approves new budget" not in article.body_text
    assert all(paragraph in article.body_text for paragraph in PROSE)


@pytest.mark.parametrize(
    "caption",
    [
        "A cyclist passes the bridge in Harbourtown, Ore., on Tuesday. (AP Photo/Jane Doe, File)",
        "The harbour bridge at night. (NASA/JPL-Caltech/ASU)",
        "Engineers inspect the steel supports of the bridge Credit: Getty - Contributor",
        "The mayor speaks at the harbour on July 25, 2019. J. Scott Applewhite / AP file",
    ],
)
def test_a_caption_ending_with_its_credit_is_a_caption(
    settings: CleanSettings, caption: str
) -> None:
    assert line_label(caption, settings) == "caption"


def test_a_price_in_brackets_is_not_a_credit(settings: CleanSettings) -> None:
    deal = "Get Dashlane Password Manager for Free (Upgrade to Premium for $4.99/mo)"
    assert line_label(deal, settings) != "caption"


def test_lines_of_invisible_characters_are_blank() -> None:
    assert [line.text for line in split_lines("First line\n\u200b\n\ufeff\u200b \nLast")] == [
        "First line",
        "Last",
    ]


@pytest.mark.parametrize(
    "heading", ["About the author", "Sobre Carlos Nadalim", "Über Moritz Bachmann"]
)
def test_an_about_box_after_the_article_is_cut(settings: CleanSettings, heading: str) -> None:
    bio = "Anna Berg has written about the harbour and its bridges for the paper since 2004."
    article = cleaned(MENU + "\n".join(PROSE) + f"\n{heading}\n{bio}\n" + FOOTER, settings)
    assert PROSE[2] in article.body_text
    assert bio not in article.body_text


def test_a_teaser_above_a_read_more_link_is_dropped(settings: CleanSettings) -> None:
    teaser = (
        "Ferry Tickets to Cost the Same as a Bus Fare, Council Says\n"
        "In recent months, hundreds of people have asked how they will cross the harbour and\n"
        "Read more\n"
    )
    article = cleaned(MENU + "\n".join([*PROSE, teaser, *MORE]) + "\n" + FOOTER, settings)
    assert all(paragraph in article.body_text for paragraph in [*PROSE, *MORE])
    assert "Ferry Tickets" not in article.body_text
    assert "hundreds of people" not in article.body_text


@pytest.mark.parametrize(
    "line",
    [
        "Associated Press November 19, 2019, 9:02 AM",
        "Monday, November 18, 2019, 04:05 pm PT (07:05 pm ET)",
        "New Delhi, News Nation Bureau | Updated : 19 November 2019, 09:01 AM",
    ],
)
def test_a_time_stamp_is_a_date_line(settings: CleanSettings, line: str) -> None:
    assert line_label(line, settings) == "date line"


def test_a_tweet_credit_and_a_schedule_line_are_not_date_lines(settings: CleanSettings) -> None:
    assert line_label("— Harbour Council (@HarbourCouncil) November 18, 2019", settings) != (
        "date line"
    )
    assert line_label("2018.04.05 ~ OPEN RUN", settings) != "date line"


def test_a_byline_with_the_outlet_after_a_bar_is_a_byline(settings: CleanSettings) -> None:
    assert line_label("By Amy Kuperinsky | NJ Advance Media for NJ.com", settings) == "byline"


def test_a_long_comment_thread_does_not_outweigh_a_short_article(
    settings: CleanSettings,
) -> None:
    # The GiveWell open thread's shape: one paragraph of article, then signed comments.
    comment = (
        "I wondered whether the ferry could run later on Fridays, when the last trains come "
        "in after midnight and there is no other way across the harbour."
    )
    thread = "".join(
        f"Reader {n} on November {n}, 2019 at 4:{n}7 pm said:\n{comment}\n" for n in range(1, 6)
    )
    article = cleaned(MENU + PROSE[0] + "\n" + thread + FOOTER, settings)
    assert article.body_text == PROSE[0]
    assert "readers' comments" in dropped_reasons(article).values()


def test_a_list_of_headlines_with_comment_counts_is_dropped(settings: CleanSettings) -> None:
    most_commented = (
        "Harbour ferry to run until midnight on Fridays after complaints (185)\n"
        "Council approves the budget for two new bridges over the river (148)\n"
        "Schools reopen after the floods as attendance returns to normal (145)\n"
    )
    article = cleaned(MENU + most_commented + "\n".join(PROSE) + "\n" + FOOTER, settings)
    assert "(185)" not in article.body_text and "(145)" not in article.body_text
    assert all(paragraph in article.body_text for paragraph in PROSE)


def test_a_row_of_figures_between_paragraphs_is_kept(settings: CleanSettings) -> None:
    # Few function words make a line a list of names or links; between two paragraphs of the
    # article it is one of its lists (bench_extraction: a team's snap counts).
    row = "DL Larry Ogunjobi 63 85% 1 tackle (1 combined). 1 sack, 1 TFL, 2 QH."
    stopwords = page_stoplist(PROSE)
    assert line_label(row, settings, stopwords) == "list of names or links"
    body = cleaned(MENU + "\n".join([*PROSE[:2], row, PROSE[2]]) + "\n" + FOOTER, settings)
    assert row in body.body_text


def test_tags_after_the_article_are_cut(settings: CleanSettings) -> None:
    tags = "Tags:\nHarbour Bridge\nCity Council\n"
    article = cleaned(MENU + "\n".join(PROSE) + "\n" + tags + FOOTER, settings)
    assert PROSE[2] in article.body_text and "City Council" not in article.body_text


def test_a_link_to_a_story_on_the_outlets_site_is_dropped(settings: CleanSettings) -> None:
    link = "On HarbourChronicle.com: Ferry tickets to cost the same as a bus fare"
    article = cleaned(MENU + "\n".join([*PROSE[:2], link, PROSE[2]]) + "\n" + FOOTER, settings)
    assert PROSE[2] in article.body_text and link not in article.body_text
