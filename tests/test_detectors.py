"""The learned sentence detectors, on short texts the training corpus does not contain:
paraphrases, one dense sentence covering a step, a choice weighed without the word "trade-off",
trade-off words that weigh nothing, and the shipped weights' integrity."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import text_transcript

from interviewer.content import get_question, load_agenda, load_rubric
from interviewer.errors import ContentError
from interviewer.meaning import default_embedder, detectors
from interviewer.meaning.train import CORPUS, read_corpus
from interviewer.pipeline import Context, understand_transcript

RUBRIC = load_rubric()
M = RUBRIC.meaning


def live(qid: str, text: str):  # type: ignore[no-untyped-def]
    """The live interviewer's reading (no bank, as assess uses it)."""
    q = get_question(qid)
    _, u, _ = understand_transcript(
        text_transcript(text), Context(q, load_agenda(q.agenda), RUBRIC), full=False
    )
    return u


def corpus_texts() -> set[str]:
    return {s.text for s in read_corpus(CORPUS)}


DENSE_MONITOR = (
    "Once it is live I would watch three things every day: how often a conversation gets "
    "escalated to a human agent, the share of answers that get a thumbs down, and whether any "
    "document changed since it was last indexed so we re-index it that night."
)
WEIGHED = (
    "The heavy model only looks at the transactions the rules are unsure about, since scoring "
    "every single payment with it would cost far too much."
)
SCENE_THEN_WEIGHED = (
    "Scoring has to finish within fifty milliseconds for each payment. I'd keep the model to "
    "boosted trees, which score quickly but miss the patterns a sequence model would catch."
)
TRADEOFF_WORDS = (
    "There are many trade-offs here, pros and cons on both sides, and we would balance them."
)


def test_the_test_texts_are_not_in_the_training_corpus():
    seen = corpus_texts()
    for text in (DENSE_MONITOR, WEIGHED, SCENE_THEN_WEIGHED, TRADEOFF_WORDS):
        assert text not in seen


def test_one_dense_sentence_covers_a_step_even_cut_into_fragments():
    u = live("rag-support-bot", DENSE_MONITOR)
    assert len(u.units) >= 2  # the transcript cut it at commas, as Whisper does
    assert u.status("monitor") == "covered"
    assert all(u.status(s) in ("missed", "partial") for s in ("clarify", "baseline", "iterate"))


def test_a_choice_weighed_without_the_word_trade_off_is_found():
    u = live("fraud-detection-realtime", WEIGHED)
    assert len(u.tradeoffs) == 1


def test_a_sentence_before_one_that_weighs_by_itself_is_not_a_second_trade_off():
    # Read joined, the constraint and the choice weigh; but the weighing is the second
    # sentence's own: one trade-off, quoted where it is said (the report quoted the constraint).
    u = live("fraud-detection-realtime", SCENE_THEN_WEIGHED)
    assert len(u.units) == 2
    assert [i for i, _ in u.tradeoffs] == [1]


def test_pieces_of_two_turns_are_never_read_as_one_thought():
    from interviewer.transcript import combine, typed

    first = typed(
        "A deep ranking model is more accurate but slower, so I would distill it into a smaller "
        "one. The trade-off is accuracy versus serving cost."
    )
    second = typed(
        "After launch, I would compare purchases per session between the new ranker and the "
        "old one, in an A B test on five percent of shoppers."
    )
    q = get_question("recsys-low-latency")
    ctx = Context(q, load_agenda(q.agenda), RUBRIC)
    end = first.duration_s + 8.0  # the interviewer spoke between the two turns
    session = combine(
        [(0.0, first.duration_s, first), (end, end + second.duration_s, second)],
        end + second.duration_s,
    )
    _, apart, _ = understand_transcript(session, ctx, full=False)
    _, together, _ = understand_transcript(typed(f"{first.text} {second.text}"), ctx, full=False)
    summary = next(i for i, x in enumerate(apart.units) if x.text.startswith("The trade-off"))
    # As one turn, the summary joined to the next sentence reads as weighing (the control)...
    assert summary in [i for i, _ in together.tradeoffs]
    # ...but across two turns that join is no thought of the candidate's.
    assert summary not in [i for i, _ in apart.tradeoffs]
    assert [i for i, _ in apart.tradeoffs] == [0]


def test_trade_off_words_that_weigh_nothing_are_not_a_trade_off():
    u = live("fraud-detection-realtime", TRADEOFF_WORDS)
    assert u.tradeoffs == []


def test_a_choice_stated_as_free_is_named_unweighed():
    u = live(
        "fraud-detection-realtime",
        "For the first version I would train gradient boosted trees on the card's last hour of "
        "transactions.",
    )
    assert u.unweighed and not u.tradeoffs


def test_a_paraphrased_step_in_other_agendas_is_read_as_that_step():
    text = (
        "Two years ago at a payments startup my lead wanted to rewrite the fraud service in a "
        "new language. I built a small benchmark over a weekend and showed him the real "
        "bottleneck was one database call, not the language."
    )
    u = live("technical-disagreement", text)
    assert u.labels[0] == "situation"
    built = next(i for i, x in enumerate(u.units) if "benchmark" in x.text)
    assert u.labels[built] == "action"


def test_the_detectors_probabilities_order_what_people_would():
    det = detectors.load()
    e = default_embedder()
    texts = [WEIGHED, TRADEOFF_WORDS]
    w = det.weighs(e.embed(texts), texts, M)
    assert w[0] > w[1] + 0.3 and w[1] < 0.1
    q = get_question("fraud-detection-realtime")
    said = [
        "We'd score each card payment with the last hour's count of declined attempts.",
        "We would make sure the system is robust and scalable.",
    ]
    c = det.concrete(e.embed(said), said, q, e, M)
    assert c[0] > c[1] + 0.2 and c[1] < 0.5


def test_shipped_weights_are_checked_before_use(tmp_path):
    folder = tmp_path / "detectors"
    shutil.copytree(detectors.FOLDER, folder)
    path = folder / detectors.WEIGHTS.name
    doc = json.loads(path.read_text())
    doc["models"]["weighs"]["b"] += 1.0
    path.write_text(json.dumps(doc))
    with pytest.raises(ContentError, match="SHA-256"):
        detectors.load.__wrapped__(path)
    (folder / detectors.SUMS.name).unlink()
    with pytest.raises(ContentError, match="missing"):
        detectors.load.__wrapped__(path)
