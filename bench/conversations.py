"""Does the interviewer listen? Scripted conversations through the real graph, move by move.

Each file in bench/conversations/ is one interview: the candidate's turns, and for each turn the
questions it puts to the interviewer (fact topics, "?" for one no fact answers), the follow-ups
and curveballs already answered so far, and the phase the candidate is in. The real LangGraph
graph runs each conversation with typed turns (default), or with --speech each turn spoken by a
human-like voice (Piper) and transcribed by the report model. Prints per conversation, then:

    interviewer questions_answered=X redundant_followups=Y panel_phase_agree=Z

questions_answered: share of the questions asked that got their fact (or, for "?", an explicit
  "I don't have that") in the interviewer's next line;
redundant_followups: follow-ups and curveballs asked whose answer was already given;
panel_phase_agree: share of turns where the live phase equals the report's phase at that time
  (the report's reading of the whole interview, asked where the candidate was at the turn's end);
also spurious_replies (fact replies to a turn that asked nothing), phase_label_acc (live phase
against the labelled phase) and follow_ups_asked (so that silence does not pass for listening).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import machine, typed_interview
from langgraph.types import Command

from interviewer.content import get_question
from interviewer.interview.graph import Deps, session_so_far
from interviewer.phases import PhaseSpan
from interviewer.pipeline import understand_transcript, where_now

ROOT = Path(__file__).resolve().parent
SET = ROOT / "conversations"
OUT = ROOT / "out" / "conversations"


def run_one(path: Path, speech: dict | None, verbose: bool) -> dict:
    conv = json.loads(path.read_text())
    q = get_question(conv["question"])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        deps, graph, config = typed_interview(folder, q.id)
        moves = []
        for n, turn in enumerate(conv["turns"], start=1):
            if not graph.get_state(config).next:
                break
            if speech is not None:
                name = f"turn-{n:02d}.json"
                tr = speech["transcribe"](path.stem, n, turn["say"])
                (folder / name).write_text(tr.model_dump_json())
                got = {"transcript": name, "audio": f"{n}.wav", "duration_s": tr.duration_s}
            else:
                got = {"text": turn["say"]}
            graph.invoke(Command(resume=got), config, context=deps)
            state = graph.get_state(config).values
            line = state["turns"][-1]
            moves.append(
                {
                    "line": line,
                    "plan": dict(state.get("plan") or {}),
                    "phase": state["phase"],
                    "end": state["turns"][-2]["end"],
                    "start": state["turns"][-2]["start"],
                }
            )
        while graph.get_state(config).next:
            graph.invoke(Command(resume={"end": True}), config, context=deps)
        values = graph.get_state(config).values
        hindsight = report_phases(deps, values)
    for move in moves:
        move["report"] = hindsight(move["start"], move["end"])
    return score(conv, q, moves, verbose, path.stem)


def report_phases(deps: Deps, values: dict):  # type: ignore[no-untyped-def]
    """The report's reading of the phases (the whole interview, with relevance and hindsight),
    asked "where was the candidate at the end of this turn?" the way the live panel is asked."""
    full = session_so_far(deps.session_dir, values["turns"])
    utts, _, spans = understand_transcript(full, deps.ctx(), values["probed"])

    def at(start: float, end: float) -> str | None:
        upto = [
            PhaseSpan(
                step=s.step,
                start=s.start,
                end=min(s.end, end),
                utterances=[i for i in s.utterances if utts[i].start <= end + 1e-6],
            )
            for s in spans
            if s.start <= end + 1e-6
        ]
        upto = [s for s in upto if s.utterances]
        now = full.model_copy()
        now.turns = [t for t in full.turns if t.start <= start + 1e-6]
        return where_now(upto, utts, now)

    return at


def score(conv: dict, q, moves: list[dict], verbose: bool, name: str) -> dict:  # type: ignore[no-untyped-def]
    facts = {f.topic: f.answer for f in q.facts}
    r = dict(asked=0, answered=0, redundant=0, spurious=0, turns=0, agree=0, labelled=0, asked_fu=0)
    for turn, move in zip(conv["turns"], moves, strict=False):
        line, plan = move["line"], move["plan"]
        asks = turn.get("asks", [])
        # (plans before replies were ordered held "facts" and "unknown": read both)
        replies = plan.get("replies") or [{"facts": []} for _ in plan.get("unknown", [])]
        replies = replies if line["kind"] == "fact" else []
        r["asked"] += len(asks)
        if asks and line["kind"] == "fact":
            topics = [a for a in asks if a != "?"]
            r["answered"] += sum(facts[a] in line["text"] for a in topics)
            unknown = sum(not x["facts"] for x in replies)
            r["answered"] += min(unknown, asks.count("?"))
        if not asks and line["kind"] == "fact":
            r["spurious"] += 1
        if line["kind"] == "follow-up":
            r["asked_fu"] += 1
            i = next(i for i, f in enumerate(q.follow_ups) if f.text in line["text"])
            r["redundant"] += i in turn.get("answered_follow_ups", [])
        if line["kind"] == "curveball":
            r["asked_fu"] += 1
            i = next(i for i, c in enumerate(q.curveballs) if c in line["text"])
            r["redundant"] += i in turn.get("handled_curveballs", [])
        r["turns"] += 1
        shown = move["report"]
        r["agree"] += shown is None or shown == move["phase"]
        r["labelled"] += move["phase"] == turn.get("phase")
        if verbose:
            print(
                f"  {name} t{r['turns']}: asks={asks} -> {line['kind']}"
                f" phase live={move['phase']} report={shown} label={turn.get('phase')}"
                f" | {line['text'][:110]}"
            )
    return r


def spoken_turns(voice: str):  # type: ignore[no-untyped-def]
    """Each turn said by Piper (or espeak-ng) and transcribed by the report model; cached."""
    import numpy as np

    from interviewer.audio import load_audio, save_wav
    from interviewer.settings import SttOptions
    from interviewer.stt import WhisperTranscriber
    from interviewer.transcript import Transcript

    sys.path.insert(0, str(ROOT.parent / "tests"))
    import speech

    say = speech.piper_say if voice == "piper" else (lambda text: speech.speak(text, 165))
    folder = OUT / voice
    folder.mkdir(parents=True, exist_ok=True)
    model: list = []

    def transcribe(conv: str, n: int, text: str):  # type: ignore[no-untyped-def]
        cached = folder / f"{conv}-{n}.json"
        if cached.is_file():
            return Transcript.model_validate_json(cached.read_text())
        wav = folder / f"{conv}-{n}.wav"
        if not wav.is_file():
            save_wav(wav, np.asarray(say(text), dtype=np.float32))
        if not model:
            model.append(WhisperTranscriber(SttOptions()))
        tr = model[0].transcribe(load_audio(wav))
        cached.write_text(tr.model_dump_json())
        return tr

    return {"transcribe": transcribe}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--speech", action="store_true", help="turns spoken and transcribed")
    ap.add_argument("--voice", default="piper", choices=["piper", "espeak"])
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per interviewer move")
    ap.add_argument("--only", help="run only conversations whose file name contains this")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args()
    files = sorted(p for p in SET.glob("*.json") if not args.only or args.only in p.name)
    speech = spoken_turns(args.voice) if args.speech else None
    total: dict[str, int] = {}
    began = time.perf_counter()
    by_agenda: dict[str, dict[str, int]] = {}
    for path in files:
        r = run_one(path, speech, args.verbose)
        agenda = path.name.split("-")[0] if not path.name.startswith("system") else "system-design"
        for k, v in r.items():
            total[k] = total.get(k, 0) + v
            by_agenda.setdefault(agenda, {}).setdefault(k, 0)
            by_agenda[agenda][k] += v
        print(
            f"{path.stem}: asked {r['answered']}/{r['asked']} answered, redundant {r['redundant']}"
            f", spurious {r['spurious']}, phase agree {r['agree']}/{r['turns']}"
            f", label {r['labelled']}/{r['turns']}"
        )
    figures = {
        "questions_answered": total["answered"] / max(1, total["asked"]),
        "redundant_followups": total["redundant"],
        "panel_phase_agree": total["agree"] / max(1, total["turns"]),
        "spurious_replies": total["spurious"],
        "phase_label_acc": total["labelled"] / max(1, total["turns"]),
        "follow_ups_asked": total["asked_fu"],
    }
    for agenda, r in sorted(by_agenda.items()):
        print(
            f"  {agenda}: answered {r['answered']}/{r['asked']}, redundant {r['redundant']}, "
            f"phase label {r['labelled']}/{r['turns']}"
        )
    mode = f"speech ({args.voice})" if args.speech else "text"
    print(
        f"{len(files)} conversations, {total['turns']} turns, {mode}, "
        f"{time.perf_counter() - began:.0f} s on {machine()}"
    )
    shown = (f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items())
    print("interviewer " + " ".join(shown))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
