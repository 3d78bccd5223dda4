"""What the candidate asks the interviewer, in a turn of any length, and the facts that answer it.

A clarifying question is found by its form, not by the length of the turn it sits in: it ends
with a question mark, opens like a question ("what is the latency budget." when Whisper wrote a
full stop), or says that it asks ("I'd want to know how many users there are"). A question the
candidate answers at once ("So how do we get labels? We'd take the tickets agents already
tagged.") is thinking aloud, not a question to the interviewer, and gets no reply. Every question
asked gets its facts or an explicit "I don't have that", in the order asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from interviewer.content import Question
from interviewer.interview.lines import Lines
from interviewer.meaning.embedder import Embedder
from interviewer.textmatch import contains, find, tokenize
from interviewer.transcript import Transcript, typed

MAX_FACTS = 2  # facts given per question asked: an interviewer answers what was asked

# Words a spoken sentence often starts with before its question ("so, what is ...").
_LEAD = re.compile(
    r"^(?:(?:so|and|also|okay|ok|then|but|well|first|second|now|right|um|uh|roughly|just|"
    r"quickly|lastly|finally)\b[,]?\s*)+",
    re.I,
)
# A question about how the candidate will do something ("how do we get labels?", "what would I
# use as the metric?"), or why something holds, is the candidate thinking aloud when they go on.
_OWN_STEP = re.compile(
    r"^(?:why\b|(?P<what>what|which|where|when)?(?(what)|how)\b[^?]*?"
    r"\b(?:do|did|would|should|could|can|will|might|'d)"
    r"\s+(?:we|i)\b(?!\s+(?:have|know|get to know|need|want)))",
    re.I,
)
# "So was it the model? Easy to check: ..." A question led by "so" that the candidate goes on
# from is the next beat of their own story.
_SO = re.compile(r"^(?:and\s+)?so\b", re.I)
# Forms that put a question to the interviewer: what they want, what the candidate may assume.
# "How do you tell if it's the data?" is the generic "you" of someone thinking aloud.
_TO_YOU = re.compile(
    r"^(?:do you|would you|could you|can you|are you|did you|should i|can i|may i|could i|"
    r"do i need|does it (?:need|have to|count|matter)|is it (?:ok|okay|alright|fine|a problem)|"
    r"is that (?:ok|okay|alright|fine))\b|"
    r"\byou (?:want|wanted|'d like|would like|prefer|have in mind|expect|need)\b|"
    r"\bdo you have\b",
    re.I,
)
# Forms that address the interviewer at all: a yes/no question about the setting.
_ADDRESSED = re.compile(
    r"^(?:do|does|did|is|are|was|were|can|could|should|will|would|may|am|have|has)\b", re.I
)
# Words that sit inside an asking phrase without changing it: "I'd also like to know".
_SOFTENERS = re.compile(r"\b(?:also|really|just|first|still|then|quickly|actually)\b", re.I)
# "Do we need an H100 for that? Not really." The candidate answered their own question.
_SHORT_ANSWER = re.compile(
    r"^(?:not really|not necessarily|not automatically|not quite|not at all|nope|no|yes|yeah|"
    r"sure|probably|easy to check|of course|absolutely|it depends)\b[^.?!]{0,30}[.!:;,]",
    re.I,
)
_QUESTION_WORD = re.compile(r"\b(?:what|what's|how|which|who|who's|where|when|why)\b|\?$", re.I)
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


@dataclass(frozen=True)
class Reply:
    """One question as asked, and the facts that answer it (none: "I don't have that")."""

    asked: str
    facts: list[str]


def sentences(text: str) -> list[str]:
    """A turn's sentences, cut at their end marks only: a question is one sentence however many
    commas it has ("is it a promise, like do we pay anything if we're late?")."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def replies(
    t: Transcript, question: Question, lines: Lines, embedder: Embedder | None = None
) -> list[Reply]:
    """Each question the candidate put to the interviewer in this turn, in order, with its facts.

    Several questions in one sentence ("how many requests, and what is the latency budget?") are
    split at each question word after "and" or a comma; each part gets its best fact. A fact is
    matched by its keywords, else by meaning (with `embedder`): "how big is the collection" asks
    for the scale however the fact's keywords put it. A fact already given in this reply is not
    repeated.
    """
    said = sentences(t.text)
    facts_of = _FactMatcher(question, lines, embedder)
    out: list[Reply] = []
    given: set[str] = set()
    for i, sentence in enumerate(said):
        if not _asks(sentence, lines):
            continue
        goes_on = any(not _asks(s, lines) for s in said[i + 1 :])
        answered_at_once = i + 1 < len(said) and bool(_SHORT_ANSWER.match(said[i + 1]))
        pieces = split_questions(sentence, lines.question_openers)
        first = pieces[0][1]
        if len(pieces) > 1 and not (_QUESTION_WORD.search(first) or _opens(first, lines)):
            # "Before I go there, how is traffic spread?": a lead-in, not a question
            pieces = [("", pieces[1][1]), *pieces[2:]]
        many = len(pieces) > 1
        for group in _questions(pieces):
            # Parts joined by a comma ask one thing ("who will use it, how many teams?"): the
            # group gets the facts of its parts, or one "I don't have that".
            facts = [f for part in group for f in facts_of(part, 1 if many else MAX_FACTS)]
            facts = list(dict.fromkeys(facts))
            asked = ", ".join(group)
            head = sentence if len(pieces) == 1 else asked
            if answered_at_once or (goes_on and _thinking_aloud(head, facts)):
                continue
            if not facts and many and not _opens(group[0], lines, _QUESTION_WORDS):
                continue  # "..., and so on": a tail, not a question of its own
            new = [f for f in facts if f not in given]
            if facts and not new:
                continue  # asked twice in one turn: answered once
            given.update(new)
            out.append(Reply(asked=asked.strip(), facts=new))
    return out


def _questions(pieces: list[tuple[str, str]]) -> list[list[str]]:
    """Pieces as questions: a piece after "and" starts a new one, a piece after a comma goes on
    the one before."""
    out: list[list[str]] = []
    for joint, piece in pieces:
        if out and joint == ",":
            out[-1].append(piece)
        else:
            out.append([piece])
    return out


def _asks(text: str, lines: Lines) -> bool:
    """The sentence is put as a question: by its mark, its opening (or a clause's, after a
    lead-in: "Before I start, how many requests do we expect."), or by saying it asks."""
    lead, _, rest = text.partition(",")
    after_lead = (
        bool(rest)
        and len(lead.split()) <= LEAD_IN_WORDS
        and not _STATEMENT.match(lead.strip())
        and not _RELATIVE.match(rest.strip())
    )
    return (
        text.rstrip().endswith("?")
        or _opens(text, lines)
        or (after_lead and _opens(rest, lines))
        or bool(contains(_SOFTENERS.sub(" ", text), lines.ask_phrases))
    )


LEAD_IN_WORDS = 6  # "Before I start," / "To size the online side,": a lead-in is short
# A clause that opens with its subject is a statement, not a lead-in ("I'd measure recall, and
# how long the track stays locked").
_STATEMENT = re.compile(r"^(?:i|i'd|i'll|i'm|we|we'd|we'll|it|it's|they|this|that|there)\b", re.I)
# After a comma, "which" and "who" usually begin a relative clause ("trees, which train fast").
_RELATIVE = re.compile(r"^(?:which|who)\b", re.I)


def _opens(text: str, lines: Lines, more: tuple[str, ...] = ()) -> bool:
    head = _LEAD.sub("", text.strip()).lower()
    return any(re.match(rf"{re.escape(o)}\b", head) for o in (*lines.question_openers, *more))


def _thinking_aloud(sentence: str, facts: list[str]) -> bool:
    """A question the candidate goes on to answer: their own next step ("how would I evaluate
    it?"), a "so ...?" beat of their story, or one no fact answers and that does not address
    the interviewer ("what's the baseline here?")."""
    head = _LEAD.sub("", sentence.strip())
    if _TO_YOU.search(head):
        return False
    own = _OWN_STEP.match(head)
    # "how do we get labels?" is a method, theirs to find; "what actions can we take?" asks
    # about the setting when a fact answers it.
    if (own and not (own.group("what") and facts)) or _SO.match(sentence.strip()):
        return True
    return not facts and not _ADDRESSED.search(head)


def fact_texts(question: Question) -> list[str]:
    """Each fact as it is compared with a question asked: its topic, keywords and answer."""
    return [f"{f.topic}: {', '.join(f.keywords)}. {f.answer}" for f in question.facts]


class _FactMatcher:
    """The facts a question asks for: by keywords first, else by meaning."""

    def __init__(self, question: Question, lines: Lines, embedder: Embedder | None):
        self.question = question
        self.embedder = embedder
        self.min_sim = lines.listening.fact_sim
        self._vectors: np.ndarray | None = None

    def __call__(self, asked: str, limit: int) -> list[str]:
        found = match_facts(asked, self.question, limit)
        if found or self.embedder is None or not self.question.facts:
            return found
        if self._vectors is None:
            self._vectors = self.embedder.embed(fact_texts(self.question))
        sims = (self.embedder.embed([asked]) @ self._vectors.T)[0]
        best = int(sims.argmax())
        return [self.question.facts[best].answer] if sims[best] >= self.min_sim else []


def split_questions(text: str, openers: list[str]) -> list[tuple[str, str]]:
    """One sentence holding several questions, as (joint, question) pairs; joint is "" for the
    first, "and" or "," for the others. Whisper often writes several questions as one sentence
    ("how many ..., and what is ..., and how much ...?").
    """
    words = sorted({*openers, *_QUESTION_WORDS}, key=len, reverse=True)
    alts = "|".join(re.escape(o) for o in words) + "|" + _YES_NO
    parts = re.split(rf"(,\s*(?:and\s+)?|\s+and\s+)(?=(?:{alts})\b)", text, flags=re.I)
    out = [("", parts[0].strip(" ,"))]
    for joint, piece in zip(parts[1::2], parts[2::2], strict=True):
        out.append(("and" if "and" in joint.lower() else ",", piece.strip(" ,")))
    return [(j, p) for j, p in out if p]


# A yes/no question of its own after "and" or a comma: "..., and has the feature store slowed
# down?", "..., did anything ship last week?"
_YES_NO = (
    r"(?:has|have|did|does|do|is|are|was|were|can|could|should|will|would)\s+"
    r"(?:the|a|an|any|anything|anyone|anybody|we|you|it|there|this|that|they|our|your|i)"
)
# Words that start a question of their own after "and": "..., and what language do they use?"
_QUESTION_WORDS = (
    "what",
    "how",
    "which",
    "who",
    "where",
    "when",
    "why",
    "is there",
    "are there",
    "does anyone",
    "does anybody",
    "do they",
    "do you",
    "do we",
    "does the",
    "can we",
    "can i",
)


def match_facts(asked: str, question: Question, limit: int = MAX_FACTS) -> list[str]:
    """The facts a clarifying question asks for, best first; only the question's own facts.

    All keywords are matched at once, longest first and without overlap, so "latency budget"
    is about latency and does not also pull in a fact keyed on "budget" by itself.
    """
    owner = {kw: i for i, f in enumerate(question.facts) for kw in f.keywords}
    found = find(tokenize(typed(asked).words), list(owner))
    score: dict[int, int] = {}
    first: dict[int, int] = {}
    for m in found:
        i = owner[m.phrase]
        score[i] = score.get(i, 0) + 1
        first.setdefault(i, m.first)
    best = sorted(score, key=lambda i: (-score[i], first[i]))[:limit]
    return [question.facts[i].answer for i in sorted(best, key=lambda i: first[i])]
