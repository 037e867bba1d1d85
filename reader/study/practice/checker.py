"""Run the learner's file against an exercise's checks in a child process with a time limit."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from reader.errors import ReaderError
from reader.study.practice.exercises import Exercise


class PracticeFileError(ReaderError):
    """The learner's file is missing or not a Python file."""

    exit_code = 2


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    message: str = ""  # what differed and a hint, or the learner's traceback


@dataclass(frozen=True)
class CheckReport:
    exercise: str
    file: Path
    checks: tuple[CheckResult, ...]
    timed_out: bool = False

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)


def check_file(ex: Exercise, path: Path, time_limit: float) -> CheckReport:
    """Every check of `ex` on the learner's `path`; their code never runs in this process."""
    if not path.is_file():
        raise PracticeFileError(
            f"{path} is not a file; write one with `reader practice start {ex.name}`"
        )
    with tempfile.TemporaryDirectory(prefix="reader-practice-") as scratch:
        events = Path(scratch) / "events.jsonl"
        events.touch()
        timed_out, crash = _run_child(ex.name, path.resolve(), events, Path(scratch), time_limit)
        checks, running = _read_events(events)
    if timed_out:
        where = f" in '{running}'" if running else ""
        checks.append(
            CheckResult(
                running or "time limit",
                False,
                f"stopped after {time_limit:g} s{where}: an endless loop, or far too slow",
            )
        )
    elif running or not checks:
        checks.append(
            CheckResult(running or "run the checks", False, f"the check process died: {crash}")
        )
    return CheckReport(ex.name, path, _once(checks), timed_out)


def _once(checks: list[CheckResult]) -> tuple[CheckResult, ...]:
    """An error shown once: later checks that hit the very same one point back to the first."""
    first: dict[str, str] = {}
    kept: list[CheckResult] = []
    for c in checks:
        if not c.passed and c.message and c.message in first:
            c = CheckResult(c.name, False, f"the same error as in '{first[c.message]}'")
        elif not c.passed:
            first.setdefault(c.message, c.name)
        kept.append(c)
    return tuple(kept)


def _run_child(
    name: str, path: Path, events: Path, cwd: Path, time_limit: float
) -> tuple[bool, str]:
    """(timed out, how it ended). Its own session, so a timeout kills what it started too."""
    command = [sys.executable, "-m", "reader.study.practice.harness", name, str(path), str(events)]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    with subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    ) as child:
        try:
            _, err = child.communicate(timeout=time_limit)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            return True, "time limit"
    tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
    return False, tail[0] if tail else f"exit code {child.returncode}"


def _read_events(events: Path) -> tuple[list[CheckResult], str | None]:
    """The finished checks, and the one that started but did not finish (if any)."""
    checks: list[CheckResult] = []
    running: str | None = None
    for line in events.read_text(encoding="utf-8").splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut by the kill
        if "started" in event:
            running = str(event["started"])
        else:
            checks.append(
                CheckResult(str(event["name"]), bool(event["passed"]), str(event["message"]))
            )
            running = None
    return checks, running
