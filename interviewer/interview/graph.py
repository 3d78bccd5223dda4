"""The interview graph: nodes, routing, and the one place they are wired.

    pose -> await_turn -> transcribe -> assess -+-> answer_fact --+
                ^                               +-> probe --------+
                |                               +-> follow_up ----+
                |                               +-> curveball ----+
                |                               +-> nudge --------+
                |                               +-> go_on --------+
                |                               +-> empty --------+
                +-----------------------------------------------+
                                                +-> wrap_up -> score -> END

The graph owns phases, time and agenda status; nodes only produce text for the interviewer's
lines. In the shape of LangGraph's templates: the nodes are module-level functions that return
the keys they change, the configuration (Deps: question, agenda, rubric, models) reaches them as
the run's context (context_schema; `invoke(..., context=deps)`, never checkpointed), routes come
from the Route literal, and the graph is wired once, in build_graph. The driver speaks the lines
and records the candidate between steps. `await_turn` is an interrupt() at the top of its own
node, and side effects come after it, because a resumed node runs again from its start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, get_args

import numpy as np
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from interviewer.audio import load_audio
from interviewer.board.snapshots import drawn, read_boards
from interviewer.content import Agenda, Question, Rubric, question_budget
from interviewer.errors import SessionError
from interviewer.files import atomic_write_json
from interviewer.interview.asking import replies
from interviewer.interview.lines import Lines, minutes_text, opening
from interviewer.interview.phrasing import Phraser, TemplatePhraser
from interviewer.interview.state import InterviewState, Plan, Reply, Route, StepStatus, Turn
from interviewer.interview.unsaid import Heard, answered, closest
from interviewer.judge import Judge
from interviewer.judge.offline import OfflineJudge
from interviewer.meaning import Embedder, default_embedder
from interviewer.phases import time_per_step
from interviewer.pipeline import Context
from interviewer.pipeline import assess as assess_so_far
from interviewer.report.model import SttInfo
from interviewer.scoring import publish, session_report
from interviewer.session import inside, read_transcript
from interviewer.settings import InterviewOptions
from interviewer.stt import Transcriber
from interviewer.textmatch import contains
from interviewer.transcript import Span, Transcript, concatenate, typed, utterances

ROUTES: tuple[Route, ...] = get_args(Route)  # one node per route, wired from this list
MAX_CHALLENGES = 2  # "what did you give up?" at most this often: a probe, not a refrain
MAX_BOARD = 2  # "you drew X: what does it do?" at most this often


@dataclass(frozen=True)
class Deps:
    """What the nodes need besides the state: configuration, never checkpointed."""

    session_dir: Path
    question: Question
    agenda: Agenda
    rubric: Rubric
    lines: Lines
    transcriber: Transcriber | None  # None when answers are typed
    options: InterviewOptions = field(default_factory=InterviewOptions)
    phraser: Phraser = field(default_factory=TemplatePhraser)
    # Voices one sentence of line n the moment it is ready (LLM streaming); None: the driver
    # voices whole lines after each step.
    speak: Callable[[int, str], None] | None = None
    # Called before the final scoring: waits for turns still being re-transcribed.
    before_scoring: Callable[[], None] | None = None
    judge: Judge = field(default_factory=OfflineJudge)
    stt: SttInfo = field(default_factory=lambda: SttInfo.none("typed"))
    embedder: Embedder = field(default_factory=default_embedder)

    @property
    def steps(self) -> list[str]:
        return [s.id for s in self.agenda.steps]

    def ctx(self) -> Context:
        return Context(self.question, self.agenda, self.rubric, self.judge, self.embedder)


def initial_state(deps: Deps, minutes: float) -> InterviewState:
    budget = question_budget(deps.question, deps.agenda)
    scale = minutes / sum(budget.values())
    return InterviewState(
        question_id=deps.question.id,
        minutes=minutes,
        budget_s={k: round(v * scale * 60, 1) for k, v in budget.items()},
        phase=deps.steps[0],
        clock=0.0,
        turns=[],
        agenda={s: "pending" for s in deps.steps},
        probed={},
        time_used={s: 0.0 for s in deps.steps},
        nudged=[],
        follow_ups_used=[],
        curveballs_used=[],
        challenged=[],
        board_asked=[],
        pending={},
        route="",
        plan={},
        report=None,
    )


def _line(
    deps: Deps,
    state: InterviewState,
    kind: str,
    draft: str,
    step: str | None = None,
    asked: str = "",
) -> InterviewState:
    """An interviewer line: the graph's draft, worded by the phraser, on the clock."""
    n = len(state["turns"])
    last = next((t["text"] for t in reversed(state["turns"]) if t["role"] == "candidate"), "")
    say = partial(deps.speak, n) if deps.speak else None
    line = deps.phraser.phrase(kind, draft, deps.question, last, asked, say)
    start = state["clock"]
    end = round(start + len(line.text.split()) / deps.options.words_per_second, 2)
    turn = Turn(
        n=n,
        role="interviewer",
        kind=kind,
        text=line.text,
        audio=None,
        transcript=None,
        start=start,
        end=end,
        step=step,
        ended_by=None,
        by=line.by,
        spoken=line.spoken,
        fallback=line.fallback,
    )
    return {"turns": [turn], "clock": end}


def load_turn_transcript(session_dir: Path, turn: Turn) -> Transcript:
    return read_transcript(inside(session_dir, str(turn["transcript"])))


def session_so_far(session_dir: Path, turns: list[Turn]) -> Transcript:
    """Every candidate turn so far on the session clock, as the final report combines them.

    Each turn's transcript is read and placed on the clock once (kept while its file is
    unchanged), so reading the interview at every turn costs little more at turn 60 than at
    turn 5."""
    mine = [t for t in turns if t["role"] == "candidate" and t.get("transcript")]
    out = concatenate([_on_clock(session_dir, t) for t in mine], turns[-1]["end"] if turns else 0.0)
    out.turns = [Span(start=round(t["start"], 3), end=round(t["end"], 3)) for t in mine]
    out.text = out.text or " ".join(t["text"] for t in mine).strip()
    return out


_PLACED: dict[tuple[str, int, int, float], Transcript] = {}


def _on_clock(session_dir: Path, turn: Turn) -> Transcript:
    path = inside(session_dir, str(turn["transcript"]))
    try:
        st = path.stat()
    except OSError:
        return load_turn_transcript(session_dir, turn).shifted(turn["start"])  # names the error
    key = (str(path), st.st_mtime_ns, st.st_size, turn["start"])
    placed = _PLACED.get(key)
    if placed is None:
        if len(_PLACED) > 4096:
            _PLACED.clear()
        placed = _PLACED[key] = read_transcript(path).shifted(turn["start"])
    return placed


# -- nodes: plain functions of the state; the configuration (Deps) comes as the run's context --


def pose(state: InterviewState, runtime: Runtime[Deps]) -> InterviewState:
    deps = runtime.context
    lines = deps.lines
    return _line(deps, state, "question", opening(lines, deps.question.asked, state["minutes"]))


def await_turn(state: InterviewState) -> InterviewState:
    got = interrupt(
        {
            "waiting_for": "answer",
            "phase": state["phase"],
            "turn": sum(t["role"] == "candidate" for t in state["turns"]) + 1,
        }
    )
    return {"pending": dict(got)}


def transcribe(state: InterviewState, runtime: Runtime[Deps]) -> InterviewState:
    deps = runtime.context
    got = state["pending"]
    if got.get("end"):
        return {}
    n = sum(t["role"] == "candidate" for t in state["turns"]) + 1
    if got.get("text") is not None:
        t = typed(got["text"], deps.options.words_per_second)
        audio, duration = None, t.duration_s
    elif got.get("transcript"):  # transcribed while it was spoken (streaming)
        t = read_transcript(inside(deps.session_dir, got["transcript"]))
        audio, duration = str(got["audio"]), float(got["duration_s"])
    elif deps.transcriber is None and (deps.session_dir / f"turn-{n:02d}.json").exists():
        # transcribed by this node before a stop; resumed with --text (no model loaded)
        t = read_transcript(deps.session_dir / f"turn-{n:02d}.json")
        audio, duration = str(got["audio"]), float(got.get("duration_s") or t.duration_s)
    else:
        if deps.transcriber is None:
            raise SessionError("a recorded turn needs the speech model, which was not loaded")
        audio = str(got["audio"])
        clip = load_audio(inside(deps.session_dir, audio))
        t = deps.transcriber.transcribe(clip)
        duration = clip.duration_s
    name = f"turn-{n:02d}.json"
    atomic_write_json(deps.session_dir / name, t.model_dump(mode="json"))  # idempotent
    start = state["clock"]
    end = round(start + duration, 2)
    turn = Turn(
        n=len(state["turns"]),
        role="candidate",
        kind="answer",
        text=t.text,
        audio=audio,
        transcript=name,
        start=start,
        end=end,
        step=state["phase"],
        ended_by=got.get("ended_by", "typed" if audio is None else "file"),
    )
    if got.get("end_why"):
        turn["end_why"] = got["end_why"]
    return {"turns": [turn], "clock": end}


def assess(state: InterviewState, runtime: Runtime[Deps]) -> InterviewState:
    deps = runtime.context
    if state["pending"].get("end"):
        return {"route": "wrap_up", "plan": {"why": "done"}}
    turn = state["turns"][-1]
    t = load_turn_transcript(deps.session_dir, turn)
    steps = deps.steps
    if t.is_empty:
        return {"route": "empty", "plan": {}}

    # The whole interview so far, judged as the report will judge it: the same meaning, the
    # same probe times, so the interviewer never probes what the report calls covered.
    # The whiteboard too (the room saves it at each turn's end): a step drawn is not probed.
    boards = read_boards(deps.session_dir, state["turns"])
    view = assess_so_far(
        session_so_far(deps.session_dir, state["turns"]), deps.ctx(), state["probed"], drawn(boards)
    )
    agenda: dict[str, StepStatus] = {
        step: ("covered" if st == "covered" else "prompted" if st == "prompted" else "pending")
        for step, st in view.status.items()
    }
    # The phase is where the one understanding puts the candidate now; later evidence can move
    # it back (no high-water mark), so a stray sentence cannot jump it to the end.
    phase = view.phase if view.phase in steps else state["phase"]
    time_used = {k: round(v, 2) for k, v in time_per_step(view.spans, deps.agenda).items()}
    update: InterviewState = {"agenda": agenda, "phase": phase, "time_used": time_used}

    unweighed = [(q, at) for q, at in view.unweighed if at >= turn["start"] - 1e-6]
    said = " ".join(x["text"] for x in state["turns"] if x["role"] == "candidate")
    heard = Heard(view.said, said)
    on_board = boards[-1].components if boards else []
    route, plan = _decide(deps, state, t, agenda, phase, time_used, unweighed, heard, on_board)
    return {**update, "route": route, "plan": plan}


def answer_fact(state: InterviewState, runtime: Runtime[Deps]) -> InterviewState:
    deps = runtime.context
    plan = state["plan"]
    text = fact_reply(deps.lines, plan.get("replies", []))
    return _line(deps, state, "fact", text, asked=plan.get("asked", ""))


def fact_reply(lines: Lines, replies: list[Reply]) -> str:
    """The reply to a turn's questions, in the order asked: each its facts, or "I don't have
    that" for the ones no fact answers (several in a row are named together)."""
    if len(replies) <= 1 and all(not r["facts"] for r in replies):
        return lines.no_fact
    parts: list[str] = []
    unknown: list[str] = []
    answered = 0

    def flush() -> None:
        if unknown:
            quoted = " and ".join(f"\u201c{q.strip().rstrip('?.').strip()}\u201d" for q in unknown)
            parts.append(lines.no_fact_rest.format(asked=quoted))
            unknown.clear()

    for r in replies:
        if not r["facts"]:
            unknown.append(r["asked"])
            continue
        flush()
        for f in r["facts"]:
            template = lines.fact if answered == 0 else lines.fact_more
            parts.append(template.format(answer=f))
            answered += 1
    flush()
    return " ".join(parts)


def probe(state: InterviewState, runtime: Runtime[Deps]) -> InterviewState:
    deps = runtime.context
    lines = deps.lines
    step = state["plan"]["step"]
    text = lines.probe.format(probe=deps.agenda.step(step).probe)
    out = _line(deps, state, "probe", text, step)
    return {**out, "probed": {**state["probed"], step: out["clock"]}}


def follow_up(state: InterviewState, runtime: Runtime[Deps]) -> InterviewState:
    deps = runtime.context
    lines = deps.lines
    i = state["plan"]["index"]
    f = deps.question.follow_ups[i]
    out = _line(deps, state, "follow-up", lines.follow_up.format(text=f.text), f.step)
    return {**out, "follow_ups_used": state["follow_ups_used"] + [i]}


def weigh(state: InterviewState, runtime: Runtime[Deps]) -> InterviewState:
    deps = runtime.context
    plan = state["plan"]
    out = _line(deps, state, "weigh", deps.lines.weigh.format(quote=plan["quote"]), state["phase"])
    return {**out, "challenged": state.get("challenged", []) + [plan["at"]]}


def board(state: InterviewState, runtime: Runtime[Deps]) -> InterviewState:
    deps = runtime.context
    component = state["plan"]["component"]
    out = _line(deps, state, "board", deps.lines.board.format(component=component), state["phase"])
    return {**out, "board_asked": state.get("board_asked", []) + [component]}


def curveball(state: InterviewState, runtime: Runtime[Deps]) -> InterviewState:
    deps = runtime.context
    lines = deps.lines
    i = state["plan"]["index"]
    out = _line(deps, state, "curveball", lines.curveball.format(text=deps.question.curveballs[i]))
    return {**out, "curveballs_used": state["curveballs_used"] + [i]}


def nudge(state: InterviewState, runtime: Runtime[Deps]) -> InterviewState:
    deps = runtime.context
    lines = deps.lines
    phase = state["phase"]
    text = lines.nudge.format(
        used=minutes_text(state["time_used"][phase]),
        phase=deps.agenda.step(phase).name.lower(),
        budget=minutes_text(state["budget_s"][phase]),
    )
    return {**_line(deps, state, "nudge", text, phase), "nudged": state["nudged"] + [phase]}


def go_on(state: InterviewState, runtime: Runtime[Deps]) -> InterviewState:
    deps = runtime.context
    lines = deps.lines
    n = sum(t["kind"] == "go-on" for t in state["turns"])
    return _line(deps, state, "go-on", lines.rotate(lines.go_on, n))


def empty(state: InterviewState, runtime: Runtime[Deps]) -> InterviewState:
    deps = runtime.context
    lines = deps.lines
    return _line(deps, state, "empty", lines.empty.format(question=deps.question.asked))


def wrap_up(state: InterviewState, runtime: Runtime[Deps]) -> InterviewState:
    deps = runtime.context
    lines = deps.lines
    # Why it ends: the driver says so when input stopped (typed Enter on an empty line,
    # the recorded answers ran out); otherwise assess decided (time up, or "I'm done").
    pending = state["pending"]
    why = pending.get("why", "stopped") if pending.get("end") else state["plan"].get("why", "done")
    left = max(0.0, state["minutes"] * 60 - state["clock"])
    template = {
        "time": lines.wrap_time,
        "stopped": lines.wrap_stopped,
        "out_of_answers": lines.wrap_out_of_answers,
    }.get(why, lines.wrap_done)
    text = template.format(left=minutes_text(left), minutes=f"{state['minutes']:g}")
    out = _line(deps, state, "wrap", text)
    out["turns"][0]["ended"] = why
    return out


def score(state: InterviewState, runtime: Runtime[Deps]) -> InterviewState:
    deps = runtime.context
    if deps.before_scoring is not None:
        deps.before_scoring()
    report = session_report(
        deps.session_dir,
        [dict(t) for t in state["turns"]],
        deps.ctx(),
        deps.stt,
        state["probed"],
        state["clock"],
        minutes=state["minutes"],
    )
    return {"report": str(publish(report, deps.session_dir))}


NODES = (
    pose,
    await_turn,
    transcribe,
    assess,
    answer_fact,
    probe,
    follow_up,
    weigh,
    board,
    curveball,
    nudge,
    go_on,
    empty,
    wrap_up,
    score,
)


# -- the interviewer's decision ----------------------------------------------------------------


def _decide(
    deps: Deps,
    state: InterviewState,
    t: Transcript,
    agenda: dict[str, StepStatus],
    phase: str,
    time_used: dict[str, float],
    unweighed: list[tuple[str, float]] | None = None,
    heard: Heard | None = None,
    on_board: list[str] | None = None,
) -> tuple[Route, Plan]:
    steps = deps.steps
    clock = state["turns"][-1]["end"]
    if clock >= state["minutes"] * 60:
        return "wrap_up", {"why": "time"}

    unprobed = [s for s in steps if agenda[s] == "pending" and s not in state["probed"]]
    if says_done(t, deps):
        # Finishing with a step never shown: ask for it once before letting them go.
        return ("probe", {"step": unprobed[0]}) if unprobed else ("wrap_up", {"why": "done"})

    # Every question put to the interviewer gets its reply, however long the turn around it;
    # the turn's design content still counts for the agenda (assess read it above).
    asked = replies(t, deps.question, deps.lines, deps.embedder)
    if asked:
        return "answer_fact", {
            "replies": [{"asked": r.asked, "facts": r.facts} for r in asked],
            "asked": " ".join(r.asked for r in asked),
        }

    here = steps.index(phase)
    # Skipped: a step before where the candidate is now, and before a step they have shown
    # (covered). A sentence that merely reads like a later phase does not make the earlier ones
    # "skipped" (measured: with "attempted" instead of "shown", the demo's strong candidate is
    # probed on a step it covers next). A candidate who shows nothing is asked for each step
    # when they say they are done.
    shown = max((steps.index(s) for s in steps if agenda[s] != "pending"), default=-1)
    skipped = [s for s in unprobed if steps.index(s) < min(here, shown)]
    if skipped:
        return "probe", {"step": skipped[0]}

    if time_used[phase] > state["budget_s"][phase] and phase not in state["nudged"]:
        return "nudge", {}

    # Follow-ups and curveballs ask for what is missing: one whose answer the candidate has
    # already given is never asked (measured in bench/conversations.py).
    heard = heard or Heard(np.zeros((0, 0)), t.text)
    listening = deps.lines.listening
    follow_ups = deps.question.follow_ups
    used = state["follow_ups_used"]
    unused = [i for i, f in enumerate(follow_ups) if f.step == phase and i not in used]
    said = answered([follow_ups[i].text for i in unused], heard, deps.embedder, listening)
    open_here = [i for i, done in zip(unused, said, strict=True) if not done]
    asked_here = [i for i in state["follow_ups_used"] if follow_ups[i].step == phase]
    if open_here and not asked_here and agenda[phase] != "pending":
        turn = [u.text for u in utterances(t)]
        pick = closest([follow_ups[i].text for i in open_here], turn, deps.embedder)
        return "follow_up", {"index": open_here[pick]}

    challenged = state.get("challenged", [])
    fresh = [(q, at) for q, at in unweighed or [] if at not in challenged]
    if fresh and deps.lines.weigh and len(challenged) < MAX_CHALLENGES:
        quote, at = fresh[0]
        return "weigh", {"quote": _clip(quote, 20), "at": at}

    unexplained = _unexplained(on_board or [], state)
    if unexplained and deps.lines.board and len(state.get("board_asked", [])) < MAX_BOARD:
        return "board", {"component": unexplained[0]}

    # A curveball once the design is laid out: past the middle of the agenda, after a
    # follow-up (or when none is left to ask), and never one the candidate already handled.
    curveballs = deps.question.curveballs
    later = here >= len(steps) // 2 and (bool(state["follow_ups_used"]) or not open_here)
    if later and curveballs and not state["curveballs_used"]:
        handled = answered(curveballs, heard, deps.embedder, listening)
        left = [i for i, done in enumerate(handled) if not done]
        if left:
            return "curveball", {"index": left[0]}
    return "go_on", {}


def _unexplained(components: list[str], state: InterviewState) -> list[str]:
    """Components on the whiteboard the candidate never named aloud, not asked about yet. A
    label is named when its words occur in what the candidate said ("Feature store" in "...the
    feature store keeps..."); one- and two-letter labels ("A", "DB"?) are too vague to ask."""
    if not components:
        return []
    said = " ".join(t.get("text", "") for t in state["turns"] if t["role"] == "candidate")
    asked = set(state.get("board_asked", []))
    return [c for c in components if len(c) >= 3 and c not in asked and not contains(said, [c])]


def says_done(t: Transcript, deps: Deps) -> bool:
    """ "I'm done", or the last sentences of the turn close in meaning to finishing ("I think I've
    covered my design")."""
    if contains(t.text, deps.lines.done_phrases):
        return True
    tail = [u.text for u in utterances(t)][-2:]
    if not tail or not deps.lines.done_examples:
        return False
    e = deps.embedder
    return float((e.embed(tail) @ e.embed(deps.lines.done_examples).T).max()) >= deps.lines.done_sim


def _clip(text: str, words: int) -> str:
    """A quote short enough to say back: its first words, cut at a clause where one is near."""
    parts = text.strip().rstrip(".!?").split()
    return " ".join(parts) if len(parts) <= words else " ".join(parts[:words]) + "..."


def route_after_assess(state: InterviewState) -> Route:
    """assess's decision, checked: a route no node serves is a bug, not a silent dead end."""
    route = state["route"]
    for known in ROUTES:
        if route == known:
            return known
    raise ValueError(f"assess chose an unknown route {route!r}")


# -- wiring: the one place the graph is assembled ----------------------------------------------


def build_graph(checkpointer: Any = None) -> Any:
    """The compiled graph; each run passes its Deps as the context (`invoke(..., context=deps)`)."""
    g = StateGraph(InterviewState, context_schema=Deps)
    for fn in NODES:
        g.add_node(fn.__name__, fn)
    g.add_edge(START, "pose")
    g.add_edge("pose", "await_turn")
    g.add_edge("await_turn", "transcribe")
    g.add_edge("transcribe", "assess")
    g.add_conditional_edges("assess", route_after_assess, {r: r for r in ROUTES})
    for r in ROUTES:
        if r != "wrap_up":
            g.add_edge(r, "await_turn")
    g.add_edge("wrap_up", "score")
    g.add_edge("score", END)
    return g.compile(checkpointer=checkpointer)
