"""The command line: a thin shell over the library.

Commands parse their arguments, call the library (:mod:`storyline.pipeline`,
:mod:`storyline.store`, :mod:`storyline.report`) and print. Every storyline error becomes one
line on stderr and a non-zero exit code; nothing here analyses text.
"""

from __future__ import annotations

import errno
import inspect
import os
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.table import Column, Table
from rich.text import Text
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from storyline.dates import counted
from storyline.errors import NotFound, ServeError, StorylineError

T = TypeVar("T")

#: Exit codes: 0 everything done; 1 an error stopped the command; 2 the command was called
#: wrongly (as for Typer's own usage errors); 3 done, but some inputs could not be used (each
#: reported on stderr, the rest stored).
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_SOME_SKIPPED = 3
#: Ids in tables are cut like short git hashes, so titles keep room on an 80-column
#: terminal; `show` takes any unique beginning of an id, and exports keep the full ids.
SHORT_ID = 10


def _flowed(text: str) -> str:
    """A docstring's paragraphs, each on one line, so help wraps them to the terminal's width
    rather than keeping the line breaks of the source."""
    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in paragraphs)


class _ReadableArgument(TyperArgument):
    """An argument as help shows it: by its metavar (``INPUT...``), never a Python type."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None  # the name column already shows the metavar

    def get_usage_pieces(self, ctx: Any) -> list[str]:
        name = self.metavar or (self.name or "").upper()
        return [name if self.required else f"[{name}]"]


class _ReadableOption(TyperOption):
    """An option as help shows it: its metavar (``FILE``), nothing for a flag."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None if self.is_flag else super().display_type_rich(ctx)


def _readable(params: list[Any]) -> list[Any]:
    # Typer makes its own parameter objects and shows each by its Python type (<list[Path]>,
    # <bool>); these subclasses change only how they are shown, so the swap is safe.
    for param in params:
        if type(param) is TyperArgument:
            param.__class__ = _ReadableArgument
        elif type(param) is TyperOption:
            param.__class__ = _ReadableOption
    return params


class _Command(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _readable(super().get_params(ctx))


class _Group(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _readable(super().get_params(ctx))


app = typer.Typer(
    name="storyline",
    help="Turn news articles from many outlets into stories: what happened and when, "
    "who said what, and how each outlet told it.",
    cls=_Group,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
F = TypeVar("F", bound=Callable[..., object])


def _command(function: F) -> F:
    """Register ``function`` as a command whose help is its docstring, flowed."""
    registered: F = app.command(help=_flowed(function.__doc__ or ""), cls=_Command)(function)
    return registered


out = Console()
# Messages are one line each, never wrapped at the terminal width: they are read by people
# and by scripts (grep, log collectors) alike.
err = Console(stderr=True, soft_wrap=True)

# A store is a path (SQLite) or a postgresql:// URL, so a str: a Path would fold the URL's "//".
NewDbOption = Annotated[
    str,
    typer.Option(
        "--db",
        metavar="PATH",
        help="The store: a SQLite file (created if missing) or a postgresql:// URL.",
        show_default=True,
    ),
]
DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        metavar="PATH",
        help="The store that `analyze` wrote: a SQLite file or a postgresql:// URL.",
        show_default=True,
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", metavar="FILE", help="A settings file (TOML) overriding storyline's defaults."
    ),
]


@contextmanager
def _errors_as_messages() -> Iterator[None]:
    """Turn any storyline error into one actionable line and exit code 1.

    Anything else is a bug in storyline: one line that says so, and the traceback only when
    STORYLINE_DEBUG is set, so a user is never left reading a stack dump.
    """
    try:
        yield
    except StorylineError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(EXIT_ERROR) from exc
    except Exception as exc:
        if os.environ.get("STORYLINE_DEBUG"):
            raise
        err.print(
            f"internal error: {type(exc).__name__}: {exc} "
            "(a bug in storyline; set STORYLINE_DEBUG=1 to see where, and please report it)",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(EXIT_ERROR) from exc


def _say(line: str) -> None:
    """One line of what a command did, on stdout: never broken across lines (scripts read
    it too) and printed as it is (a path may hold "[")."""
    out.print(line, highlight=False, markup=False, soft_wrap=True)


def _run(action: Callable[[], T]) -> T:
    with _errors_as_messages():
        return action()


def _print_version(value: bool) -> None:
    if value:
        from storyline.version import __version__

        out.print(f"storyline {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Turn news articles from many outlets into stories: what happened and when, who said
    what, and how each outlet told it."""


@_command
def analyze(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            metavar="INPUT...",
            show_default=False,
            help="Files or folders to read: .txt, .html/.htm, .jsonl (one article a line), "
            ".warc/.warc.gz (the HTML pages of a web archive); - reads JSONL from standard input.",
        ),
    ],
    db: NewDbOption = "storyline.db",
    config: ConfigOption = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no story table.")
    ] = False,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            metavar="ADDRESS",
            help="Annotate on the Dask cluster of this scheduler (tcp://host:8786) instead of "
            "worker processes here (the setting pipeline.dask).",
        ),
    ] = None,
) -> None:
    """Read, clean and analyse articles, store them, and print the stories found.

    Articles already in the store are skipped, so running twice is a no-op. Inputs that cannot
    be used are reported one per line on stderr; the others are stored (exit code 3).
    """
    from storyline.pipeline.analyze import analyze as run_analysis
    from storyline.settings import load_settings

    with _errors_as_messages():
        settings = load_settings(config, **({"pipeline": {"dask": dask}} if dask else {}))
        with _progress(quiet) as counter:
            result = run_analysis(
                inputs,
                db,
                settings,
                progress=counter("analysing"),
                reembedding=counter("re-embedding stored", lazily=True),
            )
    _note_reembedded(result.reembedded)
    for failure in result.failures:
        err.print(f"skipped {failure.source}: {failure.reason}", highlight=False, markup=False)
    # Only web archives pass records over (images, error pages, other languages): a count.
    passed = f", {len(result.passed_over):,} passed over" if result.passed_over else ""
    _say(
        f"{counted(len(result.added), 'new article')}, {len(result.already_stored):,} already "
        f"stored{passed}, {len(result.failures):,} skipped; "
        f"{counted(result.story_count, 'story', 'stories')} in {_shown(db)}"
    )
    # With no story stored, an empty table would say no more than the line above.
    if not quiet and result.story_count and result.windowed:
        # A large store: the stories this run changed, not every story it holds.
        added = set(result.added)
        _print_story_table(db, {s.id for s in result.stories if added.intersection(s.articles)})
    elif not quiet and result.story_count:
        _print_story_table(db)
    if result.failures:
        raise typer.Exit(EXIT_SOME_SKIPPED)


@_command
def regroup(db: DbOption = "storyline.db", config: ConfigOption = None) -> None:
    """Group every stored article again: copies, entities, quote groups, stories, threads.

    `analyze` regroups a large store only around the articles it adds (the setting
    pipeline.full_regroup_below); this recomputes everything, as if all the articles had
    arrived in one run, and is a no-op when nothing would change.
    """
    from storyline.pipeline.analyze import regroup_store
    from storyline.pipeline.reembed import reembed
    from storyline.settings import load_settings
    from storyline.store.store import Store

    with _errors_as_messages():
        settings = load_settings(config)
        with Store(_existing(db)) as store:
            with _progress(quiet=False) as counter:
                reembedded = reembed(store, settings, counter("re-embedding", lazily=True))
            _note_reembedded(reembedded)
            found = regroup_store(store, settings)
    _say(f"{counted(len(found), 'story', 'stories')} in {_shown(db)}")


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[..., Callable[[str], None]]]:
    """A progress display on stderr (none when ``quiet``), giving counters: ``counter(what)``
    is a callback that counts one more article on a line of its own, shown from the start or,
    ``lazily``, from its first count (work that is usually not there)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        # The bar counts as it goes: "1 article", then "2 articles".
        TextColumn("{task.fields[done]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, disable=quiet, transient=True) as bar:

        def counter(what: str, lazily: bool = False) -> Callable[[str], None]:
            task: list[Any] = []
            done = [0]

            def advance(_source: str) -> None:
                if not task:
                    task.append(bar.add_task(what, total=None, done=counted(0, "article")))
                done[0] += 1
                bar.update(task[0], advance=1, done=counted(done[0], "article"))

            if not lazily:
                task.append(bar.add_task(what, total=None, done=counted(0, "article")))
            return advance

        yield counter


def _note_reembedded(count: int) -> None:
    """Says, on stderr (stdout's line stays one), that stored articles were embedded again."""
    if count:
        note = f"re-embedded {counted(count, 'stored article')}: another model had embedded them"
        err.print(f"{note}; the store was regrouped whole", highlight=False, markup=False)


@_command
def stories(db: DbOption = "storyline.db") -> None:
    """List the stories in the store: dates, title, number of articles (n), outlets, thread."""
    _print_story_table(db)


def _print_story_table(db: str, only: set[str] | None = None) -> None:
    """Every stored story, or those of ``only`` (read without the rest of the store)."""
    from storyline.pipeline.analyze import load, load_stories

    corpus = _run(lambda: load(_existing(db)) if only is None else load_stories(db, only))
    table = Table(
        Column("story", no_wrap=True),
        Column("dates", no_wrap=True),
        "title",
        Column("n", justify="right"),
        "outlets",
        Column("thread", min_width=SHORT_ID),
    )
    for story in sorted(corpus.stories or [], key=lambda s: (s.start is None, s.start, s.id)):
        outlets = sorted({corpus.document(a).article.outlet or "unknown" for a in story.articles})
        thread = corpus.thread_of(story.id)
        dates = story.date_label()
        table.add_row(
            story.id[:SHORT_ID],
            dates,
            story.title,
            str(len(story.articles)),
            ", ".join(outlets),
            thread.id[:SHORT_ID] if thread else "",
        )
    out.print(table)


def _existing(db: str) -> str:
    """``db``, if a store is there (a URL's server tells when its database is not)."""
    from storyline.store.backend import is_url

    if not is_url(db) and not Path(db).exists():
        raise NotFound(f"no store at {db}: run `storyline analyze INPUT --db {db}` first")
    return db


def _shown(db: str) -> str:
    """``db`` as messages show it (a URL's password masked)."""
    from storyline.store.backend import display_name

    return display_name(db)


@_command
def show(
    story: Annotated[
        str | None,
        typer.Argument(
            help="A story id (or a unique beginning of one), as `storyline stories` lists.",
            metavar="STORY",
            show_default=False,
        ),
    ] = None,
    article: Annotated[
        str | None,
        typer.Option(
            "--article",
            metavar="ID",
            help="Show this article instead of a story: its metadata, highlights and clean "
            "body. An article id or a unique beginning of one, as `storyline show STORY` "
            "lists.",
            show_default=False,
        ),
    ] = None,
    dropped: Annotated[
        bool,
        typer.Option(
            "--dropped",
            help="With --article: also list every part cleaning dropped, in text order, with "
            "its reason and character span, and the characters kept and dropped.",
        ),
    ] = False,
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
) -> None:
    """Show one story: its articles, summary with sources, timeline, cast, quotes, and how each
    outlet told it (labels, voices and sides, what only some report, where they disagree).

    With --article ID: one article as cleaning left it; --dropped adds what went, and why.
    """
    if story is not None and article is not None:
        _usage_error("give a STORY id or --article ID, not both")
    if article is not None:
        _show_article(db, article, dropped)
    elif story is None:
        _usage_error("give a STORY id (see `storyline stories`), or --article ID")
    elif dropped:
        _usage_error("--dropped lists what cleaning removed from one article: add --article ID")
    else:
        _show_story(db, story, config)


def _usage_error(message: str) -> NoReturn:
    err.print(f"error: {message}", markup=False, highlight=False)
    raise typer.Exit(EXIT_USAGE)


def _show_story(db: str, story: str, config: Path | None) -> None:
    from storyline.pipeline.reports import story_view
    from storyline.report.render.text import render_report_text
    from storyline.settings import load_settings

    with _errors_as_messages():
        settings = load_settings(config)
        from storyline.store.store import Store

        with Store(_existing(db)) as store:
            # Reads the story's slice of the store and its kept report, as the server does.
            try:
                found = store.find_id("stories", story)
            except NotFound as exc:  # no such id, or several (AmbiguousId)
                raise NotFound(f"{exc}; `storyline stories` lists them") from None
            view = story_view(store, found, settings)
            if view is None:  # regrouped away since it was found
                raise NotFound(f"story {found} changed a moment ago; run the command again")
        text = render_report_text(view.report, width=out.width)
    # As an article is printed: already wrapped, with continuation lines under their text.
    out.print(Text(text), soft_wrap=True)


def _show_article(db: str, prefix: str, with_dropped: bool) -> None:
    from storyline.clean.inspection import inspect_article
    from storyline.report.render.text import render_article_text
    from storyline.store.store import Store

    with _errors_as_messages():
        with Store(_existing(db)) as store:
            try:
                document = store.find_article(prefix)
            except NotFound as exc:
                raise NotFound(f"{exc}; `storyline show STORY` lists each article's id") from exc
        text = render_article_text(
            inspect_article(document.article), show_dropped=with_dropped, width=out.width
        )
    # A Text is printed as it is: markup or emoji codes in the article are never interpreted.
    # The text is already wrapped to the terminal, so rich must not wrap or crop it again.
    out.print(Text(text), soft_wrap=True)


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    stories = "stories"
    threads = "threads"
    md = "md"
    html = "html"


@_command
def export(
    db: DbOption = "storyline.db",
    format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="jsonl: one article a line; stories: one story a line (JSONL); "
            "threads: one thread a line with each link's reason and its cited summary (JSONL); "
            "md: a Markdown report; html: a self-contained HTML report.",
        ),
    ] = ExportFormat.jsonl,
    out_path: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="FILE", help="Write here instead of stdout."),
    ] = None,
    vectors: Annotated[
        bool,
        typer.Option(
            "--vectors",
            help="With --format jsonl: add each article's embedding, the one story grouping "
            "compares, as `vector` (a list of numbers, exact float32 values).",
        ),
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Export the store: articles, stories or threads as JSONL, or a Markdown/HTML report."""
    from storyline.report.export import export_text
    from storyline.settings import load_settings

    if vectors and format is not ExportFormat.jsonl:
        _usage_error("--vectors adds each article's embedding to its line: use --format jsonl")
    with _errors_as_messages():
        from storyline.annotate.embed import remembering_report_embedder
        from storyline.store.store import Store

        with Store(_existing(db)) as store:
            embedder = remembering_report_embedder(store)
            settings = load_settings(config)
            text = export_text(store.load_corpus(), format.value, settings, embedder, vectors)
    _write_out(text, out_path)


class TimelineFormat(StrEnum):
    text = "text"
    jsonl = "jsonl"
    md = "md"
    html = "html"


@_command
def timeline(
    db: DbOption = "storyline.db",
    query: Annotated[
        str | None,
        typer.Option(
            "--query", help="Only the articles holding every word of TEXT.", metavar="TEXT"
        ),
    ] = None,
    thread: Annotated[
        str | None,
        typer.Option(
            "--thread",
            help="Only the articles of this thread (an id or a unique beginning of one, as "
            "`storyline export --format threads` lists).",
            metavar="ID",
        ),
    ] = None,
    entity: Annotated[
        str | None,
        typer.Option(
            "--entity",
            help="Only the sentences naming this entity, from its articles (an id or a unique "
            "beginning of one, as `storyline export` lists in each article's entities).",
            metavar="ID",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="First day (YYYY-MM-DD), inclusive.", metavar="DATE"),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help="Last day (YYYY-MM-DD), inclusive.", metavar="DATE"),
    ] = None,
    dates: Annotated[
        int | None,
        typer.Option(
            "--dates",
            "-l",
            min=1,
            help="How many dates to show; without it, the days that stand out (at most "
            "timeline.max_dates).",
            metavar="L",
        ),
    ] = None,
    sentences: Annotated[
        int | None,
        typer.Option(
            "--sentences",
            "-k",
            min=1,
            help="Sentences per date, at most; without it, fewer for a day few articles mark "
            "(at most timeline.sentences).",
            metavar="K",
        ),
    ] = None,
    format: Annotated[
        TimelineFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="text: for reading here; jsonl: one JSON line, each date with its sentences "
            "and their source spans; md: Markdown; html: a self-contained page.",
        ),
    ] = TimelineFormat.text,
    out_path: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="FILE", help="Write here instead of stdout."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """A timeline of the whole store, a search, a thread or an entity: the dates that matter
    most from --since to --until, each with the sentences that say what happened that day,
    citing their articles.

    A date matters by how many articles came out on it and how many name it; a sentence
    stands for the day its own date names (else, among an article's first sentences, the day
    the article came out).
    """
    from storyline.pipeline.timeline import timeline as build
    from storyline.report.render.timeline import timeline_as
    from storyline.settings import load_settings

    if sum(x is not None for x in (query, thread, entity)) > 1:
        _usage_error("give one of --query, --thread and --entity, not several")
    with _errors_as_messages():
        settings = load_settings(config)
        found = build(
            _existing(db),
            query=query,
            thread=thread,
            entity=entity,
            since=since,
            until=until,
            dates=dates,
            sentences=sentences,
            settings=settings,
        )
    # The text for reading here is wrapped to the terminal; a file keeps one line an entry.
    width = out.width if out_path is None else None
    _write_out(timeline_as(found, format.value, width), out_path)


def _write_out(text: str, out_path: Path | None) -> None:
    """``text`` to standard output, or to ``out_path`` (and say so on stderr)."""
    if out_path is None:
        sys.stdout.write(text)
    else:
        out_path.write_text(text, encoding="utf-8")
        err.print(f"wrote {out_path}", highlight=False)


@_command
def serve(
    db: DbOption = "storyline.db",
    host: Annotated[
        str,
        typer.Option(
            metavar="ADDRESS",
            help="Address to listen on. The default answers this machine only; on any other "
            "address writing needs a token ($STORYLINE_TOKEN, else one made and printed).",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(metavar="PORT", help="Port to listen on.", min=1, max=65535)
    ] = 8000,
    config: ConfigOption = None,
) -> None:
    """Serve the store over HTTP: the JSON API (OpenAPI docs at /docs) and the web UI.

    Reading is open to whoever reaches the server. Writing (POST /api/articles) needs the
    header "Authorization: Bearer TOKEN" when a token is set: $STORYLINE_TOKEN, on any
    address, loopback too. Off loopback (--host other than 127.0.0.0/8, ::1, localhost)
    without $STORYLINE_TOKEN, a token is made for this run and printed once on stderr.
    Requests are limited per client (serve.requests_per_minute, serve.writes_per_minute in
    the settings; past them 429 with Retry-After) and bodies to 10 MB (413).
    """
    import os

    import uvicorn

    from storyline.serve.app import create_app
    from storyline.serve.guards import TOKEN_ENV_VAR, write_token_for
    from storyline.settings import load_settings

    token, made = write_token_for(host, os.environ.get(TOKEN_ENV_VAR))
    with _errors_as_messages():
        store = _existing(db)
        # Bound before anything is announced, and handed to the server as it is: a port that
        # is taken is one line saying so, never "serving ..." and then a failure.
        listening = _listen(host, port)
        app_ = create_app(store, load_settings(config), write_token=token)
    if made:
        # Printed once, here only: the server never logs it.
        err.print(
            f"{host} is reachable from other machines, so writing needs this token "
            f"(made for this run; set ${TOKEN_ENV_VAR} to choose one):\n  {token}\n"
            f'send it as the header "Authorization: Bearer {token}"',
            highlight=False,
            markup=False,
            soft_wrap=True,  # never broken across lines: it is there to be copied
        )
    elif token:
        err.print(f"writing needs the token in ${TOKEN_ENV_VAR}", highlight=False, markup=False)
    shown_host = f"[{host}]" if ":" in host else host
    err.print(
        f"serving {_shown(db)} on http://{shown_host}:{port} (API docs at /docs)", highlight=False
    )
    server = uvicorn.Server(uvicorn.Config(app_, host=host, port=port, log_level="warning"))
    with listening:
        server.run(sockets=[listening])


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port``, or a :class:`ServeError` saying what to change."""
    # As uvicorn binds: IPv6 for an address with a colon, SO_REUSEADDR so a port left in
    # TIME_WAIT by a server just stopped can be taken again (a port in use still cannot).
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port))
    except OSError as exc:
        listening.close()
        if exc.errno == errno.EADDRINUSE:
            problem = f"port {port} on {host} is in use; pick another with --port"
        elif exc.errno == errno.EACCES:
            problem = f"port {port} needs privileges here; pick one above 1023 with --port"
        else:
            reason = exc.strerror or str(exc)
            problem = f"cannot listen on {host} port {port}: {reason}; check --host"
        raise ServeError(problem) from exc
    listening.set_inheritable(True)
    return listening


@_command
def watch(
    feeds: Annotated[
        list[str],
        typer.Argument(help="URLs of RSS or Atom feeds.", metavar="FEED...", show_default=False),
    ],
    db: NewDbOption = "storyline.db",
    every: Annotated[
        float | None,
        typer.Option(
            "--every",
            metavar="SECONDS",
            min=0,
            help="Seconds from the start of one round to the start of the next "
            "(default: feeds.every in the settings, 900).",
            show_default=False,
        ),
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help="Do one round and exit (exit code 3 if a page failed).")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Keep a store up to date with news feeds, until Ctrl-C.

    Each round fetches the feeds, then the pages they link to that are not stored yet, and
    analyses them into the store; it prints one line (new articles, skipped, failed) and each
    failure on stderr. Requests are polite: one at a time per host (feeds.host_interval
    seconds apart), robots.txt honoured, a User-Agent naming storyline, feeds asked for only
    if they changed.
    """
    from storyline.pipeline.watch import RoundResult
    from storyline.pipeline.watch import watch as run_watch
    from storyline.settings import load_settings

    failed: list[int] = []

    def report(result: RoundResult) -> None:
        for failure in result.analysis.failures:
            err.print(f"failed {failure.source}: {failure.reason}", highlight=False, markup=False)
        failed.append(len(result.analysis.failures))
        _say(
            f"round {result.number}: {counted(len(result.analysis.added), 'new article')}, "
            f"{result.skipped:,} skipped, {len(result.analysis.failures):,} failed; "
            f"{len(result.unchanged_feeds):,} of {counted(len(feeds), 'feed')} unchanged; "
            f"{counted(result.analysis.story_count, 'story', 'stories')} in {_shown(db)}"
        )

    with _errors_as_messages():
        settings = load_settings(config)
        try:
            run_watch(feeds, db, settings, every, rounds=1 if once else None, on_round=report)
        except KeyboardInterrupt:
            err.print("stopped", highlight=False)
            return
    if once and failed and failed[-1]:
        raise typer.Exit(EXIT_SOME_SKIPPED)


def main() -> None:
    # Named as the installed command, also under `python -m storyline`, so usage lines and
    # messages show a command a person can type.
    app(prog_name="storyline")
