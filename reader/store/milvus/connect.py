"""Connecting to Milvus: a local path opens Milvus Lite embedded, an http URI a server.

Milvus Lite locks its data directory to one process; several processes share it through
`milvus-lite server --data-dir D --host 127.0.0.1 --port P` and READER_MILVUS_URI=http://...
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import Any

from reader.errors import IndexLockedError, StoreUnavailableError, first_line
from reader.settings import ENV_PREFIX, Settings

DEFAULT_LITE = "milvus.db"
INSTALL = "install it with `pip install 'reader[milvus]'`"


def is_server(uri: str) -> bool:
    return uri.lower().startswith(("http://", "https://", "tcp://", "unix:"))


def resolve_uri(settings: Settings) -> str:
    """The URI to connect to: the setting, else <index_dir>/milvus.db (Lite)."""
    uri = settings.milvus_uri.strip()
    if not uri:
        return str((settings.index_dir / DEFAULT_LITE).resolve())
    if is_server(uri):
        return uri
    path = Path(uri).expanduser().resolve()
    # pymilvus opens Lite only for a name ending in .db (the data directory).
    return str(path if path.suffix == ".db" else path.with_name(path.name + ".db"))


def lite_dir_locked(data_dir: Path) -> bool:
    """True when another process holds Milvus Lite's LOCK in `data_dir`."""
    lock = data_dir / "LOCK"
    if not lock.is_file():
        return False
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def lite_locked_error(data_dir: Path) -> IndexLockedError:
    return IndexLockedError(
        f"Milvus Lite data in {data_dir} is open in another process (one process per data "
        f"directory); serve it with `milvus-lite server --data-dir {data_dir} --host 127.0.0.1 "
        f"--port 19530` and set {ENV_PREFIX}MILVUS_URI=http://127.0.0.1:19530"
    )


def connect(settings: Settings) -> Any:
    """A pymilvus MilvusClient for the settings' URI (creating a Lite folder if `create`)."""
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise StoreUnavailableError(
            f"{ENV_PREFIX}STORE=milvus needs pymilvus and milvus-lite; {INSTALL}"
        ) from None
    uri = resolve_uri(settings)
    if not is_server(uri):
        # Even to read: pymilvus refuses a Lite path whose folder is missing.
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
    try:
        return MilvusClient(uri=uri, token=settings.milvus_token, timeout=30)
    except Exception as exc:  # pymilvus wraps every failure in MilvusException subclasses
        if not is_server(uri) and lite_dir_locked(Path(uri)):
            raise lite_locked_error(Path(uri)) from None
        raise StoreUnavailableError(
            f"cannot connect to Milvus at {uri} ({first_line(exc)}); start the server or fix "
            f"{ENV_PREFIX}MILVUS_URI / {ENV_PREFIX}MILVUS_TOKEN"
        ) from None


def close(client: Any) -> None:
    with contextlib.suppress(Exception):
        client.close()
