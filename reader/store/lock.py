"""The ingest lock: one `reader ingest` per index directory at a time."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol, overload

from reader.errors import IndexLockedError
from reader.settings import Settings

LOCK = "ingest.lock"


class HasSettings(Protocol):
    """Whatever carries the settings of one index directory (the store)."""

    @property
    def settings(self) -> Settings: ...


@contextlib.contextmanager
def ingest_lock(settings: Settings, wait_seconds: float) -> Iterator[None]:
    """Hold <index_dir>/ingest.lock (flock: the kernel frees it if we die); a second holder
    waits up to `wait_seconds`, then gets IndexLockedError naming our pid."""
    directory = settings.index_dir
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(0.0, wait_seconds)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
                    raise IndexLockedError(
                        f"another `reader ingest` is running on {directory} (pid {holder}); "
                        "wait for it to finish or stop it, then retry"
                    ) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class IngestLockAccess:
    """`IndexStore.ingest_lock(settings, wait)` on the class, `store.ingest_lock(wait)` on one."""

    @overload
    def __get__(
        self, obj: None, owner: type[Any]
    ) -> Callable[[Settings, float], contextlib.AbstractContextManager[None]]: ...
    @overload
    def __get__(
        self, obj: HasSettings, owner: type[Any]
    ) -> Callable[[float], contextlib.AbstractContextManager[None]]: ...
    def __get__(self, obj: HasSettings | None, owner: type[Any]) -> Any:
        return ingest_lock if obj is None else functools.partial(ingest_lock, obj.settings)
