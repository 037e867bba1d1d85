"""Polite HTTP for arXiv: a shared rate limiter, retries with backoff, and atomic PDF downloads."""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

USER_AGENT = "reader/0.1 (paper-reading assistant; polite arXiv client)"
MAX_PDF_BYTES = 300 * 1024 * 1024  # a paper is a few MB; stop a runaway or hostile stream
MAX_RETRY_AFTER_SECONDS = 300.0  # beyond this, report the failure instead of hanging an ingest
_CHUNK = 1 << 16
_TAIL = 2048  # %%EOF must be within the last bytes (trailing whitespace and junk are common)
_STALE_PART_SECONDS = 3600.0


class TransientError(Exception):
    """A failure worth retrying (429, 5xx, timeout, dropped or cut connection)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class PermanentError(Exception):
    """A failure retrying cannot fix (404, not a PDF, disk error)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RateLimiter:
    """At most one request every `interval` seconds, across threads."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = max(0.0, interval)
        self._clock = clock
        self._lock = threading.Lock()
        self._last: float | None = None

    def wait(self) -> None:
        """Block until the next request is allowed, then claim the slot."""
        with self._lock:
            now = self._clock()
            if self._last is not None:
                pause = self._last + self.interval - now
                if pause > 0:
                    time.sleep(pause)
                    now = self._clock()
            self._last = now


def with_retries(
    attempt: Callable[[], T],
    *,
    limiter: RateLimiter,
    retries: int,
    base_delay: float,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `attempt` until it succeeds; back off exponentially on TransientError.

    Raises PermanentError at once, or with the last transient reason when retries run out.
    """
    tries = max(0, retries) + 1
    for index in range(tries):
        limiter.wait()
        try:
            return attempt()
        except TransientError as exc:
            if index == tries - 1:
                raise PermanentError(f"{exc.reason}; gave up after {tries} attempts") from None
            pause = base_delay * (2**index)
            if exc.retry_after is not None:
                if exc.retry_after > MAX_RETRY_AFTER_SECONDS:
                    raise PermanentError(
                        f"{exc.reason}; arXiv asks to wait {exc.retry_after:.0f}s, try again later"
                    ) from None
                pause = max(pause, exc.retry_after)
            sleep(pause)
    raise AssertionError("unreachable")  # the loop always returns or raises


def status_error(status: int, url: str, retry_after: str | None = None) -> Exception:
    """The right exception for a non-200 HTTP status."""
    if status == 429:
        return TransientError(
            f"HTTP 429 Too Many Requests from {url}", _parse_retry_after(retry_after)
        )
    if status >= 500:
        return TransientError(f"HTTP {status} from {url} (arXiv is having trouble)")
    if status == 404:
        return PermanentError(f"HTTP 404 Not Found from {url}; check the id and version")
    return PermanentError(f"HTTP {status} from {url}")


def _parse_retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def download_pdf(url: str, dest: Path, timeout: float) -> str:
    """Download one PDF to `dest` atomically; return its sha256. One attempt, no retries.

    The body goes to a temporary file next to `dest` and replaces it only when complete and
    valid, so a failure never leaves a partial PDF where a reader would find it.
    """
    import http.client
    import urllib.error
    import urllib.request

    if not url.startswith(("https://", "http://")):
        raise PermanentError(f"refusing to download from {url!r}: not an http(s) URL")
    _remove_stale_parts(dest)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    tmp: Path | None = None
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            if resp.headers.get_content_type() == "text/html":
                raise PermanentError("arXiv returned an HTML page, not a PDF")
            expected = _content_length(resp.headers.get("Content-Length"))
            fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
            tmp = Path(name)
            with os.fdopen(fd, "wb") as out:
                digest, head, tail, size = _stream(resp.read, out.write)
        _check_pdf(head, tail, size, expected)
        os.replace(tmp, dest)
        tmp = None
        return digest
    except urllib.error.HTTPError as exc:
        exc.close()
        raise status_error(exc.code, url, exc.headers.get("Retry-After")) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise TransientError(f"timed out after {timeout:g}s fetching {url}") from None
        raise TransientError(f"cannot connect to {url} ({exc.reason})") from None
    except TimeoutError:
        raise TransientError(f"timed out after {timeout:g}s fetching {url}") from None
    except (ConnectionError, http.client.HTTPException) as exc:
        raise TransientError(f"connection to {url} broke ({type(exc).__name__})") from None
    except OSError as exc:
        raise PermanentError(
            f"cannot write the PDF to {dest.parent} ({exc.strerror or exc})"
        ) from None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _stream(
    read: Callable[[int], bytes], write: Callable[[bytes], object]
) -> tuple[str, bytes, bytes, int]:
    digest = hashlib.sha256()
    head = b""
    tail = b""
    size = 0
    while chunk := read(_CHUNK):
        size += len(chunk)
        if size > MAX_PDF_BYTES:
            raise PermanentError(f"the PDF is larger than {MAX_PDF_BYTES // 2**20} MB; refusing it")
        if len(head) < 1024:
            head = (head + chunk)[:1024]
            if head.lstrip()[:1] == b"<":
                raise PermanentError("arXiv returned an HTML page, not a PDF")
        tail = (tail + chunk)[-_TAIL:]
        digest.update(chunk)
        write(chunk)
    return digest.hexdigest(), head, tail, size


def _check_pdf(head: bytes, tail: bytes, size: int, expected: int | None) -> None:
    if expected is not None and size != expected:
        raise TransientError(f"download cut short: got {size} of {expected} bytes")
    if b"%PDF-" not in head:
        raise PermanentError(f"the download is not a PDF (starts with {head[:16]!r})")
    if b"%%EOF" not in tail:
        raise TransientError(f"download truncated: {size} bytes and no %%EOF at the end")


def _content_length(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


def _remove_stale_parts(dest: Path) -> None:
    """Remove temporary files a killed process left behind for this PDF."""
    cutoff = time.time() - _STALE_PART_SECONDS
    for part in dest.parent.glob(f".{dest.name}.*.part"):
        try:
            if part.stat().st_mtime < cutoff:
                part.unlink()
        except OSError:
            continue  # another process owns or already removed it


def file_sha256(path: Path) -> str:
    """sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
