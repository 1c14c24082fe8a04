"""RESOLVE (across articles): mentions into entities, quotes into quote groups.

Entities: every spelling of one actor becomes one entity. The steps, over all mentions
of the corpus:

1. Normalise each mention to a key: transliterated to ASCII, lower case, no possessive,
   punctuation, apostrophes, leading "the" or titles ("Khalid Mish'al's" → "khalid mishal").
2. Give each key one type: the majority label of its mentions. spaCy's small model labels one
   string differently from sentence to sentence ("Hamas" as ORG and GPE); one string in one
   corpus names one thing.
3. Merge full names: people when first and last names match (equal, fuzzy or phonetic:
   Khaled Mashaal = Khalid Mish'al), other types when the whole key is a close fuzzy match;
   a company with its company words ("Apple Computer"), a name cut short ("the Dow Jones")
   or with its country or maker in front ("U.S. Air Force", "Airbus A380") is the name.
   Candidates come from blocks (metaphone, first and last letters), never from all pairs, so
   the cost per article does not grow with the names already known.
4. Attach single words: a surname joins the one person whose full name ends with it (first in
   the same article, then in the corpus); a first name the one person of the article with it;
   an acronym joins the one full name with its initials.
5. Link what a reader resolves without thinking (nlp.py finds them): a pronoun ("he", "its")
   or a description ("the company", "the Russian leader", "Apple CEO") joins the nearest
   entity before it that it can stand for; a description that holds a name is that name.
   "which" and "who" stand only for the name right before them, "they" only for one close
   by; with none, the word stays unlinked.
6. Name each entity by its most frequent full form; map resolved speakers of quotes ("he",
   "the Russian president") to their entity, so ``Corpus.entity_at`` finds them.

The steps' modules: :mod:`~storyline.resolve.names` (1-2), :mod:`~storyline.resolve.merging`
(3-4), :mod:`~storyline.resolve.references` (5), :mod:`~storyline.resolve.entities` (6 and the
stage). :mod:`~storyline.resolve.quote_groups`: one utterance and all its renderings across
outlets.
"""
