"""Headless Chromium for the browser tests (Debian's chromium + chromium-driver, Selenium)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
HEADLESS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage")


def available() -> bool:
    return CHROMIUM.is_file() and CHROMEDRIVER.is_file()


def chromium(profile: Path, *flags: str, logs: tuple[str, ...] = ("browser",)) -> Any:
    """A headless Chromium with its own profile folder, the given extra flags, and its console
    (and, when asked, network) logs kept for the test to read."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*HEADLESS, *flags, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {kind: "ALL" for kind in logs})
    return webdriver.Chrome(service=webdriver.ChromeService(str(CHROMEDRIVER)), options=options)


def fake_microphone(wav: Path) -> tuple[str, ...]:
    """Flags that make the page's microphone read wav once (then silence), with no prompt, and
    let it play sound without a click."""
    return (
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}%noloop",
        "--autoplay-policy=no-user-gesture-required",
    )
