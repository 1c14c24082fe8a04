"""QUOTES: direct quotations (quote marks) and reported speech (the dependency parse).

Everything is found on the clean body (``article.body_text``) and its spaCy parse, then
mapped back to the original text. The steps, in order:

1. quote-mark stretches, paragraph by paragraph (a stray mark never reaches past its
   paragraph; a paragraph that opens a quote and does not close it continues only into a
   next paragraph that opens with a quote mark, the news convention for long quotes);
2. stretches broken by their attribution (``"A," he said, "b"``, ``"A," he said. "B."``)
   become one quote whose fragments leave the attribution out, unless the first part was
   finished or the second is a fragment inside the writer's sentence;
3. reported speech: a speech, cognition or intention verb with a subject and a clausal
   complement ("Kalugin said that Russia would ...", "pledged to ..."), a cue set inside
   what it reports ("The plan, Smith said, would ..."), a noun of saying ("Trump's claim
   that ..."), a naming verb with a quoted name ('called Trump a "con artist"'), and
   "according to X, ..."; one that quotes some of its words is a partial direct quote, and
   one inside what another reports is part of that one;
4. the attribution of each direct quote: a signature ("... ” — Name"), else the cue verb of
   its sentences that governs it and has a speaker, else "according to", else the quote
   before it in its paragraph, else the paragraph before (a bare quoted paragraph continues
   the speaker of the paragraph before it; a paragraph ending in ":" introduces the quote
   after it); titles and short unattributed fragments are scare quotes, not quotations;
5. speakers: the subject of the cue, an apposition, or for "he", "the spokesman", "it" the
   person or body the paragraph and the ones before are about; nationalities, regions,
   dates and things that do not speak never are one;
6. what a reader is shown: the speaker only on strong evidence, else the quote unattributed
   (``stage._shown``; docs/architecture.md, "Who said what").

spaCy's own ``textacy``-style rules were the starting point; they are hand-written here
because the rules for unbalanced marks and multi-paragraph quotes need the paragraph layout,
which no library we use knows about.

The modules follow the steps: :mod:`~storyline.annotate.quotes.cues` (the words quotes are
found by), :mod:`~storyline.annotate.quotes.context` (what the steps share),
:mod:`~storyline.annotate.quotes.direct` (1-2), :mod:`~storyline.annotate.quotes.reported` (3),
:mod:`~storyline.annotate.quotes.attribution` (4), :mod:`~storyline.annotate.quotes.speakers`
(5), :mod:`~storyline.annotate.quotes.spans` (back to the original text), and
:mod:`~storyline.annotate.quotes.stage`, which runs them."""

from storyline.annotate.quotes.stage import QuoteStage, quotes_of

__all__ = ["QuoteStage", "quotes_of"]
