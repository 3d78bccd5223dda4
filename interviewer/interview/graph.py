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
lines. The driver speaks them and records the candidate between steps. `await_turn` is an
interrupt() at the top of its own node, and side effects come after it, because a resumed node
runs again from its start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt

from interviewer.audio import load_audio
from interviewer.content import Agenda, Question, Rubric, question_budget
from interviewer.files import atomic_write_json
from interviewer.errors import SessionError
from interviewer.interview.lines import Lines, minutes_text, opening
from interviewer.interview.phrasing import Phraser, TemplatePhraser
from interviewer.interview.state import InterviewState, Turn
from interviewer.judge import Judge
from interviewer.judge.offline import OfflineJudge
from interviewer.pipeline import Context, assess_turn
from interviewer.scoring import publish, session_report
from interviewer.report.model import SttInfo
from interviewer.session import inside, read_transcript
from interviewer.settings import InterviewOptions
from interviewer.stt import Transcriber
from interviewer.textmatch import contains
from interviewer.transcript import Transcript, typed, utterances

Route = Literal["answer_fact", "probe", "follow_up", "curveball", "nudge", "go_on", "empty", "wrap_up"]
SHORT_TURN_WORDS = 45  # a turn this short that asks something is a clarifying question
MAX_FACTS = 2  # facts given per clarifying turn: an interviewer answers what was asked


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
    stt: SttInfo = field(default_factory=lambda: SttInfo(model="typed", device="none",
                                                         compute_type="none"))

    @property
    def steps(self) -> list[str]:
        return [s.id for s in self.agenda.steps]

    def ctx(self) -> Context:
        return Context(self.question, self.agenda, self.rubric, self.judge)


def initial_state(deps: Deps, minutes: float) -> InterviewState:
    budget = question_budget(deps.question, deps.agenda)
    scale = minutes / sum(budget.values())
    return InterviewState(
        question_id=deps.question.id, minutes=minutes,
        budget_s={k: round(v * scale * 60, 1) for k, v in budget.items()},
        phase=deps.steps[0], clock=0.0, turns=[], agenda={s: "pending" for s in deps.steps},
        probed={}, time_used={s: 0.0 for s in deps.steps}, nudged=[], follow_ups_used=[],
        curveballs_used=[], pending={}, route="", plan={}, report=None,
    )


def _line(deps: Deps, state: InterviewState, kind: str, draft: str, step: str | None = None,
          asked: str = "") -> dict:
    """An interviewer line: the graph's draft, worded by the phraser, on the clock."""
    n = len(state["turns"])
    last = next((t["text"] for t in reversed(state["turns"]) if t["role"] == "candidate"), "")
    say = (lambda sentence: deps.speak(n, sentence)) if deps.speak else None  # type: ignore[misc]
    line = deps.phraser.phrase(kind, draft, deps.question, last, asked, say)
    start = state["clock"]
    end = round(start + len(line.text.split()) / deps.options.words_per_second, 2)
    turn = Turn(n=n, role="interviewer", kind=kind, text=line.text, audio=None, transcript=None,
                start=start, end=end, step=step, ended_by=None, by=line.by, spoken=line.spoken,
                fallback=line.fallback)
    return {"turns": [turn], "clock": end}


def load_turn_transcript(session_dir: Path, turn: Turn) -> Transcript:
    return read_transcript(inside(session_dir, str(turn["transcript"])))


# -- nodes --------------------------------------------------------------------------------------


def make_nodes(deps: Deps) -> dict[str, Any]:
    lines = deps.lines

    def pose(state: InterviewState) -> dict:
        return _line(deps, state, "question", opening(lines, deps.question.text, state["minutes"]))

    def await_turn(state: InterviewState) -> dict:
        got = interrupt({"waiting_for": "answer", "phase": state["phase"],
                         "turn": sum(t["role"] == "candidate" for t in state["turns"]) + 1})
        return {"pending": dict(got)}

    def transcribe(state: InterviewState) -> dict:
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
        turn = Turn(n=len(state["turns"]), role="candidate", kind="answer", text=t.text, audio=audio,
                    transcript=name, start=start, end=end, step=state["phase"],
                    ended_by=got.get("ended_by", "typed" if audio is None else "file"))
        return {"turns": [turn], "clock": end}

    def assess(state: InterviewState) -> dict:
        if state["pending"].get("end"):
            return {"route": "wrap_up", "plan": {"why": "done"}}
        turn = state["turns"][-1]
        t = load_turn_transcript(deps.session_dir, turn)
        steps = deps.steps
        if t.is_empty:
            return {"route": "empty", "plan": {}}

        covered, spans = assess_turn(t, deps.ctx())
        agenda = dict(state["agenda"])
        for step in covered:
            if agenda[step] == "pending":
                agenda[step] = "prompted" if step in state["probed"] else "covered"
        reached = max([steps.index(state["phase"])] + [steps.index(s.step) for s in spans])
        phase = steps[reached]
        time_used = dict(state["time_used"])
        spoken = sum(s.duration for s in spans) or 1.0
        duration = turn["end"] - turn["start"]
        for s in spans:
            time_used[s.step] = round(time_used[s.step] + duration * s.duration / spoken, 2)
        if not spans:
            time_used[phase] = round(time_used[phase] + duration, 2)
        update = {"agenda": agenda, "phase": phase, "time_used": time_used}

        route, plan = _decide(deps, state, t, agenda, phase, time_used)
        return {**update, "route": route, "plan": plan}

    def answer_fact(state: InterviewState) -> dict:
        facts = state["plan"].get("facts", [])
        asked = state["plan"].get("asked", "")
        if not facts:
            return _line(deps, state, "fact", lines.no_fact, asked=asked)
        parts = [lines.fact.format(answer=facts[0])] + [lines.fact_more.format(answer=f) for f in facts[1:]]
        return _line(deps, state, "fact", " ".join(parts), asked=asked)

    def probe(state: InterviewState) -> dict:
        step = state["plan"]["step"]
        text = lines.probe.format(probe=deps.agenda.step(step).probe)
        out = _line(deps, state, "probe", text, step)
        return {**out, "probed": {**state["probed"], step: out["clock"]}}

    def follow_up(state: InterviewState) -> dict:
        i = state["plan"]["index"]
        f = deps.question.follow_ups[i]
        out = _line(deps, state, "follow-up", lines.follow_up.format(text=f.text), f.step)
        return {**out, "follow_ups_used": state["follow_ups_used"] + [i]}

    def curveball(state: InterviewState) -> dict:
        i = state["plan"]["index"]
        out = _line(deps, state, "curveball", lines.curveball.format(text=deps.question.curveballs[i]))
        return {**out, "curveballs_used": state["curveballs_used"] + [i]}

    def nudge(state: InterviewState) -> dict:
        phase = state["phase"]
        text = lines.nudge.format(used=minutes_text(state["time_used"][phase]),
                                  phase=deps.agenda.step(phase).name.lower(),
                                  budget=minutes_text(state["budget_s"][phase]))
        return {**_line(deps, state, "nudge", text, phase), "nudged": state["nudged"] + [phase]}

    def go_on(state: InterviewState) -> dict:
        n = sum(t["kind"] == "go-on" for t in state["turns"])
        return _line(deps, state, "go-on", lines.rotate(lines.go_on, n))

    def empty(state: InterviewState) -> dict:
        return _line(deps, state, "empty", lines.empty.format(question=deps.question.text))

    def wrap_up(state: InterviewState) -> dict:
        text = lines.wrap_time if state["plan"].get("why") == "time" else lines.wrap_done
        return _line(deps, state, "wrap", text)

    def score(state: InterviewState) -> dict:
        if deps.before_scoring is not None:
            deps.before_scoring()
        report = session_report(deps.session_dir, [dict(t) for t in state["turns"]], deps.ctx(), deps.stt,
                                state["probed"], state["clock"])
        return {"report": str(publish(report, deps.session_dir))}

    return {f.__name__: f for f in (pose, await_turn, transcribe, assess, answer_fact, probe,
                                     follow_up, curveball, nudge, go_on, empty, wrap_up, score)}


# -- the interviewer's decision ----------------------------------------------------------------


def _decide(deps: Deps, state: InterviewState, t: Transcript, agenda: dict[str, str], phase: str,
            time_used: dict[str, float]) -> tuple[Route, dict]:
    steps = deps.steps
    clock = state["turns"][-1]["end"]
    if clock >= state["minutes"] * 60:
        return "wrap_up", {"why": "time"}

    unprobed = [s for s in steps if agenda[s] == "pending" and s not in state["probed"]]
    if contains(t.text, deps.lines.done_phrases):
        # Finishing with a step never shown: ask for it once before letting them go.
        return ("probe", {"step": unprobed[0]}) if unprobed else ("wrap_up", {"why": "done"})

    if len(t.words) <= SHORT_TURN_WORDS:
        asked = [u.text for u in utterances(t) if u.is_question]
        told = [u.text for u in utterances(t)
                if not u.is_question and contains(u.text, deps.lines.question_openers)]
        facts = match_facts(" ".join(asked + told), deps.question)
        if asked or facts:  # an opener without a matching fact is probably not a question
            return "answer_fact", {"facts": facts, "asked": " ".join(asked + told)}

    here = steps.index(phase)
    skipped = [s for s in unprobed if steps.index(s) < here]
    if skipped:
        return "probe", {"step": skipped[0]}

    if time_used[phase] > state["budget_s"][phase] and phase not in state["nudged"]:
        return "nudge", {}

    unused = [i for i, f in enumerate(deps.question.follow_ups)
              if f.step == phase and i not in state["follow_ups_used"]]
    asked_here = [i for i in state["follow_ups_used"] if deps.question.follow_ups[i].step == phase]
    if unused and not asked_here and agenda[phase] != "pending":
        return "follow_up", {"index": unused[0]}

    if (here >= len(steps) // 2 and asked_here and deps.question.curveballs
            and not state["curveballs_used"]):
        return "curveball", {"index": 0}
    return "go_on", {}


def match_facts(asked: str, question: Question, limit: int = MAX_FACTS) -> list[str]:
    """The facts a clarifying question asks for, best first; only the question's own facts.

    All keywords are matched at once, longest first and without overlap, so "latency budget"
    is about latency and does not also pull in a fact keyed on "budget" by itself.
    """
    from interviewer.textmatch import find, tokenize
    from interviewer.transcript import typed

    owner = {kw: i for i, f in enumerate(question.facts) for kw in f.keywords}
    found = find(tokenize(typed(asked).words), list(owner))
    score: dict[int, int] = {}
    first: dict[int, int] = {}
    for m in found:
        i = owner[m.phrase]
        score[i] = score.get(i, 0) + 1
        first.setdefault(i, m.first)
    best = sorted(score, key=lambda i: (-score[i], first[i]))[:limit]
    return [question.facts[i].answer for i in sorted(best, key=lambda i: first[i])]


def route_after_assess(state: InterviewState) -> Route:
    return state["route"]  # type: ignore[return-value]


# -- wiring: the one place the graph is assembled ----------------------------------------------


def build_graph(deps: Deps, checkpointer: Any = None) -> Any:
    nodes = make_nodes(deps)
    g = StateGraph(InterviewState)
    for name, fn in nodes.items():
        g.add_node(name, fn)
    g.add_edge(START, "pose")
    g.add_edge("pose", "await_turn")
    g.add_edge("await_turn", "transcribe")
    g.add_edge("transcribe", "assess")
    routes: list[Route] = ["answer_fact", "probe", "follow_up", "curveball", "nudge", "go_on",
                           "empty", "wrap_up"]
    g.add_conditional_edges("assess", route_after_assess, {r: r for r in routes})
    for r in routes:
        if r != "wrap_up":
            g.add_edge(r, "await_turn")
    g.add_edge("wrap_up", "score")
    g.add_edge("score", END)
    return g.compile(checkpointer=checkpointer)
