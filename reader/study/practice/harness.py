"""The checker's child process: load the learner's file, run one exercise's checks, write JSON.

Run as `python -m reader.study.practice.harness NAME FILE OUT`. Only this process ever imports the
learner's code; the CLI or app that started it reads OUT and nothing else.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

LOAD_CHECK = "your file loads and defines {symbol}"


def learner_traceback(exc: BaseException, path: Path) -> str:
    """The traceback as the learner would see it: only frames in their file, then the error."""
    tb = traceback.TracebackException.from_exception(exc)
    frames = [f for f in tb.stack if Path(f.filename).resolve() == path]
    lines = []
    if frames:
        lines.append("Traceback (most recent call last):\n")
        lines.extend(traceback.StackSummary.from_list(frames).format())
    lines.extend(tb.format_exception_only())
    return "".join(lines).rstrip()


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("learner_solution", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class Recorder:
    """Appends one JSON line per event, flushed, so a killed run still shows how far it got."""

    def __init__(self, out: Path) -> None:
        self._file = out.open("a", encoding="utf-8")

    def started(self, name: str) -> None:
        self._write({"started": name})

    def finished(self, name: str, passed: bool, message: str = "") -> None:
        self._write({"name": name, "passed": passed, "message": message})

    def _write(self, event: dict[str, Any]) -> None:
        self._file.write(json.dumps(event) + "\n")
        self._file.flush()


def run(name: str, path: Path, record: Recorder) -> None:
    from reader.study.practice.exercises import exercise
    from reader.study.practice.suites import SUITES

    ex = exercise(name)
    load_name = LOAD_CHECK.format(symbol=ex.symbol)
    record.started(load_name)
    try:
        module = load(path)
        symbol = getattr(module, ex.symbol)
    except AttributeError:
        record.finished(load_name, False, f"{path.name} defines no {ex.symbol}")
        return
    except BaseException as exc:  # the learner's SyntaxError, NameError, SystemExit...
        record.finished(load_name, False, learner_traceback(exc, path))
        return
    record.finished(load_name, True)

    from reader.study.practice.comparing import Mismatch

    for check in SUITES[ex.name]:
        record.started(check.name)
        try:
            check.run(symbol)
            record.finished(check.name, True)
        except Mismatch as exc:
            record.finished(check.name, False, str(exc))
        except NotImplementedError:
            record.finished(check.name, False, "not implemented yet (NotImplementedError)")
        except BaseException as exc:
            message = "your code raised an error:\n" + learner_traceback(exc, path)
            record.finished(check.name, False, message)


def main(argv: list[str]) -> int:
    name, file, out = argv
    run(name, Path(file).resolve(), Recorder(Path(out)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
