"""What a reader sees around a page's body: headline, outlet, date, language and link, through
the product's path, on the real pages of a news day.

usage: python benchmarks/bench_metadata.py [--eval-dir DIR] [--set clustering/newsday-dev.jsonl]
                                           [--show-misses]

The pages of ``clustering/newsday-dev.jsonl`` (``../shared/eval/README.md`` §1, "A real news
day") are written as the input JSONL a user would have (``id``, ``html``, ``url``; never the
gold), analysed into a fresh store by ``storyline analyze`` and read back with ``storyline
export`` (article JSONL). Each exported row is matched to its gold by id, and compared:

- ``headline``: exact match once case, whitespace and the style of quotes are set aside;
- ``outlet``: exact match once case, punctuation and a leading "The" are set aside;
- ``published``: within a day of the gold, over the pages whose gold states a date;
- ``language``: the ISO 639-1 code;
- ``url``: the share of pages exported with one.

``--show-misses`` lists every miss, gold against what was exported.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evalkit import DEFAULT_EVAL_DIR, analyze_export, read_jsonl

NEWSDAY = Path("clustering") / "newsday-dev.jsonl"
#: Quote marks a headline may be written with, to the plain ones.
QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'",
                        "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"',
                        "″": '"'})  # fmt: skip


def same_headline(gold: str, found: str | None) -> bool:
    def norm(text: str) -> str:
        text = unicodedata.normalize("NFKC", text).translate(QUOTES)
        return " ".join(text.split()).casefold()

    return found is not None and norm(gold) == norm(found)


def same_outlet(gold: str, found: str | None) -> bool:
    def norm(name: str) -> str:
        name = unicodedata.normalize("NFKC", name).casefold().strip()
        return re.sub(r"\W+", "", name.removeprefix("the "))

    return found is not None and norm(gold) == norm(found)


def same_day(gold: str, found: str | None) -> bool:
    """Within a day of the gold; a date less precise than a day is a miss."""
    if found is None or len(found) != len("2019-11-19"):
        return False
    return abs((dt.date.fromisoformat(found) - dt.date.fromisoformat(gold)).days) <= 1


def same_language(gold: str, found: str | None) -> bool:
    return gold == found


#: Each scored field: the gold's key, the export's key, and what counts as right.
FIELDS: tuple[tuple[str, str, Callable[[str, str | None], bool]], ...] = (
    ("headline", "title", same_headline),
    ("outlet", "outlet", same_outlet),
    ("published", "published", same_day),
    ("language", "language", same_language),
)


def report(records: list[dict[str, Any]], rows: dict[str, dict[str, Any]], misses: bool) -> None:
    print(f"{len(records)} pages, {len(rows)} exported")
    for gold_key, row_key, right in FIELDS:
        scored = [r for r in records if r["gold"][gold_key] is not None]
        wrong = [
            r for r in scored if not right(r["gold"][gold_key], rows.get(r["id"], {}).get(row_key))
        ]
        share = 1 - len(wrong) / len(scored) if scored else 0.0
        print(f"{gold_key:10} {len(scored) - len(wrong):3}/{len(scored)} = {share:.3f}")
        if misses:
            for record in wrong:
                found = rows.get(record["id"], {}).get(row_key)
                print(f"    {record['url'][:70]}\n      gold {record['gold'][gold_key]!r}\n"
                      f"      got  {found!r}")  # fmt: skip
    with_url = sum(bool(rows.get(r["id"], {}).get("url")) for r in records)
    print(f"{'url':10} {with_url:3}/{len(records)} = {with_url / len(records):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--set", type=Path, default=NEWSDAY, help="relative to --eval-dir")
    parser.add_argument("--show-misses", action="store_true", help="list each miss")
    args = parser.parse_args()
    records = list(read_jsonl(args.eval_dir / args.set))
    pages = [{"id": r["id"], "html": r["html"], "url": r["url"]} for r in records]
    with tempfile.TemporaryDirectory() as folder:
        rows = analyze_export(pages, Path(folder))
    report(records, rows, args.show_misses)


if __name__ == "__main__":
    main()
