"""The faster tag map, exceptions and lemmas give every token what spaCy's own components
give it; the faster name search finds what its pattern did."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from storyline.annotate.models import load_spacy_pipeline, spacy_pipeline
from storyline.annotate.nlp import _whole_words


def token_rows(nlp, texts: list[str]) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    return [
        (t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.ent_type_, str(t.is_sent_start))
        for doc in nlp.pipe(texts)
        for t in doc
    ]


def test_the_tag_map_changes_no_annotation(example_texts: dict[str, str]) -> None:
    texts = list(example_texts.values())
    texts.append("Y'all gon na see it. Ain't nothing but the truth, I said to him.")  # exceptions
    fast = spacy_pipeline()
    assert "storyline_tag_map" in fast.pipe_names
    assert token_rows(fast, texts) == token_rows(load_spacy_pipeline(fast=False), texts)


@given(
    text=st.text(alphabet="ab _-é1\n", max_size=30),
    words=st.text(alphabet="ab _-é1", min_size=1, max_size=4),
)
def test_whole_words_are_what_the_word_boundary_pattern_finds(text: str, words: str) -> None:
    pattern = rf"(?<!\w){re.escape(words)}(?!\w)"
    expected = [m.span() for m in re.finditer(pattern, text)]
    assert list(_whole_words(text, words)) == expected
