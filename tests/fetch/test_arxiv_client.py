"""Fetching over real HTTP from a loopback arXiv: the real arxiv client, real sockets, faults."""

from __future__ import annotations

import hashlib
import itertools
import os
import time
from pathlib import Path

import pytest
from arxiv_server import ArxivServer, Fault, tiny_pdf
from repo_paths import PAPERS

from reader.errors import FetchError
from reader.fetch.arxiv_client import PaperFetcher, local_pdf_for
from reader.models import PaperEntry
from reader.settings import Settings

SHARED_PAPERS = PAPERS
CLIP = "2103.00020"
V1 = tiny_pdf("CLIP version one")
V2 = tiny_pdf("CLIP version two")
API_V1 = f"/api/query?id_list={CLIP}v1"
PDF_V1 = f"/pdf/{CLIP}v1"


def make_settings(tmp_path: Path, server: ArxivServer | None, **changes: object) -> Settings:
    base = Settings(
        index_dir=tmp_path / "index",
        arxiv_api_url=server.api_url if server else "http://127.0.0.1:9/api/query",
        arxiv_delay_seconds=0.001,
        arxiv_retries=2,
        http_timeout_seconds=2.0,
    )
    return base.replace(**changes)


@pytest.fixture
def server(arxiv_server: ArxivServer) -> ArxivServer:
    arxiv_server.add_paper(CLIP, {1: V1, 2: V2}, title="Learning Transferable Visual Models")
    return arxiv_server


def cache_files(settings: Settings) -> list[str]:
    folder = settings.pdf_cache_dir
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# ---------------------------------------------------------------- happy paths


def test_pinned_version_is_downloaded_with_metadata(tmp_path: Path, server: ArxivServer) -> None:
    settings = make_settings(tmp_path, server)
    got = PaperFetcher(settings).fetch(PaperEntry(id=CLIP, version=1, title="CLIP"))
    assert got.pdf_path == settings.pdf_cache_dir / f"{CLIP}v1.pdf"
    assert got.pdf_path.read_bytes() == V1
    assert got.sha256 == hashlib.sha256(V1).hexdigest()
    assert got.meta.version == 1
    assert got.meta.title == "Learning Transferable Visual Models"
    assert got.meta.authors == ("Ada Lovelace", "Alan Turing")
    assert got.meta.published == "2021-02-26"
    assert got.meta.arxiv_url == f"https://arxiv.org/abs/{CLIP}v1"
    assert server.paths() == [API_V1, PDF_V1]
    assert cache_files(settings) == [f"{CLIP}v1.pdf"]


def test_unpinned_takes_the_latest_and_records_its_version(
    tmp_path: Path, server: ArxivServer
) -> None:
    got = PaperFetcher(make_settings(tmp_path, server)).fetch(PaperEntry(id=CLIP))
    assert got.meta.version == 2
    assert got.pdf_path.name == f"{CLIP}v2.pdf"
    assert got.pdf_path.read_bytes() == V2
    assert server.paths() == [f"/api/query?id_list={CLIP}", f"/pdf/{CLIP}v2"]


def test_a_cached_pdf_makes_no_request(tmp_path: Path, server: ArxivServer) -> None:
    settings = make_settings(tmp_path, server)
    first = PaperFetcher(settings).fetch(PaperEntry(id=CLIP, version=1, title="CLIP"))
    before = len(server.requests)
    again = PaperFetcher(settings).fetch(PaperEntry(id=CLIP, version=1, title="CLIP"))
    unpinned = PaperFetcher(settings).fetch(PaperEntry(id=CLIP, title="CLIP"))
    assert len(server.requests) == before
    assert again.pdf_path == first.pdf_path == unpinned.pdf_path
    assert again.sha256 == first.sha256
    assert again.meta.title == "CLIP" and again.meta.version == 1


def test_pdf_dir_is_used_before_the_network(tmp_path: Path, server: ArxivServer) -> None:
    pdf_dir = tmp_path / "mine"
    pdf_dir.mkdir()
    (pdf_dir / f"{CLIP}.pdf").write_bytes(V1)
    settings = make_settings(tmp_path, server, pdf_dir=pdf_dir)
    entry = PaperEntry(id=CLIP, version=1, title="CLIP paper", short_name="CLIP")
    got = PaperFetcher(settings).fetch(entry)
    assert server.requests == []
    assert got.pdf_path == pdf_dir / f"{CLIP}.pdf"
    assert got.meta.title == "CLIP paper" and got.meta.version == 1
    assert got.sha256 == hashlib.sha256(V1).hexdigest()
    assert not settings.pdf_cache_dir.exists()  # nothing written for a local paper


def test_versioned_local_file_gives_its_version(tmp_path: Path, server: ArxivServer) -> None:
    pdf_dir = tmp_path / "mine"
    pdf_dir.mkdir()
    (pdf_dir / f"{CLIP}v1.pdf").write_bytes(V1)
    (pdf_dir / f"{CLIP}v2.pdf").write_bytes(V2)
    settings = make_settings(tmp_path, server, pdf_dir=pdf_dir, offline=True)
    assert PaperFetcher(settings).fetch(PaperEntry(id=CLIP)).meta.version == 2
    pinned = PaperFetcher(settings).fetch(PaperEntry(id=CLIP, version=1))
    assert pinned.pdf_path.name == f"{CLIP}v1.pdf" and pinned.meta.version == 1
    # A local file of another version is not the pinned paper.
    with pytest.raises(FetchError, match="offline and no local PDF"):
        PaperFetcher(settings).fetch(PaperEntry(id=CLIP, version=3))
    assert server.requests == []


def test_old_style_ids_map_to_safe_file_names(tmp_path: Path, arxiv_server: ArxivServer) -> None:
    arxiv_server.add_paper("hep-th/9901001", {1: V1}, title="Old style")
    settings = make_settings(tmp_path, arxiv_server)
    got = PaperFetcher(settings).fetch(PaperEntry(id="hep-th/9901001"))
    assert got.pdf_path == settings.pdf_cache_dir / "hep-th_9901001v1.pdf"
    assert got.meta.id == "hep-th/9901001" and got.meta.version == 1
    assert local_pdf_for(PaperEntry(id="hep-th/9901001"), settings) == got.pdf_path


def test_a_real_arxiv_pdf_round_trips(tmp_path: Path, arxiv_server: ArxivServer) -> None:
    real = SHARED_PAPERS / "2003.04297.pdf"
    if not real.is_file():
        pytest.skip("shared papers absent")
    data = real.read_bytes()
    arxiv_server.add_paper("2003.04297", {1: data}, title="Improved Baselines")
    got = PaperFetcher(make_settings(tmp_path, arxiv_server)).fetch(PaperEntry(id="2003.04297"))
    assert got.sha256 == hashlib.sha256(data).hexdigest()
    assert got.pdf_path.read_bytes() == data


def test_shared_papers_folder_serves_the_eval_corpus_offline(tmp_path: Path) -> None:
    if not (SHARED_PAPERS / "1706.03762.pdf").is_file():
        pytest.skip("shared papers absent")
    settings = make_settings(tmp_path, None, pdf_dir=SHARED_PAPERS, offline=True)
    fetcher = PaperFetcher(settings)
    v7 = fetcher.fetch(PaperEntry(id="1706.03762", version=7))
    v5 = fetcher.fetch(PaperEntry(id="1706.03762", version=5))
    assert v7.pdf_path.name == "1706.03762.pdf" and v7.meta.version == 7
    assert v5.pdf_path.name == "1706.03762v5.pdf" and v5.meta.version == 5
    assert v7.sha256.startswith("bdfaa68d8984f0dc")


# ---------------------------------------------------------------- offline and bad ids


def test_offline_without_a_local_pdf_names_the_fix(tmp_path: Path, server: ArxivServer) -> None:
    settings = make_settings(tmp_path, server, offline=True)
    with pytest.raises(FetchError) as info:
        PaperFetcher(settings).fetch(PaperEntry(id=CLIP, version=1))
    assert str(info.value) == (
        f"offline and no local PDF for {CLIP}; put {CLIP}.pdf in --pdf-dir or run without --offline"
    )
    assert server.requests == []


def test_a_path_like_id_never_becomes_a_path(tmp_path: Path, server: ArxivServer) -> None:
    settings = make_settings(tmp_path, server)
    with pytest.raises(FetchError, match=r"etc/passwd.*not an arXiv id"):
        PaperFetcher(settings).fetch(PaperEntry(id="../../etc/passwd"))
    assert server.requests == [] and not settings.pdf_cache_dir.exists()


# ---------------------------------------------------------------- faults


def fetch_fails(settings: Settings, entry: PaperEntry) -> str:
    with pytest.raises(FetchError) as info:
        PaperFetcher(settings).fetch(entry)
    message = str(info.value)
    assert "\n" not in message and entry.id in message
    assert not any(name.endswith(".part") for name in cache_files(settings))
    assert cache_files(settings) == []  # no partial or unverified file is left behind
    return message


def test_pdf_404_fails_at_once(tmp_path: Path, server: ArxivServer) -> None:
    server.fail(PDF_V1, Fault.status_code(404))
    message = fetch_fails(make_settings(tmp_path, server), PaperEntry(id=CLIP, version=1))
    assert "404" in message
    assert server.paths().count(PDF_V1) == 1  # never retried


def test_unknown_id_says_arxiv_has_no_such_paper(tmp_path: Path, server: ArxivServer) -> None:
    message = fetch_fails(make_settings(tmp_path, server), PaperEntry(id="2101.99999"))
    assert "arXiv has no paper 2101.99999" in message
    assert len(server.requests) == 1


def test_empty_feed_for_a_known_id(tmp_path: Path, server: ArxivServer) -> None:
    server.fail(API_V1, Fault.empty())
    message = fetch_fails(make_settings(tmp_path, server), PaperEntry(id=CLIP, version=1))
    assert f"no paper {CLIP}v1" in message


def test_a_different_version_than_pinned_is_refused(tmp_path: Path, server: ArxivServer) -> None:
    server.fail(API_V1, Fault.other_version(2))
    message = fetch_fails(make_settings(tmp_path, server), PaperEntry(id=CLIP, version=1))
    assert "v2" in message and "pins v1" in message


@pytest.mark.parametrize("path", [API_V1, PDF_V1])
def test_503_then_ok_succeeds_after_a_retry(tmp_path: Path, server: ArxivServer, path: str) -> None:
    server.fail(path, Fault.status_code(503))
    got = PaperFetcher(make_settings(tmp_path, server)).fetch(PaperEntry(id=CLIP, version=1))
    assert got.pdf_path.read_bytes() == V1
    assert server.paths().count(path) == 2


def test_503_every_time_gives_up_after_the_retries(tmp_path: Path, server: ArxivServer) -> None:
    server.fail(API_V1, *[Fault.status_code(503)] * 3)
    message = fetch_fails(make_settings(tmp_path, server), PaperEntry(id=CLIP, version=1))
    assert "HTTP 503" in message and "gave up after 3 attempts" in message
    assert server.paths() == [API_V1] * 3


@pytest.mark.parametrize("path", [API_V1, PDF_V1])
def test_429_honours_retry_after(tmp_path: Path, server: ArxivServer, path: str) -> None:
    server.fail(path, Fault.status_code(429, retry_after="1"))
    started = time.monotonic()
    got = PaperFetcher(make_settings(tmp_path, server)).fetch(PaperEntry(id=CLIP, version=1))
    assert got.sha256 == hashlib.sha256(V1).hexdigest()
    hits = [r.at for r in server.requests if r.path == path]
    assert len(hits) == 2 and hits[1] - hits[0] >= 0.95
    assert time.monotonic() - started < 5


def test_an_absurd_retry_after_fails_instead_of_hanging(
    tmp_path: Path, server: ArxivServer
) -> None:
    server.fail(API_V1, Fault.status_code(429, retry_after="86400"))
    started = time.monotonic()
    message = fetch_fails(make_settings(tmp_path, server), PaperEntry(id=CLIP, version=1))
    assert "429" in message and "try again later" in message
    assert time.monotonic() - started < 2


def test_an_html_page_is_not_a_pdf(tmp_path: Path, server: ArxivServer) -> None:
    server.fail(PDF_V1, Fault.html())
    message = fetch_fails(make_settings(tmp_path, server), PaperEntry(id=CLIP, version=1))
    assert "arXiv returned an HTML page, not a PDF" in message
    assert server.paths().count(PDF_V1) == 1


def test_a_truncated_download_is_retried(tmp_path: Path, server: ArxivServer) -> None:
    server.fail(PDF_V1, Fault.truncated())
    got = PaperFetcher(make_settings(tmp_path, server)).fetch(PaperEntry(id=CLIP, version=1))
    assert got.pdf_path.read_bytes() == V1
    assert server.paths().count(PDF_V1) == 2


@pytest.mark.parametrize(
    ("fault", "reason"), [(Fault.truncated(), "cut short"), (Fault.cut(), "no %%EOF")]
)
def test_always_truncated_fails_and_leaves_nothing(
    tmp_path: Path, server: ArxivServer, fault: Fault, reason: str
) -> None:
    server.fail(PDF_V1, *[fault] * 3)
    message = fetch_fails(make_settings(tmp_path, server), PaperEntry(id=CLIP, version=1))
    assert reason in message


def test_a_slow_answer_times_out_then_succeeds(tmp_path: Path, server: ArxivServer) -> None:
    server.fail(API_V1, Fault.slow(5))
    settings = make_settings(tmp_path, server, http_timeout_seconds=0.3)
    got = PaperFetcher(settings).fetch(PaperEntry(id=CLIP, version=1))
    assert got.meta.version == 1 and server.paths().count(API_V1) == 2


@pytest.mark.parametrize("path", [API_V1, PDF_V1])
def test_always_slow_fails_with_a_timeout(tmp_path: Path, server: ArxivServer, path: str) -> None:
    server.fail(path, *[Fault.slow(5)] * 2)
    settings = make_settings(tmp_path, server, http_timeout_seconds=0.3, arxiv_retries=1)
    started = time.monotonic()
    message = fetch_fails(settings, PaperEntry(id=CLIP, version=1))
    assert "timed out" in message
    assert time.monotonic() - started < 3


def test_connection_refused(tmp_path: Path, closed_port_url: str) -> None:
    settings = make_settings(tmp_path, None, arxiv_api_url=closed_port_url, arxiv_retries=1)
    message = fetch_fails(settings, PaperEntry(id=CLIP, version=1))
    assert "cannot connect" in message and "gave up after 2 attempts" in message


def test_an_unreachable_arxiv_is_not_retried_for_every_paper(
    tmp_path: Path, closed_port_url: str
) -> None:
    settings = make_settings(
        tmp_path, None, arxiv_api_url=closed_port_url, arxiv_retries=2, arxiv_delay_seconds=0.3
    )
    fetcher = PaperFetcher(settings)
    with pytest.raises(FetchError, match=r"gave up after 3 attempts"):
        fetcher.fetch(PaperEntry(id=CLIP, version=1))
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"cannot connect .*not retried this run"):
        fetcher.fetch(PaperEntry(id="1706.03762", version=7))
    assert time.monotonic() - started < 0.3  # no backoff, no request


def test_a_stale_partial_download_is_cleaned_up(tmp_path: Path, server: ArxivServer) -> None:
    settings = make_settings(tmp_path, server)
    settings.pdf_cache_dir.mkdir(parents=True)
    stale = settings.pdf_cache_dir / f".{CLIP}v1.pdf.abc123.part"
    stale.write_bytes(b"%PDF-half")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    PaperFetcher(settings).fetch(PaperEntry(id=CLIP, version=1))
    assert cache_files(settings) == [f"{CLIP}v1.pdf"]


# ---------------------------------------------------------------- politeness


def test_requests_are_spaced_by_the_rate_limit(tmp_path: Path, server: ArxivServer) -> None:
    server.add_paper("1706.03762", {7: V1}, title="Attention")
    server.fail(API_V1, Fault.status_code(503))
    settings = make_settings(tmp_path, server, arxiv_delay_seconds=0.2)
    fetcher = PaperFetcher(settings)
    fetcher.fetch(PaperEntry(id=CLIP, version=1))
    fetcher.fetch(PaperEntry(id="1706.03762", version=7))
    times = [r.at for r in server.requests]
    assert len(times) == 5  # metadata (503, retry), PDF; metadata, PDF
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # Arrival times at the server jitter under load; without the limiter the gaps are ~1 ms.
    assert min(gaps) >= 0.15, gaps
