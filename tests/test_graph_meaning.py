"""The live interviewer reads the same understanding as the report: the real LangGraph graph,
driven turn by turn with typed answers."""

from __future__ import annotations

import json

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from interviewer.content import get_question, load_agenda, load_rubric
from interviewer.interview.graph import Deps, build_graph, initial_state
from interviewer.interview.lines import load_lines

QUESTION = get_question("recsys-low-latency")

ASK = "How many requests per second at peak, and what is the p99 latency budget?"
BASELINE = (
    "I'll assume ten thousand requests a second and fifty milliseconds. For a first version, "
    "a two tower model trained on purchase events from the impression logs retrieves five "
    "hundred candidates, a gradient boosted ranker predicts the chance of a purchase with a "
    "log loss, and I'd measure recall at five hundred and NDCG on a held out week."
)
ITERATE_AND_MONITOR = (
    "The ranker is the slow part, so I'd precompute item features overnight and cache the "
    "lists for "
    "the most common requests for five minutes, which is cheaper but can show stale items. Once it "
    "is live, half the traffic keeps today's row and half gets the new one, and I compare "
    "purchases "
    "per session and page someone when p99 latency passes fifty milliseconds. I think I've "
    "covered my design."
)


def drive(tmp_path, answers: list[str]):
    deps = Deps(
        session_dir=tmp_path,
        question=QUESTION,
        agenda=load_agenda(QUESTION.agenda),
        rubric=load_rubric(),
        lines=load_lines(),
        transcriber=None,
    )
    graph = build_graph(InMemorySaver())
    config = {"configurable": {"thread_id": "t"}}
    graph.invoke(initial_state(deps, 45.0), config, context=deps)
    for text in answers:
        if not graph.get_state(config).next:
            break
        graph.invoke(Command(resume={"text": text}), config, context=deps)
    while graph.get_state(config).next:  # out of answers: the candidate ends the interview
        graph.invoke(Command(resume={"end": True}), config, context=deps)
    return graph.get_state(config).values


def test_a_covered_step_is_never_probed_and_the_report_agrees(tmp_path):
    state = drive(tmp_path, [ASK, BASELINE, ITERATE_AND_MONITOR])
    kinds = [(t["kind"], t.get("step")) for t in state["turns"] if t["role"] == "interviewer"]
    assert kinds[1][0] == "fact"  # the clarifying question was answered
    probed = [step for kind, step in kinds if kind == "probe"]
    assert "monitor" not in probed and "iterate" not in probed and "baseline" not in probed
    # "I think I've covered my design" ended the interview like "I'm done"
    assert kinds[-1][0] == "wrap"
    report = json.loads((tmp_path / "report.json").read_text())
    in_report = {a["step"]: a["status"] for a in report["agenda"]}
    for step, live in state["agenda"].items():
        shown = in_report[step] in ("covered", "prompted")
        assert shown == (live in ("covered", "prompted")), (step, live, in_report[step])
        if live in ("covered", "prompted"):
            assert in_report[step] == live


def test_a_skipped_step_is_probed_then_counts_as_prompted(tmp_path):
    monitor = (
        "After launch I'd split traffic between today's row and the new ranker, compare "
        "purchases per session, and alert when the share of listings shown shrinks week over week."
    )
    state = drive(tmp_path, [BASELINE, "I'm done.", monitor])
    probes = [t["step"] for t in state["turns"] if t["kind"] == "probe"]
    assert probes and probes[0] in ("clarify", "iterate", "monitor")
    report = json.loads((tmp_path / "report.json").read_text())
    in_report = {a["step"]: a["status"] for a in report["agenda"]}
    assert in_report["baseline"] == "covered"
    if "monitor" in probes:
        assert in_report["monitor"] in ("prompted", "partial")
        assert state["agenda"]["monitor"] in ("prompted", "pending")
