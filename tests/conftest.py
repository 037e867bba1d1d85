"""Shared fixtures. Each area adds its own; keep them small and leave nothing behind."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from arxiv_server import ArxivServer
from repo_paths import CORPUS, PAPERS

from reader.settings import Settings

if TYPE_CHECKING:
    from reader import Library


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


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of an index of the 13-paper dev corpus, ingested once per test run (slow)."""
    if not CORPUS.exists() or not PAPERS.exists():
        pytest.skip("../shared/eval/corpus.yaml and ../shared/papers are needed")
    from reader import Library

    settings = Settings.from_env(
        {},
        index_dir=tmp_path_factory.mktemp("corpus-index"),
        papers_file=CORPUS,
        pdf_dir=PAPERS,
        offline=True,
        embedding_threads=2,  # tests/answers/test_determinism.py compares with one thread
    )
    report = Library(settings).ingest()
    assert not report.failed, report.failed
    return settings


@pytest.fixture(scope="session")
def corpus_library(corpus_settings: Settings) -> Iterator[Library]:
    """One warm Library over the dev corpus, shared by the query tests."""
    from reader import Library

    library = Library(corpus_settings)
    yield library
    library.close()
