"""How the program names itself in hints: the command a user can paste as is.

From the checkout's virtual environment (`make demo` sets one up, and the README says
`.venv/bin/interviewer`) the command is not on PATH, so a hint that says `interviewer` would fail;
installed on PATH, the bare name is what the user types."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path


def command_name(executable: str | None = None, cwd: Path | None = None) -> str:
    bin_dir = Path(executable or sys.executable).parent
    script = bin_dir / "interviewer"
    on_path = shutil.which("interviewer")
    if not script.exists() or (on_path and Path(on_path).resolve() == script.resolve()):
        return "interviewer"
    here = (cwd or Path.cwd()).resolve()
    try:
        return shlex.quote(str(script.resolve().relative_to(here)))
    except ValueError:  # run from elsewhere: the full path still pastes
        return shlex.quote(str(script))
