"""The live interviewer reads the same understanding as the report: the real LangGraph graph,
driven turn by turn with typed answers."""

from __future__ import annotations

import json

from conftest import CONTENT
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


def start(tmp_path, question=QUESTION):  # type: ignore[no-untyped-def]
    """The real graph, posed its question, waiting for the first typed answer."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    deps = Deps(
        session_dir=tmp_path,
        question=question,
        agenda=load_agenda(question.agenda),
        rubric=load_rubric(),
        lines=load_lines(),
        transcriber=None,
    )
    graph = build_graph(InMemorySaver())
    config = {"configurable": {"thread_id": "t"}}
    graph.invoke(initial_state(deps, 45.0), config, context=deps)
    return deps, graph, config


def drive(tmp_path, answers: list[str]):
    deps, graph, config = start(tmp_path)
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


def test_a_step_covered_in_one_dense_sentence_is_never_probed(tmp_path):
    # One long sentence names three signals after launch: the live interviewer, reading the
    # same detectors as the report, does not ask "how would you know it works after launch?"
    monitor = (
        "Once it is live I would split traffic between today's row and the new ranker for two "
        "weeks, compare purchases per session and the share of listings that get any clicks, and "
        "page someone whenever p99 latency passes fifty milliseconds."
    )
    state = drive(tmp_path, [ASK, BASELINE, monitor, "I'm done."])
    probed = [t["step"] for t in state["turns"] if t["kind"] == "probe"]
    assert "monitor" not in probed
    assert state["agenda"]["monitor"] == "covered"


def demo_turns(label: str) -> list[str]:
    """The demo candidate's turns as typed text (the SSML without its tags)."""
    import re
    import tomllib

    raw = tomllib.loads((CONTENT / "examples" / "examples.toml").read_text())
    cand = next(c for c in raw["candidates"] if c["label"] == label)
    return [" ".join(re.sub(r"<[^>]+>", " ", t["ssml"]).split()) for t in cand["turns"]]


def test_live_statuses_equal_the_reports_after_every_turn_of_the_demo(tmp_path):
    from interviewer.interview.graph import session_so_far
    from interviewer.pipeline import Context, understand_transcript

    deps, graph, config = start(tmp_path)
    ctx = Context(deps.question, deps.agenda, deps.rubric)
    shown = ("covered", "prompted")
    checked = 0
    for text in demo_turns("strong"):
        if not graph.get_state(config).next:
            break
        before = graph.get_state(config).values
        graph.invoke(Command(resume={"text": text}), config, context=deps)
        state = graph.get_state(config).values
        turns = [t for t in state["turns"] if t["n"] <= len(before["turns"])]
        _, u, _ = understand_transcript(
            session_so_far(tmp_path, turns), ctx, before["probed"], full=True
        )
        report = {s.step: s.status for s in u.steps}
        for step, live in state["agenda"].items():
            assert (live in shown) == (report[step] in shown), (checked, step, live, report)
        checked += 1
    assert checked == len(demo_turns("strong"))
    final = graph.get_state(config).values
    assert all(v == "covered" for v in final["agenda"].values()), final["agenda"]
    assert not [t for t in final["turns"] if t["kind"] == "probe"]
