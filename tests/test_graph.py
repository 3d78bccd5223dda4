"""The interviewer's decision after each turn (graph._decide) and the routing that serves it."""

from __future__ import annotations

import pytest

from interviewer.content import get_question, load_agenda, load_rubric
from interviewer.interview.asking import match_facts
from interviewer.interview.graph import (
    ROUTES,
    Deps,
    _decide,
    build_graph,
    fact_reply,
    initial_state,
    route_after_assess,
)
from interviewer.interview.lines import load_lines
from interviewer.interview.state import InterviewState
from interviewer.transcript import typed

QUESTION = get_question("recsys-low-latency")
LONG = (
    "For the baseline I would train a two tower model on the click logs to retrieve five hundred "
    "candidates and rank them with gradient boosted trees, measuring recall and NDCG offline "
    "on a held out week, then compare it with the current popularity list in an experiment "
    "before launch, with the latency budget in mind for every stage of the funnel we build."
)


@pytest.fixture(scope="module")
def deps(tmp_path_factory) -> Deps:
    return Deps(
        session_dir=tmp_path_factory.mktemp("graph"),
        question=QUESTION,
        agenda=load_agenda(QUESTION.agenda),
        rubric=load_rubric(),
        lines=load_lines(),
        transcriber=None,
    )


def _state(deps: Deps, clock: float, **changes) -> InterviewState:
    state = initial_state(deps, 45.0)
    state["turns"] = [{"n": 1, "role": "candidate", "kind": "answer", "start": 0.0, "end": clock}]
    state.update(changes)
    return state


def _decide_on(
    deps: Deps,
    text: str,
    clock: float = 60.0,
    phase: str = "clarify",
    agenda: dict[str, str] | None = None,
    used: dict[str, float] | None = None,
    on_board: list[str] | None = None,
    **changes,
):
    state = _state(deps, clock, **changes)
    return _decide(
        deps,
        state,
        typed(text),
        agenda or dict(state["agenda"]),
        phase,
        used or dict(state["time_used"]),
        on_board=on_board,
    )


def test_routes_are_the_literal_and_each_has_a_node(deps):
    assert ROUTES == (
        "answer_fact",
        "probe",
        "follow_up",
        "weigh",
        "board",
        "curveball",
        "nudge",
        "go_on",
        "empty",
        "wrap_up",
    )
    nodes = set(build_graph().get_graph().nodes)
    assert set(ROUTES) <= nodes
    assert route_after_assess({"route": "probe"}) == "probe"
    with pytest.raises(ValueError, match="unknown route 'dance'"):
        route_after_assess({"route": "dance"})


def test_time_up_wraps_up_whatever_was_said(deps):
    assert _decide_on(deps, "How many requests per second?", clock=45 * 60) == (
        "wrap_up",
        {"why": "time"},
    )


def test_done_with_a_step_never_shown_probes_it_once(deps):
    assert _decide_on(deps, "I'm done.") == ("probe", {"step": "clarify"})
    shown = {
        "clarify": "covered",
        "baseline": "covered",
        "iterate": "covered",
        "monitor": "covered",
    }
    assert _decide_on(deps, "I'm done.", agenda=shown) == ("wrap_up", {"why": "done"})


def test_a_short_question_gets_its_facts(deps):
    route, plan = _decide_on(deps, "How many requests per second at peak?")
    assert route == "answer_fact"
    facts = match_facts("How many requests per second at peak?", QUESTION)
    assert len(facts) == 1
    assert plan["replies"] == [{"asked": "How many requests per second at peak?", "facts": facts}]
    route, plan = _decide_on(deps, "What colour is the logo?")
    assert route == "answer_fact"
    assert plan["replies"] == [{"asked": "What colour is the logo?", "facts": []}]
    assert fact_reply(deps.lines, plan["replies"]) == deps.lines.no_fact


FACT = {f.topic: f.answer for f in get_question("fraud-detection-realtime").facts}
# 90 words: design content with three questions to the interviewer inside it, one of them
# written with a full stop, and a question the candidate answers at once (thinking aloud).
LONG_WITH_QUESTIONS = (
    "Okay, so I'd frame this as a binary classifier on each transaction, scored inside the "
    "authorization call, with gradient boosted trees on card, merchant and device features as "
    "the first version. What is the latency budget we have for the score? And what actions can "
    "we take on a transaction, just decline or also a step up? So how would I evaluate it? "
    "I'd use a time based split and measure recall at a fixed false decline rate. I'd also "
    "like to know how long it takes for chargebacks to arrive."
)


@pytest.fixture(scope="module")
def fraud(tmp_path_factory) -> Deps:
    q = get_question("fraud-detection-realtime")
    return Deps(
        session_dir=tmp_path_factory.mktemp("fraud"),
        question=q,
        agenda=load_agenda(q.agenda),
        rubric=load_rubric(),
        lines=load_lines(),
        transcriber=None,
    )


def test_a_long_turn_with_three_questions_gets_three_replies_in_order(fraud):
    assert len(LONG_WITH_QUESTIONS.split()) >= 90
    route, plan = _decide_on(fraud, LONG_WITH_QUESTIONS, phase="baseline")
    assert route == "answer_fact"
    got = [r["facts"] for r in plan["replies"]]
    # the self-answered "how would I evaluate it?" is no question to the interviewer
    assert got == [[FACT["latency"]], [FACT["actions"]], [FACT["labels"]]], plan["replies"]
    text = fact_reply(fraud.lines, plan["replies"])
    at = [text.index(FACT[k]) for k in ("latency", "actions", "labels")]
    assert at == sorted(at)


def test_a_question_joined_by_and_with_no_fact_gets_an_explicit_reply(fraud):
    said = "What is the peak traffic, and what programming language does the team use?"
    route, plan = _decide_on(fraud, said)
    assert route == "answer_fact"
    assert [bool(r["facts"]) for r in plan["replies"]] == [True, False]
    text = fact_reply(fraud.lines, plan["replies"])
    assert FACT["scale"] in text
    assert "\u201cwhat programming language does the team use\u201d" in text
    assert "I don't have that" in text


def test_a_long_design_turn_without_questions_is_not_answered_with_facts(fraud):
    said = (
        "So what's the baseline here? A gradient boosted model on the transaction, card and "
        "device features, trained on two years of history with a time based split. How do we "
        "get labels? We'd take chargebacks once they mature, and review outcomes for the "
        "recent days, and measure dollar weighted recall at a fixed false decline rate."
    )
    route, _ = _decide_on(fraud, said, phase="baseline")
    assert route != "answer_fact"


def test_a_skipped_step_is_probed_before_going_on(deps):
    agenda = {
        "clarify": "pending",
        "baseline": "covered",
        "iterate": "pending",
        "monitor": "pending",
    }
    assert _decide_on(deps, LONG, phase="baseline", agenda=agenda) == ("probe", {"step": "clarify"})


def test_running_over_the_phase_budget_nudges_once(deps):
    agenda = {
        "clarify": "covered",
        "baseline": "pending",
        "iterate": "pending",
        "monitor": "pending",
    }
    state = initial_state(deps, 45.0)
    over = {**state["time_used"], "clarify": state["budget_s"]["clarify"] + 1}
    assert _decide_on(deps, LONG, agenda=agenda, used=over) == ("nudge", {})
    route, _ = _decide_on(deps, LONG, agenda=agenda, used=over, nudged=["clarify"])
    assert route != "nudge"


def test_a_component_drawn_and_never_talked_about_is_asked_about_twice_at_most(deps):
    said = "Okay, so I would start simple and get something working end to end first."
    turns = [
        {
            "n": 1,
            "role": "candidate",
            "kind": "answer",
            "start": 0.0,
            "end": 60.0,
            "text": "I would put a gateway in front and a feature store behind it.",
        }
    ]
    board = ["Gateway", "Feature store", "Kafka queue", "DB", "Ranker"]
    # Named aloud (any case): not asked. Too short to be a component name: not asked.
    assert _decide_on(deps, said, turns=turns, on_board=board) == (
        "board",
        {"component": "Kafka queue"},
    )
    asked = ["Kafka queue"]
    assert _decide_on(deps, said, turns=turns, board_asked=asked, on_board=board) == (
        "board",
        {"component": "Ranker"},
    )
    twice = ["Kafka queue", "Ranker"]
    route, _ = _decide_on(deps, said, turns=turns, board_asked=twice, on_board=[*board, "Cache"])
    assert route != "board"
    assert deps.lines.board.format(component="Ranker").startswith("On the board you drew Ranker.")
