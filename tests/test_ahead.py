"""A turn's sentences embedded while it is spoken (meaning/ahead.py): the reading at the turn's
end finds every sentence and every join of two already embedded."""

from __future__ import annotations

from itertools import pairwise

from interviewer.content import get_question, load_agenda, load_rubric
from interviewer.meaning import default_embedder
from interviewer.meaning.ahead import Ahead
from interviewer.pipeline import Context, understand_transcript
from interviewer.transcript import concatenate, typed

PARTS = [
    "For the baseline I'd train a gradient boosted tree on the amount, the merchant, "
    "and how old the card is.",
    "Labels come from chargebacks, which arrive weeks late. So I'd also use analyst reviews, "
    "weighted lower.",
    "Then I'd alert when the decline rate leaves its usual band.",
]


class Spy:
    def __init__(self) -> None:
        self.real = default_embedder()
        self.asked: set[str] = set()

    def embed(self, texts):  # type: ignore[no-untyped-def]
        self.asked.update(texts)
        return self.real.embed(texts)


def test_the_reading_at_the_turns_end_finds_its_sentences_and_joins_embedded():
    question = get_question("fraud-detection-realtime")
    rubric = load_rubric()
    spy = Spy()
    ahead = Ahead(spy, rubric)
    pieces, at = [], 0.0
    for part in PARTS:  # each streamed piece on the turn's clock, a pause between them
        piece = typed(part).shifted(at)
        ahead(piece)
        pieces.append(piece)
        at = piece.duration_s + at + 1.0
    embedded_ahead = set(spy.asked)
    ctx = Context(question, load_agenda(question.agenda), rubric, embedder=spy)
    _, u, _ = understand_transcript(concatenate(pieces, at), ctx, full=False)
    texts = [x.text for x in u.units]
    assert len(texts) >= len(PARTS) + 1  # the reading cut the turn into several sentences
    needed = set(texts) | {f"{a} {b}" for a, b in pairwise(texts)}
    assert needed <= embedded_ahead, needed - embedded_ahead


def test_the_first_reply_on_a_question_embeds_nothing_the_warm_up_did_not(tmp_path):
    """What practice embeds while the question is spoken (compared_with) and while the answer is
    (Ahead) is all the first reply needs: nothing is left to embed between the answer's end
    and the reply (it cost 0.6-0.8 s on 2 cores when the question's own texts were left)."""
    from dataclasses import replace

    from langgraph.types import Command
    from test_graph_meaning import start

    from interviewer.interview.practice import compared_with

    spy = Spy()
    deps, graph, config = start(tmp_path, get_question("rag-support-bot"))
    deps = replace(deps, embedder=spy)  # type: ignore[arg-type]
    answer = (
        "How many tickets a day do we get? I'd start with retrieval over the help articles, "
        "recall at five on tickets with a known answer, and a small model writing the reply. "
        "Then I'd watch how often agents rewrite it."
    )
    spy.embed(compared_with(deps))
    Ahead(spy, deps.rubric)(typed(answer))
    warmed, spy.asked = spy.asked, set()
    graph.invoke(Command(resume={"text": answer}), config, context=deps)
    replies = [t for t in graph.get_state(config).values["turns"] if t["role"] == "interviewer"]
    assert len(replies) >= 2 and replies[-1]["text"]  # it replied
    assert spy.asked <= warmed, spy.asked - warmed
