"""What the interview knows: the typed state the graph's nodes read and update."""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal, TypedDict

Role = Literal["interviewer", "candidate"]
StepStatus = Literal["pending", "covered", "prompted"]
# What the interviewer does after a candidate's turn: one graph node each (graph.ROUTES).
Route = Literal[
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
]


class Reply(TypedDict):
    """One question the candidate asked, as said, and the facts that answer it (none: the
    interviewer says it does not have that)."""

    asked: str
    facts: list[str]


class Plan(TypedDict, total=False):
    """The details of the chosen route, for the node that words its line."""

    why: str  # wrap_up: time, done, stopped, out_of_answers
    step: str  # probe: the step to ask about
    index: int  # follow_up, curveball: which one in the question
    quote: str  # weigh: the choice the candidate made without weighing it, as said
    at: float  # weigh: when it was said, on the session clock
    component: str  # board: a component drawn and never talked about
    replies: list[Reply]  # answer_fact: each question asked, in order, with its facts
    asked: str  # answer_fact: what was asked, as said


class Turn(TypedDict, total=False):
    n: int  # position in the interview, from 0
    role: Role
    kind: str  # question, fact, probe, follow-up, curveball, nudge, go-on, empty, wrap, answer
    text: str
    audio: str | None  # file name in the session folder (candidate turns; lines are added later)
    transcript: str | None  # turn-NN.json, candidate turns only
    start: float  # seconds on the session clock
    end: float
    step: str | None  # the step a probe or follow-up is about; the phase of an answer
    ended_by: str | None  # how a candidate turn ended: enter, turn-end, silence, file, typed, ...
    end_why: str  # turn-end: what the end-of-turn judge read (the words' cue, the sound's p)
    by: str  # who worded an interviewer line: "template" or "llm:<model>"
    spoken: bool  # the line was voiced while it streamed
    fallback: str | None  # why an LLM line fell back to the template
    ended: str | None  # on the wrap line: time, done, stopped, out_of_answers


class InterviewState(TypedDict, total=False):
    question_id: str
    minutes: float
    budget_s: dict[str, float]  # seconds per agenda step, scaled to the session length
    phase: str  # the furthest agenda step the candidate has reached
    clock: float  # seconds since the interview began
    turns: Annotated[list[Turn], operator.add]
    agenda: dict[str, StepStatus]
    probed: dict[str, float]  # step -> clock time it was probed
    time_used: dict[str, float]  # seconds per step
    nudged: list[str]  # phases already nudged for running over
    follow_ups_used: list[int]
    curveballs_used: list[int]
    challenged: list[float]  # start times of unweighed choices already asked about
    board_asked: list[str]  # components on the whiteboard already asked about
    pending: dict[str, Any]  # the candidate input the driver just resumed with
    route: Route | Literal[""]  # assess's decision, read by the router ("" before the first)
    plan: Plan  # details for the chosen line (facts to give, step to probe)
    report: str | None  # path of report.json once scored
