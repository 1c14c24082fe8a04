"""Coverage-guided fuzzing of the readers and cleaners (atheris, libFuzzer's engine).

usage: python benchmarks/fuzz_cleaners.py [--seconds N] [--slow S] [--corpus DIR]

Needs the ``fuzz`` extra (``pip install -e '.[fuzz]'``). Each input is a file's bytes: it is
decoded as a text file and as an HTML file would be, and each document read is cleaned. A
crash is any exception other than the refusals storyline reports (``Unreadable``,
``MalformedInput``), an invalid span, or text no store can hold; an input that takes longer
than ``--slow`` seconds is reported as a hang. Starts from the bundled example's articles
and a few pages, so the search begins where real inputs are. Prints the inputs run
(libFuzzer's ``Done N runs``) and each new slowest input over 0.2 s (written to
``slowest-input``), and exits non-zero with the offending input written to ``crash-*`` if
it finds one.

The tests fuzz the same with hypothesis (``tests/test_bad_input.py``); this searches far
longer, guided by the branches each input reaches, and is run by hand (see RESULTS.md).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["storyline"]):
    # The cleaners are imported lazily by clean(): imported here, so they are instrumented.
    import storyline.clean.html
    import storyline.clean.text  # noqa: F401
    from storyline.clean import clean
    from storyline.errors import MalformedInput
    from storyline.read.files import Unreadable, decode_file
    from storyline.records import RawDocument
    from storyline.settings import default_settings

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "russia-hamas"
SEED_PAGES = [
    b"<html><head><title>T</title></head><body><article><h1>Minister visits port</h1>"
    b"<p>The minister visited the harbour on Tuesday, a spokesman said.</p></article></body>",
    b"<html><body><<<>>><div class=x><p>Unclosed <b><i>crossed</b></i><p>tags</tr></html>",
]
SETTINGS = default_settings().clean
#: Seconds one input may take before it counts as a hang (``--slow``).
LIMIT = 5.0
slowest = (0.0, b"")
runs = 0


def one_input(data: bytes) -> None:
    global slowest, runs
    started = time.perf_counter()
    for html in (False, True):
        try:
            text = decode_file(data, html)
        except Unreadable:
            continue
        raw = RawDocument(source="fuzz", html=text) if html else RawDocument("fuzz", text=text)
        try:
            article = clean(raw, SETTINGS)
        except MalformedInput:
            continue
        size = len(article.text)
        spans = [*article.body, *article.highlights, *(d.span for d in article.dropped)]
        if not all(0 <= s.start <= s.end <= size for s in spans):
            raise AssertionError(f"span outside the text: {spans}")
        article.text.encode("utf-8")  # raises on a lone surrogate
        if "\x00" in article.text:
            raise AssertionError("NUL in the cleaned text")
    took = time.perf_counter() - started
    runs += 1
    if took > slowest[0]:
        slowest = (took, data)
        if took > 0.2:  # libFuzzer prints the runs; the slowest input is said, and kept
            print(f"slowest so far: {took:.2f} s, {len(data)} bytes, run {runs}", flush=True)
            Path("slowest-input").write_bytes(data)
    if took > LIMIT:
        raise AssertionError(f"took {took:.1f} s on {len(data)} bytes")


def main() -> None:
    global LIMIT
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--slow", type=float, default=5.0, help="seconds that count as a hang")
    parser.add_argument("--corpus", type=Path, help="folder for the fuzzer's corpus")
    args = parser.parse_args()
    LIMIT = args.slow
    corpus = args.corpus or Path("fuzz-corpus")
    corpus.mkdir(exist_ok=True)
    for number, path in enumerate(sorted(EXAMPLES.iterdir())):
        (corpus / f"example-{number}").write_bytes(path.read_bytes())
    for number, page in enumerate(SEED_PAGES):
        (corpus / f"page-{number}").write_bytes(page)
    atheris.Setup(
        [sys.argv[0], str(corpus), f"-max_total_time={args.seconds}", "-max_len=20000"],
        one_input,
    )
    atheris.Fuzz()


if __name__ == "__main__":
    main()
