"""`interviewer practice`: drive the interview graph, speaking lines and recording turns.

The graph decides; this loop does the I/O in between: voice each new interviewer line, then
record (or read) the candidate's turn and resume the graph with it. Every step is checkpointed
in the session's SQLite file, so a Ctrl-C, crash or kill resumes from the last finished turn.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.types import Command

from interviewer.audio.mic import (
    ChunkingMicrophone,
    DeviceMicrophone,
    Microphone,
    Recording,
    WavMicrophone,
)
from interviewer.audio.voice import Voice
from interviewer.files import atomic_write_json
from interviewer.interview.asking import fact_texts
from interviewer.interview.checkpoint import STATE_FIELDS, checkpoint_errors, set_aside
from interviewer.interview.graph import Deps, build_graph, initial_state
from interviewer.meaning.ahead import Ahead
from interviewer.meaning.detectors import check_side, step_side
from interviewer.meaning.substance import profile
from interviewer.session import Session, SessionRecord
from interviewer.streaming import BACKGROUND_NICE, Refiner, StreamingTurn

if TYPE_CHECKING:
    from interviewer.stt import StreamingTranscriber


def known_lines(d: Deps) -> list[str]:
    """The lines the interviewer may say in this interview, rendered ahead so replies start at
    once (wrap_done names the time left, so it is not among them)."""
    lines = d.lines
    texts = list(lines.go_on) + [lines.no_fact, lines.wrap_time]
    texts += [lines.probe.format(probe=s.probe) for s in d.agenda.steps]
    texts += [lines.follow_up.format(text=f.text) for f in d.question.follow_ups]
    texts += [lines.curveball.format(text=c) for c in d.question.curveballs]
    texts += [lines.fact.format(answer=f.answer) for f in d.question.facts]
    return texts


def compared_with(d: Deps) -> list[str]:
    """What every answer is compared with: embedded while the question is being heard. The
    question's own texts are here too (what it is about, its facts, its curveballs): left to
    the first reply, embedding them cost 0.6-0.8 s after that answer on this 2-core machine."""
    # Steps and checks as the detectors compare sentences with them: examples and description.
    sides = [step_side(s) for s in d.agenda.steps]
    sides += [check_side(c) for s in d.agenda.steps for c in s.checks]
    return (
        [x for examples, description, _ in sides for x in [*examples, description]]
        + d.rubric.meaning.injection_examples
        + d.lines.done_examples
        + [k.point for k in d.question.key_points]
        + [f.text for f in d.question.follow_ups]
        + profile(d.question)
        + fact_texts(d.question)
        + d.question.curveballs
    )


def _cut_line(turn: dict[str, Any], cut_s: float, of_s: float, voice: Any) -> dict[str, Any]:
    """An interviewer line stopped by a barge-in: how much went out, and the words that did
    (estimated by their share of the line's length: espeak gives no word times)."""
    words = turn["text"].split()
    share = 0.0 if of_s <= 0 else min(1.0, cut_s / of_s)
    barge_in = getattr(voice, "barge_in", None)
    onset = getattr(barge_in, "onset_at", 0.0)
    stopped = getattr(voice, "stopped_at", 0.0)
    return {
        "line": turn["n"],
        "spoken_s": round(cut_s, 2),
        "of_s": round(of_s, 2),
        "heard": " ".join(words[: round(share * len(words))]),
        # the candidate's first sound to the line going quiet
        "stop_ms": round((stopped - onset) * 1000) if onset and stopped > onset else None,
    }


def _has_speech(wav: Path) -> bool:
    """Whether a recording holds any speech (Silero VAD), read in full."""
    from interviewer.audio import load_audio
    from interviewer.audio.vad import speech_regions

    try:
        return bool(speech_regions(load_audio(wav).samples))
    except Exception:
        return True  # unreadable here: the graph's transcription decides, as before


def _last_words(text: str, n: int) -> str:
    """The end of what was said, short enough to say back: its last sentence, at most n words."""
    words = text.split()
    tail = words[-n:]
    for i in range(len(tail) - 2, 0, -1):  # start at a sentence where one begins in the tail
        if tail[i - 1].endswith((".", "?", "!")):
            tail = tail[i:]
            break
    quote = " ".join(tail).rstrip(".!?")
    return quote if len(tail) == len(words) else "..." + quote


class TextInput:
    """Typed answers (--text): one line per turn. An empty line asks "Are you done?" first (an
    Enter pressed by mistake does not end the interview); a second one, or EOF, ends it."""

    CONFIRM = "Are you done? Press Enter again to end the interview, or type your answer."

    def read(self) -> str | None:
        try:
            line = input("you> ")
            if line.strip():
                return line
            print(self.CONFIRM)
            line = input("you> ")
        except EOFError:
            return None
        return line if line.strip() else None


class SentenceSpeaker:
    """Voices an LLM line sentence by sentence while it streams, then joins the pieces into
    interviewer-NN.wav so the session keeps one file per line."""

    def __init__(self, voice: Voice, session: Session):
        self.voice = voice
        self.session = session
        self.parts: dict[int, list[Path]] = {}

    def __call__(self, n: int, sentence: str) -> None:
        parts = self.parts.setdefault(n, [])
        path = self.session.dir / f".interviewer-{n:02d}-{len(parts)}.wav"
        self.voice.say(sentence, path)
        parts.append(path)

    def finish(self, n: int) -> None:
        parts = [p for p in self.parts.pop(n, []) if p.exists()]
        if not parts:
            return
        import numpy as np

        from interviewer.audio.io import load_audio, save_wav

        save_wav(self.session.line_wav(n), np.concatenate([load_audio(p).samples for p in parts]))
        for p in parts:
            p.unlink(missing_ok=True)


@dataclass
class Practice:
    session: Session
    deps: Deps
    voice: Voice
    mic: Microphone | None = None  # None with --text
    text: TextInput | None = None
    minutes: float = 45.0
    settings: dict[str, Any] = field(default_factory=dict)
    view: Any = None  # LiveView (begin(state), end()) around each recorded turn
    speaker: SentenceSpeaker | None = None  # lines already voiced while they streamed
    # For transcribing while the candidate speaks (microphone only).
    transcriber: StreamingTranscriber | None = None
    refiner: Refiner | None = None  # one-pass re-transcription of each turn for the report
    early_line: Any = None  # run.EarlyLine: the opening line, already being spoken
    candidate_label: str = "you"  # how the candidate's lines are printed
    _graph: Any = None
    _conn: Any = None
    _saver: SqliteSaver | None = None
    _turn_ended_at: float = 0.0
    _turn_silence: float = 0.0  # silence after the speech when the turn's end was detected

    @property
    def config(self) -> dict[str, dict[str, str]]:
        return {"configurable": {"thread_id": self.session.id}}

    def open(self) -> None:
        """Open the checkpoint file; an unreadable one is set aside (the interview state is then
        rebuilt from session.json and the turn files, see _restore)."""
        self._conn = sqlite3.connect(
            str(self.session.checkpoints), check_same_thread=False, timeout=30
        )
        saver = SqliteSaver(self._conn)
        try:
            saver.setup()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            text = str(exc).lower()
            if isinstance(exc, sqlite3.OperationalError) and any(
                w in text for w in ("locked", "busy", "full", "disk i/o")
            ):
                with checkpoint_errors(self.session):
                    raise  # in use or no space: never set aside a file another process writes
            kept = set_aside(self.session.checkpoints, "corrupt")
            print(
                f"the checkpoint file was unreadable ({exc}): kept as {kept.name}; "
                "the interview state is rebuilt from session.json",
                file=sys.stderr,
            )
            self._conn = sqlite3.connect(
                str(self.session.checkpoints), check_same_thread=False, timeout=30
            )
            saver = SqliteSaver(self._conn)
        self._saver = saver
        self._graph = build_graph(saver)

    def close(self) -> None:
        if self._conn is not None:
            # LangGraph's worker threads may still be writing to the checkpoint: a Ctrl-C stops
            # the main thread mid-step, not them. Closing under the saver's lock makes a late
            # write fail as a Python error in its thread; closing under it crashed the process
            # (a segfault in put_writes, seen under load).
            with self._saver.lock if self._saver is not None else nullcontext():
                self._conn.close()
            self._conn = None
            self._saver = None

    def _invoke(self, value: Any) -> None:
        # Stop before scoring, so the closing line is spoken as soon as it is written: the
        # report (which waits for every turn's one-pass transcript) is built after it.
        with checkpoint_errors(self.session):
            self._graph.invoke(value, self.config, context=self.deps, interrupt_before=["score"])

    # -- session.json ---------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        with checkpoint_errors(self.session):
            return dict(self._graph.get_state(self.config).values)

    def save(self, status: str, extra: dict[str, Any] | None = None) -> None:
        """Mirror the checkpoint into session.json. Never with fewer turns than it holds: a
        checkpoint behind the record (lost, set aside) leaves the record's state as it was."""
        record = self.session.load()
        old = record.model_dump(mode="json") if record else {}
        values = self.state() if self._graph is not None else {}
        if len(values.get("turns", [])) < len(old.get("turns", [])):
            values = {k: old.get(k) for k in STATE_FIELDS if old.get(k) is not None}
        turns = []
        for t in values.get("turns", []):
            t = dict(t)
            if t["role"] == "interviewer" and self.session.line_wav(t["n"]).exists():
                t["audio"] = self.session.line_wav(t["n"]).name
            turns.append(t)
        answers = sum(t["role"] == "candidate" for t in turns)
        pending = old.get("pending")
        if pending and pending.get("n", 0) <= answers:
            pending = None  # the graph has it now
        data = {
            **old,
            "id": self.session.id,
            "created_at": old.get("created_at", datetime.now(UTC).isoformat(timespec="seconds")),
            "status": status,
            "question": {"id": self.deps.question.id, "text": self.deps.question.text},
            "agenda_id": self.deps.agenda.id,
            "settings": {**old.get("settings", {}), **self.settings},
            "minutes": self.minutes,
            **{k: values.get(k, default) for k, default in STATE_FIELDS.items()},
            "turns": turns,
            "pending": pending,
            "report": "report.json" if values.get("report") else None,
            "stt": self.deps.stt.model_dump(),
            **(extra or {}),
        }
        self.session.write(data)

    # -- the loop -------------------------------------------------------------------------------
    def run(self, resume: bool = False) -> Path:
        self.open()
        try:
            if resume:
                done = self._resume()
                if done is not None:
                    return done
            else:
                self.save("in-progress")
                self._invoke(initial_state(self.deps, self.minutes))
            while True:
                self._voice_new_lines()
                if self._turn_ended_at:
                    self._log_latency()
                with checkpoint_errors(self.session):
                    snapshot = self._graph.get_state(self.config)
                if not snapshot.next:
                    break
                if snapshot.next == ("score",):
                    self._invoke(None)
                    continue
                payload = self._next_turn()
                self._invoke(Command(resume=payload))
            self.save("finished")
            return self.session.dir / "report.json"
        finally:
            self.close()

    def _resume(self) -> Path | None:
        """Bring the graph to where the session stopped; a finished one returns its report.

        A turn whose audio was recorded when the process stopped is handed to the graph, never
        set aside: the whole answer if it was complete, else what was recorded (ended_by
        "interrupted"), and the interviewer goes on from there."""
        record = self.session.load()
        with checkpoint_errors(self.session):
            snapshot = self._graph.get_state(self.config)
        values = snapshot.values or {}
        behind = len(values.get("turns", [])) < len(record.turns if record else [])
        # A graph at its end without a report was cut mid-write: not a finished interview.
        if not values or behind or (not snapshot.next and not values.get("report")):
            self._restore(record)
            with checkpoint_errors(self.session):
                snapshot = self._graph.get_state(self.config)
        if not snapshot.next:
            self.save("finished")
            return self.session.dir / "report.json"
        if snapshot.next == ("await_turn",):
            payload = self._recorded_turn(record)
            if payload is not None:
                print(
                    f"turn {payload['n']} was recorded before the stop: it is used "
                    f"({payload.get('ended_by', 'typed')})",
                    file=sys.stderr,
                )
                self._invoke(Command(resume=payload))
        else:  # killed mid-step: finish it from its checkpoint
            self._invoke(None)
        # Said once the graph holds everything recorded, so it can quote what was heard last;
        # the reply to a turn recorded before the stop follows it.
        self._say_resume()
        return None

    def _restore(self, record: SessionRecord | None) -> None:
        """No usable checkpoint: rebuild the interview state from session.json, in a fresh
        checkpoint file (the old one is kept beside it)."""
        self.close()
        if self.session.checkpoints.exists() and self.session.checkpoints.stat().st_size:
            kept = set_aside(self.session.checkpoints, "stale")
            for suffix in ("-wal", "-shm"):  # SQLite's journal files follow their database
                side = self.session.dir / f"checkpoints.sqlite{suffix}"
                if side.exists():
                    side.rename(kept.with_name(kept.name + suffix))
        self.open()
        if record is None or not record.turns:
            if record is not None and self.session.json_path.exists():
                self.save("in-progress", {"lines_voiced": 0})
            self._invoke(initial_state(self.deps, self.minutes))
            return
        values: dict[str, Any] = {k: getattr(record, k) for k in STATE_FIELDS}
        values["turns"] = [t.model_dump(mode="json") for t in record.turns]
        steps = self.deps.steps
        values.update(
            question_id=self.deps.question.id,
            minutes=self.minutes,
            pending={},
            route="",
            plan={},
            report=None,
        )
        values["phase"] = values["phase"] if values["phase"] in steps else steps[0]
        values["agenda"] = {s: values["agenda"].get(s, "pending") for s in steps}
        values["time_used"] = {s: values["time_used"].get(s, 0.0) for s in steps}
        values["budget_s"] = (
            values["budget_s"] or initial_state(self.deps, self.minutes)["budget_s"]
        )
        last = values["turns"][-1]
        # pose -> await_turn, transcribe -> assess, wrap_up -> score: resume where it stopped
        as_node = (
            "wrap_up"
            if last["kind"] == "wrap"
            else "transcribe"
            if last["role"] == "candidate"
            else "pose"
        )
        with checkpoint_errors(self.session):
            self._graph.update_state(self.config, values, as_node=as_node)

    def _recorded_turn(self, record: SessionRecord | None) -> dict[str, Any] | None:
        """The candidate turn recorded on disk and not yet in the graph, as a payload."""
        n = self._candidate_turns() + 1
        wav = self.session.turn_wav(n)
        pending = record.pending if record else None
        if pending and pending.get("n") == n and pending.get("text") is not None:
            return pending
        if not wav.exists():
            return None
        try:
            import soundfile as sf

            duration = sf.info(str(wav)).duration
        except Exception:
            duration = 0.0
        if duration <= 0:  # nothing usable in it: kept beside the session, never deleted
            kept = set_aside(wav, "partial")
            partials = (record.partial_recordings if record else []) + [kept.name]
            self.save("in-progress", {"partial_recordings": partials})
            print(f"kept the unreadable recording as {kept}", file=sys.stderr)
            return None
        if pending and pending.get("n") == n and pending.get("audio") == wav.name:
            payload = dict(pending)
            if (
                payload.get("transcript")
                and not (self.session.dir / payload["transcript"]).exists()
            ):
                payload.pop("transcript")  # transcribed again from the audio
            return payload
        # Recorded files (--answers) are written whole or not at all; a microphone recording
        # without a pending entry was cut while the candidate spoke.
        source = (record.settings.get("input") if record else None) or self.settings.get("input")
        ended_by = "file" if source == "answers" else "interrupted"
        if ended_by == "interrupted" and not _has_speech(wav):
            # Stopped before the candidate said anything: no empty answer in the interview (the
            # interviewer would say "take your time" and ask again); the file is kept aside.
            kept = set_aside(wav, "partial")
            partials = (record.partial_recordings if record else []) + [kept.name]
            self.save("in-progress", {"partial_recordings": partials})
            print(f"turn {n} had no speech before the stop: kept as {kept.name}", file=sys.stderr)
            return None
        return {
            "n": n,
            "audio": wav.name,
            "duration_s": round(duration, 3),
            "ended_by": ended_by,
            "overflows": 0,
        }

    def _candidate_turns(self) -> int:
        return sum(t["role"] == "candidate" for t in self.state().get("turns", []))

    def _next_turn(self) -> dict[str, Any]:
        n = self._candidate_turns() + 1
        if self.text is not None:
            line = self.text.read()
            if line is None:
                return {"end": True, "why": "stopped"}
            return self._pending({"n": n, "text": line})
        assert self.mic is not None
        path = self.session.turn_wav(n)
        stream = None
        if self.transcriber is not None and isinstance(self.mic, ChunkingMicrophone):
            # Transcribe while the candidate talks: only the tail is left when the turn ends.
            ahead = Ahead(self.deps.embedder, self.deps.rubric)
            turn = StreamingTurn(self.transcriber, path, on_piece=ahead)
            self.mic.on_chunk = lambda _path, start, cut, end: turn.add_chunk(start, cut, end)
            self.mic.turn_text = turn.settled_text  # the end-of-turn judge reads the words
            stream = turn
        if self.view is not None:
            self.view.begin(self.state(), n, stream)
        barge_in = getattr(self.voice, "barge_in", None)
        preroll = barge_in.stop() if barge_in is not None else None
        try:
            if preroll is not None and len(preroll) and isinstance(self.mic, DeviceMicrophone):
                rec: Recording | None = self.mic.record(path, preroll=preroll)
            else:
                rec = self.mic.record(path)
        except BaseException:
            if self.view is not None:
                self.view.end()
            raise
        if self.view is not None:
            # the panel stays, saying the interviewer is thinking, until the reply starts
            self.view.think() if rec is not None else self.view.end()
        if rec is None:  # recorded answers ran out, or the candidate ended the interview
            return {
                "end": True,
                "why": "out_of_answers" if isinstance(self.mic, WavMicrophone) else "stopped",
            }
        # The answer is on disk: say so in session.json before anything else, so a stop from
        # here on resumes with this turn, whole.
        payload: dict[str, Any] = self._pending(
            {
                "n": n,
                "audio": rec.path.name,
                "duration_s": rec.duration_s,
                "ended_by": rec.ended_by,
                "overflows": rec.overflows,
                **({"end_why": rec.why} if rec.why else {}),
            }
        )
        if stream is not None:
            transcript = stream.finish(rec.duration_s)
            name = f"turn-{n:02d}.json"
            atomic_write_json(self.session.dir / name, transcript.model_dump(mode="json"))
            payload["transcript"] = name
            if self.refiner is not None:
                self.refiner.submit(path, self.session.dir / name)
            payload = self._pending(payload)
        if rec.overflows:
            self.save(
                "in-progress",
                {"overflows": self.session.read().get("overflows", 0) + rec.overflows},
            )
        self._turn_ended_at = rec.ended_at
        self._turn_silence = rec.silence_s
        self.voice.first_sample_at = 0.0  # time the reply to this turn
        return payload

    def _pending(self, payload: dict[str, Any]) -> dict[str, Any]:
        self.save("in-progress", {"pending": payload})
        return payload

    def _log_latency(self) -> None:
        """Per turn, in ms: the end of the turn (when it was detected) to the first sample of
        the reply (latency_ms), and the end of the candidate's speech to it (gap_ms)."""
        first = self.voice.first_sample_at
        if first > self._turn_ended_at:
            saved = self.session.read()
            latency = first - self._turn_ended_at
            self.save(
                "in-progress",
                {
                    "latency_ms": saved.get("latency_ms", []) + [round(latency * 1000, 1)],
                    "gap_ms": saved.get("gap_ms", [])
                    + [round((latency + self._turn_silence) * 1000, 1)],
                },
            )
        self._turn_ended_at = 0.0

    def _voice_new_lines(self) -> None:
        if self.view is not None:
            self.view.end()  # the reply is ready: the "thinking" panel gives way to it
        turns = self.state().get("turns", [])
        voiced = self.session.read().get("lines_voiced", 0)
        barged: list[dict[str, Any]] = []
        for t in turns[voiced:]:
            if t["role"] != "interviewer":
                if self.text is None:  # typed answers are on the screen already
                    print(
                        f"\n{self.candidate_label}: {t['text'] or '(no speech heard)'}\n",
                        flush=True,
                    )
                continue
            if t["n"] == 0 and self.early_line is not None:
                seconds = self.early_line.join()  # spoken while the program started up
            elif t.get("spoken") and self.speaker is not None:
                self.speaker.finish(t["n"])
                continue
            else:
                seconds = self.voice.say(t["text"], self.session.line_wav(t["n"]))
            cut = getattr(self.voice, "cut_at_s", None)
            if cut is not None:  # the candidate spoke over it: what they actually heard
                barged.append(_cut_line(t, cut, seconds, self.voice))
        extra: dict[str, Any] = {"lines_voiced": len(turns)}
        if barged:
            extra["barge_ins"] = self.session.read().get("barge_ins", []) + barged
        if voiced == 0 and self.voice.first_sample_at:
            extra["first_line_at"] = self.voice.first_sample_at  # time.monotonic(), for bench/
        if voiced == 0:
            threading.Thread(target=self._warm_up, daemon=True, name="warm-up").start()
        self.save("in-progress", extra)

    def _warm_up(self) -> None:
        """While the question is heard: warm the model on the spoken question, and render the
        lines the interviewer may need so that replies start at once. At a lower priority: the
        candidate may already be answering, and the live decoding of their words comes first
        (rendering two dozen lines in the neural voice is many seconds of CPU)."""
        from interviewer.stt import lower_priority

        lower_priority(BACKGROUND_NICE)
        try:
            first = self.session.line_wav(0)
            if self.transcriber is not None and first.exists():
                from interviewer.audio.io import load_audio

                self.transcriber.transcribe(load_audio(first))
            # The sentence model, and what every answer is compared with, before the first answer.
            self.deps.embedder.embed(compared_with(self.deps))
            self.voice.prerender(self.known_lines())
        except Exception:
            pass  # an optimisation only: every line can still be rendered when needed

    def known_lines(self) -> list[str]:
        return known_lines(self.deps)

    def _say_resume(self) -> None:
        """One line on resuming: what the interviewer heard last, quoted, or the line it had
        asked and the candidate had not answered yet. Lines not voiced before the stop follow."""
        lines = self.deps.lines
        turns = self.state().get("turns", [])
        voiced = self.session.read().get("lines_voiced", 0)
        heard = turns[:voiced]
        said = next((t for t in reversed(turns) if t["role"] == "candidate" and t["text"]), None)
        if (
            heard
            and heard[-1]["role"] == "interviewer"
            and (said is None or said["n"] < heard[-1]["n"])
        ):
            text = lines.resume_asked.format(line=heard[-1]["text"])
        elif said is not None:
            text = lines.resume_heard.format(quote=_last_words(said["text"], 18))
        else:
            text = lines.resume
        self.voice.say(text, None)
