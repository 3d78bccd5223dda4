"""Train the sentence detectors on the labelled corpus: `python -m interviewer.meaning.train`.

Reads `corpus/sentences/*.jsonl` (see corpus/README.md), embeds every sentence with the same local
model the judge uses, fits one L2-regularized logistic layer per decision by Newton's method
(deterministic: same corpus, same weights), and writes `builtin/detectors/detectors.json` with its
SHA-256 in `SHA256SUMS`. `bench/judge.py --cv` re-fits the same layers leaving one question, and
one agenda, out.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from interviewer.content import Agenda, Meaning, load_agenda, load_questions, load_rubric
from interviewer.meaning import detectors, features
from interviewer.meaning.detectors import Logistic
from interviewer.meaning.embedder import Embedder, default_embedder

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "sentences"
# Ridge on the standardized weights, per decision: measured leaving one question out on the
# 19-question draft of the corpus (F1 at 1 / 10 / 50 / 200: concrete .88/.88/.89/.88,
# weighs .72/.74/.75/.73, step pairs .49/.49/.49/.47): the flat optimum is taken.
L2 = {"step": 10.0, "check": 10.0, "weighs": 50.0, "choice": 50.0, "concrete": 50.0, "head": 10.0}
NEWTON_STEPS = 25


@dataclass(frozen=True)
class Sentence:
    question: str
    agenda: str
    text: str
    step: str
    checks: tuple[str, ...]
    weighs: bool
    choice: bool
    concrete: bool
    style: str


def read_corpus(folder: Path = CORPUS) -> list[Sentence]:
    questions = load_questions()
    out = []
    for path in sorted(folder.glob("*.jsonl")):
        qid = path.stem
        if qid not in questions:
            raise SystemExit(f"{path}: no bank question {qid!r}")
        agenda = questions[qid].agenda
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                out.append(
                    Sentence(
                        qid,
                        agenda,
                        str(d["text"]),
                        str(d["step"]),
                        tuple(d.get("checks", [])),
                        bool(d["weighs"]),
                        bool(d.get("choice", False)),
                        bool(d["concrete"]),
                        str(d.get("style", "plain")),
                    )
                )
            except (ValueError, KeyError) as e:
                raise SystemExit(f"{path}:{n}: {e}") from e
    return out


@dataclass
class Dataset:
    """One decision's rows: features, labels, and which question and agenda each row is from."""

    x: list[np.ndarray] = field(default_factory=list)
    y: list[np.ndarray] = field(default_factory=list)
    question: list[str] = field(default_factory=list)
    agenda: list[str] = field(default_factory=list)

    def add(self, x: np.ndarray, y: Iterable[bool], question: str, agenda: str) -> None:
        ys = np.asarray(list(y), dtype=np.float64)
        self.x.append(x)
        self.y.append(ys)
        self.question += [question] * len(ys)
        self.agenda += [agenda] * len(ys)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return (
            np.vstack(self.x).astype(np.float64),
            np.concatenate(self.y),
            np.array(self.question),
            np.array(self.agenda),
        )


def build(
    corpus: list[Sentence], embedder: Embedder, meaning: Meaning
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Every decision's training rows from the corpus."""
    questions = load_questions()
    agendas: dict[str, Agenda] = {}
    sets: dict[str, Dataset] = {k: Dataset() for k in detectors.KINDS}
    by_q: dict[str, list[Sentence]] = {}
    for s in corpus:
        by_q.setdefault(s.question, []).append(s)
    order = sorted(by_q)
    for qi, qid in enumerate(order):
        rows = by_q[qid]
        texts = [s.text for s in rows]
        vectors = embedder.embed(texts)
        cheap = features.scalars(texts, meaning)
        agenda = agendas.setdefault(rows[0].agenda, load_agenda(rows[0].agenda))
        n = len(agenda.steps)
        for k, step in enumerate(agenda.steps):
            x = detectors.against(vectors, texts, cheap, detectors.step_side(step), embedder, k, n)
            sets["step"].add(x, (s.step == step.id for s in rows), qid, agenda.id)
            for c, check in enumerate(step.checks):
                side = detectors.check_side(check)
                xc = detectors.against(vectors, texts, cheap, side, embedder, c, len(step.checks))
                sets["check"].add(xc, (check.id in s.checks for s in rows), qid, agenda.id)
        alone = features.alone(vectors, cheap)
        for step in agenda.steps:  # this agenda's own heads: one step against the rest
            head = sets.setdefault(f"head:{agenda.id}:{step.id}", Dataset())
            head.add(alone, (s.step == step.id for s in rows), qid, agenda.id)
        sets["weighs"].add(alone, (s.weighs for s in rows), qid, agenda.id)
        sets["choice"].add(alone, (s.choice for s in rows), qid, agenda.id)
        own = detectors.question_features(vectors, cheap, questions[qid], embedder)
        sets["concrete"].add(own, (s.concrete for s in rows), qid, agenda.id)
        # The same sentences said to another question are not concrete to it: the detector
        # learns "about this question", not "sounds specific".
        other = questions[order[(qi + len(order) // 2) % len(order)]]
        away = detectors.question_features(vectors, cheap, other, embedder)
        sets["concrete"].add(away, (False for _ in rows), qid, agenda.id)
    return {k: v.arrays() for k, v in sets.items() if v.x}


def l2_of(kind: str) -> float:
    return L2[kind.split(":")[0]]


def fit(x: np.ndarray, y: np.ndarray, l2: float = 10.0, start: Logistic | None = None) -> Logistic:
    """L2-regularized logistic regression by Newton's method on standardized inputs."""
    mean = x.mean(axis=0) if start is None else start.mean
    scale = x.std(axis=0) if start is None else start.scale
    scale = np.where(scale < 1e-6, 1.0, scale)
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1]) if start is None else np.append(start.w, start.b)
    ridge = np.full(z.shape[1], l2)
    ridge[-1] = 0.0  # the bias is not shrunk
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -30, 30)))
        grad = z.T @ (p - y) + ridge * w
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(ridge + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-6:
            break
    return Logistic(mean, scale, w[:-1], float(w[-1]))


def train(corpus: list[Sentence], embedder: Embedder, meaning: Meaning) -> dict[str, Logistic]:
    data = build(corpus, embedder, meaning)
    return {k: fit(x, y, l2_of(k)) for k, (x, y, _, _) in data.items()}


def write(models: dict[str, Logistic], corpus: list[Sentence], out: Path) -> str:
    out.mkdir(parents=True, exist_ok=True)
    doc = {
        "about": "Sentence detectors of interviewer; python -m interviewer.meaning.train",
        "embedder": "all-MiniLM-L6-v2",
        "scalars": list(features.SCALARS),
        "pair_scalars": list(features.PAIR_SCALARS),
        "question_scalars": list(features.QUESTION_SCALARS),
        "corpus": {
            "sentences": len(corpus),
            "questions": len({s.question for s in corpus}),
            "agendas": sorted({s.agenda for s in corpus}),
        },
        "l2": L2,
        "models": {k: models[k].to_json() for k in sorted(models)},
    }
    path = out / detectors.WEIGHTS.name
    path.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    sha = detectors.digest(path)
    (out / detectors.SUMS.name).write_text(f"{sha}  {path.name}\n")
    return sha


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m interviewer.meaning.train", description=__doc__)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--out", type=Path, default=detectors.FOLDER)
    args = ap.parse_args(argv)
    corpus = read_corpus(args.corpus)
    if not corpus:
        print(f"no sentences in {args.corpus}", file=sys.stderr)
        return 2
    models = train(corpus, default_embedder(), load_rubric().meaning)
    sha = write(models, corpus, args.out)
    qs = len({s.question for s in corpus})
    print(f"trained on {len(corpus)} sentences of {qs} questions: {args.out} (sha256 {sha[:12]})")
    detectors.load.cache_clear()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
