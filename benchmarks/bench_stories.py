"""Stories as a reader gets them: a real news day and ECB+, through `analyze` then `export`.

usage: python benchmarks/bench_stories.py [--eval-dir DIR] [--sets newsday,ecbplus] [--together]

Each set is written as the input JSONL a user would have, analysed into a fresh store by
``storyline analyze`` and read back with ``storyline export`` (articles and threads), as
:mod:`bench_clustering` does not: it feeds gold-shaped text past the cleaner.

- ``newsday``: the 120 real pages of ``clustering/newsday-dev.jsonl`` (``{id, html, url}``):
  B-cubed against ``gold.story`` and the false merges (predicted stories holding pages of two
  or more gold stories, listed by their gold labels); the exported ``language`` against
  ``gold.language``; the entities, quotes and time expressions on pages in a language the
  models do not cover (``annotate.languages``); thread links whose shared names include an
  outlet, a news agency or a function word. Anchor (README): every page alone, 0.914.
- ``ecbplus``: the 772 ECB+ dev texts (``{id, text}``): B-cubed against the events.
- ``--together``: the day's pages first, then the ECB+ texts into the same store (undated, so
  compared with every story), both scored again: stories must survive the arrival of
  unrelated articles.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from evalkit import DEFAULT_EVAL_DIR, read_jsonl, write_jsonl

from storyline.clean.language import stoplist
from storyline.settings import default_settings

NEWSDAY = Path("clustering") / "newsday-dev.jsonl"
ECBPLUS = Path("clustering") / "ecbplus-dev.jsonl"
#: News agencies by the names a thread's reason could show; outlets come from the export.
AGENCIES = frozenset(
    {"reuters", "ap", "associated press", "afp", "agence france-presse", "upi", "dpa", "efe",
     "ansa", "xinhua", "tass", "itar-tass", "interfax", "bloomberg", "pti", "ians", "kyodo"}
)  # fmt: skip
#: jusText's name for each language a function word is looked up in.
STOPLISTS = {
    "en": "English", "de": "German", "ru": "Russian", "pt": "Portuguese", "it": "Italian",
    "id": "Indonesian", "es": "Spanish", "fr": "French",
}  # fmt: skip
_SHARES = re.compile(r"^shares (?P<names>.*?)(?: and \d+ more)?(?:;|$)")


def storyline(*arguments: str, quiet: bool = False) -> None:
    """Run a storyline command; its skipped-input lines (stderr) show unless ``quiet``."""
    command = [sys.executable, "-m", "storyline", *arguments]
    stderr = subprocess.DEVNULL if quiet else None
    done = subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=stderr)
    if done.returncode not in (0, 3):  # 3: some input skipped, and said why
        raise SystemExit(f"{' '.join(arguments[:1])} failed with exit code {done.returncode}")


def analyze(folder: Path, name: str, records: Iterable[dict[str, Any]]) -> None:
    storyline("analyze", str(write_jsonl(folder / f"{name}.jsonl", records)),
              "--db", str(folder / "storyline.db"), "-q")  # fmt: skip


def export(folder: Path, form: str) -> list[dict[str, Any]]:
    out = folder / f"export-{form}.jsonl"
    storyline("export", "--db", str(folder / "storyline.db"), "--format", form, "--out", str(out),
              quiet=True)  # fmt: skip
    return list(read_jsonl(out))


def analysed_alone(
    folder: Path, name: str, records: Iterable[dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The exported article rows, by id, of ``records`` analysed into a store of their own."""
    started = time.perf_counter()
    folder.mkdir()
    analyze(folder, name, records)
    rows = {row["id"]: row for row in export(folder, "jsonl")}
    print(f"[{name} analysed in {time.perf_counter() - started:.0f}s]")
    return rows


def newsday_input(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": r["id"], "html": r["html"], "url": r["url"]} for r in records]


def ecbplus_input(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": r["id"], "text": r["text"]} for r in records]


def clustering(eval_dir: Path, gold: Path, rows: dict[str, dict[str, Any]], key: str) -> str:
    """The scorer's B-cubed line (a missing article counts as alone)."""
    records = list(read_jsonl(eval_dir / gold))
    predictions = [{"id": r["id"], "story": rows.get(r["id"], {}).get("story") or r["id"]}
                   for r in records]  # fmt: skip
    extra = ["--key", key] if key != "event" else []
    with tempfile.TemporaryDirectory() as folder:
        pred = write_jsonl(Path(folder) / "pred.jsonl", predictions)
        command = [sys.executable, str(eval_dir / "score" / "score_clustering.py"),
                   str(eval_dir / gold), str(pred), *extra]  # fmt: skip
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return next(line for line in output.splitlines() if line.startswith("B-cubed   "))


def false_merges(records: list[dict[str, Any]], rows: dict[str, dict[str, Any]]) -> list[list[str]]:
    """Predicted stories holding pages of two or more gold stories: their gold labels."""
    labels: dict[str, list[str]] = defaultdict(list)
    for record in records:
        story = rows.get(record["id"], {}).get("story") or record["id"]
        labels[story].append(record["gold"]["story"])
    return [sorted(found) for found in labels.values() if len(set(found)) > 1]


def report_newsday(
    eval_dir: Path, records: list[dict[str, Any]], rows: dict[str, dict[str, Any]],
    threads: list[dict[str, Any]],
) -> None:  # fmt: skip
    print(f"newsday dev ({len(records)} pages): {clustering(eval_dir, NEWSDAY, rows, 'story')}")
    merges = false_merges(records, rows)
    print(f"  false merges: {len(merges)}")
    for labels in merges:
        print(f"    {' + '.join(labels)}")
    right = sum(rows.get(r["id"], {}).get("language") == r["gold"]["language"] for r in records)
    print(f"  language right: {right}/{len(records)} ({right / len(records):.1%})")
    for record in records:
        found = rows.get(record["id"], {}).get("language")
        if found != record["gold"]["language"]:
            print(f"    {record['url']}: {found} (gold {record['gold']['language']})")
    covered = default_settings().annotate.languages
    others = [
        rows[r["id"]] for r in records if rows.get(r["id"], {}).get("language") not in covered
    ]
    counts = {field: sum(len(row.get(field) or []) for row in others)
              for field in ("entities", "quotes", "timex")}  # fmt: skip
    print(f"  pages in languages the models do not cover: {len(others)}; on them "
          + ", ".join(f"{n} {field}" for field, n in counts.items()))  # fmt: skip
    bad = bad_links(threads, rows.values())
    links = [link for thread in threads for link in thread["links"]]
    print(f"  thread links: {len(links)}; through an outlet, agency or function word: {len(bad)}")
    titles = {row["story"]: row.get("title") or "" for row in rows.values()}
    for link in links:
        earlier, later = (shorten(titles.get(link[end], "")) for end in ("earlier", "later"))
        mark = "!" if link["reason"] in bad else " "  # a link through a non-actor
        print(f"   {mark}{earlier} -> {later}: {link['reason']}")


def bad_links(threads: list[dict[str, Any]], rows: Iterable[dict[str, Any]]) -> list[str]:
    """Reasons of thread links that name an outlet, an agency or a function word."""
    rows = list(rows)
    outlets = {squash(row["outlet"]) for row in rows if row.get("outlet")}
    words: set[str] = set()
    for code in {row.get("language") for row in rows}:
        if code in STOPLISTS:
            words |= stoplist(STOPLISTS[code])
    bad = []
    for thread in threads:
        for link in thread["links"]:
            match = _SHARES.match(link["reason"])
            names = [n.strip() for n in match["names"].split(",")] if match else []
            if any(is_not_an_actor(name, outlets, words) for name in names):
                bad.append(link["reason"])
    return bad


def is_not_an_actor(name: str, outlets: set[str], function_words: set[str]) -> bool:
    """An outlet, an agency, or a word of one or two letters or every one a function word.

    jusText's English list holds names ("London", "May"): a name counts as a function word
    only when it is written in lower case or every word of it is one."""
    squashed = squash(name)
    if squashed in outlets or squashed in SQUASHED_AGENCIES:
        return True
    words = re.findall(r"\w+", name.lower())
    if len(squashed) <= 2 or name == name.lower():
        return True
    return all(word in function_words and word not in {"may", "john"} for word in words)


def shorten(title: str, width: int = 40) -> str:
    return title if len(title) <= width else title[: width - 1] + "…"


def squash(name: str) -> str:
    return re.sub(r"\W+", "", name.lower().removeprefix("the "))


SQUASHED_AGENCIES = frozenset(map(squash, AGENCIES))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--sets", default="newsday,ecbplus", help="comma-separated")
    parser.add_argument("--together", action="store_true", help="also both sets in one store")
    args = parser.parse_args()
    sets = args.sets.split(",")
    newsday = list(read_jsonl(args.eval_dir / NEWSDAY))
    ecbplus = list(read_jsonl(args.eval_dir / ECBPLUS))
    with tempfile.TemporaryDirectory() as folder:
        if "newsday" in sets:
            alone = Path(folder) / "newsday"
            rows = analysed_alone(alone, "newsday", newsday_input(newsday))
            report_newsday(args.eval_dir, newsday, rows, export(alone, "threads"))
        if "ecbplus" in sets:
            rows = analysed_alone(Path(folder) / "ecbplus", "ecbplus", ecbplus_input(ecbplus))
            scored = clustering(args.eval_dir, ECBPLUS, rows, "event")
            print(f"ECB+ dev ({len(ecbplus)} texts): {scored}")
        if args.together:
            both = Path(folder) / "together"
            both.mkdir()
            analyze(both, "newsday", newsday_input(newsday))
            analyze(both, "ecbplus", ecbplus_input(ecbplus))
            rows = {row["id"]: row for row in export(both, "jsonl")}
            print("together (the day's pages, then the ECB+ texts, in one store):")
            print(f"  newsday: {clustering(args.eval_dir, NEWSDAY, rows, 'story')}; false merges "
                  f"{len(false_merges(newsday, rows))}")  # fmt: skip
            print(f"  ECB+:    {clustering(args.eval_dir, ECBPLUS, rows, 'event')}")


if __name__ == "__main__":
    main()
