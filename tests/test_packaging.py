"""A non-editable install works: the wheel carries every stage's subpackage and the glossary,
and its `reader` ingests a PDF, searches, and serves the app (slow: builds and installs it)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from repo_paths import PAPERS, ROOT

pytestmark = pytest.mark.slow

READING_LIST = """\
papers:
  - id: "1606.08415"
    version: 4
    title: "Gaussian Error Linear Units (GELUs)"
    short_name: "GELU"
    stage: 1
"""


def run(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=600, **kwargs
    )  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with reader installed from its wheel (not editable); the heavy
    dependencies come from the test venv through a path entry, so nothing is downloaded."""
    if not (PAPERS / "1606.08415.pdf").exists():
        pytest.skip("../shared/papers is needed")
    work = tmp_path_factory.mktemp("packaging")
    source = work / "source"
    tracked = run("git", "ls-files", "reader", "pyproject.toml", "README.md", cwd=ROOT)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    for name in tracked.stdout.split():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    built = run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
        "-w", work / "dist", source,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = (work / "dist").glob("reader-*.whl")
    venv = work / "venv"
    assert run(sys.executable, "-m", "venv", "--without-pip", venv).returncode == 0
    site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    # Dependencies from the test venv; reader itself only from the wheel unpacked below.
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    install = run(
        sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install",
        "--no-deps", "--no-index", wheel,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    return venv


def test_the_wheel_holds_every_subpackage_and_the_glossary(installed: Path) -> None:
    (wheel,) = (installed.parent / "dist").glob("reader-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = {p.parent.relative_to(ROOT).as_posix() for p in (ROOT / "reader").rglob("*.py")}
    assert {f"{p}/__init__.py" for p in packages} <= names
    assert "reader/concepts/glossary.yaml" in names


def test_the_installed_reader_ingests_searches_and_serves_the_app(
    installed: Path, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("READER_")}
    env |= {"READER_INDEX_DIR": str(tmp_path / "index"), "PYTHONPATH": ""}
    papers = tmp_path / "papers.yaml"
    papers.write_text(READING_LIST)
    reader = installed / "bin" / "reader"
    where = run(installed / "bin" / "python", "-c", "import reader; print(reader.__file__)",
                cwd=tmp_path, env=env)  # fmt: skip
    assert where.stdout.startswith(str(installed)), where  # the wheel's copy, not the checkout
    ingest = run(reader, "ingest", "--papers", papers, "--pdf-dir", PAPERS, "--offline",
                 "--json", cwd=tmp_path, env=env)  # fmt: skip
    assert ingest.returncode == 0, ingest.stderr
    hits = json.loads(
        run(reader, "search", "Gaussian error linear unit", "--json", cwd=tmp_path, env=env).stdout
    )
    assert hits["hits"][0]["paper_id"] == "1606.08415"
    concept = json.loads(run(reader, "concept", "GELU", "--json", cwd=tmp_path, env=env).stdout)
    assert concept["found"] and concept["glossary"]  # the glossary came with the wheel

    # The app, from a folder with only app.py and its pages: `reader` must be the installed one.
    app_dir = tmp_path / "app"
    shutil.copytree(ROOT / "app_pages", app_dir / "app_pages")
    shutil.copy2(ROOT / "app.py", app_dir / "app.py")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env["READER_PAPERS_FILE"] = str(papers)
    server = subprocess.Popen(
        [installed / "bin" / "python", "-m", "streamlit", "run", "app.py",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=app_dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/_stcore/health", timeout=2
                ) as reply:
                    assert reply.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "streamlit did not answer in 60 s"
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=10)
    # And the page itself renders with the installed package (Streamlit's own test runner).
    script = (
        "from streamlit.testing.v1 import AppTest\n"
        "at = AppTest.from_file('app.py', default_timeout=120).run()\n"
        "assert not at.exception, at.exception\n"
        "shown = [*at.markdown, *at.title, *at.header, *at.caption]\n"
        "print(' '.join(str(m.value) for m in shown))\n"
    )
    page = run(installed / "bin" / "python", "-c", script, cwd=app_dir, env=env)
    assert page.returncode == 0, page.stderr
    assert "Gaussian Error Linear Units" in page.stdout
