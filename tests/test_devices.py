"""The real sounddevice and pyttsx3 paths, with ALSA's file plugin standing in for the hardware."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
import soundfile as sf
from conftest import assert_clean_error, virtual_audio
from speech import compose

from interviewer.audio import SAMPLE_RATE, Audio
from interviewer.audio.mic import DeviceMicrophone, EnterKey
from interviewer.errors import DeviceError
from interviewer.settings import RecorderOptions

ANSWER = [
    "For a simple baseline I would train a logistic regression model on click data.",
    "After launch I would monitor drift and retrain every week. That's all, I'm done.",
]


def raw(path) -> np.ndarray:
    return np.fromfile(path, dtype="<i2").astype(np.float32) / 32768


def test_spoken_interview_through_the_virtual_sound_card(
    tmp_path, home, transcriber, report_transcriber
):
    speech, _ = compose(0.8, *ANSWER, 6.0)
    env, speaker = virtual_audio(tmp_path / "alsa", speech)
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "interviewer",
            "practice",
            "--question",
            "recsys-low-latency",
            "--minutes",
            "10",
            "--patience",
            "2",
            "--session",
            "mic",
        ],
        env={**os.environ, **env, "INTERVIEWER_HOME": str(home)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    folder = home / "recordings" / "mic"
    s = json.loads((folder / "session.json").read_text())

    # the microphone path: the candidate's answer was recorded from the device and transcribed
    first = folder / "turn-01.wav"
    info = sf.info(str(first))
    assert info.samplerate == SAMPLE_RATE and info.channels == 1
    # ended by the end-of-turn judge within the patience window (2 s), not by the end of the
    # file (speech + 6 s)
    assert info.duration < len(speech) / SAMPLE_RATE - 3.5
    answer = next(t for t in s["turns"] if t["role"] == "candidate")
    assert answer["ended_by"] in ("turn-end", "silence")
    assert "regression" in answer["text"].lower()  # streamed while it was spoken
    # ...and re-transcribed in one pass by the report's model: the same as a one-shot
    # transcription with it; the live model streamed.
    from interviewer.audio import load_audio
    from interviewer.transcript import Transcript

    saved = Transcript.model_validate_json((folder / "turn-01.json").read_text())
    assert saved.model.startswith("base") and saved.model == report_transcriber.model_name
    assert saved.text == report_transcriber.transcribe(load_audio(first)).text
    report = json.loads((folder / "report.json").read_text())
    assert report["stt"]["model"].startswith("base")
    assert report["stt"]["live_model"].startswith("tiny.en")
    assert set(report["stt"]["transcripts"]) == {report_transcriber.model_name}
    assert s["latency_ms"] and all(x > 0 for x in s["latency_ms"])

    # the voice path: the question went out through the speaker
    heard = transcriber.transcribe(Audio(raw(speaker))).text.lower()
    assert "recommendation system" in heard and "marketplace" in heard
    lines = [t for t in s["turns"] if t["role"] == "interviewer"]
    assert all(t.get("audio") and (folder / t["audio"]).exists() for t in lines)
    spoken = sum(sf.info(str(folder / t["audio"])).duration for t in lines)
    assert abs(len(raw(speaker)) / SAMPLE_RATE - spoken) < 1.0 * len(lines)
    assert (folder / "report.json").exists()


def test_replay_plays_through_the_speaker(tmp_path, home, cli):
    speech, _ = compose(0.5, *ANSWER, 5.0)
    env, speaker = virtual_audio(tmp_path / "alsa", speech)
    full = {**env, "INTERVIEWER_HOME": str(home)}
    run = cli(
        "practice",
        "--question",
        "recsys-low-latency",
        "--no-voice",
        "--patience",
        "2",
        "--minutes",
        "10",
        "--session",
        "rp",
        env=full,
    )
    assert run.code == 0, run.err
    speaker.unlink(missing_ok=True)
    out = cli("replay", "rp", "--turn", "2", env=full)
    assert out.code == 0, out.err
    assert "regression" in out.out.lower()
    played = len(raw(speaker)) / SAMPLE_RATE
    assert played == pytest.approx(
        sf.info(str(home / "recordings" / "rp" / "turn-01.wav")).duration, abs=0.3
    )


def test_no_microphone_lists_devices_and_suggests_text(tmp_path, home, cli):
    folder = tmp_path / "nomic"
    folder.mkdir()
    (folder / ".asoundrc").write_text(
        'pcm.!default { type asym playback.pcm { type file slave.pcm "null" file "/dev/null" '
        'format "raw" } }\n'
    )
    run = cli(
        "practice",
        "--question",
        "recsys-low-latency",
        "--no-voice",
        env={"HOME": str(folder), "INTERVIEWER_HOME": str(home)},
    )
    assert_clean_error(run, "no usable microphone", "--text", "--answers")


def test_ctrl_c_mid_answer_keeps_the_recording_and_says_how_to_resume(tmp_path, home):
    # A long, speechless input: the recorder keeps listening (thinking time) until Ctrl-C.
    rng = np.random.default_rng(1)
    hiss = (rng.standard_normal(200 * SAMPLE_RATE) * 0.002).astype(np.float32)
    env, _ = virtual_audio(tmp_path / "alsa", hiss)
    full = {**os.environ, **env, "INTERVIEWER_HOME": str(home)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "interviewer",
            "practice",
            "--question",
            "recsys-low-latency",
            "--no-voice",
            "--session",
            "cc",
        ],
        env=full,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wav = home / "recordings" / "cc" / "turn-01.wav"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (wav.exists() and wav.stat().st_size > 64_000):
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "interviewer practice --resume cc" in err
    info = sf.info(str(wav))  # a valid WAV holding what was recorded
    assert info.frames > SAMPLE_RATE
    s = json.loads((wav.parent / "session.json").read_text())
    assert s["status"] == "interrupted"

    # resume with a recorded answer: the interrupted recording held no speech, so it is no
    # empty answer; it is kept aside, whole, and the new answer is the first turn
    answer = tmp_path / "a.wav"
    sf.write(str(answer), compose(*ANSWER)[0], SAMPLE_RATE)
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "interviewer",
            "practice",
            "--resume",
            "cc",
            "--no-voice",
            "--answers",
            str(answer),
        ],
        env=full,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    s = json.loads((wav.parent / "session.json").read_text())
    [kept] = s["partial_recordings"]
    assert sf.info(str(wav.parent / kept)).frames == info.frames  # nothing recorded is lost
    answers = [t for t in s["turns"] if t["role"] == "candidate"]
    assert [(t["audio"], t["ended_by"]) for t in answers] == [("turn-01.wav", "file")]
    assert s["status"] == "finished"
    report = json.loads((wav.parent / "report.json").read_text())
    assert [t["text"] != "" for t in report["turns"] if t["role"] == "candidate"] == [True]
    assert "Welcome back" in p.stdout


def test_killed_writer_leaves_a_valid_wav(tmp_path):
    path = tmp_path / "k.wav"
    code = (
        f"import numpy as np, os, signal\nfrom interviewer.audio.mic import WavWriter\n"
        f"w = WavWriter(__import__('pathlib').Path({str(path)!r}), 16000)\n"
        f"for i in range(25): w.write(np.full(1600, 1000, dtype=np.int16))\n"
        f"os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    p = subprocess.run([sys.executable, "-c", code])
    assert p.returncode == -signal.SIGKILL
    data, rate = sf.read(str(path), dtype="int16")
    assert rate == 16000 and len(data) == 25 * 1600 and (data == 1000).all()


class VanishingStream:
    """A stream whose device goes away after a few blocks (no hardware to unplug here)."""

    def __init__(self, callback, blocksize, **_):
        self.callback, self.blocksize, self.active = callback, blocksize, False

    def __enter__(self):
        self.active = True

        def feed():
            status = type("S", (), {"input_overflow": False})()
            for _ in range(5):
                self.callback(
                    np.zeros(self.blocksize, dtype=np.int16).tobytes(), self.blocksize, None, status
                )
                time.sleep(0.01)
            self.active = False  # unplugged: nothing more arrives

        threading.Thread(target=feed, daemon=True).start()
        return self

    def __exit__(self, *exc):
        return False


def test_device_disappearing_mid_answer_saves_what_was_recorded(tmp_path):
    keys = EnterKey.__new__(EnterKey)
    keys.available, keys.presses = False, __import__("queue").Queue()
    mic = DeviceMicrophone.__new__(DeviceMicrophone)  # skip the device check: there is no device
    mic.o, mic.on_status, mic.on_chunk, mic.keys = RecorderOptions(), None, None, keys
    mic.turn_text, mic.turn_taking, mic.end_model = None, None, None
    mic._stream_factory = VanishingStream
    path = tmp_path / "turn-01.wav"
    with pytest.raises(DeviceError, match="stopped sending audio"):
        mic.record(path)
    assert sf.info(str(path)).frames == 5 * 1600


def test_missing_portaudio_and_espeak_say_what_to_install(monkeypatch):
    import builtins

    from interviewer.audio import hardware

    real_import = builtins.__import__

    def no_portaudio(name, *a, **k):
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return real_import(name, *a, **k)

    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_portaudio)
    with pytest.raises(DeviceError, match="sudo apt-get install libportaudio2"):
        hardware.sounddevice()
    monkeypatch.setattr(builtins, "__import__", real_import)

    import pyttsx3

    def no_espeak(*a, **k):
        raise OSError("libespeak-ng.so.1: cannot open shared object file")

    monkeypatch.setattr(pyttsx3, "init", no_espeak)
    with pytest.raises(DeviceError, match="sudo apt-get install espeak-ng"):
        hardware.pyttsx3_engine()


ALSA_COMPLAINS = """
import ctypes, ctypes.util, sys
if sys.argv[1] == "quiet":
    from interviewer.audio.hardware import sounddevice
    sounddevice()
lib = ctypes.cdll.LoadLibrary(ctypes.util.find_library("asound"))
pcm = ctypes.c_void_p()
print(lib.snd_pcm_open(ctypes.byref(pcm), b"no_such_pcm_here", 0, 0))
"""


@pytest.mark.parametrize("mode", ["loud", "quiet"])
def test_alsa_complaints_go_to_the_log_not_the_terminal(mode):
    run = subprocess.run(
        [sys.executable, "-c", ALSA_COMPLAINS, mode], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0 and run.stdout.strip() == "-2", run.stderr
    # the control shows ALSA does print; once the program loads sounddevice, it does not
    assert ("Unknown PCM no_such_pcm_here" in run.stderr) == (mode == "loud"), run.stderr


RECORD_ONE_TURN = """
import json, sys
from pathlib import Path
from interviewer.audio.mic import DeviceMicrophone
from interviewer.settings import RecorderOptions
r = DeviceMicrophone(RecorderOptions(patience_s=2.0)).record(Path(sys.argv[1]))
print(json.dumps({"ended_by": r.ended_by, "duration_s": r.duration_s}))
"""


def test_a_stopped_process_is_not_a_lost_microphone(tmp_path):
    # The whole process stops for 10 s mid-answer (SIGSTOP: what a load spike looks like from
    # inside), the device still there; the turn goes on and ends at the candidate's silence.
    speech, _ = compose(0.5, *ANSWER, 4.0)
    env, _ = virtual_audio(tmp_path / "alsa", speech)
    wav = tmp_path / "turn.wav"
    proc = subprocess.Popen(
        [sys.executable, "-c", RECORD_ONE_TURN, str(wav)],
        env={**os.environ, **env, "INTERVIEWER_PACE_INPUT": "1"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (wav.exists() and wav.stat().st_size > 32_000):
        time.sleep(0.02)
    proc.send_signal(signal.SIGSTOP)
    stopped = time.monotonic()
    while time.monotonic() - stopped < 10:  # the stall's length is the point of the test
        time.sleep(0.1)
    proc.send_signal(signal.SIGCONT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    got = json.loads(out)
    assert got["ended_by"] == "silence", got
    assert got["duration_s"] >= len(speech) / SAMPLE_RATE - 4.0, got
