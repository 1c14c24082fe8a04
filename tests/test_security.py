"""The server is safe to expose: it binds loopback by default, writing needs a token off
loopback, bodies and request rates are limited, no parameter reaches a file, every page
escapes what articles say, and values reach SQL only as parameters.

One small store (two articles: one with markup in its title, outlet, text and a quote; one
whose id, title, text and outlet are an SQL injection) is analysed once, through the API,
with every SQL string the store sends recorded.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import socket
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Route

from conftest import ROOT, error_of
from storyline.serve.app import create_app
from storyline.serve.guards import API_LIMITS, is_loopback, write_token_for
from storyline.settings import Settings, load_settings
from storyline.store.store import Store

TOKEN = "test-token-not-a-secret"
#: The rate limit is its own test's subject; elsewhere it would only get in the way.
UNLIMITED = {"requests_per_minute": 0, "writes_per_minute": 0}

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
HOSTILE = {
    "id": "hostile-1",
    "outlet": f"Evil {BREAKOUT} Wire",
    # Article data is untrusted, its URL too: shown as text, never a link.
    "url": f"javascript:alert(1)//{BREAKOUT}",
    "published": "2019-05-02",
    "title": f"{SCRIPT} River floods Dorset {BREAKOUT}",
    "text": (
        "The river Stour burst its banks in Dorset on Wednesday, the county council said. "
        f"{BREAKOUT} Firefighters said the water had reached the old bridge by noon. "
        f'"The water {SCRIPT} reached the old bridge before we could close the road," said '
        "John Smith, the head of the Dorset fire service. Residents of Blandford said they "
        "moved their cars to higher ground and that the roads stayed closed on Thursday."
    ),
}
#: What an injected statement would look like; it must never be part of any SQL text.
MARKER = "x' OR '1'='1'; DROP TABLE articles; -- storyline-sqli-marker"
INJECTION = {
    "id": MARKER,
    "outlet": MARKER,
    "published": "2019-06-10",
    "title": f"Parliament votes on the budget {MARKER}",
    "text": (
        f"The parliament in Vienna voted on the budget on Monday. {MARKER} The finance "
        "minister Anna Berger said the vote was a step towards lower debt, and the opposition "
        "said it would take the budget to the constitutional court in the autumn."
    ),
}


# --------------------------------------------------------------------------- the store


@dataclass
class Recorded:
    """The SQL text of every execute/executemany a store sent, as it was passed: parameters
    are separate, so a value in the text got there by string building."""

    statements: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sql: str) -> None:
        with self.lock:
            self.statements.append(sql)


class RecordingConnection:
    """The store's connection, recording the SQL text of each statement before running it."""

    def __init__(self, inner: Any, recorded: Recorded) -> None:
        self._inner = inner
        self._recorded = recorded

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Any:
        self._recorded.add(sql)
        return self._inner.execute(sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Any:
        self._recorded.add(sql)
        return self._inner.executemany(sql, parameters)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@pytest.fixture(scope="module")
def recorded() -> Recorded:
    return Recorded()


@pytest.fixture(scope="module")
def recording(recorded: Recorded) -> Iterator[Recorded]:
    """While it lasts, every Store opened records the SQL text it sends."""
    opened = Store.__init__

    def init(self: Store, *args: Any, **kwargs: Any) -> None:
        opened(self, *args, **kwargs)
        self._db = RecordingConnection(self._db, recorded)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Store, "__init__", init)
        yield recorded


def unlimited() -> Settings:
    return load_settings(serve=UNLIMITED)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, recording: Recorded) -> Path:
    """The two articles, posted to the API (with its token) into a new store."""
    path = tmp_path_factory.mktemp("security") / "storyline.db"
    Store(path).close()
    with TestClient(create_app(path, unlimited(), write_token=TOKEN)) as client:
        answer = client.post(
            "/api/articles",
            json=[HOSTILE, INJECTION],
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
    assert answer.status_code == 200, answer.text
    assert sorted(answer.json()["added"]) == sorted([HOSTILE["id"], MARKER])
    return path


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db, unlimited(), write_token=TOKEN)) as opened:
        yield opened


# --------------------------------------------------------------------------- binding and token


def test_serve_binds_loopback_by_default() -> None:
    from storyline.cli import serve

    host = inspect.signature(serve).parameters["host"]
    assert host.default == "127.0.0.1"
    assert is_loopback(host.default)


def test_loopback_is_told_apart_from_other_addresses() -> None:
    for host in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"):
        assert is_loopback(host), host
    for host in ("0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.org", "localhost.evil"):
        assert not is_loopback(host), host


def test_off_loopback_a_token_is_made_and_a_given_one_holds_everywhere() -> None:
    assert write_token_for("127.0.0.1", None) == (None, False)
    assert write_token_for("localhost", "") == (None, False)
    made, was_made = write_token_for("0.0.0.0", None)
    assert was_made and made and len(made) >= 40  # token_urlsafe(32): 43 characters
    assert write_token_for("0.0.0.0", None)[0] != made  # a new one each run
    assert write_token_for("0.0.0.0", "mine") == ("mine", False)
    assert write_token_for("127.0.0.1", "mine") == ("mine", False)  # loopback too


def test_serve_help_names_the_token_and_the_limits() -> None:
    from typer.testing import CliRunner

    from storyline.cli import app

    shown = " ".join(CliRunner().invoke(app, ["serve", "--help"]).output.split())
    assert "127.0.0.1" in shown and "STORYLINE_TOKEN" in shown and "Bearer" in shown
    assert "429" in shown and "413" in shown


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_off_loopback_prints_a_token_once_and_requires_it(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from storyline.cli import app

    served: list[Any] = []
    # The command binds its socket, then runs the server on it: record instead of serving.
    monkeypatch.setattr(
        uvicorn.Server,
        "run",
        lambda server, sockets=None: served.append(
            (server.config.app, {"host": server.config.host, "sockets": sockets})
        ),
    )
    monkeypatch.delenv("STORYLINE_TOKEN", raising=False)
    port = str(free_port())
    result = CliRunner().invoke(
        app, ["serve", "--db", str(db), "--host", "0.0.0.0", "--port", port]
    )
    assert result.exit_code == 0, result.output
    (printed,) = re.findall(r"Authorization: Bearer (\S+?)\"", result.output)
    assert result.output.count(printed) == 2  # once alone, once in the header to send
    ((served_app, options),) = served
    assert options["host"] == "0.0.0.0"
    with TestClient(served_app) as remote:
        error_of(remote.post("/api/articles", json=[{"title": "no text"}]), 401)
        authorized = {"Authorization": f"Bearer {printed}"}
        error_of(remote.post("/api/articles", json=[{"title": "t"}], headers=authorized), 422)
    # A token in the environment is used, on loopback too, and never printed.
    monkeypatch.setenv("STORYLINE_TOKEN", "chosen-token")
    result = CliRunner().invoke(app, ["serve", "--db", str(db), "--port", port])
    assert result.exit_code == 0 and "chosen-token" not in result.output
    with TestClient(served[-1][0]) as local:
        error_of(local.post("/api/articles", json=[{"title": "no text"}]), 401)


def test_writing_needs_the_token_and_reading_does_not(client: TestClient) -> None:
    def post(authorization: str | None) -> Any:
        # A body validation refuses (no text), after the token: nothing is analysed.
        headers = {"Authorization": authorization} if authorization is not None else {}
        return client.post("/api/articles", json=[{"title": "no text"}], headers=headers)

    missing = post(None)
    assert error_of(missing, 401)["code"] == "unauthorized"
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    assert error_of(post("Bearer no"), 403)["code"] == "forbidden"
    assert error_of(post(f"Bearer {TOKEN}x"), 403)["code"] == "forbidden"
    assert error_of(post("Bearer " + TOKEN[:-1]), 403)["code"] == "forbidden"
    for not_bearer in (f"Basic {TOKEN}", "Bearer", "Bearer   ", TOKEN):
        error_of(post(not_bearer), 401)
    error_of(post(f"Bearer {TOKEN}"), 422)  # past the token, refused for what it says
    for path in ("/", "/api/stories", "/api/outlets", f"/articles/{HOSTILE['id']}", "/docs"):
        assert client.get(path).status_code == 200, path


def test_without_a_token_writing_is_open(db: Path) -> None:
    with TestClient(create_app(db, unlimited())) as open_client:
        error_of(open_client.post("/api/articles", json=[{"title": "no text"}]), 422)


# --------------------------------------------------------------------------- size and rate


def test_bodies_over_the_limit_are_refused_declared_or_chunked(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}", "content-type": "application/json"}
    big = b"[" + b" " * API_LIMITS.body_bytes + b"]"
    declared = client.post("/api/articles", content=big, headers=auth)
    assert error_of(declared, 413)["code"] == "too_large"
    sent: list[int] = []

    def chunks() -> Iterator[bytes]:  # a generator: httpx sends it chunked, with no length
        yield b"["
        for _ in range(API_LIMITS.body_bytes // 1_000_000 + 1):
            sent.append(1)
            yield b" " * 1_000_000
        yield b"]"

    chunked = client.post("/api/articles", content=chunks(), headers=auth)
    assert chunked.request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in chunked.request.headers
    assert error_of(chunked, 413)["code"] == "too_large"
    lying = client.post("/api/articles", content=big, headers={**auth, "content-length": "10"})
    assert lying.status_code in (400, 413)  # a short declared length is no way past the limit

    def small() -> Iterator[bytes]:
        yield b'[{"title": '
        yield b'"no text"}]'

    under = client.post("/api/articles", content=small(), headers=auth)
    assert "text" in error_of(under, 422)["message"]  # read whole and validated


def test_past_the_rate_limit_a_client_is_told_when_to_come_back(db: Path) -> None:
    limited = load_settings(serve={"requests_per_minute": 5, "writes_per_minute": 2})
    with TestClient(create_app(db, limited)) as limited_client:
        no_text = [{"title": "no text"}]
        for _ in range(2):
            assert limited_client.post("/api/articles", json=no_text).status_code == 422
        write = limited_client.post("/api/articles", json=no_text)
        assert error_of(write, 429)["code"] == "too_many_requests"
        assert 1 <= int(write.headers["Retry-After"]) <= 60
        for _ in range(2):  # reads still have room: 3 of 5 used
            assert limited_client.get("/api/outlets").status_code == 200
        read = limited_client.get("/api/outlets")
        error_of(read, 429)
        assert 1 <= int(read.headers["Retry-After"]) <= 60
        assert limited_client.get("/").status_code == 429  # pages count alike


def test_every_answer_lets_a_browser_load_only_from_this_server(client: TestClient) -> None:
    for path in ("/", "/docs", "/redoc", "/api/stories", "/stories/nosuch", "/favicon.ico"):
        policy = client.get(path).headers["content-security-policy"]
        assert "default-src 'self'" in policy and "img-src 'self' data:" in policy, path
        assert "http" not in policy and "*" not in policy and "unsafe-eval" not in policy


# --------------------------------------------------------------------------- no file access

HOSTILE_VALUES = (
    "../../../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/etc/passwd",
    "/etc/passwd",
    "%00",
    "C:\\Windows\\win.ini",
    "....//....//etc/passwd",
    "x" * 10_000,
)
#: What the files asked for hold; no answer may show them.
FILE_CONTENTS = ("root:x:0:0", "[fonts]", "for 16-bit app support")


def _routes(client: TestClient) -> list[Route]:
    return [r for r in client.app.routes if isinstance(r, Route)]  # type: ignore[attr-defined]


def _safe(response: Any) -> None:
    assert response.status_code < 500, (response.request.url, response.text[:300])
    for contents in FILE_CONTENTS:
        assert contents not in response.text, response.request.url


def test_no_path_parameter_reaches_a_file(client: TestClient) -> None:
    with_parameters = [r for r in _routes(client) if r.param_convertors]
    assert len(with_parameters) >= 6  # the API's and the pages' {id} routes
    for route in with_parameters:
        for value in HOSTILE_VALUES:
            # As written (the client may fold dot segments) and as one encoded segment.
            for given in (value, quote(value, safe="")):
                path = route.path
                for name in route.param_convertors:
                    path = path.replace("{" + name + "}", given)
                for method in route.methods or {"GET"}:
                    if method == "HEAD":
                        continue
                    response = client.request(method, path)
                    _safe(response)
                    assert response.status_code in (400, 404, 405, 422), (path, response.text)


def test_no_query_parameter_reaches_a_file(client: TestClient) -> None:
    checked = 0
    for route in _routes(client):
        if not isinstance(route, APIRoute) or not route.dependant.query_params:
            continue
        path = route.path
        for name in route.param_convertors:
            path = path.replace("{" + name + "}", quote(HOSTILE["id"], safe=""))
        for param in route.dependant.query_params:
            for value in HOSTILE_VALUES:
                for method in route.methods - {"HEAD"}:
                    response = client.request(method, path, params={param.alias: value})
                    _safe(response)
                    assert response.status_code in (200, 400, 404, 422), (path, param.alias)
                    checked += 1
    assert checked >= 60  # /api/stories' seven, the article's `dropped`, the list's two


def test_no_file_is_served_at_all(client: TestClient) -> None:
    for path in ("/etc/passwd", "/static/../../etc/passwd", "/templates/base.html", "/.env"):
        _safe(client.get(path))
        assert client.get(path).status_code == 404, path


# --------------------------------------------------------------------------- escaping


def _pages(client: TestClient) -> dict[str, str]:
    """Every page that shows the hostile article's title, outlet, text or quote."""
    story = client.get(f"/api/articles/{HOSTILE['id']}").json()
    smith = next(m["entity"] for m in story["entities"] if m["name"] == "John Smith")
    (story_id,) = (
        i["id"] for i in client.get("/api/stories", params={"q": "Dorset"}).json()["items"]
    )
    return {
        "story list": "/",
        "search": "/?q=Dorset",
        "story": f"/stories/{story_id}",
        "article": f"/articles/{HOSTILE['id']}",
        "entity": f"/entities/{smith}",
    }


def test_every_page_shows_hostile_text_escaped_only(client: TestClient) -> None:
    for name, path in _pages(client).items():
        page = client.get(path)
        assert page.status_code == 200, name
        html = page.text
        assert SCRIPT not in html and "<img src=x" not in html, name
        assert "onerror=alert(1)>" not in html.replace("onerror=alert(1)&gt;", ""), name
        # Shown, as text: the escaped markup is on the page.
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or (
            "&lt;img src=x onerror=alert(1)&gt;" in html
        ), name
    article = client.get(f"/articles/{HOSTILE['id']}").text
    for part in (SCRIPT, BREAKOUT):  # title, outlet and text: each escaped, none raw
        escaped = part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert escaped.replace('"', "&#34;") in article or escaped in article, part
    entity = client.get(_pages(client)["entity"]).text
    assert "&lt;script&gt;" in entity  # the quote, with the script in it
    assert "javascript:" not in "".join(re.findall(r'href="([^"]*)"', article)).lower()
    assert "javascript:alert(1)//&#34;&gt;&lt;img" in article  # shown, as text


# --------------------------------------------------------------------------- SQL


def test_values_reach_sql_only_as_parameters(client: TestClient, recording: Recorded) -> None:
    encoded = quote(MARKER, safe="")
    for path in (
        f"/api/articles/{encoded}",
        f"/articles/{encoded}",
        f"/api/entities/{encoded}",
        f"/api/stories/{encoded}",
        f"/stories/{encoded}",
        f"/entities/{encoded}",
    ):
        _safe(client.get(path))
    assert client.get(f"/api/articles/{encoded}").json()["title"] == INJECTION["title"]
    for params in (
        {"q": MARKER},
        {"outlet": MARKER},
        {"entity": MARKER},
        {"since": MARKER},
        {"until": MARKER},
        {"q": "budget"},
    ):
        _safe(client.get("/api/stories", params=params))
    assert client.get("/api/stories", params={"outlet": MARKER}).json()["total"] == 1
    (story_id,) = (
        i["id"] for i in client.get("/api/stories", params={"q": "budget"}).json()["items"]
    )
    assert client.get(f"/stories/{story_id}").status_code == 200
    assert client.get("/", params={"q": MARKER}).status_code == 200
    statements = recording.statements
    assert any(s.lstrip().upper().startswith("INSERT") and "articles" in s for s in statements)
    assert any("MATCH" in s for s in statements)  # the searches were recorded too
    assert len(statements) > 100
    for needle in ("storyline-sqli-marker", "DROP TABLE", "'1'='1'", "River floods"):
        assert not [s for s in statements if needle in s], needle


def test_the_store_is_whole_after_the_injections(client: TestClient, db: Path) -> None:
    _safe(client.get(f"/api/articles/{quote(MARKER, safe='')}"))
    with sqlite3.connect(db) as plain:
        tables = {row[0] for row in plain.execute("SELECT name FROM sqlite_master")}
        assert {"articles", "stories", "entities", "mentions", "quotes"} <= tables
        assert plain.execute("SELECT count(*) FROM articles").fetchone() == (2,)
        stored = plain.execute("SELECT title FROM articles WHERE id = ?", (MARKER,)).fetchall()
        assert stored == [(INJECTION["title"],)]


#: What the stores' SQL text is built from besides literals, each looked at: fragments made of
#: placeholders ("?" joined, "IN (SELECT ...)" constants), table and column names from the
#: modules' constant tuples or the database's own catalogue, the INSERT verb, and (in
#: store/dialect.py) pieces of the SQL being translated. A new one, or any other expression,
#: fails the test until someone has looked at where it comes from.
SQL_INTERPOLATIONS = frozenset(
    {
        "where",  # _where_in: " WHERE {column} IN (?,?,...)" or "", or the views' filter
        # conditions (store/views.py), each a constant with ? placeholders
        "chosen",  # "IN (?,?,...)" or a constant sub-select
        "','.join('?' * len(wanted))",
        "','.join('?' * ARTICLE_COLUMNS)",  # a constant count of placeholders
        "'WHERE grp ' + chosen if chosen else ''",
        "'WHERE story ' + chosen if chosen else ''",
        "_STORIES_OF_MARKED",  # a constant sub-select
        "in_window",  # "IN (SELECT article FROM ...)", constant
        "table",  # from CORPUS_TABLES and the like
        "column",
        "marks",  # "?,?,...": as many as the table has columns
        "or_ignore",  # "" or " OR IGNORE"
        "verb",  # "INSERT" or "INSERT OR REPLACE"
        "orphans",  # a constant sub-select
        "t",  # dump(): the database's own table names
        "min(sizes)",  # an embedding's length, an int
        "int(dimensions)",  # an embedding's length, an int
        "int(limit)",  # store/views.py: how many mentions per entity, an int
        "_OUTLET",  # store/views.py: a constant expression (an article's outlet or "unknown")
        "matching",  # the backend's constant sub-select of search hits, words as parameters
        "insert['table']",  # store/dialect.py: the statement it translates
        "rest",
        "target",
        "updates",
    }
)
#: What execute/executemany are handed besides literals and the f-strings above: SQL text
#: passed through (a parameter named sql, a migration's statements) or a module constant.
SQL_PASSED = frozenset(
    {
        "sql",
        "statement",
        "statement.sql",
        "sql.format(','.join('?' * len(chunk)))",
        "self._backend.begin_read",
        "BUMP_GENERATION",
        "READ_GENERATION",
    }
)
_SQL_WORDS = re.compile(r"\b(SELECT|INSERT|DELETE|UPDATE|ALTER|CREATE|DROP|WHERE|VALUES|IN)\b")


def _store_modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted((ROOT / "src" / "storyline" / "store").glob("*.py")):
        yield path.name, ast.parse(path.read_text("utf-8"))


def test_store_sql_interpolates_only_fragments_it_builds() -> None:
    """Every f-string that reads as SQL, wherever it is (built in place or in a variable),
    interpolates only the reviewed fragments: never a value."""
    unexpected: dict[str, list[str]] = {}
    sql_strings = 0
    for name, tree in _store_modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            literal = "".join(p.value for p in node.values if isinstance(p, ast.Constant))
            if not _SQL_WORDS.search(literal):
                continue
            sql_strings += 1
            for part in node.values:
                if isinstance(part, ast.FormattedValue):
                    shown = ast.unparse(part.value)
                    if shown not in SQL_INTERPOLATIONS:
                        unexpected.setdefault(shown, []).append(f"{name}:{node.lineno}")
    assert sql_strings >= 30
    assert not unexpected, json.dumps(unexpected, indent=1)


def _concatenated(node: ast.expr) -> Iterator[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        yield from _concatenated(node.left)
        yield from _concatenated(node.right)
    else:
        yield node


def test_store_sql_is_handed_over_only_as_literals_or_reviewed_text() -> None:
    unexpected: dict[str, list[str]] = {}
    for name, tree in _store_modules():
        for call in ast.walk(tree):
            if not (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr in ("execute", "executemany")
                and call.args
            ):
                continue
            for piece in _concatenated(call.args[0]):
                if isinstance(piece, ast.JoinedStr) or (
                    isinstance(piece, ast.Constant) and isinstance(piece.value, str)
                ):
                    continue  # a literal, or an f-string the test above checks
                shown = ast.unparse(piece)
                if shown not in SQL_PASSED | SQL_INTERPOLATIONS:
                    unexpected.setdefault(shown, []).append(f"{name}:{call.lineno}")
    assert not unexpected, json.dumps(unexpected, indent=1)
