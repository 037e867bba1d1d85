"""Network faults end to end: `reader ingest` (a real subprocess) against the loopback arXiv.

The fetch unit tests (test_fetch.py) cover each fault on PaperFetcher; these check what the user
sees through the CLI: one line per paper naming it and the reason, a non-zero exit, the other
papers still ingested, and no partial file left in the download cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from arxiv_server import ArxivServer, Fault
from ingest_output import outcome_lines
from pdf_factory import PaperSpec, make_paper, standard_items

READER = shutil.which("reader", path=str(Path(sys.executable).parent))
pytestmark = pytest.mark.skipif(READER is None, reason="the reader console script is not installed")

RETRIES = 2  # so "always failing" means RETRIES + 1 faults queued


def run_reader(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """Run the installed `reader` with a clean READER_* environment plus `env`."""
    assert READER is not None
    full = {k: v for k, v in os.environ.items() if not k.startswith("READER_")}
    full.update(env or {})
    return subprocess.run(
        [READER, *args], cwd=cwd, env=full, capture_output=True, text=True, timeout=timeout
    )


def net_env(api_url: str) -> dict[str, str]:
    return {
        "READER_ARXIV_API_URL": api_url,
        "READER_ARXIV_DELAY_SECONDS": "0.01",
        "READER_ARXIV_RETRIES": str(RETRIES),
        "READER_HTTP_TIMEOUT_SECONDS": "0.5",
        "READER_INDEX_DIR": "index",
    }


def write_list(folder: Path, entries: list[tuple[str, int | None]]) -> None:
    lines = ["papers:"]
    for paper_id, version in entries:
        lines.append(f'  - id: "{paper_id}"')
        if version is not None:
            lines.append(f"    version: {version}")
    (folder / "papers.yaml").write_text("\n".join(lines) + "\n")


def cache_listing(folder: Path) -> list[str]:
    cache = folder / "index" / "pdfs"
    return sorted(p.name for p in cache.iterdir()) if cache.exists() else []


@pytest.fixture(scope="module")
def paper_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("pdf") / "paper.pdf"
    return make_paper(path, PaperSpec(items=standard_items())).read_bytes()


def test_faults_that_retrying_cannot_fix_fail_per_paper_and_leave_nothing(
    tmp_path: Path, arxiv_server: ArxivServer, paper_pdf: bytes
) -> None:
    always = RETRIES + 1
    faults: dict[str, tuple[int | None, str, list[Fault], str]] = {
        # id: (pinned version, path the faults apply to, faults, words the message must hold)
        "2101.00101": (None, "api", [Fault.status_code(503)] * always, "gave up after 3"),
        "2101.00102": (None, "none", [], "arXiv has no paper 2101.00102"),
        "2101.00103": (1, "api", [Fault.other_version(2)], "pins v1"),
        "2101.00104": (1, "pdf", [Fault.html()], "HTML page"),
        "2101.00105": (1, "pdf", [Fault.cut()] * always, "gave up after 3"),
        "2101.00106": (1, "pdf", [Fault.truncated()] * always, "gave up after 3"),
        "2101.00107": (None, "api", [Fault.slow(10)] * always, "timed out"),
        "2101.00108": (1, "api", [Fault.status_code(429, retry_after="86400")], "later"),
        "2101.00109": (1, "pdf", [Fault.status_code(404)], "404"),
    }
    for paper_id, (version, where, queued, _) in faults.items():
        if where != "none":
            arxiv_server.add_paper(paper_id, {1: paper_pdf}, title=f"Paper {paper_id}")
        suffix = f"v{version}" if version else ""
        key = f"/api/query?id_list={paper_id}{suffix}" if where == "api" else f"/pdf/{paper_id}v1"
        arxiv_server.fail(key, *queued)
    write_list(tmp_path, [(pid, spec[0]) for pid, spec in faults.items()])

    started = time.monotonic()
    result = run_reader("ingest", cwd=tmp_path, env=net_env(arxiv_server.api_url))
    elapsed = time.monotonic() - started

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip() == f"error: {len(faults)} paper(s) failed; see above"
    lines = outcome_lines(result.stdout)
    for paper_id, (*_, needle) in faults.items():
        assert paper_id in lines, result.stdout
        assert lines[paper_id].startswith("failed"), lines[paper_id]
        assert paper_id in lines[paper_id] and needle in lines[paper_id], lines[paper_id]
    # A 404, an HTML page or a wrong version is not retried; a huge Retry-After is not awaited.
    assert arxiv_server.paths().count("/pdf/2101.00104v1") == 1
    assert arxiv_server.paths().count("/pdf/2101.00109v1") == 1
    assert elapsed < 60
    assert cache_listing(tmp_path) == []  # no partial or unverified download anywhere
    listed = run_reader("papers", "--json", cwd=tmp_path, env={"READER_INDEX_DIR": "index"})
    assert listed.returncode == 0 and json.loads(listed.stdout)["papers"] == []


def test_connection_refused_is_one_line_per_paper(tmp_path: Path, closed_port_url: str) -> None:
    write_list(tmp_path, [("2101.00201", None), ("2101.00202", 3)])
    result = run_reader("ingest", cwd=tmp_path, env=net_env(closed_port_url))
    assert result.returncode == 1
    lines = outcome_lines(result.stdout)
    assert set(lines) == {"2101.00201", "2101.00202"}
    for paper_id, line in lines.items():
        assert f"cannot fetch {paper_id}" in line and "cannot connect" in line, line
    assert "Traceback" not in result.stderr
    assert cache_listing(tmp_path) == []


def test_offline_without_a_pdf_never_touches_the_network(
    tmp_path: Path, arxiv_server: ArxivServer
) -> None:
    write_list(tmp_path, [("2101.00301", None)])
    result = run_reader("ingest", "--offline", cwd=tmp_path, env=net_env(arxiv_server.api_url))
    assert result.returncode == 1
    assert "offline and no local PDF for 2101.00301" in result.stdout
    assert arxiv_server.requests == []


@pytest.mark.slow
def test_faults_that_retrying_fixes_end_with_every_paper_ingested(
    tmp_path: Path, arxiv_server: ArxivServer, paper_pdf: bytes
) -> None:
    recovering = {
        "2101.00401": ("api", Fault.status_code(503)),
        "2101.00402": ("api", Fault.status_code(429, retry_after="1")),
        "2101.00403": ("pdf", Fault.truncated()),
        "2101.00404": ("pdf", Fault.cut()),
        "2101.00405": ("api", Fault.slow(10)),
        "2101.00406": ("pdf", Fault.status_code(502)),
    }
    for paper_id, (where, fault) in recovering.items():
        arxiv_server.add_paper(paper_id, {1: paper_pdf}, title=f"Recovered {paper_id}")
        key = f"/api/query?id_list={paper_id}v1" if where == "api" else f"/pdf/{paper_id}v1"
        arxiv_server.fail(key, fault)
    # A failing paper in the same run does not stop the others.
    write_list(tmp_path, [(pid, 1) for pid in recovering] + [("2101.00499", None)])

    result = run_reader("ingest", cwd=tmp_path, env=net_env(arxiv_server.api_url))

    assert result.returncode == 1, result.stderr
    lines = outcome_lines(result.stdout)
    assert lines["2101.00499"].startswith("failed")
    for paper_id in recovering:
        assert lines[paper_id].startswith("ingested"), lines[paper_id]
    api = "/api/query?id_list=2101.00402v1"
    hits = [r.at for r in arxiv_server.requests if r.path == api]
    assert len(hits) == 2 and hits[1] - hits[0] >= 0.95  # Retry-After was honoured
    assert cache_listing(tmp_path) == sorted(f"{pid}v1.pdf" for pid in recovering)
    for paper_id in recovering:
        assert (tmp_path / "index" / "pdfs" / f"{paper_id}v1.pdf").read_bytes() == paper_pdf

    listed = run_reader("papers", "--json", cwd=tmp_path, env={"READER_INDEX_DIR": "index"})
    papers = {p["id"]: p for p in json.loads(listed.stdout)["papers"]}
    assert set(papers) == set(recovering)
    assert papers["2101.00401"]["title"] == "Recovered 2101.00401"  # metadata from the feed
    assert papers["2101.00401"]["version"] == 1

    # A second run is served from the cache: no PDF is downloaded again.
    before = len(arxiv_server.paths())
    again = run_reader(
        "ingest", "--paper", "2101.00401", cwd=tmp_path, env=net_env(arxiv_server.api_url)
    )
    assert again.returncode == 0, again.stderr
    assert "unchanged" in again.stdout
    assert not [p for p in arxiv_server.paths()[before:] if p.startswith("/pdf/")]
