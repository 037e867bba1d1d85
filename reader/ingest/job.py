"""An ingest on a background thread, so the app stays usable while papers are embedded."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from reader.errors import ReaderError
from reader.ingest.pipeline import IngestProgress
from reader.models import IngestJobState, IngestReport

log = logging.getLogger(__name__)


class _Recorder:
    """An `IngestProgress` that keeps the latest state for other threads to read."""

    def __init__(self, what: str, paper_ids: tuple[str, ...]) -> None:
        self._lock = threading.Lock()
        self._state = IngestJobState(what=what, running=True, paper_ids=paper_ids)

    def snapshot(self) -> IngestJobState:
        with self._lock:
            return self._state

    def update(self, **changes: Any) -> None:
        with self._lock:
            self._state = replace(self._state, **changes)

    def start(self, stage: str, total: int) -> None:
        self.update(stage=stage, done=0, total=total, paper_id=None)

    def advance(self, stage: str, paper_id: str) -> None:
        with self._lock:
            done = self._state.done + 1
            self._state = replace(self._state, stage=stage, done=done, paper_id=paper_id)

    def finish(self, stage: str) -> None:
        pass


class IngestJob:
    """One ingest on a daemon thread; its progress and outcome readable from any thread."""

    def __init__(
        self,
        run: Callable[[IngestProgress], IngestReport],
        what: str,
        paper_ids: tuple[str, ...] = (),
    ) -> None:
        self._run = run
        self._recorder = _Recorder(what, paper_ids)
        self._thread = threading.Thread(target=self._work, name="reader-ingest", daemon=True)

    def start(self) -> IngestJob:
        self._thread.start()
        return self

    def state(self) -> IngestJobState:
        return self._recorder.snapshot()

    def wait(self, timeout: float | None = None) -> IngestJobState:
        """Block until the ingest ends (or `timeout` seconds pass); its state then."""
        self._thread.join(timeout)
        return self.state()

    def _work(self) -> None:
        try:
            report = self._run(self._recorder)
        except ReaderError as exc:
            self._recorder.update(running=False, error=str(exc))
        except Exception as exc:  # an exception on a thread would otherwise vanish unseen
            log.exception("background ingest failed")
            error = f"ingest failed: {type(exc).__name__}: {exc}"
            self._recorder.update(running=False, error=error)
        else:
            self._recorder.update(running=False, report=report)
