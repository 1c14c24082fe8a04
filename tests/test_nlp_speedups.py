"""The faster tag map gives every token what spaCy's own components give it."""

from __future__ import annotations

from storyline.annotate.models import load_spacy_pipeline, spacy_pipeline


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
