"""Assemble a practice session from command-line options: the composition root for `practice`."""

from __future__ import annotations

import argparse
import random
import shlex
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interviewer import interrupts, locks
from interviewer.audio.mic import DeviceMicrophone, Microphone, WavMicrophone
from interviewer.audio.voice import EspeakVoice, PiperVoice, SilentVoice, Voice
from interviewer.content import get_question, load_agenda, load_questions, load_rubric
from interviewer.errors import ContentError, InterviewerError, SessionError, UsageError
from interviewer.hints import command_name
from interviewer.interview.lines import load_lines, opening
from interviewer.llm.config import load_llm_options
from interviewer.options import MAX_SESSION_MINUTES, check_number
from interviewer.session import Session, create, new_id, open_existing
from interviewer.settings import (
    InterviewOptions,
    RecorderOptions,
    SttOptions,
    TurnTakingOptions,
    VoiceOptions,
)
from interviewer.streaming import BACKGROUND_NICE
from interviewer.stt import WhisperTranscriber

if TYPE_CHECKING:
    from interviewer.interview.practice import Practice

# The graph, the LLM client and the live view are imported only after the first line has
# started playing: LangGraph alone takes over a second to import on a small machine.


class EarlyLine:
    """The opening line, spoken on a thread while the rest of the program starts up."""

    def __init__(self, voice: Voice, text: str, path: Path):
        self.error: BaseException | None = None
        self.seconds = 0.0

        def speak() -> None:
            try:
                self.seconds = voice.say(text, path)
            except BaseException as exc:  # re-raised on the main thread by join()
                self.error = exc

        self._thread = threading.Thread(target=speak, daemon=True, name="early-line")
        self._thread.start()

    def join(self) -> float:
        """Wait for the line; its length in seconds."""
        self._thread.join()
        if self.error is not None:
            raise self.error
        return self.seconds


def _voice(engine: str, options: VoiceOptions) -> EspeakVoice:
    """The interviewer's voice engine; auto: the neural voice when installed, else espeak-ng."""
    from interviewer.audio import neural_voice

    if engine == "piper":
        return PiperVoice(options)
    if engine == "neural" or (engine == "auto" and neural_voice.available()):
        return neural_voice.NeuralVoice(options)
    return EspeakVoice(options)


def _end_model() -> Any:
    """The end-of-turn audio model, or None with a one-line warning: the turn then ends by the
    words and the silence alone."""
    from interviewer.audio.smart_turn import ModelProblem, load_smart_turn

    try:
        return load_smart_turn()
    except ModelProblem as exc:
        print(
            f"warning: {exc}; your turn ends by your words and the silence alone", file=sys.stderr
        )
        return None


def _device(value: str | None) -> str | int | None:
    return int(value) if value is not None and value.isdigit() else value


def _pick_question(args: argparse.Namespace, saved: dict[str, Any]) -> str:
    if saved.get("question"):
        saved_id: str = saved["question"]["id"]
        return saved_id
    if args.question:
        asked: str = args.question
        return asked
    pool = [
        q for q in load_questions().values() if not args.category or q.category == args.category
    ]
    if not pool:
        raise ContentError(f"no questions in category '{args.category}'")
    return random.choice(pool).id


def practice(args: argparse.Namespace) -> int:
    session = open_existing(args.resume) if args.resume else None
    if session is not None:
        # One writer per session: a second resume of the same session stops here, before it
        # reads a state the first one is about to change.
        locks.hold(session.dir, "session")
    saved = session.read() if session else {}
    question = get_question(_pick_question(args, saved))
    agenda = load_agenda(question.agenda)
    # A question's own minutes ("[production, 10 min]") are the session's length unless
    # --minutes says otherwise; a resumed session keeps the length it started with.
    asked_for = args.minutes if args.minutes is not None else question.minutes
    minutes = float(saved.get("minutes") or asked_for)
    check_number("--minutes", minutes, low=0.5, high=MAX_SESSION_MINUTES)
    check_number("--patience", args.patience, low=0.5, high=600)
    if args.barge_in and (args.text or args.answers or args.no_voice):
        raise UsageError(
            "--barge-in needs the microphone and the voice (not --text, --answers or --no-voice)"
        )
    if (
        session is not None
        and saved.get("status") == "finished"
        and (session.dir / "report.json").exists()
    ):
        # Nothing left to record: no microphone, no model, just where the report is.
        done = session.dir / "report.json"
        print(f"session {session.id} is finished")
        print(f"report: {done.with_suffix('.md')}")
        print(f"html:   {done.with_suffix('.html')}")
        print(f"json:   {done}")
        return 0
    room = None
    if getattr(args, "room", False):
        from interviewer.room.setup import Room

        room = Room(args)  # the server runs before anything slow: the page can open at once
    settings = {
        "input": "text"
        if args.text
        else "answers"
        if args.answers
        else "room"
        if room
        else "microphone",
        "voice": not (args.no_voice or args.text),
        "patience_s": args.patience,
        "smart_turn": not args.no_smart_turn,
        "barge_in": args.barge_in,
        "push_to_talk": args.push_to_talk,
        "stt_model": args.stt_model,
        "live_stt_model": None if args.answers else args.live_stt_model,
    }

    # Two models: the live one streams while the candidate speaks (the interviewer's replies);
    # the report one re-transcribes each finished turn in one pass for the report. Recorded
    # answers (--answers) have no one waiting on a reply: the report model does them directly.
    # A typed resume of a session with recorded turns not transcribed yet needs the report model.
    transcriber = reporter = None
    if not args.text or (session is not None and _untranscribed(session.dir)):
        common = dict(device=args.device, compute_type=args.compute_type)
        reporter = WhisperTranscriber(SttOptions(model=args.stt_model, **common))
        reporter.check()  # a bad path or checksum fails before the interview starts
        if args.answers or args.text:
            transcriber = reporter
            transcriber.load()  # a bad model name too; nothing is waiting on a voice here
        else:
            transcriber = WhisperTranscriber(SttOptions(model=args.live_stt_model, **common))
            transcriber.check()

    # The microphone before any model starts loading: a missing one fails at once (a
    # background load still running at exit aborts the process).
    mic: Microphone | None = None
    on_status = None
    if args.answers:
        mic = WavMicrophone([Path(a) for a in args.answers])
    elif not args.text:
        recorder = room.microphone if room is not None else DeviceMicrophone
        mic = recorder(
            RecorderOptions(
                patience_s=args.patience,
                push_to_talk=args.push_to_talk,
                device=_device(args.input_device),
            ),
            on_status=lambda status: on_status and on_status(status),
            turn_taking=TurnTakingOptions(smart_turn=not args.no_smart_turn),
        )
        mic.end_model = None if args.no_smart_turn else _end_model()
    if transcriber is not None and transcriber is not reporter and reporter is not None:
        transcriber.load_in_background()  # loads while the question is being spoken
        # The report model only refines finished turns: its compute threads run niced, so the
        # live model's decoding (on the path to every reply) gets the cores first.
        reporter.load_in_background(nice=BACKGROUND_NICE)

    voice: Voice
    if args.no_voice or args.text:
        voice = SilentVoice()
    else:
        options = VoiceOptions(voice=args.voice, rate=args.rate, device=_device(args.output_device))
        voice = _voice(args.voice_engine, options)
        if room is not None:
            room.speak_with(voice)
        elif args.barge_in:
            from interviewer.audio.barge_in import BargeIn

            voice.barge_in = BargeIn(RecorderOptions(device=_device(args.input_device)))

    before = (saved.get("settings") or {}).get("llm") or {}
    llm = load_llm_options(args.llm or before.get("model"))
    if llm is not None:
        if (
            before.get("base_url")
            and before["base_url"] != llm.base_url
            and not args.switch_endpoint
        ):
            # The transcript so far would go to another server (a cloud one, say, when
            # OPENAI_BASE_URL was not set again): only when the user says so.
            raise SessionError(
                f"session '{session.id if session else ''}' was started with the LLM at "
                f"{before['base_url']}, and this resume would use {llm.base_url}; set "
                f"OPENAI_BASE_URL={before['base_url']} or pass --switch-endpoint"
            )
        settings["llm"] = llm.public()  # never the key

    lines = load_lines()
    early: EarlyLine | None = None
    if session is None:
        session = create(
            new_id(question.id, args.session),
            question={"id": question.id, "text": question.text},
            agenda_id=agenda.id,
            minutes=minutes,
            settings=settings,
        )
        locks.hold(session.dir, "session")
        print(
            f"session {session.id}: {question.id}, {minutes:g} minutes ({session.dir})", flush=True
        )
        if room is not None:
            room.open(session.dir)
        # Speak the question now, while the rest starts up; the graph's first line is the same.
        first = opening(lines, question.asked, minutes)
        early = EarlyLine(voice, first, session.line_wav(0))

    from interviewer.interview.graph import Deps
    from interviewer.interview.practice import Practice, SentenceSpeaker, TextInput
    from interviewer.interview.view import LiveView
    from interviewer.report.model import SttInfo
    from interviewer.streaming import Refiner

    view: Any = None
    if room is not None:
        view = room.make_view(
            {s.id: s.name for s in agenda.steps}, question.text, args.push_to_talk
        )
        on_status = view.on_status
        if args.resume:
            room.open(session.dir)
    elif isinstance(mic, DeviceMicrophone) and sys.stdout.isatty():
        view = LiveView({s.id: s.name for s in agenda.steps})
        on_status = view.on_status
    stt = SttInfo.none("typed")
    if transcriber is not None and reporter is not None:
        stt = reporter.info(live=transcriber)
    speaker = SentenceSpeaker(voice, session)
    refiner = Refiner(reporter) if reporter is not None and transcriber is not reporter else None
    extra: dict[str, Any] = {"before_scoring": refiner.wait} if refiner else {}
    if llm is not None:
        from interviewer.interview.phrasing import LlmPhraser
        from interviewer.judge.llm import LlmJudge
        from interviewer.llm import LlmClient

        client = LlmClient(llm)
        extra.update(judge=LlmJudge(client), phraser=LlmPhraser(client), speak=speaker)
    deps = Deps(
        session_dir=session.dir,
        question=question,
        agenda=agenda,
        rubric=load_rubric(args.rubric),
        lines=lines,
        transcriber=transcriber,
        options=InterviewOptions(minutes=minutes),
        stt=stt,
        **extra,
    )
    if view is not None:
        from interviewer.pipeline import phase_now

        view.phases = lambda t: phase_now(t, deps.ctx())
    run = Practice(
        session=session,
        deps=deps,
        voice=voice,
        mic=mic,
        text=TextInput() if args.text else None,
        minutes=minutes,
        settings=settings,
        view=view,
        speaker=speaker,
        transcriber=transcriber,
        refiner=refiner,
        early_line=early,
    )
    if args.resume:
        print(
            f"session {session.id}: {question.id}, {minutes:g} minutes ({session.dir})", flush=True
        )
    report = None
    try:
        report = run.run(resume=bool(args.resume))
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt) or interrupts.pressed():  # whatever it became
            _save_quietly(run, "interrupted")
            print(
                f"\ninterrupted: session saved in {session.dir}; {resume_hint(args, session)}",
                file=sys.stderr,
            )
            return 130
        if isinstance(exc, InterviewerError):
            _save_quietly(run, "interrupted")
            raise type(exc)(f"{exc}; session saved, {resume_hint(args, session)}") from None
        raise
    finally:
        if isinstance(voice, EspeakVoice):  # PiperVoice is one too
            voice.close()
        if room is not None and report is None:
            room.close()
    overflows = session.read().get("overflows", 0)
    if overflows:
        print(
            f"warning: the microphone dropped {overflows} block(s) of audio (input overflow); "
            "close other programs using the CPU if this repeats",
            file=sys.stderr,
        )
    from interviewer.report import Report
    from interviewer.report.summary import summary_lines

    print("\n".join(summary_lines(Report.model_validate_json(report.read_text("utf-8")), report)))
    print(f"report: {report.with_suffix('.md')}")
    if room is not None:
        room.finish(report)
    return 0


def resume_hint(args: argparse.Namespace, session: Session) -> str:
    """The command that continues this session the way it was started: typed stays typed,
    recorded answers go on from the first one not yet used."""
    words = [command_name(), "practice", "--resume", session.id]
    if args.text:
        words.append("--text")
    elif args.answers:
        used = sum(t.get("role") == "candidate" for t in session.read().get("turns", []))
        left = [str(a) for a in args.answers[used:]]
        words += ["--answers", *left] if left else []
    if args.no_voice and not args.text:
        words.append("--no-voice")
    return "resume with: " + " ".join(shlex.quote(w) if w != words[0] else w for w in words)


def _untranscribed(folder: Path) -> bool:
    """A recorded turn not transcribed yet: a resume with --text still needs the model."""
    return any(not w.with_suffix(".json").exists() for w in folder.glob("turn-[0-9][0-9].wav"))


def _save_quietly(run: Practice, status: str) -> None:
    try:
        run.open()
        run.save(status)
        run.close()
    except Exception:
        pass  # the checkpoint and WAVs are already on disk; session.json is a convenience
