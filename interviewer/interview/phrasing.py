"""Who words the interviewer's lines: templates (offline), or an LLM that rewords the draft.

The graph decides every move and writes a draft line from prompts/interviewer/lines.toml; a
phraser only chooses the words. The LLM phraser streams its reply and hands each sentence to
`say` as soon as it is complete, so the voice starts at the first sentence. It is never given
the rubric, the key points or the model answer; its clarifying answers must use only the
question's facts (a number that is not in them rejects the line); any failure falls back to the
draft, and the turn records why.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from interviewer.content import Question
from interviewer.llm.client import LlmClient, LlmFailure
from interviewer.llm.prompts import as_data, load_prompt

Say = Callable[[str], None]
_NUMBER = re.compile(r"\d[\d,.]*")
# Words that would leak how the candidate is graded.
FORBIDDEN = re.compile(
    r"\b(rubric|key points?|model answer|grader|grading|scor(e|es|ing)|grades?|graded|"
    r"deserves?|out of (one|two|three|four|five|ten|\d+))\b|\b\d\s*/\s*(5|10)\b",
    re.I,
)


@dataclass(frozen=True)
class Line:
    text: str
    by: str  # "template" or "llm:<model>"
    spoken: bool = False  # already voiced, sentence by sentence, while it streamed
    fallback: str | None = None  # why the LLM's words were not used


class Phraser(Protocol):
    def phrase(
        self, move: str, draft: str, question: Question, candidate: str, asked: str, say: Say | None
    ) -> Line: ...


class TemplatePhraser:
    def phrase(
        self, move: str, draft: str, question: Question, candidate: str, asked: str, say: Say | None
    ) -> Line:
        return Line(text=draft, by="template")


class LlmPhraser:
    def __init__(self, client: LlmClient):
        self.client = client
        self.by = f"llm:{client.o.model}"
        self.line_prompt = load_prompt("interviewer", "line")
        self.clarify_prompt = load_prompt("interviewer", "clarify")

    def phrase(
        self, move: str, draft: str, question: Question, candidate: str, asked: str, say: Say | None
    ) -> Line:
        if move == "question":
            return Line(text=draft, by="template")  # the question is read exactly as written
        if move == "fact":
            facts = "\n".join(f"- {f.answer}" for f in question.facts) or "- (none)"
            prompt = self.clarify_prompt.render(
                question=as_data(question.text), facts=facts, asked=as_data(asked or candidate)
            )
            allowed = " ".join([question.text] + [f.answer for f in question.facts])
        else:
            prompt = self.line_prompt.render(
                question=as_data(question.text),
                candidate=as_data(candidate[-600:]),
                move=move,
                draft=draft,
            )
            allowed = " ".join([question.text, draft])
        messages = [
            {"role": "system", "content": "You speak as a friendly, concise interviewer."},
            {"role": "user", "content": prompt},
        ]
        spoken: list[str] = []
        try:
            for sentence in self.client.stream_sentences(messages):
                problem = _check(sentence, allowed)
                if problem:
                    raise LlmFailure("rejected", problem)
                if say:
                    say(sentence)
                spoken.append(sentence)
        except LlmFailure as exc:
            why = f"LLM line {exc.kind}: {exc.detail}"[:200]
            if spoken:  # part of it is already said: stop there rather than repeat
                return Line(text=" ".join(spoken), by=self.by, spoken=say is not None, fallback=why)
            if say:
                say(draft)
            return Line(text=draft, by="template", spoken=say is not None, fallback=why)
        if not spoken:
            if say:
                say(draft)
            return Line(
                text=draft, by="template", spoken=say is not None, fallback="LLM line was empty"
            )
        return Line(text=" ".join(spoken), by=self.by, spoken=say is not None)


def _check(sentence: str, allowed: str) -> str | None:
    if FORBIDDEN.search(sentence):
        return "mentions grading"
    known = {n.rstrip(".,") for n in _NUMBER.findall(allowed)}
    for n in _NUMBER.findall(sentence):
        if n.rstrip(".,") not in known:
            return f"the number {n.rstrip('.,')} is not in the question's facts"
    return None
