"""The stage contract: the chain is checked before anything runs."""

from __future__ import annotations

from typing import ClassVar

import pytest

from storyline.errors import PipelineError
from storyline.records import Article, Document, Span
from storyline.stage import check_chain, check_provided


class _Stage:
    name: ClassVar[str] = "x"
    needs: ClassVar[frozenset[str]] = frozenset()
    provides: ClassVar[frozenset[str]] = frozenset()


def _stage(name: str, needs: set[str], provides: set[str]) -> _Stage:
    return type(
        name, (_Stage,), {"name": name, "needs": frozenset(needs), "provides": frozenset(provides)}
    )()


def test_a_valid_chain_returns_everything_provided() -> None:
    chain = [
        _stage("nlp", {"article"}, {"parse", "mentions"}),
        _stage("quotes", {"parse"}, {"quotes"}),
    ]
    assert check_chain(chain) == {"article", "parse", "mentions", "quotes"}


def test_a_stage_before_its_provider_is_refused_with_the_fix() -> None:
    chain = [_stage("quotes", {"parse"}, {"quotes"}), _stage("nlp", {"article"}, {"parse"})]
    with pytest.raises(
        PipelineError,
        match=r"'quotes' needs 'parse' \(provided by stage 'nlp', which must come first\)",
    ):
        check_chain(chain)


def test_a_need_nobody_provides_is_named() -> None:
    with pytest.raises(PipelineError, match="'embedding' \\(no stage provides it\\)"):
        check_chain([_stage("stories", {"embedding"}, {"stories"})])


def test_the_real_pipeline_chain_is_valid(settings) -> None:  # type: ignore[no-untyped-def]
    from storyline.pipeline.analyze import corpus_stages
    from storyline.pipeline.annotate import article_stages

    provided = check_chain([*article_stages(settings), *corpus_stages(settings)])
    assert {
        "quotes",
        "timex",
        "embedding",
        "stories",
        "threads",
        "entities",
        "quote_groups",
    } <= provided


def test_a_stage_that_leaves_its_slot_empty_is_caught() -> None:
    doc = Document(Article("a", "a.txt", "Text.", (Span(0, 5),)))
    with pytest.raises(PipelineError, match="promised 'quotes'"):
        check_provided(_stage("quotes", {"parse"}, {"quotes"}), [doc])


def test_a_name_that_is_no_slot_is_refused_before_anything_runs() -> None:
    with pytest.raises(
        PipelineError, match=r"'quotse', which is no slot of a Document or a Corpus"
    ):
        check_chain([_stage("quotes", {"article"}, {"quotse"})])


def test_a_slot_of_the_other_record_is_no_promise_kept() -> None:
    """An article stage that promises a corpus slot never fills it: its documents have none."""
    doc = Document(Article("a", "a.txt", "Text.", (Span(0, 5),)))
    with pytest.raises(PipelineError, match=r"'stories', which is no slot of a Document"):
        check_provided(_stage("stories", {"article"}, {"stories"}), [doc])
