"""Two processes, one library: a `milvus-lite server` on loopback; one process ingests a small
generated PDF corpus, another (with its own local folder, like a second machine) searches."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pdf_factory import Heading, PaperSpec, Para, make_paper, paragraph

pytest.importorskip("pymilvus")
pytestmark = pytest.mark.slow  # loads the embedding model

IDS = ("2101.00011", "2101.00012")
READER = [sys.executable, "-m", "reader"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def lite_server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    exe = Path(sys.executable).with_name("milvus-lite")
    server = subprocess.Popen(
        [str(exe), "server", "--data-dir", str(tmp_path / "shared.db"),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert server.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def env(uri: str, index_dir: Path) -> dict[str, str]:
    return os.environ | {
        "READER_STORE": "milvus",
        "READER_MILVUS_URI": uri,
        "READER_INDEX_DIR": str(index_dir),
        "READER_OFFLINE": "1",
        "READER_MODEL_CACHE_DIR": os.environ.get("READER_MODEL_CACHE_DIR", str(index_dir / "m")),
    }


def test_one_process_ingests_another_searches(lite_server: str, tmp_path: Path) -> None:
    pdfs = tmp_path / "pdfs"
    pdfs.mkdir()
    for n, paper_id in enumerate(IDS):
        items = [Heading("", "Abstract"), Para(paragraph(10 * n + 1, 3))]
        for s in range(1, 3):
            items += [Heading(str(s), f"Part {s} of {n}"), Para(paragraph(10 * n + s + 1, 5))]
        make_paper(pdfs / f"{paper_id}.pdf", PaperSpec(title=f"Synthetic Paper {n}", items=items))
    papers = tmp_path / "papers.yaml"
    papers.write_text("papers:\n" + "".join(f'  - {{id: "{i}", version: 1}}\n' for i in IDS))

    writer = subprocess.run(
        [*READER, "ingest", "--papers", str(papers), "--pdf-dir", str(pdfs), "--json"],
        env=env(lite_server, tmp_path / "writer"), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert writer.returncode == 0, writer.stderr[-2000:]

    reader = subprocess.run(
        [*READER, "search", paragraph(12, 1)[:60], "-k", "3", "--json"],
        env=env(lite_server, tmp_path / "reader"), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert reader.returncode == 0, reader.stderr[-2000:]
    hits = json.loads(reader.stdout)
    hits = hits["hits"] if isinstance(hits, dict) else hits
    assert len(hits) == 3 and {h["paper_id"] for h in hits} <= set(IDS)
    assert not (tmp_path / "reader" / "library.sqlite").exists()
