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

from interviewer.content import Question
from interviewer.interview.lines import Lines
from interviewer.textmatch import contains, find, tokenize
from interviewer.transcript import Transcript, typed, utterances

MAX_FACTS = 2  # facts given per question asked: an interviewer answers what was asked

# Words a spoken sentence often starts with before its question ("so, what is ...").
_LEAD = re.compile(
    r"^(?:(?:so|and|also|okay|ok|then|but|well|first|second|now|right|um|uh)\b[,]?\s*)+", re.I
)
# A question about how the candidate will do something ("how do we get labels?", "what would I
# use as the metric?") is the candidate's own next step when they go on to answer it.
_OWN_STEP = re.compile(
    r"^(?:how|what|which|where|why|when)\b[^?]*?\b(?:do|would|should|could|can|will|might|'d)"
    r"\s+(?:we|i)\b(?!\s+(?:have|know|get to know))",
    re.I,
)
# Words that sit inside an asking phrase without changing it: "I'd also like to know".
_SOFTENERS = re.compile(r"\b(?:also|really|just|first|still|then|quickly|actually)\b", re.I)
# Forms that address the interviewer directly: a yes/no question, "you", "can I assume".
_ADDRESSED = re.compile(
    r"^(?:do|does|did|is|are|was|were|can|could|should|will|would|may|am|have|has)\b|\byou\b|\byour\b",
    re.I,
)


@dataclass(frozen=True)
class Reply:
    """One question as asked, and the facts that answer it (none: "I don't have that")."""

    asked: str
    facts: list[str]


def replies(t: Transcript, question: Question, lines: Lines) -> list[Reply]:
    """Each question the candidate put to the interviewer in this turn, in order, with its facts.

    A question several facts answer in one breath ("how many requests, and what is the latency
    budget?") is split at each opener and each part gets its best fact; a fact already given in
    this reply is not repeated.
    """
    utts = utterances(t)
    out: list[Reply] = []
    given: set[str] = set()
    for i, u in enumerate(utts):
        goes_on = any(not _asks(v.text, lines) for v in utts[i + 1 :])
        if not _asks(u.text, lines):
            continue
        pieces = split_questions(u.text, lines.question_openers)
        many = len(pieces) > 1
        for piece in pieces:
            facts = match_facts(piece, question, 1 if many else MAX_FACTS)
            if not facts and many and not _opens(piece, lines, _QUESTION_WORDS):
                continue  # "... and so on": a tail, not a question of its own
            if goes_on and _thinking_aloud(piece, facts):
                continue
            new = [f for f in facts if f not in given]
            if facts and not new:
                continue  # asked twice in one turn: answered once
            given.update(new)
            out.append(Reply(asked=piece.strip(), facts=new))
    return out


def _asks(text: str, lines: Lines) -> bool:
    """The sentence is put as a question: by its mark, its opening, or by saying it asks."""
    return (
        text.rstrip().endswith("?")
        or _opens(text, lines)
        or contains(_SOFTENERS.sub(" ", text), lines.ask_phrases)
    )


def _opens(text: str, lines: Lines, more: tuple[str, ...] = ()) -> bool:
    head = _LEAD.sub("", text.strip()).lower()
    return any(re.match(rf"{re.escape(o)}\b", head) for o in (*lines.question_openers, *more))


def _thinking_aloud(piece: str, facts: list[str]) -> bool:
    """A question the candidate goes on to answer: their own next step ("how would I evaluate
    it?"), or one no fact answers and that does not address the interviewer ("what's the
    baseline here?")."""
    head = _LEAD.sub("", piece.strip())
    if _OWN_STEP.match(head):
        return True
    return not facts and not _ADDRESSED.search(head)


def split_questions(text: str, openers: list[str]) -> list[str]:
    """One utterance holding several questions, as its questions; a single one as itself.

    Whisper often writes several questions as one sentence ("how many ..., and what is ..., and
    how much ...?"): split at each question word that follows a comma or an "and".
    """
    words = sorted({*openers, *_QUESTION_WORDS}, key=len, reverse=True)
    alts = "|".join(re.escape(o) for o in words)
    joint = r"(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)"
    pieces = re.split(rf"{joint}(?=(?:{alts})\b)", text, flags=re.I)
    return [p.strip(" ,") for p in pieces if p.strip(" ,")]


# Words that start a question of their own after "and": "..., and what language do they use?"
_QUESTION_WORDS = ("what", "how", "which", "who", "where", "when", "why", "is there", "are there")


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
