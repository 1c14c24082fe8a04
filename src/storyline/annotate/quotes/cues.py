"""The words quotes are found by: quote marks, the verbs and nouns that introduce what someone
said, the titles and pronouns that stand for a speaker, and the tests of a token that use them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

QUOTE_MARKS = '"“”„«»'
#: Marks that only ever open or only ever close a quotation.
OPENING_ONLY = "“„«"
CLOSING_ONLY = "”»"
MARK_RE = re.compile(f"[{QUOTE_MARKS}]")
WORD_RE = re.compile(r"\w+")
#: A dash after a closing mark that introduces the name signing a quote.
SIGNATURE_RE = re.compile(r"[,.]?\s*[―—–]\s*")

#: Lemmas of verbs that introduce what someone said, wrote or thinks.
CUE_LEMMAS = frozenset(
    {
        "say", "tell", "add", "deny", "state", "announce", "insist", "warn", "claim", "accuse",
        "urge", "believe", "think", "argue", "explain", "note", "stress", "emphasise",
        "emphasize", "reaffirm", "confirm", "declare", "suggest", "report", "write", "ask",
        "reply", "respond", "acknowledge", "admit", "predict", "promise", "vow", "threaten",
        "complain", "concede", "contend", "assert", "maintain", "reiterate", "indicate",
        "recall", "tweet", "testify", "allege", "charge", "caution", "reveal", "mention",
        "observe", "remark", "continue", "quote", "call", "point", "agree", "fear", "hope",
        "feel", "speculate", "conclude", "demand", "propose", "recommend", "estimate",
        "counter", "joke", "show", "find", "shout", "yell", "scream", "chant", "exclaim",
        "sing", "quip", "boast", "plead", "lament", "recount", "wonder", "retort",
        "cite", "question", "criticize", "criticise", "encourage", "advise", "implore",
    }
)  # fmt: skip
#: Verbs of thinking and wanting: the quote under one that a speech verb reports is the
#: speaker's words ("X said voters believe "...""), not the thinker's.
COGNITION_CUES = frozenset(
    {"believe", "think", "feel", "fear", "hope", "want", "know", "expect", "wish"}
)
#: Cues that take an object and an infinitive ("urged the US not to cut off funds").
OBJECT_CONTROL_CUES = frozenset(
    {"urge", "ask", "call", "warn", "tell", "advise", "demand", "encourage", "implore"}
)
#: Verbs of intent and commitment, attributions of what someone means to do ("pledged to
#: work together", "declined to comment"): their infinitive is the content.
INTENTION_CUES = frozenset(
    {
        "want", "plan", "pledge", "promise", "vow", "refuse", "decline", "agree", "intend",
        "seek", "threaten", "hope", "offer", "propose", "aim", "expect", "wish",
    }
)  # fmt: skip
#: Cues that need a particle to mean speech ("called on", "called for", "pointed out").
PARTICLE_CUES = {"call": frozenset({"on", "for"}), "point": frozenset({"out"})}
#: Nouns of saying that take the content as a clause ("Trump's claim that ...").
CUE_NOUNS = frozenset(
    {
        "claim", "statement", "assertion", "argument", "warning", "allegation", "accusation",
        "suggestion", "belief", "view", "insistence", "contention", "charge", "comment",
        "remark", "announcement", "promise", "pledge", "vow", "threat", "prediction",
        "assurance", "admission", "denial", "complaint", "conclusion", "message", "call",
        "demand", "proposal", "plan", "decision", "hope", "fear", "assessment", "estimate",
    }
)  # fmt: skip
#: Verbs that name what they talk about ("called Trump a "con artist""): with the name in
#: quote marks, the object and the name are a partial quote of the subject.
NAMING_CUES = frozenset(
    {
        "call", "describe", "label", "brand", "dub", "term", "characterize", "characterise",
        "deem", "portray", "refer", "praise", "hail", "criticize", "criticise", "slam",
        "blast", "mock", "dismiss", "denounce", "condemn",
    }
)  # fmt: skip
NAMING_PREPOSITIONS = frozenset({"as", "for"})
#: The dependents of a naming verb that belong to its partial quote (of its prepositions,
#: only "as" and "for": "during a campaign stop" is the writer's).
NAMING_DEPS = frozenset({"dobj", "oprd", "prep", "ccomp"})
#: Heads of definite noun phrases that stand for a person named earlier ("the spokesman").
TITLE_NOUNS = frozenset(
    {
        "president", "minister", "spokesman", "spokeswoman", "spokesperson", "leader",
        "premier", "chancellor", "secretary", "envoy", "ambassador", "chairman", "chief",
        "senator", "governor", "mayor", "candidate", "nominee", "king", "prince", "director",
        "commander", "general", "prosecutor", "judge",
    }
)  # fmt: skip
#: Heads of descriptions that name a speaker of their own ("Israeli officials", "a State
#: Department spokesman", "the ministry"): people and bodies that speak. A description headed
#: by anything else ("the ad", "a majority", "the letter") is not shown as a speaker; tuned
#: on PolNeAR dev (benchmarks/bench_quotes.py), where such heads were wrong half the time.
SPEAKER_NOUNS = frozenset(
    {
        "official", "source", "spokesman", "spokeswoman", "spokesperson", "aide", "adviser",
        "advisor", "analyst", "expert", "lawyer", "attorney", "officer", "diplomat",
        "lawmaker", "legislator", "representative", "member", "critic", "supporter",
        "activist", "witness", "resident", "voter", "protester", "organizer", "economist",
        "strategist", "researcher", "scientist", "doctor", "physician", "professor", "author",
        "reporter", "journalist", "editor", "columnist", "pollster", "investigator", "agent",
        "police", "ministry", "government", "administration", "agency", "department",
        "committee", "council", "campaign", "party", "spokesmen", "owner", "executive",
        "manager", "worker", "employee", "student", "teacher", "parent", "father", "mother",
        "friend", "neighbor", "neighbour", "victim", "survivor", "veteran", "soldier",
        "leader", "negotiator", "mediator", "envoy", "observer", "insider", "operative",
        "authority", "union", "commission", "fund", "announcer", "narrator", "questioner",
        "nominee", "businessman", "republican", "democrat", "group", "organization",
        "organisation", "company", "firm", "board", "court", "office", "team", "family",
        "report", "poll", "survey", "study", "statement", "people", "prosecutor", "judge",
        # Documents and data, which news reports quote as sources ("the analysis found").
        "analysis", "data", "review", "ruling", "book", "website", "network", "transcript",
        "slide", "statistic", "brief", "journal", "research", "average", "record",
        "document", "memo", "email", "filing", "complaint", "ad", "advertisement", "clip",
        "letter", "panel", "city", "state", "bank", "delegate", "proponent",
    }
)  # fmt: skip
PERSON_PRONOUNS = frozenset({"he", "she"})
#: The speaker nouns that name a body, not a person: what an "it" can stand for.
BODY_NOUNS = frozenset(
    {
        "ministry", "government", "administration", "agency", "department", "committee",
        "council", "campaign", "party", "union", "commission", "fund", "group",
        "organization", "organisation", "company", "firm", "board", "court", "office",
        "team", "report", "poll", "survey", "study", "statement", "police",
    }
)  # fmt: skip
#: Pronouns that speak for a body ("it said", "they said"), shown only when one body is named.
GROUP_PRONOUNS = frozenset({"it", "they"})
#: How many paragraphs before a "he" its antecedent is looked for (news paragraphs are short;
#: a quote paragraph often sits between the name and the next "he said").
ANTECEDENT_PARAGRAPHS = 3
#: Entity labels that describe a speaker and never are one: "Israeli" in "Israeli officials",
#: "the Middle East" (a plural of a nationality or party names people: "Republicans said").
SILENT_LABELS = frozenset({"NORP", "LOC"})
#: Entity labels that never speak: a date or a time the parser took for a subject ("...,
#: Warren said Saturday").
NOT_SPEAKER_LABELS = frozenset({"DATE", "TIME"})
#: Documents that report what people said: a source of reported speech ("the report found
#: that ..."), but the words in quote marks inside them are someone's ("the ad" quotes a
#: candidate), so a direct quote is not shown with a document as its speaker (PolNeAR:
#: such speakers of direct quotes were wrong in most cases).
DOCUMENT_NOUNS = frozenset(
    {
        "ad", "advertisement", "clip", "letter", "statement", "transcript", "report", "poll",
        "document", "memo", "email", "filing", "complaint", "brief", "book", "website",
        "analysis", "data", "review", "ruling", "record", "survey", "study", "slide",
        "journal", "research", "average", "statistic", "video", "spot",
    }
)  # fmt: skip
#: Dependencies of a name that only modifies another noun ("the Bush administration",
#: "Putin's remarks"): such a name is not who a later "he" stands for.
MODIFIER_DEPS = frozenset({"compound", "poss", "amod", "nmod"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
#: Dependencies through which a subject-less cue inherits the subject of its head
#: ("he was quoted as saying", "..., saying that", "reaffirmed ... and emphasised ...");
#: a subject-less ``ccomp`` is the parser's reading of a second verb ("said ... but said").
CLIMB_DEPS = frozenset({"xcomp", "advcl", "conj", "pcomp", "prep", "relcl", "ccomp"})
RELATIVE_PRONOUNS = frozenset({"who", "that", "which"})
ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})


#: Attribution rules whose speaker is too often wrong to show: a naming verb's partial quote
#: ('called Trump a "con artist"') and a noun of saying ("his claim that ..."), right under
#: half the time on PolNeAR dev (benchmarks/bench_quotes.py).
WEAK_RULES = frozenset({"naming", "noun"})


def word_count(text: str, start: int, end: int) -> int:
    return len(WORD_RE.findall(text, start, end))


def reads_as_statement(text: str, pieces: Sequence[tuple[int, int]], min_words: int) -> bool:
    """Quoted words that read as something said: ``min_words`` words or more, or a final stop
    ("thousands of shootings" is the writer's scare quote, "It's finished." a statement)."""
    words = sum(word_count(text, start, end) for start, end in pieces)
    start, end = pieces[-1]
    ends = text[start:end].rstrip().rstrip('"”»').endswith((".", "?", "!", "…"))
    return words >= min_words or ends


def is_cue(token: Any) -> bool:
    if token.pos_ == "NOUN":
        return _is_cue_noun(token)
    if token.pos_ not in ("VERB", "AUX"):
        return False
    if is_naming(token):
        return True
    if token.lemma_.lower() not in CUE_LEMMAS | INTENTION_CUES:
        return False
    particles = PARTICLE_CUES.get(token.lemma_.lower())
    return particles is None or any(c.lower_ in particles for c in token.children)


def _is_cue_noun(token: Any) -> bool:
    return token.lemma_.lower() in CUE_NOUNS and noun_clause(token) is not None


def noun_clause(noun: Any) -> Any | None:
    """ "Trump's claim that there have been ...", "his pledge to cut taxes": the clause a
    noun of saying takes (spaCy's ``acl``), when it opens with "that" or "to" (a relative
    clause, "the claim he made", is not what was said)."""
    for child in noun.rights:
        if child.dep_ == "acl" and next(child.subtree).lower_ in ("that", "to"):
            return child
    return None


def is_naming(token: Any) -> bool:
    """ "called Trump a "con artist"", "described the test as "reckless"": a verb that names
    its object, with the name it gives (an ``oprd``, or an "as"/"for" phrase)."""
    if token.lemma_.lower() not in NAMING_CUES:
        return False
    # "described Putin's invitation as "a stab in the back"": the parser often hangs the "as"
    # phrase on the object rather than on the verb.
    objects = [c for c in token.rights if c.dep_ == "dobj"]
    return any(
        c.dep_ == "oprd" or (c.dep_ == "prep" and c.lower_ in NAMING_PREPOSITIONS)
        for c in [*token.rights, *(g for o in objects for g in o.rights)]
    )
