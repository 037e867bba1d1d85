"""A loopback stand-in for arXiv: the Atom query API and PDF downloads, with scriptable faults.

Usage (see the `arxiv_server` fixture in conftest.py):

    server.add_paper("2103.00020", {1: pdf_bytes, 2: other_bytes}, title="CLIP")
    server.fail("/pdf/2103.00020v2", Fault.status(503), Fault.status(503))  # two 503s, then OK
    settings = Settings(arxiv_api_url=server.api_url, ...)

Faults are consumed one per request to their path, in order; afterwards the path answers normally.
Query paths are keyed as "/api/query?id_list=<value>", e.g. "/api/query?id_list=2103.00020v1".
`server.requests` records every request (path and monotonic time) for rate and cache checks.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

ATOM_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <id>https://arxiv.org/api/loopback</id>
  <title>arXiv Query: search_query=&amp;id_list={id_list}&amp;start=0&amp;max_results=1</title>
  <updated>2024-01-01T00:00:00Z</updated>
  <link href="https://arxiv.org/api/query?id_list={id_list}" type="application/atom+xml"/>
  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
"""

ENTRY = """  <entry>
    <id>http://arxiv.org/abs/{vid}</id>
    <title>{title}</title>
    <updated>2021-02-26T21:04:58Z</updated>
    <link href="https://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>
    <link title="pdf" href="{pdf_url}" rel="related" type="application/pdf"/>
    <summary>{summary}</summary>
    <category term="cs.CV" scheme="http://arxiv.org/schemas/atom"/>
    <published>2021-02-26T21:04:58Z</published>
    <arxiv:comment>loopback test entry</arxiv:comment>
    <arxiv:primary_category term="cs.CV"/>
{authors}  </entry>
"""

HTML_PAGE = b"<!DOCTYPE html><html><head><title>arXiv</title></head><body>Please wait</body></html>"


@dataclass(frozen=True)
class Fault:
    """One scripted misbehaviour of one request."""

    kind: str  # status | html | truncated | cut | slow | empty | version
    status: int = 0
    retry_after: str | None = None
    seconds: float = 0.0
    version: int = 0

    @staticmethod
    def status_code(status: int, retry_after: str | None = None) -> Fault:
        return Fault("status", status=status, retry_after=retry_after)

    @staticmethod
    def html() -> Fault:
        """200 with an HTML page instead of a PDF."""
        return Fault("html")

    @staticmethod
    def truncated() -> Fault:
        """Content-Length says the whole PDF, half of it is sent, then the connection closes."""
        return Fault("truncated")

    @staticmethod
    def cut() -> Fault:
        """No Content-Length; half of the PDF is sent (no %%EOF), then the connection closes."""
        return Fault("cut")

    @staticmethod
    def slow(seconds: float) -> Fault:
        """Wait before answering (longer than the client's timeout)."""
        return Fault("slow", seconds=seconds)

    @staticmethod
    def empty() -> Fault:
        """An empty feed, as arXiv answers for an id it does not know."""
        return Fault("empty")

    @staticmethod
    def other_version(version: int) -> Fault:
        """A feed entry of another version than asked."""
        return Fault("version", version=version)


@dataclass(frozen=True)
class Request:
    path: str
    at: float  # time.monotonic()


@dataclass
class Paper:
    title: str
    versions: dict[int, bytes]
    authors: tuple[str, ...] = ("Ada Lovelace", "Alan Turing")
    summary: str = "A loopback paper."


@dataclass
class ArxivServer:
    """The server state; start with `start()`, stop with `close()`."""

    papers: dict[str, Paper] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    faults: dict[str, deque[Fault]] = field(default_factory=lambda: defaultdict(deque))
    _stopping: threading.Event = field(default_factory=threading.Event)
    _httpd: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add_paper(self, paper_id: str, versions: dict[int, bytes], title: str = "") -> None:
        self.papers[paper_id] = Paper(title=title or f"Paper {paper_id}", versions=versions)

    def fail(self, key: str, *faults: Fault) -> None:
        self.faults[key].extend(faults)

    @property
    def base_url(self) -> str:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/query"

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def start(self) -> ArxivServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server._handle(self)

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output clean

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        # A short poll interval keeps shutdown (fixture teardown) fast.
        threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def close(self) -> None:
        self._stopping.set()  # wakes slow handlers
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    # ------------------------------------------------------------ handling

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        url = urlsplit(h.path)
        key = url.path
        id_list = ""
        if url.path == "/api/query":
            id_list = parse_qs(url.query).get("id_list", [""])[0]
            key = f"/api/query?id_list={id_list}"
        with self._lock:
            self.requests.append(Request(path=key, at=time.monotonic()))
            queue = self.faults.get(key)
            fault = queue.popleft() if queue else None
        if fault is not None and fault.kind == "slow":
            if self._stopping.wait(fault.seconds):
                return
            fault = None
        if fault is not None and fault.kind == "status":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            self._send(h, fault.status, b"error", "text/plain", headers)
        elif url.path == "/api/query":
            self._feed(h, id_list, fault)
        elif url.path.startswith("/pdf/"):
            self._pdf(h, url.path.removeprefix("/pdf/"), fault)
        else:
            self._send(h, 404, b"not found", "text/plain")

    def _feed(self, h: BaseHTTPRequestHandler, id_list: str, fault: Fault | None) -> None:
        match = re.fullmatch(r"(.+)v(\d+)", id_list)
        paper_id, asked = (match[1], match[2]) if match else (id_list, "")
        paper = self.papers.get(paper_id)
        entries = ""
        if paper is not None and (fault is None or fault.kind != "empty"):
            version = int(asked) if asked else max(paper.versions)
            if fault is not None and fault.kind == "version":
                version = fault.version
            if version in paper.versions or (fault is not None and fault.kind == "version"):
                entries = self._entry(paper_id, version, paper)
        body = ATOM_HEAD.format(id_list=escape(id_list), total=1 if entries else 0)
        body += entries + "</feed>\n"
        self._send(h, 200, body.encode(), "application/atom+xml; charset=utf-8")

    def _entry(self, paper_id: str, version: int, paper: Paper) -> str:
        vid = f"{paper_id}v{version}"
        authors = "".join(
            f"    <author>\n      <name>{escape(name)}</name>\n    </author>\n"
            for name in paper.authors
        )
        return ENTRY.format(
            vid=vid,
            title=escape(paper.title),
            pdf_url=f"{self.base_url}/pdf/{vid}",
            summary=escape(paper.summary),
            authors=authors,
        )

    def _pdf(self, h: BaseHTTPRequestHandler, vid: str, fault: Fault | None) -> None:
        paper_id, _, version = vid.rpartition("v")
        paper = self.papers.get(paper_id)
        body = paper.versions.get(int(version)) if paper and version.isdigit() else None
        if body is None:
            self._send(h, 404, b"no such PDF", "text/plain")
        elif fault is None:
            self._send(h, 200, body, "application/pdf")
        elif fault.kind == "html":
            self._send(h, 200, HTML_PAGE, "text/html; charset=utf-8")
        elif fault.kind == "truncated":
            self._send(h, 200, body[: len(body) // 2], "application/pdf", length=len(body))
        elif fault.kind == "cut":
            self._send(h, 200, body[: len(body) // 2], "application/pdf", length=None)
        else:
            raise AssertionError(f"fault {fault.kind} does not apply to PDFs")

    @staticmethod
    def _send(
        h: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
        length: int | None = -1,
    ) -> None:
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        if length is not None:
            h.send_header("Content-Length", str(len(body) if length == -1 else length))
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.send_header("Connection", "close")
        h.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            h.wfile.write(body)  # fails when the client gave up (timeout tests)
        h.close_connection = True


def tiny_pdf(text: str = "A loopback paper") -> bytes:
    """A small valid PDF made with PyMuPDF."""
    import pymupdf

    doc: Any = pymupdf.open()  # type: ignore[no-untyped-call]
    page = doc.new_page()
    page.insert_text((72, 72), text)
    data: bytes = doc.tobytes()
    doc.close()
    return data
