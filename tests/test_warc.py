"""READ for web archives: a WARC's HTML pages become raw documents, everything else is passed
over or, when the file is broken, one failure that names where; re-reading changes nothing."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.read.inputs import read_inputs
from storyline.read.pages import declared_languages, decode_html, language_refusal
from storyline.records import PassedOver, RawDocument, ReadFailure
from storyline.settings import ReadSettings, Settings
from webpages import news_page

ARCHIVED = "2024-05-02T10:00:00Z"


def response(
    writer: WARCWriter,
    url: str,
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    status: str = "200 OK",
    headers: tuple[tuple[str, str], ...] = (),
) -> None:
    http = StatusAndHeaders(status, [("Content-Type", content_type), *headers], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        length=len(body),  # known: warcio then leaves no temporary file open
        http_headers=http,
        warc_headers_dict={"WARC-Date": ARCHIVED},
    )
    writer.write_record(record)


def write_crawl(path: Path) -> None:
    """A small crawl, record by record (the numbers are the records' numbers in the file):

    1 warcinfo; 2 the request for the bridge page; 3 the bridge page (English, with a
    Last-Modified header); 4 an image; 5 a 404 page; 6 a German page; 7 a page declaring
    French in its Content-Language header only; 8 the library page (no language declared).
    """
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=path.suffix == ".gz")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        request = StatusAndHeaders("GET /bridge HTTP/1.1", [("Host", "courier.example")])
        writer.write_record(
            writer.create_warc_record(
                "https://courier.example/bridge", "request", http_headers=request
            )
        )
        bridge = news_page("bridge", "Harbour bridge reopens").encode()
        modified = (("Last-Modified", "Thu, 09 Feb 2006 10:00:00 GMT"),)
        response(writer, "https://courier.example/bridge", bridge, headers=modified)
        response(writer, "https://courier.example/logo.png", b"\x89PNG\r\n", "image/png")
        missing = news_page("orchard", "Not found").encode()
        response(writer, "https://courier.example/gone", missing, status="404 Not Found")
        german = news_page("german", "Hafenbrücke wieder offen", lang="de-DE").encode()
        response(writer, "https://courier.example/de/bruecke", german)
        french = news_page("orchard", "Récolte", lang=None).encode()
        response(
            writer, "https://courier.example/fr", french, headers=(("Content-Language", "fr"),)
        )
        library = news_page("library", "Library opens on Sundays", lang=None).encode()
        response(writer, "https://courier.example/library", library)


@pytest.fixture(params=[".warc", ".warc.gz"])
def crawl(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path = tmp_path / f"crawl{request.param}"
    write_crawl(path)
    return path


def read_all(path: Path, settings: ReadSettings) -> list[RawDocument | ReadFailure | PassedOver]:
    return list(read_inputs([path], settings))


def test_html_200_responses_become_documents_and_the_rest_is_passed_over(
    crawl: Path, settings: Settings
) -> None:
    results = read_all(crawl, settings.read)
    by_record = {r.source.rsplit("#", 1)[1]: r for r in results}
    # Records 1 and 2 (warcinfo, request) hold no page: neither read nor counted.
    assert list(by_record) == [f"record-{n}" for n in range(3, 9)]
    bridge, library = by_record["record-3"], by_record["record-8"]
    assert isinstance(bridge, RawDocument) and isinstance(library, RawDocument)
    assert bridge.url == "https://courier.example/bridge"
    assert "four hundred rivets" in (bridge.html or "") and bridge.text is None
    assert bridge.hints and bridge.hints.published == "2006-02-09"  # Last-Modified first
    assert library.hints and library.hints.published == "2024-05-02"  # else the WARC-Date
    assert library.hints.published_origin.startswith("WARC-Date")
    reasons = {k: r.reason for k, r in by_record.items() if isinstance(r, PassedOver)}
    assert reasons == {
        "record-4": "not HTML (image/png)",
        "record-5": "HTTP status 404, not 200",
        "record-6": "language de-DE not in read.languages (en)",
        "record-7": "language fr not in read.languages (en)",
    }


def test_languages_are_a_setting_and_an_empty_list_keeps_all(
    crawl: Path, settings: Settings
) -> None:
    german = settings.read.model_copy(update={"languages": ["de"]})
    kept = [r.source for r in read_all(crawl, german) if isinstance(r, RawDocument)]
    assert [k.rsplit("#", 1)[1] for k in kept] == ["record-6", "record-8"]
    every = settings.read.model_copy(update={"languages": []})
    kept = [r.source for r in read_all(crawl, every) if isinstance(r, RawDocument)]
    assert [k.rsplit("#", 1)[1] for k in kept] == ["record-3", "record-6", "record-7", "record-8"]


@pytest.mark.parametrize("cut", [40, 400, 2000])
def test_a_file_cut_short_keeps_the_records_before_and_names_where_it_broke(
    crawl: Path, settings: Settings, cut: int
) -> None:
    whole = read_all(crawl, settings.read)
    data = crawl.read_bytes()
    crawl.write_bytes(data[: len(data) - cut])
    results = read_all(crawl, settings.read)
    *kept, failure = results
    assert isinstance(failure, ReadFailure), failure
    number = int(failure.source.rsplit("record-", 1)[1])
    assert failure.source == f"{crawl}#record-{number}"
    assert failure.reason.startswith(f"broken WARC at record {number} (")
    assert f"the {number - 1} records before it were read" in failure.reason
    # Every record before the break is read as it was in the whole file, none after it.
    assert kept and kept == [r for r in whole if int(r.source.rsplit("-", 1)[1]) < number]


def test_a_garbled_record_gives_one_failure_with_its_offset(
    tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "garbled.warc"
    write_crawl(path)
    data = path.read_bytes()
    path.write_bytes(data + b"this is not a WARC record\r\n\r\n")
    *kept, failure = read_all(path, settings.read)
    assert isinstance(failure, ReadFailure)
    assert failure.source == f"{path}#record-9"
    assert f"broken WARC at record 9 (byte {len(data)}):" in failure.reason
    assert len(kept) == 6


def test_a_gz_that_is_not_gzip_fails_at_its_first_record(
    tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "plain.warc.gz"
    write_crawl(tmp_path / "plain.warc")
    path.write_bytes((tmp_path / "plain.warc").read_bytes())
    [failure] = read_all(path, settings.read)
    assert isinstance(failure, ReadFailure) and failure.source == f"{path}#record-1"
    assert "not gzip" in failure.reason and "no record read" in failure.reason


def test_warcs_in_a_folder_are_found(tmp_path: Path, settings: Settings) -> None:
    write_crawl(tmp_path / "a.warc.gz")
    write_crawl(tmp_path / "b.warc")
    (tmp_path / "notes.gz").write_bytes(b"")
    sources = {r.source.split("#")[0] for r in read_all(tmp_path, settings.read)}
    assert sources == {str(tmp_path / "a.warc.gz"), str(tmp_path / "b.warc")}


def test_a_large_warc_is_streamed_not_held(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "large.warc.gz"
    page = news_page("bridge", "Harbour bridge reopens").encode() * 40  # about 40 kB
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for number in range(200):  # about 8 MB of pages
            response(writer, f"https://courier.example/{number}", page)
    tracemalloc.start()
    try:
        count = sum(1 for r in read_inputs([path], settings.read) if isinstance(r, RawDocument))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200
    assert peak < 2_000_000, peak  # a few pages' worth, never the file


def test_pages_are_decoded_in_their_declared_charset() -> None:
    latin = "<p>Señor Zapatero</p>".encode("latin-1")
    assert decode_html(latin, "text/html; charset=ISO-8859-1") == "<p>Señor Zapatero</p>"
    meta = b'<meta charset="windows-1252"><p>caf\xe9</p>'
    assert decode_html(meta, "text/html").endswith("café</p>")
    assert decode_html("<p>naïve</p>".encode(), None) == "<p>naïve</p>"


def test_the_declared_language_is_the_html_lang_else_the_header() -> None:
    assert declared_languages('<html xml:lang="en-GB" lang="en-GB">', "fr") == ["en-GB"]
    assert declared_languages("<html><body>", "de, en") == ["de", "en"]
    assert declared_languages("<html><body>", None) == []
    assert language_refusal("<html><body>", "de, en", ["en"]) is None
    assert language_refusal("<html lang=fr>", None, ["en", "de"]) == (
        "language fr not in read.languages (en, de)"
    )


def test_analysing_a_warc_cleans_its_pages_and_a_second_run_is_a_no_op(
    tmp_path: Path, settings: Settings
) -> None:
    import storyline
    from storyline.store.store import Store

    path = tmp_path / "crawl.warc.gz"
    write_crawl(path)
    db = tmp_path / "store.db"
    first = storyline.analyze([path], db=db, settings=settings)
    assert len(first.added) == 2 and not first.failures and len(first.passed_over) == 4
    with Store(db) as store:
        before = store.dump()
        articles = {d.article.source.rsplit("#", 1)[1]: d.article for d in store.load_documents()}
    bridge, library = articles["record-3"], articles["record-8"]
    assert bridge.title == "Harbour bridge reopens"
    assert "Home" not in bridge.body_text and "four hundred rivets" in bridge.body_text
    assert bridge.url == "https://courier.example/bridge"
    assert bridge.published and bridge.published.iso() == "2006-02-09"
    assert library.published and library.published.origin == "WARC-Date (when archived)"
    second = storyline.analyze([path], db=db, settings=settings)
    assert not second.added and sorted(second.already_stored) == sorted(first.added)
    with Store(db) as store:
        assert store.dump() == before
