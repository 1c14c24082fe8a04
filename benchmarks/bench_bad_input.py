"""Bad inputs: how many kinds are tried, what becomes of each, and how long each takes.

usage: python benchmarks/bench_bad_input.py [--keep DIR]

Writes the folder of bad inputs the tests use (``tests/badinputs.py``: binary files, noise,
empty files, legacy encodings, a 50 MB single line, HTML bombs, broken HTML and WARC,
malformed and wrongly typed JSONL, NUL and lone surrogates, a file name that is not UTF-8),
then:

1. reads and cleans each input alone, timing it, and prints what it came to (kept, or the
   reason it was skipped) beside what it must come to;
2. runs ``analyze`` over the whole folder into a store that already holds one article, then
   again, and checks that the first article is untouched, every kept input is stored once,
   and the second run stores nothing.

Needs nothing from ``../shared``: the good documents are the bundled example's. Prints the
figures; exits 1 if any input comes to something other than what it must.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from badinputs import EXAMPLE_DIR, STORED_FIRST, BadInput, bad_inputs_to_name, write_bad_inputs
from storyline.clean import clean
from storyline.errors import InputError
from storyline.pipeline.analyze import analyze
from storyline.read.inputs import read_inputs
from storyline.records import RawDocument, ReadFailure
from storyline.settings import default_settings
from storyline.store.store import Store


def _outcomes(folder: Path) -> dict[str, tuple[str | None, float]]:
    """What each input comes to (None: kept, else the reason) and the seconds it took."""
    settings = default_settings()
    outcomes: dict[str, tuple[str | None, float]] = {}
    for given in bad_inputs_to_name(folder)[1:] + sorted(str(p) for p in folder.iterdir()):
        started = time.perf_counter()
        for item in read_inputs([given], settings.read):
            reason: str | None = None
            if isinstance(item, ReadFailure):
                reason = item.reason
            elif isinstance(item, RawDocument):
                try:
                    clean(item, settings.clean)
                except InputError as exc:
                    reason = exc.reason
            name = item.source.removeprefix(f"{folder}/")
            outcomes[name] = (reason, time.perf_counter() - started)
            started = time.perf_counter()
    return outcomes


def _report(expected: list[BadInput], outcomes: dict[str, tuple[str | None, float]]) -> int:
    wrong = 0
    print(f"{'seconds':>8}  {'outcome':<8} kind")
    for bad in expected:
        # Sources are reported as stored: a name's undecodable bytes as U+FFFD.
        source = RawDocument(source=bad.source, text="").source
        reason, seconds = outcomes.get(source, ("(not read)", 0.0))
        right = reason is None if bad.reason is None else (reason or "").find(bad.reason) >= 0
        wrong += not right
        shown = "kept" if reason is None else "skipped"
        print(
            f"{seconds:8.2f}  {shown:<8} {bad.kind}{'' if right else '  <-- WRONG: ' + str(reason)}"
        )
    return wrong


def _batch(folder: Path, db: Path, expected: list[BadInput]) -> int:
    """Runs analyze twice over the folder into a store holding one article; the failures."""
    analyze([EXAMPLE_DIR / STORED_FIRST], db=db)
    with Store(db) as store:
        first = store.dump()["articles"]
    started = time.perf_counter()
    result = analyze(bad_inputs_to_name(folder), db=db)
    seconds = time.perf_counter() - started
    again = analyze(bad_inputs_to_name(folder), db=db)
    with Store(db) as store:
        articles = store.dump()["articles"]
    kept = sum(bad.reason is None for bad in expected)
    checks = {
        "the first article is untouched": set(first) <= set(articles),
        "every kept input is stored once": len(articles) == 1 + kept == 1 + len(result.added),
        "every other input is reported": len(result.failures) == len(expected) - kept,
        "the rerun stores nothing": not again.added and len(again.already_stored) == kept,
    }
    print(
        f"\nanalyze over the folder: {len(result.added)} stored, {len(result.failures)} "
        f"skipped in {seconds:.1f} s; rerun: {len(again.added)} stored, "
        f"{len(again.already_stored)} already stored"
    )
    for check, held in checks.items():
        print(f"  {'ok  ' if held else 'FAIL'} {check}")
    return sum(not held for held in checks.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", type=Path, help="write the inputs and store here, and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch)
        folder = root / "inbox"
        expected = write_bad_inputs(folder)
        kept = sum(bad.reason is None for bad in expected)
        print(f"{len(expected)} inputs, each of its own kind; {kept} must be kept\n")
        wrong = _report(expected, _outcomes(folder))
        failed = _batch(folder, root / "storyline.db", expected)
    print(f"\n{wrong} inputs came to the wrong outcome; {failed} store checks failed")
    return 1 if wrong or failed else 0


if __name__ == "__main__":
    sys.exit(main())
