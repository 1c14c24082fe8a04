"""Time expressions: the seeds resolved against their dates, each rule, false positives."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import make_article
from storyline.annotate.timex import Timex, TimexStage, find_timexes
from storyline.records import Document, Precision, PubDate, TimexType
from storyline.stage import check_chain, check_provided

THURSDAY = dt.date(2006, 2, 9)
NOVEMBER = dt.date(2006, 11, 2)


def seed_refs(example_texts: dict[str, str], prefix: str, published: PubDate) -> dict[str, str]:
    """Text → value of every time expression the stage finds in one seed article."""
    name = next(n for n in example_texts if n.startswith(prefix))
    article = make_article(example_texts[name], prefix, published=published)
    [document] = TimexStage()([Document(article)])
    assert document.timex is not None
    return {ref.text: ref.value for ref in document.timex if ref.value is not None} | {
        ref.text: None for ref in document.timex if ref.value is None
    }


def values(text: str, anchor: dt.date | None = THURSDAY) -> dict[str, str | None]:
    return {text[t.start : t.end]: t.value for t in find_timexes(text, anchor)}


def only(text: str, anchor: dt.date | None = THURSDAY) -> Timex:
    [timex] = find_timexes(text, anchor)
    return timex


# --- the seeds ----------------------------------------------------------------------------


def test_seed_000_al_jazeera(example_texts: dict[str, str]) -> None:
    refs = seed_refs(example_texts, "000", PubDate(THURSDAY, Precision.DAY, "input"))
    assert refs["25 January"] == "2006-01-25"
    assert refs["Earlier this week"] == "2006-W06"
    assert refs["Thursday"] == "2006-02-09"  # "On Thursday, Khaled Mashaal ..."
    assert refs["09 Feb 2006"] == "2006-02-09"
    assert "On Thursday" not in refs  # the preposition is not part of the expression


def test_seed_001_rfe(example_texts: dict[str, str]) -> None:
    refs = seed_refs(example_texts, "001", PubDate(dt.date(2006, 3, 3), Precision.DAY, "input"))
    assert refs["March 3"] == "2006-03-03"
    assert refs["March 3, 2006"] == "2006-03-03"
    assert refs["January"] == "2006-01"  # "he announced in January"
    assert refs["three days"] == "P3D"
    assert refs["10 years"] == "P10Y"
    assert refs["last year"] == "2005"
    assert refs["today"] == "2006-03-03"


def test_seed_004_year_precision_resolves_only_what_the_year_allows(
    example_texts: dict[str, str],
) -> None:
    # Only "Copyright 2007" dates this Reuters page, so its date is known to the year.
    refs = seed_refs(example_texts, "004", PubDate(dt.date(2007, 1, 1), Precision.YEAR, "text"))
    assert refs["last year"] == "2006"
    assert refs["2007"] == "2007"
    assert refs["Recently"] == "PAST_REF"
    assert refs["Now"] == "PRESENT_REF"
    assert refs["Tuesday"] is None and refs["last month"] is None


def test_stage_contract_and_offsets(example_texts: dict[str, str]) -> None:
    stage = TimexStage()
    check_chain([stage])
    documents = [
        Document(make_article(text, name, PubDate(THURSDAY, Precision.DAY, "input")))
        for name, text in sorted(example_texts.items())
    ]
    stage(documents)
    check_provided(stage, documents)
    for document in documents:
        for ref in document.timex or []:
            assert ref.span.of(document.article.text) == ref.text


def test_no_date_leaves_relative_expressions_unresolved() -> None:
    text = "The talks on Thursday followed the vote of 9 February 2006."
    assert values(text, None) == {"Thursday": None, "9 February 2006": "2006-02-09"}


# --- rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expression", "value"),
    [
        ("Polls closed on 9 February 2006.", "9 February 2006", "2006-02-09"),
        ("Polls closed on Feb. 9, 2006.", "Feb. 9, 2006", "2006-02-09"),
        ("Updated 2006-02-09 at noon.", "2006-02-09", "2006-02-09"),
        ("He won the vote on 25 January.", "25 January", "2006-01-25"),
        ("The vote was held on June 30.", "June 30", "2005-06-30"),
        ("The offer was extended to March 3.", "March 3", "2006-03-03"),
        ("The deadline is Feb. 20.", "Feb. 20", "2006-02-20"),
        ("The summit will be held on Jan. 20.", "Jan. 20", "2007-01-20"),
        ("Prices rose in March 2006.", "March 2006", "2006-03"),
        ("Prices rose sharply in January.", "January", "2006-01"),
        ("Prices rose last month.", "last month", "2006-01"),
        ("The plan was agreed in 1998.", "1998", "1998"),
        ("He won last year.", "last year", "2005"),
        ("He will run next year.", "next year", "2007"),
        ("He spoke yesterday.", "yesterday", "2006-02-08"),
        ("He will speak tomorrow.", "tomorrow", "2006-02-10"),
        ("He speaks today.", "today", "2006-02-09"),
        ("He met them last week.", "last week", "2006-W05"),
        ("He is there this week.", "this week", "2006-W06"),
        ("Prices are now higher.", "now", "PRESENT_REF"),
        ("Prices are currently higher.", "currently", "PRESENT_REF"),
        ("Prices fell recently.", "recently", "PAST_REF"),
        ("The talks lasted three days.", "three days", "P3D"),
        ("He served two years in jail.", "two years", "P2Y"),
        ("He has ruled for 10 years.", "10 years", "P10Y"),
        ("They meet every week.", "every week", "P1W"),
        ("Rates are reviewed annually.", "annually", "P1Y"),
        ("They met last summer.", "last summer", "2005-SU"),
        ("Prices soared in the 1990s.", "the 1990s", "199"),
        ("He left three years ago.", "three years ago", "2003"),
        ("Profit rose in the third quarter.", "the third quarter", "2005-Q3"),
        ("Prices are the current ones.", "current", "PRESENT_REF"),
        ("It will take a couple of years.", "a couple of years", "P2Y"),
        ("Sales rose for the year ended March 31.", "the year", "P1Y"),
        ("Sales were flat for the year, it said.", "the year", "2006"),
        ("The deal was signed in nineteen ninety-six.", "nineteen ninety-six", "1996"),
        ("The approach of the year two thousand worries them.", "the year two thousand", "2000"),
        ("They met over the weekend.", "the weekend", "2006-W05-WE"),
        ("They will meet over the weekend.", "the weekend", "2006-W06-WE"),
        ("Shops closed on Christmas Day.", "Christmas Day", "2005-12-25"),
        ("Protests are planned for Easter Sunday.", "Easter Sunday", "2006-04-16"),
        ("Turkeys sold out before last Thanksgiving.", "last Thanksgiving", "2005-11-24"),
        ("Sales fell after Presidents' Day 2005.", "Presidents' Day 2005", "2005-02-21"),
        ("He was elected on Election Day.", "Election Day", "2005-11-08"),
        ("The loan was to be repaid by January.", "January", "2007-01"),
        ("The pact was signed, effective Feb. 1.", "Feb. 1", "2007-02-01"),
        ("They lived there for 2 1/2 years.", "2 1/2 years", "P2Y6M"),
        ("The flight took 5 1/2 hours.", "5 1/2 hours", "PT5H30M"),
        ("Sales will grow in the current fiscal year.", "current fiscal year", "2006"),
        ("Sales fell in the 1988 third quarter.", "the 1988 third quarter", "1988-Q3"),
        ("The unit is to be sold in the first half of 2007.", "the first half of 2007", "2007-H1"),
        (
            "Losses fell in the first two quarters of 2005.",
            "the first two quarters of 2005",
            "2005-H1",
        ),
        (
            "It could be effective as early as next year's first quarter.",
            "next year's first quarter",
            "2007-Q1",
        ),
        (
            "They moved there in January nineteen ninety-seven.",
            "January nineteen ninety-seven",
            "1997-01",
        ),
        ("Prices rose in recent years.", "recent years", "PXY"),
        ("Prices will rise in the coming months.", "the coming months", "PXM"),
        ("They will sell in the weeks ahead.", "the weeks ahead", "PXW"),
        ("Demand will be weak in the near term.", "the near term", "FUTURE_REF"),
        ("The shares will be sold at a later date.", "a later date", "FUTURE_REF"),
        ("The fund was set up in mid-1996.", "mid-1996", "1996"),
        ("The post-1959 politics split families.", "post-1959", "1959"),
        ("Hate groups declined through the nineties.", "the nineties", "199"),
        ("Sales for the full year were $6.6 billion.", "the full year", "2006"),
        ("Net rose in the first nine months of the year.", "the year", "2006"),
        ("It had $6 billion in sales in the latest fiscal year.", "the latest fiscal year", "2005"),
        ("Cuts are expected by year-end.", "by year-end", "2006"),
        ("Sales slowed earlier in the year.", "earlier in the year", "2006"),
        ("They stayed for two more weeks.", "two more weeks", "P2W"),
        ("Shares rose for eight trading days.", "eight trading days", "P8D"),
        ("By mid afternoon, troops had left.", "mid afternoon", "2006-02-09TAF"),
        ("Fares rise each July.", "each July", "XXXX-07"),
        ("Interest is paid every quarter.", "every quarter", "P3M"),
        ("Crowds gathered in Easter week.", "Easter week", "2006-W15"),
        ("Talks are set for the week of March 6.", "the week of March 6", "2006-W10"),
        ("The summit will be held on April 24 and 25.", "25", "2006-04-25"),
        # "this quarter" of an earnings report is the one it reports on, the last completed.
        ("This quarter's loss includes charges.", "This quarter", "2005-Q4"),
        (
            "They met in the winter of nineteen ninety-four.",
            "the winter of nineteen ninety-four",
            "1994-WI",
        ),
    ],
)
def test_rules(text: str, expression: str, value: str) -> None:
    assert values(text).get(expression) == value, values(text)


def test_weekday_follows_tense() -> None:
    assert values("Putin said on Monday he was ready.")["Monday"] == "2006-02-06"
    # The verb before a date is nearer to it than a marker after at the same distance.
    assert values("The US said on Monday it would isolate Hamas.")["Monday"] == "2006-02-06"
    # Past-tense words that are not verbs, and "plan" the noun, mark no tense.
    assert values("He will fly to the United States Friday.")["Friday"] == "2006-02-10"
    assert values("They signed an economic cooperation plan Friday.")["Friday"] == "2006-02-03"
    assert values("The ministers will meet on Monday.")["Monday"] == "2006-02-13"
    assert values("Putin spoke on Thursday.")["Thursday"] == "2006-02-09"
    assert values("They met last Thursday.")["last Thursday"] == "2006-02-02"


def test_a_clock_time_takes_the_day_that_follows_it() -> None:
    # Not the report's day: the Tuesday, or the date, the time is told of.
    assert (
        values("The deadline passed at 10 p.m. Tuesday.")["10 p.m. Tuesday"] == "2006-02-07T22:00"
    )
    assert values("The offer runs until 5 p.m. EST, Feb. 20.")["5 p.m. EST, Feb. 20"] == (
        "2006-02-20T17:00"
    )
    assert values("The blast came at 10:35 a.m. (0735 GMT) Monday.")[
        "10:35 a.m. (0735 GMT) Monday"
    ] == ("2006-02-06T10:35")
    # A clock alone is still the report's day.
    assert values("The blast came at 10 p.m., police said.")["10 p.m."] == "2006-02-09T22:00"


def test_a_weekday_ahead_on_the_report_s_own_weekday_is_that_day() -> None:
    # A Thursday paper's "will meet Thursday" is today; "next Thursday" is a week on.
    assert values("The ministers will meet on Thursday.")["Thursday"] == "2006-02-09"
    assert values("The ministers will meet next Thursday.")["next Thursday"] == "2006-02-16"


@pytest.mark.parametrize(
    "text",
    [
        "The dividend rate is $1.76 a year.",  # a rate, not a length of time
        "It adds nearly 700 seats a week.",
        "Revenue is to grow by 20% annually.",
        "Mr. Reupke, 52 years old, resigned.",  # an age
        'Baker said on ABC\'s "This Week" that the talks failed.',  # titles
        "He said so on CBS's 60 Minutes.",
        "It showed Gary Cooper in High Noon.",
        "The quarter-to-quarter comparison was better.",
    ],
)
def test_rates_ages_and_titles_are_not_time_expressions(text: str) -> None:
    assert find_timexes(text, THURSDAY) == [], values(text)


def test_a_story_time_coarser_than_its_unit_is_left_open() -> None:
    # "that same day" after a month: a day of that month, not a made-up one.
    found = values("The rifle was found in October 1998. Police came that same day.")
    assert found["that same day"] == "1998-10-XX"


def test_since_marks_the_past() -> None:
    # No other tense in the sentence: "since" says the date has passed (nearest is ahead).
    assert values("Police have been searching since the Oct. 23 attack.")["Oct. 23"] == "2005-10-23"


def test_dates_told_from_the_story_s_own_time_follow_the_last_date_named() -> None:
    text = "He left in 1995 and came back the following year. On March 3 he met them."
    text += " The next morning he flew home, and later that month he resigned."
    found = values(text)
    assert found["the following year"] == "1996"
    assert found["The next morning"] == "2006-03-04"
    assert found["later that month"] == "2006-03"
    # With no date named before, the report's own date is the reference.
    assert values("Earlier that day, police came.")["Earlier that day"] == "2006-02-09"
    assert values("They met that year.", None)["that year"] is None


def test_types() -> None:
    assert only("It took three days.").type is TimexType.DURATION
    assert only("They meet every week.").type is TimexType.SET
    assert only("They meet tonight.").type is TimexType.TIME
    assert only("They met on 9 February 2006.").type is TimexType.DATE


def test_a_year_earlier_follows_the_quarter() -> None:
    found = values("Profit rose 5% in the third quarter from a year earlier.", NOVEMBER)
    assert found == {"the third quarter": "2006-Q3", "a year earlier": "2005-Q3"}
    # Paragraphs later in the same earnings report, still the quarter ...
    text = "Profit rose in the third quarter.\n\nRevenue fell to $2m from $3m a year earlier."
    assert values(text, NOVEMBER)["a year earlier"] == "2005-Q3"
    text = "Profit rose in the third quarter.\n\nSales in the latest period were $2m."
    assert values(text, NOVEMBER)["the latest period"] == "2006-Q3"
    # "the quarter" is the one the report names; a stated year's quarter compares with it.
    text = "Profit fell in the fiscal second quarter. Sales in the quarter rose."
    assert values(text, NOVEMBER)["the quarter"] == "2006-Q2"
    text = "Profit fell in the fiscal first quarter. In the 2005 quarter, it rose."
    assert values(text, NOVEMBER)["the 2005 quarter"] == "2005-Q1"
    assert values("Sales for last year's quarter fell.", NOVEMBER)["last year's quarter"] == "2005"
    # ... unless the sentence compares another period.
    text = "Profit rose in the third quarter.\n\nFor the nine months, net fell from a year earlier."
    assert values(text, NOVEMBER)["a year earlier"] == "2005"


# --- false positives ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "May I ask a question?",
        "They march on the capital.",
        "March organisers said they were ready.",
        "Police said 2006 people were hurt.",
        "Shares rose to $1999 each.",
        "Turnout was 1950%.",
        "A quarter of the vote went to Hamas.",
        "He did it a second time.",
        "The fall of the government surprised no one.",
    ],
)
def test_not_time_expressions(text: str) -> None:
    assert find_timexes(text, THURSDAY) == []


def test_may_and_march_as_months_need_a_date_cue() -> None:
    assert values("The election is due in May.")["May"] == "2006-05"
    assert values("They met in March.", NOVEMBER)["March"] == "2006-03"


# --- properties ---------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "on Thursday", "25 January", "May", "march", "2006", "last year", "three days", " ",
        "the 1990s", "every week", "today", "Feb. 9, 2006", ",", ".", "\n\n", "a", "will",
        "said", "10 p.m.", "quarter", "mid-", "'90s", "31 February", "Sept. 31", "0",
    ]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=20),
    st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31))),
)
def test_finder_never_crashes_and_spans_are_valid(
    pieces: list[str], anchor: dt.date | None
) -> None:
    text = " ".join(pieces)
    found = find_timexes(text, anchor)
    assert found == find_timexes(text, anchor)
    for timex, following in itertools.pairwise(found):
        assert timex.end <= following.start
    for timex in found:
        assert 0 <= timex.start < timex.end <= len(text)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=8)), min_size=1, max_size=12))
def test_stage_spans_point_into_the_original_text(pieces: list[str]) -> None:
    text = "Title\n\n" + " ".join(pieces)
    article = make_article(text, "x", PubDate(THURSDAY, Precision.DAY, "input"))
    [document] = TimexStage()([Document(article)])
    for ref in document.timex or []:
        assert ref.span.of(text) == ref.text


# --- the lines above the body ----------------------------------------------------------------


def _cleaned_refs(text: str, published: str) -> dict[str, str | None]:
    """Text → value of the expressions the stage finds in ``text`` as the cleaner reads it."""
    from storyline.clean import clean
    from storyline.records import RawDocument
    from storyline.settings import default_settings

    article = clean(
        RawDocument(source="test", text=text, published=published), default_settings().clean
    )
    [document] = TimexStage()([Document(article)])
    for ref in document.timex or []:
        assert ref.span.of(text) == ref.text
    return {ref.text: ref.value for ref in document.timex or []}


def test_a_dateline_on_its_own_line_is_read() -> None:
    text = (
        "BUDAPEST, March 12 (Xinhua) --\n\n"
        "Hungary formally joined NATO on Friday at a ceremony in Independence, Missouri, the "
        "Hungarian foreign ministry said in a statement.\n\n"
        "The country had applied for membership in 1994 and was invited to join the alliance "
        "at a summit in Madrid in July 1997, officials said.\n"
    )
    refs = _cleaned_refs(text, "1999-03-13")
    assert refs["March 12"] == "1999-03-12"
    assert refs["Friday"] == "1999-03-12"
    assert refs["July 1997"] == "1997-07"


def test_the_headline_is_read_but_not_the_menus_around_the_body() -> None:
    text = (
        "Home | World | Business | Sport | Today's paper\n\n"
        "The Times says in an editorial on Thursday, Jan. 6:\n\n"
        "The immigration service made a reasonable decision Wednesday in ruling that the boy "
        "should be reunited with his father in Cuba, the editorial said.\n\n"
        "The decision will anger the boy's relatives in Miami, who said they would appeal it "
        "in the coming weeks, lawyers for the family said on Thursday.\n\n"
        "Most read this week\n"
    )
    refs = _cleaned_refs(text, "2000-01-06")
    assert refs["Thursday, Jan. 6"] == "2000-01-06"
    assert refs["Wednesday"] == "2000-01-05"
    assert "Today" not in refs and "this week" not in refs


# --- tense around the expression -------------------------------------------------------------


def test_a_deadline_just_passed_in_a_future_sentence_is_this_year_s() -> None:
    text = "The service ordered the relatives to hand over the boy by Jan. 14, officials said."
    assert values(text, dt.date(2000, 1, 15))["Jan. 14"] == "2000-01-14"


def test_a_weekday_deadline_with_its_clock_time_lies_ahead() -> None:
    text = "The service has given the relatives until 9 a.m. Tuesday to sign the paper."
    assert values(text, dt.date(2000, 4, 3))["9 a.m. Tuesday"] == "2000-04-04T09:00"


def test_a_weekday_deadline_told_in_the_past_perfect_looks_back() -> None:
    text = "Until Thursday, investigators had not called Kopp a suspect in the shooting."
    assert values(text, dt.date(1999, 5, 7))["Thursday"] == "1999-05-06"


def test_the_tense_inside_a_quote_is_the_quote_s_own() -> None:
    text = (
        "``This courageous father will leave at 4 in the morning (4 a.m. EDT Thursday),'' "
        "Castro said."
    )
    found = values(text, dt.date(2000, 4, 5))
    assert found["4 a.m. EDT Thursday"] == "2000-04-06T04:00"
    assert "2000-03-30T04:00" not in found.values()


def test_next_to_a_place_is_no_future() -> None:
    text = (
        "More than 1,000 people were wounded in the blasts next to the U.S. embassies in Kenya "
        "and Tanzania on Friday."
    )
    assert values(text, dt.date(1998, 8, 8))["Friday"] == "1998-08-07"


@pytest.mark.parametrize(
    ("sentence", "expression", "reports"),
    [
        # a date in the main clause dates what the sentence reports
        ("On Thursday, Khaled Mashaal denied Qatar was mediating.", "Thursday", True),
        ("He said Tuesday that he would go to Moscow.", "Tuesday", True),
        ("The Deepwater Horizon rig exploded on 20 April 2010, killing 11.", "20 April 2010", True),
        ("The meeting went ahead on Monday, March 3.", "Monday, March 3", True),
        ("Monday's attack killed 11 people in Baghdad.", "Monday", True),  # its subject
        # a date that only describes something else, or bounds another time, does not
        (
            "Putin rejected claims that Hamas, which won the elections on Jan. 25, is a terror "
            "group.",
            "Jan. 25",
            False,
        ),
        ("Israel must withdraw from all the territories occupied since 1967.", "1967", False),
        (
            "Russia established contacts with Hamas after it won elections last year.",
            "last year",
            False,
        ),
        (
            "Officials are part of an investigation into the April 20 rig explosion.",
            "April 20",
            False,
        ),
        (
            "Obama imposed a moratorium in May following the April 20 oil well blowout.",
            "April 20",
            False,
        ),
    ],
)
def test_a_date_dates_its_sentence_only_from_its_main_clause(
    sentence: str, expression: str, reports: bool
) -> None:
    from storyline.annotate.models import spacy_pipeline
    from storyline.annotate.timex.finder import dates_its_sentence

    start = sentence.index(expression)
    parse = spacy_pipeline()(sentence)
    assert dates_its_sentence(parse, start, start + len(expression)) is reports
