"""The interviewer listens: it never asks for what the candidate has just said. The real
LangGraph graph, driven turn by turn with typed answers."""

from __future__ import annotations

from langgraph.types import Command
from test_graph_meaning import start

from interviewer.content import get_question, load_agenda
from interviewer.interview.lines import load_lines
from interviewer.interview.unsaid import Heard, answered
from interviewer.meaning import default_embedder

FRAUD = get_question("fraud-detection-realtime")
STORE_DOWN = 0  # curveball: "The online feature store is down in one region ..."

CLARIFY = (
    "Before I design anything: what is the latency budget for the score, what actions can we "
    "take on a transaction, and how much does a missed fraud cost compared with declining a "
    "good customer? And is a rules engine making these decisions today?"
)
BASELINE = (
    "For a first version I'd train gradient boosted trees on two years of transactions with "
    "card, merchant and device features, split by time, and measure dollar weighted recall at "
    "a false decline rate of 0.2 percent."
)
# The same baseline, and it answers the label-delay follow-up before it is asked.
BASELINE_WITH_DELAY = (
    "For a first version I'd train gradient boosted trees on two years of transactions with "
    "card, merchant and device features. Chargebacks take thirty to ninety days to arrive, so "
    "I'd train only on windows old enough for the labels to mature, evaluate on a later matured "
    "window, and use review outcomes from the last day as early labels. I'd measure dollar "
    "weighted recall at a false decline rate of 0.2 percent."
)
MORE_BASELINE = (
    "The trees would run beside the existing rules at first, scoring every transaction in "
    "shadow, so we can compare their declines with the rules before they decide anything."
)
MONITOR = (
    "After launch I'd watch the decline rate by country and merchant segment, the review queue "
    "load, and drift in the top features, and retrain weekly on matured labels."
)
# Monitoring that also handles the feature-store curveball before it is asked.
MONITOR_WITH_FALLBACK = (
    MONITOR + " If the online feature store is down in a region, the scorer falls back to the "
    "rules engine alone and logs the missing features, so payments keep flowing."
)
HOLDOUT = (
    "I'd also keep a small random holdout of transactions that skip the model, so we can "
    "measure the fraud it lets through without the bias of its own decisions."
)
DELAY = 1  # follow-up: "Chargeback labels show up two months late. How do you train ...?"


def drive(tmp_path, answers: list[str], question=FRAUD):  # type: ignore[no-untyped-def]
    deps, graph, config = start(tmp_path, question)
    for text in answers:
        if not graph.get_state(config).next:
            break
        graph.invoke(Command(resume={"text": text}), config, context=deps)
    return graph.get_state(config).values


def lines_of(state, kind: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [t["text"] for t in state["turns"] if t["role"] == "interviewer" and t["kind"] == kind]


def test_the_answered_rule_tells_an_answer_from_the_same_topic():
    e = default_embedder()
    items = [FRAUD.follow_ups[DELAY].text, FRAUD.curveballs[STORE_DOWN]]
    said = [s.strip() + "." for s in BASELINE_WITH_DELAY.split(". ") if s.strip()]
    listening = load_lines().listening
    heard = Heard(e.embed(said), BASELINE_WITH_DELAY)
    assert answered(items, heard, e, listening) == [True, False]
    # the same topic in passing does not answer it
    passing = "Labels come from chargebacks."
    assert answered(items, Heard(e.embed([passing]), passing), e, listening) == [False, False]


def test_a_follow_up_already_answered_is_never_asked(tmp_path):
    delay = FRAUD.follow_ups[DELAY].text
    plain = drive(tmp_path / "plain", [CLARIFY, BASELINE, MORE_BASELINE])
    assert any(delay in t for t in lines_of(plain, "follow-up")), plain["turns"]
    said = drive(tmp_path / "said", [CLARIFY, BASELINE_WITH_DELAY, MORE_BASELINE])
    assert said["agenda"]["baseline"] == "covered"
    assert not any(delay in t for t in lines_of(said, "follow-up")), said["turns"]


def test_a_curveball_already_handled_is_never_asked(tmp_path):
    down = FRAUD.curveballs[STORE_DOWN]
    turns = [CLARIFY, BASELINE_WITH_DELAY, MORE_BASELINE]
    plain = drive(tmp_path / "plain", [*turns, MONITOR, HOLDOUT, HOLDOUT])
    assert any(down in t for t in lines_of(plain, "curveball")), plain["turns"]
    said = drive(tmp_path / "said", [*turns, MONITOR_WITH_FALLBACK, HOLDOUT, HOLDOUT])
    balls = lines_of(said, "curveball")
    assert not any(down in t for t in balls)
    assert any(FRAUD.curveballs[1] in t for t in balls), said["turns"]  # the next one instead


def test_a_one_sentence_definition_is_not_asked_for_again(tmp_path):
    q = get_question("quantization")
    defined = (
        "In one sentence, quantization means storing a model's weights in fewer bits, like "
        "eight or four bit integers instead of sixteen bit floats, so it gets smaller and faster."
    )
    explained = (
        "It works by picking a scale for each group of weights, dividing by it and rounding to "
        "the nearest integer, and multiplying back at run time; calibration data sets the "
        "ranges for activations."
    )
    state = drive(tmp_path, [defined, explained], question=q)
    define_probe = load_agenda("concept").step("define").probe
    assert define_probe not in " ".join(lines_of(state, "probe"))
    assert state["agenda"]["define"] == "covered"
