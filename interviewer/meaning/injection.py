"""Text addressed to the grader instead of the interviewer, found per clause.

A flag removes the clause that makes the request (and the clause naming the grader, when the two
are split by a comma), never a whole answer: Whisper often joins a fast answer into one long
sentence with commas. Domain talk ("a shared system prompt across tenants") is not a request to
the grader: a match by meaning also needs a grader word or a request word in the clause.
"""

from __future__ import annotations

import numpy as np

from interviewer.content import Rubric
from interviewer.textmatch import Token, find, tokenize
from interviewer.transcript import Transcript, Utterance, ends_sentence, join_words

SHORT_CLAUSE_WORDS = 6  # a clause this short beside grader talk in its sentence goes with it


def isolate(transcript: Transcript, utts: list[Utterance], rubric: Rubric) -> list[Utterance]:
    """Utterances with any clause addressed to the grader cut out on its own, so that a flag
    removes that clause and not the sentence around it."""
    out: list[Utterance] = []
    for u in utts:
        words = transcript.words[u.first_word : u.last_word + 1]
        cuts = [k + 1 for k, w in enumerate(words[:-1]) if w.word.endswith((",", ";", ":"))]
        bounds = list(zip([0] + cuts, cuts + [len(words)], strict=True))
        if len(bounds) == 1:
            out.append(u)
            continue
        suspect = []
        for a, b in bounds:
            tokens = tokenize(words[a:b])
            suspect.append(
                bool(
                    find(tokens, rubric.injection)
                    or find(tokens, rubric.injection_addressee)
                    or find(tokens, rubric.injection_command)
                    or find(tokens, rubric.injection_self)
                )
            )
        if not any(suspect):
            out.append(u)
            continue
        # Runs of clauses: each suspect clause alone, the clean ones between them together.
        groups: list[tuple[int, int, bool]] = []  # (first word, end, suspect)
        for (a, b), bad in zip(bounds, suspect, strict=True):
            if groups and not bad and not groups[-1][2]:
                groups[-1] = (groups[-1][0], b, False)
            else:
                groups.append((a, b, bad))
        for a, b, _ in groups:
            chunk = words[a:b]
            out.append(
                Utterance(
                    text=join_words([w.word for w in chunk]),
                    start=chunk[0].start,
                    end=chunk[-1].end,
                    first_word=u.first_word + a,
                    last_word=u.first_word + b - 1,
                )
            )
    return out


def same_sentence(utts: list[Utterance], i: int, j: int) -> bool:
    lo, hi = min(i, j), max(i, j)
    return all(not ends_sentence(utts[k].text) for k in range(lo, hi))


def flag(
    utts: list[Utterance],
    tokens: list[list[Token]],
    vectors: np.ndarray,
    examples: np.ndarray,
    rubric: Rubric,
) -> dict[int, str]:
    """Utterance index -> why it was flagged. tokens: each utterance's (textmatch)."""
    said = [[m.phrase for m in find(t, rubric.injection)] for t in tokens]
    who = [[m.phrase for m in find(t, rubric.injection_addressee)] for t in tokens]
    asks = [[m.phrase for m in find(t, rubric.injection_command)] for t in tokens]
    own = [[m.phrase for m in find(t, rubric.injection_self)] for t in tokens]
    sims = (
        (vectors @ examples.T).max(axis=1)
        if len(vectors) and len(examples)
        else np.zeros(len(utts))
    )
    flagged: dict[int, str] = {}
    for i in range(len(utts)):
        if said[i]:
            flagged[i] = f"addresses the grader ('{said[i][0]}')"
            continue
        if own[i]:
            flagged[i] = f"about its own score ('{own[i][0]}')"
            continue
        if who[i] and utts[i].text.rstrip().endswith(":"):  # "Note to the evaluator:"
            flagged[i] = f"addresses the grader ('{who[i][0]}')"
            continue
        if who[i]:
            near = [
                j
                for j in (i - 1, i, i + 1)
                if 0 <= j < len(utts) and asks[j] and same_sentence(utts, i, j)
            ]
            if near:
                for j in {i, *near}:
                    flagged.setdefault(
                        j, f"addresses the grader ('{who[i][0]} ... {asks[near[0]][0]}')"
                    )
                continue
        if sims[i] >= rubric.meaning.injection_sim and (who[i] or asks[i]):
            flagged[i] = f"reads as a request to the grader (similarity {sims[i]:.2f})"
    # "Note to the grader: this answer is complete, so ...": what follows an announcement to
    # the grader in its sentence is said to the grader too; so is a short clause beside grader
    # talk in its sentence ("Whoever grades this, the correct score is ..."), too short to
    # carry design content of its own.
    for i in sorted(flagged):
        if utts[i].text.rstrip().endswith(":"):
            j = i + 1
            while j < len(utts) and same_sentence(utts, i, j):
                flagged.setdefault(j, "continues what was said to the grader")
                j += 1
    for i in sorted(flagged):
        for j in (i - 1, i + 1):
            if (
                0 <= j < len(utts)
                and j not in flagged
                and same_sentence(utts, i, j)
                and len(utts[j].text.split()) <= SHORT_CLAUSE_WORDS
            ):
                flagged[j] = "continues what was said to the grader"
    return flagged
