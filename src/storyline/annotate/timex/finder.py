"""The finder: :func:`find_timexes` over a text, and :class:`TimexStage`, which applies it to
articles (their body, headline and dateline) and maps offsets back to the original text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any, ClassVar

from storyline.annotate.timex.context import Context, Timex, start_of_sentence
from storyline.annotate.timex.rules import (
    LATEST_PERIOD,
    RULES,
    YEAR_BACK,
    YEAR_QUARTER,
    follow_references,
)
from storyline.annotate.timex.values import iso_week
from storyline.annotate.timex.vocabulary import WEEKDAYS
from storyline.clean.metadata import DATELINE
from storyline.dates import (
    MONTH_ABBREVIATIONS,
    MONTH_NAMES,
)
from storyline.records import Article, Document, Precision, PubDate, Span, TimeRef, TimexType


def find_timexes(
    text: str, anchor: dt.date | None, precision: Precision = Precision.DAY
) -> list[Timex]:
    """Every time expression of ``text``, in order, with its value resolved against ``anchor``.

    ``precision`` says how much of ``anchor`` is known: relative expressions finer than it
    ("yesterday" against a year-only date) get ``value=None``, as do all relative expressions
    when ``anchor`` is None; absolute ones ("9 February 2006") are always resolved.
    """
    ctx = Context(text, anchor, precision)
    candidates = [
        (*_span(m), order, result)
        for order, rule in enumerate(RULES)
        for m in rule.pattern.finditer(text)
        if m.end() > m.start()
        and (rule.names or not _in_a_title(text, *_span(m)))
        and (result := rule.resolve(m, ctx)) is not None
    ]
    found = [Timex(start, end, kind, value) for start, end, (kind, value) in _longest(candidates)]
    return follow_references(text, _follow_quarters(text, _joined(text, found)), anchor)


#: What may stand between a clock time and its day ("10 p.m. EST, Nov. 6", "noon on Friday").
_TIME_DAY_GAP = re.compile(r"\s*(?:\(?[A-Z]{2,4}\)?|\(\d{4} [A-Z]{2,4}\))?,?\s*(?:on\s+)?")
#: What may stand between a month and a year told in words ("January, nineteen ninety-seven").
_MONTH_YEAR_GAP = re.compile(r",?\s+(?:of\s+)?")
_DAY_VALUE = re.compile(r"\d{4}-\d\d-\d\d")
#: "the week of March 6" is that date's week.
_WEEK_OF = re.compile(r"\bthe week of $", re.IGNORECASE)
_MONTH_VALUE = re.compile(r"\d{4}-\d\d")
_SEASON_VALUE = re.compile(r"\d{4}-(?:SP|SU|FA|WI)")
_YEAR_VALUE = re.compile(r"\d{4}")


def _joined(text: str, found: list[Timex]) -> list[Timex]:
    """One expression where two say one time: "10 p.m. Wednesday" is that Wednesday at 22:00,
    not the report's day; "January nineteen ninety-seven" is 1997-01 (and "the winter of
    nineteen ninety-four" 1994-WI); "the week of March 6"
    is that date's week.

    The rules match each part alone (a clock is read against the report's day, a bare month
    against its year), so the pair is joined once both are found.
    """
    result: list[Timex] = []
    for timex in found:
        if _DAY_VALUE.fullmatch(timex.value or "") and (
            week := _WEEK_OF.search(text, max(0, timex.start - 12), timex.start)
        ):
            day = dt.date.fromisoformat(timex.value or "")
            timex = Timex(week.start(), timex.end, TimexType.DATE, iso_week(day))
        previous = result[-1] if result else None
        joined = _join_pair(text, previous, timex) if previous else None
        if joined is None:
            result.append(timex)
        else:
            result[-1] = joined
    return result


def _join_pair(text: str, first: Timex, second: Timex) -> Timex | None:
    gap = text[first.end : second.start]
    day, clock = second.value or "", first.value or ""
    if (
        first.type is TimexType.TIME
        and "T" in clock
        and _DAY_VALUE.fullmatch(day)
        and _TIME_DAY_GAP.fullmatch(gap)
    ):
        return Timex(first.start, second.end, TimexType.TIME, f"{day}{clock[clock.index('T') :]}")
    if (
        (_MONTH_VALUE.fullmatch(clock) or _SEASON_VALUE.fullmatch(clock))
        and _YEAR_VALUE.fullmatch(day)
        and not text[second.start].isdigit()
        and _MONTH_YEAR_GAP.fullmatch(gap)
    ):
        return Timex(first.start, second.end, TimexType.DATE, f"{day}{clock[4:]}")
    return None


_THE_QUARTER = re.compile(r"(?:the|this) quarter", re.I)
_QUARTER_VALUE = re.compile(r"(?P<year>\d{4})-Q(?P<quarter>\d)")
#: A period other than the quarter, named in the sentence before "a year earlier": "for the
#: nine months, net rose ... from $2 million a year earlier" compares nine months, not quarters.
_OTHER_PERIOD = re.compile(
    r"\b(?:nine|six|three|twelve|\d+) months\b|\b(?:first|second) half\b|\bfull year\b|"
    r"\byear to date\b|\bfiscal year\b",
    re.IGNORECASE,
)


def _follow_quarters(text: str, found: list[Timex]) -> list[Timex]:
    """ "profit rose in the third quarter from a year earlier": the same quarter, a year back.

    Earnings reports compare a quarter with the same quarter of the year before: once an
    article has named a quarter, its "a year earlier" means that quarter a year back, not the
    whole previous year, until another quarter is named or the sentence names another period;
    and its "the latest period" and "the quarter" are the quarter it last named, and "the 1988
    quarter" that quarter of 1988. Following "the quarter" scored 0.8067 → 0.8072 on
    TempEval-3 train; following "the latest quarter" too scored 0.8056 (it is mostly the
    anchor's latest quarter).
    Reaching back over the whole article rather than 250 characters of one paragraph
    scored value F1 0.7685 → 0.7729 on TempEval-3 train (benchmarks/bench_time.py).
    """
    result: list[Timex] = []
    quarter: re.Match[str] | None = None
    for timex in found:
        words = text[timex.start : timex.end]
        if quarter and (LATEST_PERIOD.fullmatch(words) or _THE_QUARTER.fullmatch(words)):
            timex = Timex(timex.start, timex.end, timex.type, quarter.group())
        elif (stated := YEAR_QUARTER.fullmatch(words)) is not None:
            if quarter and not stated["ord"]:  # a comparison: it names no quarter of its own
                value = f"{int(stated['year']):04d}-Q{quarter['quarter']}"
                timex = Timex(timex.start, timex.end, timex.type, value)
        elif (m := _QUARTER_VALUE.fullmatch(timex.value or "")) is not None:
            quarter = m
        elif (
            quarter
            and YEAR_BACK.fullmatch(text[timex.start : timex.end])
            and not _OTHER_PERIOD.search(text, start_of_sentence(text, timex.start), timex.start)
        ):
            value = f"{int(quarter['year']) - 1:04d}-Q{quarter['quarter']}"
            timex = Timex(timex.start, timex.end, timex.type, value)
        result.append(timex)
    return result


#: Capitalised words a date may hold anywhere in a sentence.
_CAPITALISED_IN_DATES = frozenset(
    [w.lower() for w in MONTH_NAMES + WEEKDAYS] + [a.lower() for a in MONTH_ABBREVIATIONS]
)
_OPENING = "\"'`‘“("


def _in_a_title(text: str, start: int, end: int) -> bool:
    """Whether the expression is (part of) a title: "ABC's This Week", "60 Minutes", "High Noon".

    A word capitalised where no sentence begins, that is no month or weekday, is a name's.
    """
    words = text[start:end].split()
    before = text[:start].rstrip().rstrip(_OPENING).rstrip()
    begins_sentence = not before or before[-1] in ".!?:;\n" or not before[-1].isalnum()
    for position, word in enumerate(words):
        bare = word.strip(".,'’")
        if not bare[:1].isupper() or bare.isupper() or bare.lower() in _CAPITALISED_IN_DATES:
            continue
        if position > 0 or not begins_sentence:
            return True
    return False


def _span(m: re.Match[str]) -> tuple[int, int]:
    """The expression's own span: group ``x`` where a rule matches context words around it."""
    return m.span("x") if "x" in m.re.groupindex else m.span()


def _longest(
    candidates: list[tuple[int, int, int, tuple[TimexType, str | None]]],
) -> list[tuple[int, int, tuple[TimexType, str | None]]]:
    """Non-overlapping candidates, preferring the longest, then the earliest rule."""
    taken: list[tuple[int, int, tuple[TimexType, str | None]]] = []
    for start, end, _, result in sorted(candidates, key=lambda c: (c[0] - c[1], c[2], c[0])):
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, result))
    return sorted(taken, key=lambda t: (t[0], t[1]))


class TimexStage:
    """Provides ``timex``: the time expressions of each article's body, headline and dateline
    (:func:`time_refs`), resolved against its date.

    Where the batch's parse is there (the NLP stage runs first in the pipeline), each
    expression also gets the clause it dates (:func:`event_clause`); without it, none.
    """

    name: ClassVar[str] = "timex"
    language_bound: ClassVar[bool] = True  # English models or rules
    needs: ClassVar[frozenset[str]] = frozenset({"article"})
    provides: ClassVar[frozenset[str]] = frozenset({"timex"})

    def __call__(self, documents: list[Document]) -> list[Document]:
        for document in documents:
            document.timex = time_refs(document.article, parse=document.parse)
        return documents


def time_refs(
    article: Article,
    published: PubDate | None = None,
    events: Sequence[TimeRef] = (),
    parse: Any = None,
) -> list[TimeRef]:
    """The time expressions of the article's headline and dateline lines (:func:`head_lines`)
    and of its body, resolved against ``published`` (by default its own date), with spans in
    the article's text.

    Each body expression gets the clause it dates, and whether it dates what its sentence
    reports (:func:`dates_its_sentence`), from ``parse`` (the spaCy ``Doc`` of the body), or
    from ``events``, earlier refs of the same article (the parse is not kept after
    annotation); a headline or dateline has no clause of the body.
    """
    if not article.body:
        return []
    published = published or article.published
    anchor = published.date if published else None
    precision = published.precision if published else Precision.DAY
    refs = []
    for line in head_lines(article):
        for timex in find_timexes(line.of(article.text), anchor, precision):
            span = Span(line.start + timex.start, line.start + timex.end)
            refs.append(TimeRef(span, span.of(article.text), timex.type, timex.value, None))
    view = article.body_view
    known = {ref.span: ref for ref in events}
    for timex in find_timexes(view.text, anchor, precision):
        span = view.to_source(timex.start, timex.end)
        earlier = known.get(span)
        event = earlier.event if earlier else None
        reports = earlier.reports if earlier else None
        if parse is not None:
            if clause := event_clause(parse, timex.start, timex.end):
                event = view.to_source(*clause)
            reports = dates_its_sentence(parse, timex.start, timex.end)
        text = span.of(article.text)
        refs.append(TimeRef(span, text, timex.type, timex.value, event, reports))
    return refs


#: ``Dropped.reason`` of the headline line the cleaner found above the body.
_HEADLINE = "title"


def head_lines(article: Article) -> list[Span]:
    """The lines above the body that are the article's own words: its headline, and a dateline
    on a line of its own ("WASHINGTON, March 12 (Xinhua) --"), both left out of the body by
    cleaning. Their dates are the report's ("The Times says in an editorial on Thursday,
    Jan. 6"); the other lines above the body (menus, share buttons, related links) are not
    read. Reading them scored TempEval-3 train value F1 0.8171 → 0.8209 through analyze and
    export (benchmarks/bench_time.py --through-analyze): twelve wire datelines and a headline.
    """
    first = article.body[0].start
    return [
        dropped.span
        for dropped in article.dropped
        if dropped.span.end <= first
        and (dropped.reason == _HEADLINE or _is_dateline(dropped.span.of(article.text)))
    ]


def _is_dateline(line: str) -> bool:
    # The cleaner's pattern reads a dateline that opens a paragraph, so it wants what follows
    # the dash; a dateline on a line of its own ends with it.
    return DATELINE.fullmatch(f"{line.strip()} ") is not None


#: Parts of speech that head a clause a time expression can date, and the dependencies of a
#: clause that describes a noun (relative and participle clauses).
_CLAUSE_HEADS = frozenset({"VERB", "AUX"})
_RELATIVE = frozenset({"relcl", "acl"})


def _governing_verb(parse: Any, start: int, end: int) -> Any:
    """The verb (or auxiliary) nearest above the expression at ``[start, end)``, or None."""
    span = parse.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    verb = span.root
    while verb.pos_ not in _CLAUSE_HEADS and verb.head.i != verb.i:
        verb = verb.head
    return verb if verb.pos_ in _CLAUSE_HEADS else None


def event_clause(parse: Any, start: int, end: int) -> tuple[int, int] | None:
    """Character range of the clause the expression at ``[start, end)`` of the parsed text
    dates: the subtree of the nearest verb above it, with the noun a relative clause describes
    ("Hamas, which won the elections on Jan. 25" rather than the whole sentence about Putin).

    Why: a timeline event is what happened on that date, and a sentence often dates one clause
    and says more; merged across outlets by what it says, the whole sentence would keep apart
    two reports of one event (the seeds' election: cosine 0.49 as sentences, 0.67 as clauses).
    """
    verb = _governing_verb(parse, start, end)
    if verb is None:
        return None
    first, last = verb.left_edge, verb.right_edge
    if verb.dep_ in _RELATIVE and verb.head.i < first.i:
        first = verb.head.left_edge
    while last.i > first.i and (last.is_punct or last.is_space):
        last = parse[last.i - 1]
    return first.idx, last.idx + len(last.text)


#: Dependencies of a phrase that describes a noun rather than reports an event: relative and
#: participle clauses ("which won ... last month", "agreed last year") and appositives.
_DESCRIBING = frozenset({"relcl", "acl", "appos"})
#: Dependencies of a date that modifies a noun ("the April 20 explosion", "Tuesday's vote"):
#: it dates that noun, which is the sentence's event only when it is the subject ("Monday's
#: attack killed 11"), not when it is what something else is about ("an investigation into
#: the April 20 rig explosion", "a moratorium following the April 20 blowout").
_NOUN_MODIFIERS = frozenset({"nmod", "poss", "compound"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
#: Prepositions and conjunctions that make a date the bound of another time, not its day.
_BOUNDS = frozenset({"since", "until", "till", "after", "before", "by"})
#: Conjunctions that put an adverbial clause at the main event's own time.
_SAME_TIME = frozenset({"when", "as", "while"})
_DATE_ENTITIES = frozenset({"DATE", "TIME"})


def dates_its_sentence(parse: Any, start: int, end: int) -> bool:
    """Whether the expression at ``[start, end)`` of the parsed text dates what its sentence
    reports: the path from it up to its sentence's root (a quoted sentence's own root counts:
    "Today we must recognize ..." is the speaker's statement of that day) passes through no
    phrase that describes a noun ("Hamas, which won the elections on Jan. 25"; "a ceasefire
    agreed last year"), no adverbial clause of another time ("after it won the elections last
    year") and no preposition that bounds ("since 1967").

    Why: a timeline dates a sentence by the event it reports; a date it only mentions put
    Putin's February words in January and a 2006 statement in 1967 (issue 26's seeds).
    """
    span = parse.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return True  # no tokens to judge by: the clause the annotation found stands
    node = span.root
    if node.dep_ == "pobj" and node.head.lower_ in _BOUNDS:
        return False
    while node.head.i != node.i:
        of_a_date = node.head.ent_type_ in _DATE_ENTITIES  # "Friday, March 3"; "20 April 2010"
        if node.dep_ in _DESCRIBING and not (node.dep_ == "appos" and of_a_date):
            return False
        if node.dep_ in _NOUN_MODIFIERS and not of_a_date and node.head.dep_ not in _SUBJECTS:
            return False
        if node.dep_ == "advcl" and not _at_same_time(node):
            return False
        if node.dep_ == "pcomp" and node.head.lower_ in _BOUNDS:
            return False
        node = node.head
    return True


def _at_same_time(verb: Any) -> bool:
    """Whether an adverbial clause happens at its main clause's time: one with no conjunction
    ("Speaking at a news conference tonight, Mish'al said") or a "when"/"as"/"while" one."""
    marker = next(
        (
            c.lower_
            for c in verb.children
            if c.i < verb.i and (c.dep_ == "mark" or (c.dep_ == "advmod" and c.tag_ == "WRB"))
        ),
        None,
    )
    return marker is None or marker in _SAME_TIME
