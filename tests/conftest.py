"""Shared fixtures. Each area adds its own; keep them small and leave nothing behind."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from arxiv_server import ArxivServer


@pytest.fixture
def arxiv_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ArxivServer]:
    """A loopback arXiv (Atom API at .api_url, PDFs at /pdf/<id>v<N>) with scriptable faults."""
    # A proxy configured in the environment must not swallow loopback requests.
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    server = ArxivServer().start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def closed_port_url() -> str:
    """An http URL on loopback where nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/query"
