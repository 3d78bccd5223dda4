"""The installed tool: the wheel in a fresh virtual environment, run from another folder.

The fresh environment gets no network: the wheel is built from a copy of the checkout with the
build backend already installed (--no-build-isolation), installed with --no-deps, and its
dependencies are found through a .pth file naming this environment's site-packages (a line in a
.pth file adds a folder to sys.path but runs none of its own .pth files, so the checkout's
editable install stays out of sight).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import CONTENT, ROOT

LEFT_OUT = shutil.ignore_patterns(
    ".git", ".venv", "build", "*.egg-info", "recordings", "out", "__pycache__", ".pytest_cache"
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """bin/ of a fresh venv holding the wheel and nothing of the checkout."""
    tmp = tmp_path_factory.mktemp("install")
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=LEFT_OUT)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    subprocess.run(
        [
            *pip,
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(tmp / "dist"),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next((tmp / "dist").glob("interviewer-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [*pip, "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    deps = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (Path(site) / "deps-from-the-test-environment.pth").write_text("\n".join(sorted(deps)) + "\n")
    return venv / "bin"


@pytest.fixture
def run(installed, tmp_path):
    """The installed command, from an unrelated folder, with its own user folders."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "INTERVIEWER_HOME", "VIRTUAL_ENV")
    }
    env |= {
        "HOME": str(tmp_path / "user"),
        "XDG_DATA_HOME": str(tmp_path / "user" / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "user" / "config"),
        "PYTHONUNBUFFERED": "1",
    }

    def go(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(installed / "interviewer"), *args],
            cwd=elsewhere,
            text=True,
            capture_output=True,
            env={**env, **extra},
            timeout=900,
        )

    return go


def test_the_installed_package_is_the_wheel_not_the_checkout(installed, tmp_path):
    where = subprocess.run(
        [installed / "python", "-c", "import interviewer; print(interviewer.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(installed.parent), where
    builtin = Path(where).parent / "builtin"
    assert sorted(p.name for p in (builtin / "prompts" / "questions").glob("*.toml")) == sorted(
        p.name for p in (CONTENT / "prompts" / "questions").glob("*.toml")
    )
    assert (builtin / "examples" / "strong-01.flac").stat().st_size == (
        CONTENT / "examples" / "strong-01.flac"
    ).stat().st_size
    # The room's built page ships in the wheel: Node is only needed to rebuild it.
    static = Path(where).parent / "room" / "static"
    built = CONTENT.parent / "room" / "static"
    assert sorted(p.relative_to(static) for p in static.rglob("*") if p.is_file()) == sorted(
        p.relative_to(built) for p in built.rglob("*") if p.is_file()
    )


def test_questions_lists_the_built_in_bank_and_the_users_own(run, tmp_path):
    home = tmp_path / "home"
    (home / "prompts" / "questions").mkdir(parents=True)
    (home / "prompts" / "questions" / "mine.toml").write_text(
        '[[question]]\nid = "my-own"\ntext = "Design a spam filter for my inbox."\n'
        'category = "mine"\nagenda = "ml-design"\n'
    )
    p = run("questions", INTERVIEWER_HOME=str(home))
    assert p.returncode == 0, p.stderr
    assert "recsys-low-latency" in p.stdout and "rag-support-bot" in p.stdout
    assert "my-own" in p.stdout and "Design a spam filter for my inbox." in p.stdout


def test_answer_writes_its_session_under_interviewer_home(run, tmp_path):
    home = tmp_path / "home"
    example = CONTENT / "examples" / "strong-04.flac"  # "After launch, I would compare ..."
    p = run("answer", str(example), "--question", "recsys-low-latency", INTERVIEWER_HOME=str(home))
    assert p.returncode == 0, p.stderr
    reports = list((home / "recordings").glob("*-recsys-low-latency-answer/report.json"))
    assert len(reports) == 1, p.stdout
    report = json.loads(reports[0].read_text())
    assert report["question"]["id"] == "recsys-low-latency"
    text = report["transcript"]["text"].lower()
    assert "after launch" in text and "retrain every week" in text, text
    assert 10 < report["duration_s"] < 30
    assert not (tmp_path / "user" / "data").exists()  # INTERVIEWER_HOME holds everything


def test_demo_writes_to_the_platforms_user_data_folder(run, tmp_path):
    p = run("demo")
    assert p.returncode == 0, p.stderr
    recordings = tmp_path / "user" / "data" / "interviewer" / "recordings"
    demo = json.loads(next(recordings.glob("demo-*/demo.json")).read_text())
    assert demo["question"] == "recsys-low-latency"
    overall = {c["label"]: c["overall"] for c in demo["candidates"]}
    assert set(overall) == {"strong", "weak"} and overall["strong"] > overall["weak"], overall
    assert not list((tmp_path / "elsewhere").iterdir())  # nothing written where it was run


def test_the_wheel_declares_platformdirs(installed, tmp_path):
    """settings imports platformdirs: the installed metadata must require it (here the
    dependencies come through the .pth file, so a missing declaration would go unseen)."""
    code = "import importlib.metadata as m; print(m.requires('interviewer'))"
    out = subprocess.run(
        [installed / "python", "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    assert "platformdirs==" in out, out
