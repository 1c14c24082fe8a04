"""Small news pages for the web-input tests (WARC records, feed pages): made by hand, each
with a menu and a footer around a few paragraphs of article text, as real pages come."""

from __future__ import annotations

from html import escape

#: Article paragraphs by page name: three unrelated reports, and one in German.
STORIES = {
    "bridge": [
        "The harbour bridge reopened to traffic on Wednesday morning after eight months of "
        "repairs to its corroded steel deck, the city transport office said.",
        "Engineers replaced more than four hundred rivets and repainted the main span, which "
        "carries about twenty thousand vehicles a day between the old town and the ferry port.",
        '"We finished two weeks ahead of schedule and under budget," said the project manager, '
        "Jonas Berg, speaking at a short ceremony on the eastern approach.",
    ],
    "library": [
        "The county library will open on Sundays from next month, the council announced on "
        "Tuesday, after a survey found that most readers could not visit during the week.",
        "The longer hours will be paid for by closing two small branches that had fewer than "
        "thirty visitors a day, the council's head of culture, Amira Haddad, told reporters.",
        "Staff unions said they had not been consulted and would ask for a meeting with the "
        "council before the new timetable starts on the first of the month.",
    ],
    "orchard": [
        "Apple growers in the valley expect their smallest harvest in a decade after a late "
        "frost in April destroyed much of the blossom, the growers' association said on Monday.",
        "The association's chairman, Peter Okafor, said some farms had lost nine in ten of "
        "their trees' flowers and would ask the regional government for emergency support.",
        "Cider makers in the area said they would buy fruit from other regions to keep their "
        "presses running through the autumn, although prices were likely to rise.",
    ],
    "german": [
        "Die Hafenbrücke ist am Mittwochmorgen nach acht Monaten Bauzeit wieder für den "
        "Verkehr freigegeben worden, wie das städtische Verkehrsamt mitteilte.",
        "Die Ingenieure haben mehr als vierhundert Nieten ersetzt und die Hauptspannweite neu "
        "gestrichen, über die täglich rund zwanzigtausend Fahrzeuge fahren.",
    ],
}


def news_page(
    name: str,
    title: str | None = None,
    lang: str | None = "en",
    published: str | None = None,
) -> str:
    """An HTML page of ``STORIES[name]``; ``title`` None leaves out <title> and <h1>, and
    ``published`` None leaves out every date, so that only hints can give them."""
    lang_attribute = f' lang="{lang}"' if lang else ""
    head = f"<title>{escape(title)}</title>" if title else ""
    if published:
        head += f'<meta property="article:published_time" content="{published}">'
    heading = f"<h1>{escape(title)}</h1>" if title else ""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in STORIES[name])
    return (
        f'<!DOCTYPE html>\n<html{lang_attribute}><head><meta charset="utf-8">{head}</head>\n'
        '<body><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>'
        '<li><a href="/sport">Sport</a></li></ul></nav>\n'
        f"<main><article>{heading}\n{body}\n</article></main>\n"
        "<footer><p>Copyright The Valley Courier. All rights reserved.</p></footer>\n"
        "</body></html>\n"
    )
