"""Graded answer sets (bench/graded/<set>/): answers with the steps they really cover and an
interviewer's grades, and the questions they answer when those are not in the bank."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from interviewer.content import Question, load_questions

KINDS = ("strong", "paraphrase", "medium", "weak", "rambling", "buzzword", "offtopic", "injection")


@dataclass(frozen=True)
class Graded:
    id: str
    question: str
    kind: str
    covers: tuple[str, ...]
    text: str
    grades: dict[str, float]
    answered: str | None = None


@dataclass
class GradedSet:
    name: str
    answers: list[Graded]
    questions: dict[str, Question] = field(default_factory=dict)  # bank + the set's own


def load_set(folder: Path) -> GradedSet:
    with (folder / "answers.toml").open("rb") as f:
        raw = tomllib.load(f)["answer"]
    questions = dict(load_questions())
    extra = folder / "questions.toml"
    if extra.is_file():
        with extra.open("rb") as f:
            for q in tomllib.load(f).get("question", []):
                questions[q["id"]] = Question(**q, source=extra.name)
    answers = [
        Graded(
            id=a["id"],
            question=a["question"],
            kind=a["kind"],
            covers=tuple(a.get("covers", [])),
            text=" ".join(a["text"].split()),
            grades={k: float(v) for k, v in a["grades"].items()},
            answered=a.get("answered"),
        )
        for a in raw
    ]
    for a in answers:
        if a.question not in questions:
            raise SystemExit(f"{folder}: answer {a.id} asks unknown question {a.question}")
        if a.kind not in KINDS:
            raise SystemExit(f"{folder}: answer {a.id} has unknown kind {a.kind}")
    return GradedSet(folder.name, answers, questions)


def ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    r = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1  # ties share their mean rank
        i = j + 1
    return r


def spearman(a: list[float], b: list[float]) -> float:
    ra, rb = ranks(a), ranks(b)
    n = len(a)
    ma, mb = sum(ra) / n, sum(rb) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    va = sum((x - ma) ** 2 for x in ra) ** 0.5
    vb = sum((y - mb) ** 2 for y in rb) ** 0.5
    return cov / (va * vb) if va and vb else 0.0
