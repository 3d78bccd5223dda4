"""Issue 12: the report, the terminal and the interviewer agree with each other.

Typed sessions run the real command with answers on standard input (no speech model needed);
spoken ones use recorded answers through the real speech model.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT, text_transcript
from speech import write

from interviewer.content import get_question, load_agenda, load_questions, load_rubric
from interviewer.hints import command_name
from interviewer.report.numbers import delta_text, score_text

TYPED = (
    "How many documents are there?\n"
    "I would chunk the docs and embed them, then use a retriever and an LLM.\n\n"
)


def typed(
    home: Path, session: str, stdin: str = TYPED, *extra: str, question: str = "rag-support-bot"
):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "interviewer",
            "practice",
            "--question",
            question,
            "--text",
            "--session",
            session,
            *extra,
        ],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "INTERVIEWER_HOME": str(home)},
        timeout=300,
    )


def load(home: Path, session: str, name: str = "report.json") -> dict:
    return json.loads((home / "recordings" / session / name).read_text())


# -- 3, 6, 8: why it ended, the same ending as `answer`, only what was measured -------------------


def test_typed_session_says_why_it_ended_and_shows_only_what_was_measured(home):
    run = typed(home, "typed")
    assert run.returncode == 0, run.stderr
    r = load(home, "typed")
    assert r["ended"]["reason"] == "stopped" and r["ended"]["minutes"] == 45
    assert 44 * 60 < r["ended"]["unused_s"] < 45 * 60
    wrap = r["turns"][-1]
    assert wrap["kind"] == "wrap" and "44 minutes of the 45 unused" in wrap["text"]
    # the terminal ends like `answer` and `demo`: overall, agenda, why, next time, then the page
    out = run.stdout[run.stdout.index("overall ") :].splitlines()
    assert out[0].startswith(f"overall {score_text(r['scores']['overall'])}/5")
    statuses = ", ".join(f"{a['step']} {a['status']}" for a in r["agenda"])
    assert out[1] == f"agenda: {statuses}" and out[1].startswith("agenda: clarify ")
    # typed: the clock is an estimate, so the answers are counted instead
    assert (
        out[2] == "ended: you stopped the interview after 2 answers, with 44 minutes of 45 unused"
    )
    assert out[3] == "next time:" and out[4].startswith("  1. ")
    assert [line for line in out if line.startswith("  ") and line[2].isdigit()] == [
        f"  {i}. {tip}" for i, tip in enumerate(r["next_time"][:3], 1)
    ]
    assert f"open the report: {home / 'recordings' / 'typed' / 'report.html'}" in out
    # nothing that a typed answer cannot measure
    md = (home / "recordings" / "typed" / "report.md").read_text()
    html = (home / "recordings" / "typed" / "report.html").read_text()
    for text in (md, html):
        for invented in (
            "Thinking time",
            "words a minute",
            "Speech model",
            "typed on none",
            "Long pauses",
            "Click any word",
            "Click a pause",
            "&nbsp;",
        ):
            assert invented not in text.split("<script>")[0], invented
    assert f"Typed answers, {r['metrics']['word_count']} words" in md
    assert "Ended: you stopped the interview after 2 answers, with 44 minutes of 45 unused." in md
    assert 'id="ended">Ended: you stopped the interview' in html
    assert "share of words" in md and "share of words" in html
    assert "Whisper" not in md  # the note about what the speech model drops is about speech
    assert not any("Rebalance your time" in tip for tip in r["next_time"])


# -- 4, 8, 13: a rebuild keeps the date; progress keeps kinds apart; quarter steps show --------


def test_rebuild_keeps_the_date_and_progress_keeps_kinds_apart(cli, home):
    env = {"INTERVIEWER_HOME": str(home)}
    assert typed(home, "t1-short", "I would use an LLM.\n\n").returncode == 0
    assert typed(home, "t2-long").returncode == 0
    dates = {s: load(home, s)["created_at"] for s in ("t1-short", "t2-long")}
    before = cli("progress", env=env)
    assert before.code == 0, before.err
    assert "typed (2):" in before.out and "spoken" not in before.out
    a, b = (load(home, s)["scores"]["overall"] for s in ("t1-short", "t2-long"))
    assert (
        f"since your first typed session: overall {score_text(a)} -> {score_text(b)} "
        f"({delta_text(b - a)})"
    ) in before.out
    assert "fillers" not in before.out  # typed: never measured
    run = cli("report", "t1-short", env=env)  # a rebuild, much later than the session
    assert run.code == 0, run.err
    rebuilt = load(home, "t1-short")
    # it says what it rebuilt, not only where: the scores (depth too) and the agenda
    assert run.out.startswith(f"overall {score_text(rebuilt['scores']['overall'])}/5"), run.out
    assert f"depth {rebuilt['scores']['depth']['score']}" in run.out and "\nagenda: " in run.out
    assert load(home, "t1-short")["created_at"] == dates["t1-short"]
    assert cli("progress", env=env).out == before.out
    spoken_only = cli("progress", "--kind", "spoken", env=env)
    assert spoken_only.code == 0 and "0 spoken session(s) so far" in spoken_only.out
    # a session whose report is gone takes its date from session.json, when it started
    (home / "recordings" / "t2-long" / "report.json").unlink()
    assert cli("report", "t2-long", env=env).code == 0
    started = load(home, "t2-long", "session.json")["created_at"]
    assert load(home, "t2-long")["created_at"] == started


def test_scores_keep_their_quarter_steps():
    assert [score_text(x) for x in (3.25, 3.75, 3.5, 3.0, 1.25)] == [
        "3.25",
        "3.75",
        "3.5",
        "3.0",
        "1.25",
    ]
    assert [delta_text(x) for x in (0.5, -0.25, 0.0)] == ["+0.5", "-0.25", "+0.0"]


# -- 5: ids a user can paste --------------------------------------------------------------------


def test_sessions_shows_full_ids_that_replay_accepts(cli, home):
    long_id = "a-rather-long-session-name-for-the-rag-support-bot-practice-run"
    assert len(long_id) > 40
    assert typed(home, long_id).returncode == 0
    env = {"INTERVIEWER_HOME": str(home)}
    run = cli("sessions", env=env)
    assert run.code == 0
    header, row = run.out.strip().splitlines()
    assert header.split()[:4] == ["date", "session", "kind", "question"]
    pasted = row.split()[2]  # date, time, then the id as shown
    assert pasted == long_id and row.split()[3] == "typed"
    assert cli("replay", pasted, "--no-audio", env=env).code == 0


# -- 9: the resume hint keeps the mode and names the command as installed ------------------------


def test_the_resume_hint_keeps_text_mode_and_works_as_printed(home, tmp_path):
    env = {**os.environ, "INTERVIEWER_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    p = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "interviewer",
            "practice",
            "--question",
            "rag-support-bot",
            "--text",
            "--session",
            "cut",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    p.stdin.write(b"How many documents are there?\n")
    p.stdin.flush()
    seen = b""
    while seen.count(b"you> ") < 2:  # the second prompt: the first answer was taken
        chunk = os.read(p.stdout.fileno(), 4096)
        assert chunk, seen
        seen += chunk
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    hint = err.decode().split("resume with: ")[1].splitlines()[0]
    words = shlex.split(hint)
    assert words[0] == command_name(cwd=tmp_path)
    assert words[1:] == ["practice", "--resume", "cut", "--text"]
    assert subprocess.run([words[0], "--help"], capture_output=True).returncode == 0
    # a report rebuilt now says it was interrupted, and how much time was left
    rebuilt = subprocess.run(
        [sys.executable, "-m", "interviewer", "report", "cut"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert rebuilt.returncode == 0, rebuilt.stderr
    ended = load(home, "cut")["ended"]
    assert ended["reason"] == "interrupted" and ended["unused_s"] > 44 * 60
    assert (
        "it was interrupted after 1 answer and not resumed"
        in (home / "recordings" / "cut" / "report.md").read_text()
    )
    # following the hint as printed (with this checkout first on the path) finishes it typed
    done = subprocess.run(
        [sys.executable, "-m", "interviewer", *words[1:]],
        input="I'm done.\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    s = load(home, "cut", "session.json")
    assert s["status"] == "finished" and s["settings"]["input"] == "text"


def test_command_name_from_a_checkout_venv_and_when_installed(tmp_path):
    venv_bin = tmp_path / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "interviewer").write_text("#!/bin/sh\n")
    assert command_name(str(venv_bin / "python"), cwd=tmp_path) == ".venv/bin/interviewer"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert command_name(str(venv_bin / "python"), cwd=elsewhere) == str(venv_bin / "interviewer")
    assert command_name(str(tmp_path / "no-venv" / "python"), cwd=tmp_path) == "interviewer"


# -- 10: every clarifying question gets an answer -------------------------------------------------


def test_each_clarifying_question_gets_its_fact_or_an_explicit_no(home):
    q = get_question("rag-support-bot")
    facts = {f.topic: f.answer for f in q.facts}
    asked = (
        "Which languages do we support? What is the favourite colour of the CEO? "
        "How much does the office coffee cost?\n\n"
    )
    run = typed(home, "clarify", asked)
    assert run.returncode == 0, run.stderr
    reply = load(home, "clarify", "session.json")["turns"][2]
    assert reply["kind"] == "fact"
    assert facts["languages"] in reply["text"]
    assert (
        "As for \u201cWhat is the favourite colour of the CEO\u201d and \u201cHow much does "
        "the office coffee cost\u201d: I don't have that."
    ) in reply["text"]


# -- 11: the demo as real sessions, both sides' lines, no question left hanging -------------------


def test_demo_candidates_are_sessions_that_end_on_an_answer(cli, home):
    env = {"INTERVIEWER_HOME": str(home)}
    run = cli("demo", env=env)
    assert run.code == 0, run.err
    ids = sorted(p.parent.name for p in (home / "recordings").glob("demo-*/report.json"))
    assert len(ids) == 2 and ids[0].endswith("-strong") and ids[1].endswith("-weak")
    for sid in ids:
        assert str(home / "recordings" / sid / "report.html") in run.out
    assert "weak candidate: " in run.out and "strong candidate: " in run.out
    weak = load(home, ids[1])
    assert weak["progress"] == [] and load(home, ids[0])["progress"] == []  # not one person
    lines = [t for t in weak["turns"] if t["role"] == "interviewer"]
    last_two = weak["turns"][-2:]
    assert last_two[1]["kind"] == "wrap" and last_two[0]["role"] == "candidate", last_two
    assert weak["ended"]["reason"] == "done" and len(lines) >= 5
    listed = cli("sessions", env=env).out
    assert all(re.search(rf"\b{sid}\s+demo\b", listed) for sid in ids), listed
    assert cli("replay", ids[1], "--no-audio", env=env).code == 0
    rebuilt = cli("report", ids[1], env=env)
    assert rebuilt.code == 0, rebuilt.err
    assert load(home, ids[1])["demo"] is True
    assert "0 session(s) so far" in cli("progress", env=env).out  # demos are not your trend
    side = (home / "recordings" / ids[0].removesuffix("-strong") / "report.md").read_text()
    assert f"(../{ids[1]}/report.html)" in side


# -- 12: report --open with no browser says where the file is -------------------------------------


def test_report_open_without_a_browser_names_the_file(cli, home):
    assert typed(home, "op").returncode == 0
    page = home / "recordings" / "op" / "report.html"
    run = cli("report", "op", "--open", env={"INTERVIEWER_HOME": str(home), "BROWSER": "false"})
    assert run.code == 0, run.err
    assert f"no browser could be started here: open {page.resolve().as_uri()} yourself" in run.err
    run = cli("report", "op", "--open", env={"INTERVIEWER_HOME": str(home), "BROWSER": "true"})
    assert run.code == 0 and f"opened {page} in the browser" in run.out


# -- 7: the live panel and replay agree with the report -------------------------------------------


def test_live_phase_moves_with_the_answer():
    from interviewer.interview.view import LiveView, live_phase
    from interviewer.pipeline import Context, phase_now

    agenda = load_agenda("ml-design")
    ctx = Context(get_question("recsys-low-latency"), agenda, load_rubric())

    def phases(t):
        return phase_now(t, ctx)

    t = text_transcript(
        "For a simple baseline I would train a logistic regression model on click "
        "data with a cross entropy loss and measure precision and recall offline."
    )
    spans = phases(t)
    steps = [s.id for s in agenda.steps]
    state = {
        "phase": "clarify",
        "time_used": {"clarify": 30.0, "baseline": 0.0},
        "clock": 60.0,
        "budget_s": {"clarify": 420.0, "baseline": 600.0},
        "minutes": 45,
    }
    phase, used = live_phase(state, spans, steps, 8.0)
    assert phase == "baseline" and 0 < used <= 8.0
    assert live_phase(state, None, steps, 8.0) == ("clarify", 38.0)  # no words: its clock runs

    class Stream:  # what a StreamingTurn offers the view: its pieces and the turn so far
        pieces = ((0.0, t),)
        text = t.text

        def so_far(self):
            return t

    from interviewer.audio.mic import LiveStatus

    view = LiveView({s.id: s.name for s in agenda.steps}, phases)
    view.state, view.stream, view.turn = state, Stream(), 2
    view.status = LiveStatus(
        level_db=-20, seconds=8.0, heard_speech=True, silence_s=0.2, patience_s=2.0
    )
    from rich.console import Console

    console = Console(record=True, width=100)
    console.print(view._render())
    shown = console.export_text()
    assert "phase Simple baseline" in shown and "clock 1:08.0 of 45 minutes" in shown
    assert "thinking" not in shown
    view.think()  # the turn ended: the panel stays and says the interviewer is working
    console.print(view._render())
    assert "thinking about your answer..." in console.export_text()


def test_stock_whisper_phrases_are_dropped_from_the_streamed_text(tmp_path):
    import numpy as np

    from interviewer.audio import save_wav
    from interviewer.streaming import StreamingTurn, is_hallucination
    from interviewer.transcript import Segment, Transcript, Word

    assert is_hallucination("Thank you very much.") and is_hallucination(" Thank you. Thank you.")
    assert not is_hallucination("Thank you, that answers the latency question.")

    class Chunks:  # Whisper's output on two chunks: real words, then its stock phrase on silence
        def __init__(self):
            self.out = [("So I would start with a baseline.", 0.2), ("Thank you very much.", 0.1)]

        def transcribe_chunk(self, audio):
            text, start = self.out.pop(0)
            words = [
                Word(word=w, start=start + i * 0.3, end=start + i * 0.3 + 0.2)
                for i, w in enumerate(text.split())
            ]
            return Transcript(
                text=text,
                words=words,
                duration_s=audio.duration_s,
                segments=[Segment(text=text, start=start, end=words[-1].end)],
            )

    wav = tmp_path / "turn.wav"
    save_wav(wav, np.zeros(16000 * 6, dtype=np.float32))
    turn = StreamingTurn(Chunks(), wav)
    turn.add_chunk(0.0, 3.0)
    turn.add_chunk(3.0, 6.0)
    t = turn.finish(6.0)
    assert t.text == "So I would start with a baseline." and "Thank" not in turn.text


def test_stock_phrases_and_repeats_inside_a_chunk_are_dropped():
    from interviewer.streaming import drop_stock_phrases
    from interviewer.transcript import Segment, Transcript, Word

    said = [
        ("I'd retrain weekly on matured labels.", 0.0),
        ("[MUSIC]", 3.0),
        ("I'm done.", 4.0),
        ("I'm done.", 5.0),
        ("Thank you for watching.", 6.0),
    ]
    words, segments = [], []
    for text, start in said:
        mine = [
            Word(word=w, start=start + i * 0.3, end=start + i * 0.3 + 0.2)
            for i, w in enumerate(text.split())
        ]
        words += mine
        segments.append(Segment(text=text, start=start, end=mine[-1].end))
    chunk = Transcript(
        text=" ".join(t for t, _ in said), words=words, duration_s=8.0, segments=segments
    )
    kept = drop_stock_phrases(chunk)
    assert kept.text == "I'd retrain weekly on matured labels. I'm done."
    assert [w.word for w in kept.words] == [
        "I'd",
        "retrain",
        "weekly",
        "on",
        "matured",
        "labels.",
        "I'm",
        "done.",
    ]
    # a real sentence that starts like a stock phrase stays
    real = Transcript(
        text="Thank you, that answers the latency question.",
        words=[Word(word="Thank", start=0.0, end=0.2)],
        duration_s=1.0,
        segments=[Segment(text="Thank you, that answers the latency question.", start=0, end=1)],
    )
    assert drop_stock_phrases(real) is real


@pytest.fixture(scope="module")
def spoken(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spoken")
    ask = write(
        folder / "ask.wav",
        "How many requests per second do we expect, and what is the latency budget?",
    )[0]
    base = write(
        folder / "base.wav",
        "For a simple baseline I would train a logistic regression model on click data,",
        "with a cross entropy loss, measured with precision and recall on a held out test set.",
        "After launch I would monitor drift and retrain weekly. I'm done.",
    )[0]
    return ask, base


def test_spoken_session_replay_and_per_phase_pace_agree_with_the_report(cli, home, spoken):
    env = {"INTERVIEWER_HOME": str(home)}
    run = cli(
        "practice",
        "--question",
        "recsys-low-latency",
        "--no-voice",
        "--session",
        "sp",
        "--answers",
        *map(str, spoken),
        env=env,
    )
    assert run.code == 0, run.err
    assert "\nyou: " in run.out  # the candidate's lines are printed too
    r = load(home, "sp")
    m = r["metrics"]
    for p in m["per_phase"]:
        if p["words"] >= 8:  # the candidate's own speaking time: near the overall pace
            assert (
                0.6 * m["words_per_minute"] <= p["words_per_minute"] <= 1.6 * m["words_per_minute"]
            ), p
    # the live text can differ from the one-pass text the report scored: replay shows the report's
    folder = home / "recordings" / "sp"
    s = json.loads((folder / "session.json").read_text())
    for t in s["turns"]:
        if t["role"] == "candidate":
            t["text"] = "streamed text that the report did not use"
    (folder / "session.json").write_text(json.dumps(s))
    out = cli("replay", "sp", "--no-audio", env=env).out
    assert "streamed text" not in out
    for t in r["turns"]:
        if t["role"] == "candidate":
            assert t["text"] in out
    # "I'm done" with iterate never shown: probed, and then the recorded answers ran out
    assert r["ended"]["reason"] == "out_of_answers"
    assert "That was the last recorded answer" in r["turns"][-1]["text"]


# -- 13: the smaller things ------------------------------------------------------------------


def test_help_text_question_context_and_license(cli):
    for command, words in (
        ("sessions", "full id"),
        ("progress", "one trend per kind"),
        ("demo", "report.html"),
    ):
        run = cli(command, "--help")
        assert run.code == 0 and words in " ".join(run.out.split()), run.out
    listed = cli("questions").out
    football = next(line for line in listed.splitlines() if "track-football" in line)
    assert "Track a football. We're a sports broadcaster" in football
    # no other question reads as a stub: every one is a full sentence or has context
    for q in load_questions().values():
        assert len(q.asked) >= 60, q.id
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT" and (ROOT / project["license-files"][0]).is_file()


def test_several_questions_in_one_sentence_each_get_their_fact(home):
    # Whisper writes a spoken run of questions as one sentence with a full stop
    asked = (
        "Before I start, how many requests per second do we expect, and what is the latency "
        "budget, and how much historical click data do we have.\n\n"
    )
    run = typed(home, "three", asked, question="recsys-low-latency")
    assert run.returncode == 0, run.stderr
    reply = load(home, "three", "session.json")["turns"][2]["text"]
    facts = {f.topic: f.answer for f in get_question("recsys-low-latency").facts}
    for topic in ("scale", "latency", "signals and labels"):
        assert facts[topic] in reply, topic
    assert facts["infrastructure"] not in reply  # "latency budget" asks about latency only
    assert "don't have" not in reply


def test_an_index_from_before_kinds_is_rebuilt(cli, home):
    import sqlite3

    assert typed(home, "old").returncode == 0
    db = home / "recordings" / "index.sqlite"
    db.unlink()
    with sqlite3.connect(db) as conn:  # the schema before sessions had a kind
        conn.execute(
            "CREATE TABLE sessions (session TEXT PRIMARY KEY, created_at TEXT, question TEXT, "
            "overall REAL, coverage INTEGER, fillers_per_minute REAL, longest_pause_s REAL, "
            "report_mtime REAL)"
        )
    run = cli("sessions", env={"INTERVIEWER_HOME": str(home)})
    assert run.code == 0, run.err
    assert re.search(r"\bold\s+typed\b", run.out), run.out


def test_a_session_lasts_the_questions_minutes_and_one_empty_line_asks_first(home):
    from interviewer.interview.practice import TextInput

    q = get_question("quantization")
    assert q.minutes == 10
    said = "What hardware do we serve on?\n\nIt stores the weights in fewer bits.\n\n"
    run = typed(home, "own", said, question="quantization")
    assert run.returncode == 0, run.stderr
    s = load(home, "own", "session.json")
    assert s["minutes"] == 10
    assert s["turns"][0]["text"].startswith("Hi, thanks for joining. We have 10 minutes.")
    # the first empty line asked; the answer after it was taken; the second one ended it
    assert run.stdout.count(TextInput.CONFIRM) == 2
    answers = [t["text"] for t in s["turns"] if t["role"] == "candidate"]
    assert answers == ["What hardware do we serve on?", "It stores the weights in fewer bits."]
    assert "with 9 minutes of the 10 unused" in s["turns"][-1]["text"]
    forced = typed(home, "forced", said, "--minutes", "20", question="quantization")
    assert load(home, "forced", "session.json")["minutes"] == 20, forced.stderr
