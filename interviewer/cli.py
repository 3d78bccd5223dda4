"""Command line: answer, questions, demo. Errors print one line and exit non-zero."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from interviewer.errors import ContentError, InterviewerError, SessionError, first_line
from interviewer.hints import command_name
from interviewer.judge.model import CRITERIA
from interviewer.settings import (
    LIVE_MODEL,
    REPORT_MODEL,
    AnswerOptions,
    Paths,
    RecorderOptions,
    SttOptions,
    VoiceOptions,
)

if TYPE_CHECKING:
    from interviewer.judge import Judge


def _stt_args(p: argparse.ArgumentParser, live: bool = False) -> None:
    d = SttOptions()
    g = p.add_argument_group("speech models")
    g.add_argument(
        "--stt-model",
        metavar="NAME_OR_DIR",
        default=REPORT_MODEL,
        help="the model for the report's one-pass transcripts: base or tiny.en (both "
        "bundled, SHA-256 verified), another faster-whisper name (e.g. small.en) "
        "or a local CTranslate2 directory (default: %(default)s)",
    )
    if live:
        g.add_argument(
            "--live-stt-model",
            metavar="NAME_OR_DIR",
            default=LIVE_MODEL,
            help="the model that transcribes while you speak, for the interviewer's "
            "replies; same choices (default: %(default)s)",
        )
    g.add_argument(
        "--device",
        choices=["auto", "cpu", "cuda"],
        default=d.device,
        help="auto picks CUDA when a GPU is usable (default: %(default)s)",
    )
    g.add_argument(
        "--compute-type",
        default=d.compute_type,
        help="CTranslate2 compute type: auto, int8, float16, ... (default: %(default)s)",
    )


def _stt_options(args: argparse.Namespace) -> SttOptions:
    return SttOptions(model=args.stt_model, device=args.device, compute_type=args.compute_type)


def _llm_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--llm",
        metavar="MODEL",
        help="judge (and interview) with this model on the OpenAI-compatible endpoint in "
        "OPENAI_BASE_URL, key in OPENAI_API_KEY (default: [llm] model in "
        "~/.config/interviewer/config.toml, else offline)",
    )


KINDS = ("spoken", "typed", "answer", "demo")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interviewer",
        description="A local, voice-based mock interviewer for AI/ML system-design interviews.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("answer", help="score one recorded answer to a question")
    p.add_argument(
        "audio",
        metavar="AUDIO",
        help="WAV, FLAC, MP3, ... any rate, mono or stereo; or a typed answer (.txt, .md)",
    )
    q = p.add_mutually_exclusive_group(required=True)
    q.add_argument("--question", metavar="ID", help="a question id from `interviewer questions`")
    q.add_argument("--question-text", metavar="TEXT", help="your own question")
    p.add_argument(
        "--agenda",
        default=None,
        help="agenda for --question-text (default: the one that fits the question, by meaning)",
    )
    p.add_argument("--rubric", default="default", help="rubric name in rubrics/ or a .toml path")
    p.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        help="where report.json and report.md go (default: recordings/<time>-<question>-answer)",
    )
    p.add_argument(
        "--max-minutes",
        type=float,
        default=AnswerOptions().max_minutes,
        help="refuse longer audio (default: %(default)s)",
    )
    _llm_arg(p)
    _stt_args(p)

    p = sub.add_parser("practice", help="a spoken mock interview: it asks, you answer aloud")
    _practice_args(p)
    p.add_argument(
        "--room",
        action="store_true",
        help="the interview in your browser, with a whiteboard (see `room`)",
    )
    _room_args(p)

    p = sub.add_parser(
        "room",
        help="the interview in your browser: voice, a live agenda and a whiteboard (local only)",
    )
    _practice_args(p)
    p.set_defaults(room=True)
    _room_args(p)

    p = sub.add_parser("doctor", help="check the speech model, audio devices and LLM endpoint")
    _llm_arg(p)

    p = sub.add_parser("replay", help="play a session back with its transcript")
    p.add_argument("session_id", metavar="SESSION_ID")
    p.add_argument("--turn", type=int, metavar="N", help="only turn N (1 = the first line)")
    p.add_argument("--no-audio", action="store_true", help="print the timeline only")
    p.add_argument("--output-device", help="speaker name or index")

    p = sub.add_parser(
        "report", help="rebuild a session's report from its saved audio and transcripts"
    )
    p.add_argument("session_id", metavar="SESSION_ID")
    p.add_argument(
        "--rescore",
        action="store_true",
        help="transcribe the saved audio again (batched) instead of using saved transcripts",
    )
    p.add_argument("--open", action="store_true", help="open report.html in the browser")
    p.add_argument("--rubric", default="default", help="rubric name in rubrics/ or a .toml path")
    _llm_arg(p)
    _stt_args(p)

    sub.add_parser(
        "sessions",
        help="list your sessions with their scores",
        description="Every scored session in recordings/, oldest first, with the full "
        "id that `report`, `replay` and `practice --resume` take, and its kind "
        "(spoken, typed, a single recorded answer, or a demo candidate).",
    )
    p = sub.add_parser(
        "progress",
        help="your scores over time",
        description="Your sessions over time, one trend per kind: spoken interviews, "
        "typed ones and single recorded answers are measured differently, "
        "so they are never mixed in one trend. Demo candidates are left out "
        "unless --kind demo.",
    )
    p.add_argument("--kind", choices=KINDS, help="only this kind of session")

    p = sub.add_parser("questions", help="list the question bank")
    p.add_argument("--category", help="only this category")

    p = sub.add_parser(
        "demo",
        help="a complete mock interview on bundled example answers, offline",
        description="Two complete mock interviews (a strong and a weak candidate) on "
        "bundled recorded answers, offline: the interviewer's and the "
        "candidates' lines as they happen, then each report. Open the "
        "report.html files it names in a browser to click through and "
        "listen.",
    )
    p.add_argument(
        "--out", metavar="DIR", type=Path, help="session folder (default: recordings/demo-...)"
    )
    _stt_args(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    code = _main(argv)
    if code == 130 and argv is None:
        # Ctrl-C in a real process: everything worth keeping is on disk (atomic files, the
        # checkpoint). A SIGINT that landed inside a worker pool's bookkeeping can leave
        # interpreter shutdown waiting on a thread for ever, so end here, not in thread joins.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _main(argv: Sequence[str] | None = None) -> int:
    from interviewer import interrupts

    parser = build_parser()
    args = parser.parse_args(argv)
    interrupts.install()
    try:
        return COMMANDS[args.command](args)
    except InterviewerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(
            "interrupted: nothing was written over; your audio files are untouched", file=sys.stderr
        )
        return 130
    except Exception as exc:  # a bug: still one line, with a way to see the traceback
        if interrupts.pressed():  # a Ctrl-C a library turned into its own error
            print(
                "interrupted: nothing was written over; your audio files are untouched",
                file=sys.stderr,
            )
            return 130
        if os.environ.get("INTERVIEWER_DEBUG"):
            raise
        said = first_line(exc)
        what = type(exc).__name__ if said == type(exc).__name__ else f"{type(exc).__name__}: {said}"
        print(
            f"error: unexpected {what} (set INTERVIEWER_DEBUG=1 for the traceback)", file=sys.stderr
        )
        return 1


def cmd_answer(args: argparse.Namespace) -> int:
    claimed: list[Path] = []  # a default folder made for this run, removed if nothing lands in it
    try:
        return _answer(args, claimed)
    except BaseException:
        from interviewer.locks import LOCK_NAME, release

        for folder in claimed:
            if [p.name for p in folder.iterdir()] in ([], [LOCK_NAME]):
                release(folder)
                (folder / LOCK_NAME).unlink(missing_ok=True)
                folder.rmdir()
        raise


def _answer(args: argparse.Namespace, claimed: list[Path]) -> int:
    from interviewer.answer import TEXT_SUFFIXES, read_typed, save_answer
    from interviewer.audio import load_audio
    from interviewer.content import load_rubric, question_and_agenda
    from interviewer.options import MAX_ANSWER_MINUTES, check_number
    from interviewer.pipeline import Context, score_audio
    from interviewer.session import check_out
    from interviewer.stt import WhisperTranscriber

    chosen = ""
    if args.question is None and args.agenda is None and (args.question_text or "").strip():
        from interviewer.content import load_questions
        from interviewer.meaning import default_embedder
        from interviewer.meaning.agendas import choose_agenda

        args.agenda, fit = choose_agenda(args.question_text, load_questions(), default_embedder())
        chosen = f"agenda: {args.agenda} (chosen by meaning, {fit:.2f}; --agenda to override)"
    question, agenda = question_and_agenda(args.question, args.question_text or "", args.agenda)
    rubric = load_rubric(args.rubric)
    check_number("--max-minutes", args.max_minutes, low=0.01, high=MAX_ANSWER_MINUTES)
    out = args.out
    if out is None:
        out = _unique(Paths().recordings / f"{_stamp()}-{question.id}-answer")
        claimed.append(out)
    check_out(out, Path(args.audio))  # before any audio work
    from interviewer import locks

    locks.hold(out, "answer folder")  # a second `answer` into the same folder stops here
    ctx = Context(question, agenda, rubric, _judge(args))
    if Path(args.audio).suffix.lower() in TEXT_SUFFIXES:
        # A typed answer is an answer: judged as `practice --text` judges one (no speech facts).
        from interviewer.pipeline import judge_transcript
        from interviewer.report.model import SttInfo
        from interviewer.transcript import typed

        text = read_typed(Path(args.audio))
        report = judge_transcript(typed(text), ctx, str(args.audio), SttInfo.none("typed"))
        json_path = save_answer(out, None, report)
    else:
        audio = load_audio(args.audio, max_seconds=args.max_minutes * 60)
        report = score_audio(audio, ctx, WhisperTranscriber(_stt_options(args)))
        json_path = save_answer(out, audio, report)
    if chosen:
        print(chosen)
    md_path = json_path.with_suffix(".md")
    from interviewer.report.summary import summary_lines

    lines = summary_lines(report, json_path)
    grader = sum(f.kind == "grader-injection" for f in report.flags)
    if grader:
        lines.insert(2, f"flagged: {grader} sentence(s) addressed to the grader were ignored")
    others = sorted({f.kind for f in report.flags if f.kind != "grader-injection"})
    if others:
        lines.insert(2, f"flagged: {', '.join(others)} (see the report)")
    for name in CRITERIA:
        by = getattr(report.scores, name).judge
        if by != report.judge.name:
            lines.insert(2, f"{name}: scored by {by}")
    print("\n".join(lines))
    print(f"report: {md_path}")
    print(f"json:   {json_path}")
    return 0


def _judge(args: argparse.Namespace) -> Judge:
    from interviewer.judge.offline import OfflineJudge
    from interviewer.llm import load_llm_options

    options = load_llm_options(args.llm)
    if options is None:
        return OfflineJudge()
    from interviewer.judge.llm import LlmJudge
    from interviewer.llm import LlmClient

    return LlmJudge(LlmClient(options))


def cmd_doctor(args: argparse.Namespace) -> int:
    from interviewer.doctor import doctor

    return doctor(args.llm)


def _practice_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--question", metavar="ID", help="question id (default: a random one)")
    p.add_argument("--category", help="with no --question: pick from this category")
    p.add_argument(
        "--minutes",
        type=float,
        default=None,
        help="session length; the phase budget scales to it (default: the question's own "
        "minutes, as `questions` lists them)",
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument("--text", action="store_true", help="type answers instead of speaking")
    src.add_argument(
        "--answers",
        nargs="+",
        type=Path,
        metavar="AUDIO",
        help="recorded answers used as your turns, in order",
    )
    p.add_argument("--no-voice", action="store_true", help="print the interviewer's lines")
    p.add_argument(
        "--voice-engine",
        choices=["auto", "neural", "espeak", "piper"],
        default="auto",
        help="the interviewer's voice: neural (a human-like voice, all permissive licences; "
        "pip install 'interviewer[voice]'), espeak (pyttsx3 on espeak-ng), piper (the same voice "
        "through piper-tts, GPL-3.0: pip install 'interviewer[piper]'); auto: neural when "
        "installed, else espeak (default: %(default)s)",
    )
    p.add_argument("--voice", help="espeak-ng voice id, e.g. gmw/en-us")
    p.add_argument("--rate", type=int, default=VoiceOptions().rate, help="voice words per minute")
    p.add_argument(
        "--patience",
        type=float,
        default=RecorderOptions().patience_s,
        help="the longest silence the interviewer waits before it takes the turn (default: "
        "%(default)s); a finished answer is answered well before, Enter ends the turn at once",
    )
    p.add_argument(
        "--barge-in",
        action="store_true",
        help="with headphones: speak over the interviewer to stop it (through open speakers the "
        "microphone would hear the interviewer itself)",
    )
    p.add_argument(
        "--no-smart-turn",
        action="store_true",
        help="judge the end of your turn by your words and the silence only, not by how it "
        "sounded (the Smart Turn model)",
    )
    p.add_argument(
        "--push-to-talk", action="store_true", help="Enter starts and Enter stops each turn"
    )
    p.add_argument("--input-device", help="microphone name or index")
    p.add_argument("--output-device", help="speaker name or index")
    p.add_argument("--session", metavar="NAME", help="name the session folder (sanitized)")
    p.add_argument("--resume", metavar="SESSION_ID", help="continue an interrupted session")
    p.add_argument(
        "--switch-endpoint",
        action="store_true",
        help="with --resume: allow an LLM endpoint other than the one the session started with",
    )
    p.add_argument("--rubric", default="default", help="rubric name in rubrics/ or a .toml path")
    _llm_arg(p)
    _stt_args(p, live=True)


def _room_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--port", type=int, default=0, help="the room's port on 127.0.0.1 (default: a free one)"
    )
    p.add_argument(
        "--no-browser", action="store_true", help="print the room's address, open no browser"
    )


def cmd_practice(args: argparse.Namespace) -> int:
    from interviewer.interview.run import practice

    return practice(args)


def cmd_replay(args: argparse.Namespace) -> int:
    from interviewer.interview.replay import replay

    return replay(
        args.session_id, turn=args.turn, audio=not args.no_audio, device=args.output_device
    )


def cmd_report(args: argparse.Namespace) -> int:
    from interviewer.rebuild import rebuild

    json_path = rebuild(
        args.session_id,
        rescore=args.rescore,
        rubric=args.rubric,
        judge=_judge(args),
        stt=_stt_options(args),
    )
    html = json_path.with_suffix(".html")
    from interviewer.report.model import Report
    from interviewer.report.summary import agenda_line, scores_line

    # What was rebuilt, not only where: the scores and the agenda as they now stand.
    rebuilt = Report.model_validate_json(json_path.read_text(encoding="utf-8"))
    print(scores_line(rebuilt))
    print(agenda_line(rebuilt))
    print(f"report: {json_path.with_suffix('.md')}")
    print(f"html:   {html}")
    if args.open:
        import webbrowser

        try:
            opened = webbrowser.open(html.resolve().as_uri())
        except webbrowser.Error:
            opened = False
        if opened:
            print(f"opened {html} in the browser")
        else:
            print(
                f"no browser could be started here: open {html.resolve().as_uri()} yourself",
                file=sys.stderr,
            )
    return 0


def cmd_sessions(args: argparse.Namespace) -> int:
    from interviewer.index import refresh
    from interviewer.report.numbers import score_text

    points = refresh()
    if not points:
        print(f"no sessions yet: try `{command_name()} practice` or `{command_name()} demo`")
        return 0
    # Full ids, never cut: each one is pasted into `report`, `replay` or `practice --resume`.
    width = max(len("session"), *(len(p.session) for p in points))
    qwidth = max(len("question"), *(len(p.question) for p in points))
    print(
        f"{'date':<17} {'session':<{width}} {'kind':<6} {'question':<{qwidth}} {'overall':>7} "
        f"{'coverage':>8} {'fillers/min':>11} {'longest pause':>13}"
    )
    for p in points:
        typed = p.kind == "typed"  # no audio: fillers per minute and pauses were not measured
        fillers = "-" if typed else f"{p.fillers_per_minute:.1f}"
        pause = "-" if typed else f"{p.longest_pause_s:.1f}s"
        print(
            f"{p.created_at[:16].replace('T', ' '):<17} {p.session:<{width}} {p.kind:<6} "
            f"{p.question:<{qwidth}} {score_text(p.overall):>7} {p.coverage:>8} {fillers:>11} "
            f"{pause:>13}"
        )
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    from interviewer.index import refresh
    from interviewer.report.numbers import delta_text, score_text

    # Demo candidates are not yours: they join a trend only when asked for by name.
    points = [
        p for p in refresh() if p.kind == args.kind or (args.kind is None and p.kind != "demo")
    ]
    what = f"{args.kind} session(s)" if args.kind else "session(s)"
    if len(points) < 2:
        print(f"{len(points)} {what} so far: progress needs at least two")
        return 0
    for kind in KINDS:
        mine = [p for p in points if p.kind == kind]
        if not mine:
            continue
        typed = kind == "typed"
        print(f"{kind} ({len(mine)}):")
        print(
            (
                f"{'#':>3} {'date':<11} {'question':<26} {'overall':>7} {'trend':<12}"
                + ("" if typed else f" {'fillers/min':>11} {'longest pause':>13}")
            ).rstrip()
        )
        for i, p in enumerate(mine, 1):
            bar = "#" * round(p.overall * 2)
            print(
                (
                    f"{i:>3} {p.created_at[:10]:<11} {p.question[:26]:<26} "
                    f"{score_text(p.overall):>7} {bar:<12}"
                    + (
                        ""
                        if typed
                        else f" {p.fillers_per_minute:>11.1f} {p.longest_pause_s:>12.1f}s"
                    )
                ).rstrip()
            )
        if len(mine) < 2:
            print("    (one session: no trend yet)")
            continue
        first, last = mine[0], mine[-1]
        line = (
            f"since your first {kind} session: overall {score_text(first.overall)} -> "
            f"{score_text(last.overall)} ({delta_text(last.overall - first.overall)})"
        )
        if not typed:
            line += (
                f", fillers per minute {first.fillers_per_minute:.1f} -> "
                f"{last.fillers_per_minute:.1f}, longest pause {first.longest_pause_s:.1f} s -> "
                f"{last.longest_pause_s:.1f} s"
            )
        print(line)
    return 0


def cmd_questions(args: argparse.Namespace) -> int:
    from interviewer.content import load_questions

    questions = list(load_questions().values())
    categories = sorted({q.category for q in questions})
    if args.category:
        if args.category not in categories:
            raise ContentError(
                f"unknown category '{args.category}' (known: {', '.join(categories)})"
            )
        questions = [q for q in questions if q.category == args.category]
    width = max(len(q.id) for q in questions)
    for cat in categories:
        mine = [q for q in questions if q.category == cat]
        if not mine:
            continue
        print(f"{cat}:")
        for q in mine:
            print(f"  {q.id:<{width}}  [{q.track}, {q.minutes:g} min]  {q.asked}")
    print(f"{len(questions)} questions")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from interviewer.demo import run_demo

    out = args.out or Paths().recordings / f"demo-{_stamp()}"
    path = run_demo(out, _stt_options(args))
    print(f"\nsession report: {path}")
    print("open these in a browser to click through each interview and listen to it:")
    for label in ("strong", "weak"):
        page = out.parent / f"{out.name}-{label}" / "report.html"
        if page.is_file():
            print(f"  {label}: {page}")
    return 0


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def _unique(folder: Path) -> Path:
    """A default output folder no other run has: two runs started in the same second get
    `<name>` and `<name>-2` (the folder is made here, atomically, to claim the name)."""
    from interviewer.files import disk_full

    for k in range(1, 1000):
        candidate = folder if k == 1 else folder.with_name(f"{folder.name}-{k}")
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            candidate.mkdir()
        except FileExistsError:
            continue
        except OSError as exc:  # a home on a read-only or odd filesystem, a file in the way
            raise disk_full(exc, candidate) or SessionError(
                f"cannot create {candidate} ({exc.strerror or first_line(exc)}): set "
                "INTERVIEWER_HOME or --out to a folder you can write"
            ) from None
        return candidate
    raise SessionError(f"too many folders named {folder.name}* in {folder.parent}")


COMMANDS = {
    "answer": cmd_answer,
    "practice": cmd_practice,
    "room": cmd_practice,
    "replay": cmd_replay,
    "doctor": cmd_doctor,
    "report": cmd_report,
    "sessions": cmd_sessions,
    "progress": cmd_progress,
    "questions": cmd_questions,
    "demo": cmd_demo,
}
