"""The trust model, checked: nothing read from disk is unpickled or evaluated, YAML is loaded
safely, PDF text is inert in the app, the app binds to loopback, and the CLI talks to no host but
the configured arXiv and LLM endpoints (a connect/DNS tripwire in the real subprocess)."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from arxiv_server import ArxivServer
from hypothesis import given, settings
from hypothesis import strategies as st
from pdf_factory import PaperSpec, make_paper, standard_items
from repo_paths import ROOT

from reader.settings import Settings

SOURCES = sorted(
    [*(ROOT / "reader").rglob("*.py"), ROOT / "app.py", *(ROOT / "app_pages").glob("*.py")]
)
READER = shutil.which("reader", path=str(Path(sys.executable).parent))
needs_cli = pytest.mark.skipif(READER is None, reason="the reader console script is not installed")
# Only these modules may open network connections: arXiv (fetch, http) and the LLM endpoint.
NETWORK_MODULES = {
    "reader/fetch/http.py",
    "reader/fetch/arxiv_client.py",
    "reader/generation/client.py",
}
NETWORK_IMPORTS = {"socket", "urllib", "requests", "http", "httpx", "aiohttp", "urllib3"}


def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    return ""


# ---------------------------------------------------------------- nothing from disk is executed


def test_the_sources_exist() -> None:
    assert len(SOURCES) > 20 and all(p.is_file() for p in SOURCES)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_pickle_eval_or_unsafe_loading(path: Path) -> None:
    banned_modules = {"pickle", "cPickle", "dill", "marshal", "shelve", "joblib"}
    banned_calls = {
        "eval", "exec", "compile", "__import__",
        "yaml.load", "yaml.unsafe_load", "yaml.full_load", "yaml.load_all",
        "torch.load", "os.system", "os.popen",
    }  # fmt: skip
    for node in ast.walk(parsed(path)):
        if isinstance(node, ast.Import):
            assert not {a.name.split(".")[0] for a in node.names} & banned_modules, path
        elif isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] not in banned_modules, path
        elif isinstance(node, ast.Call):
            name = dotted(node.func)
            assert name not in banned_calls, f"{path.name}:{node.lineno} calls {name}"
            keywords = {k.arg: k.value for k in node.keywords}
            for flag in ("allow_pickle", "shell", "trust_remote_code"):
                value = keywords.get(flag)
                on = isinstance(value, ast.Constant) and value.value is True
                assert not on, f"{path.name}:{node.lineno} passes {flag}=True"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_fetch_and_llm_modules_import_network_libraries(path: Path) -> None:
    if str(path.relative_to(ROOT)) in NETWORK_MODULES:
        return
    for node in ast.walk(parsed(path)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        for name in names:
            assert name.split(".")[0] not in NETWORK_IMPORTS, f"{path.name} imports {name}"


@needs_cli
def test_yaml_tags_cannot_run_code(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (tmp_path / "papers.yaml").write_text(
        f'papers:\n  - !!python/object/apply:os.system ["touch {marker}"]\n'
        f"  - id: !!python/object/apply:os.getcwd []\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("READER_")}
    assert READER is not None
    result = subprocess.run(
        [READER, "ingest", "--offline"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: papers.yaml: YAML syntax error")
    assert "could not determine a constructor" in result.stderr
    assert not marker.exists()


# ---------------------------------------------------------------- the app


@settings(deadline=None)  # the first example imports streamlit
@given(st.text(max_size=300))
def test_pdf_text_is_inert_markdown(text: str) -> None:
    from app_pages.widgets import _MARKDOWN_SPECIAL, md

    shown = md(text)
    # Every character Markdown, HTML or Streamlit could act on is escaped: preceded by an odd
    # run of backslashes (a backslash of the text itself is escaped too).
    for i, ch in enumerate(shown):
        if ch != "\\" and _MARKDOWN_SPECIAL.fullmatch(ch):
            run = len(shown[:i]) - len(shown[:i].rstrip("\\"))
            assert run % 2 == 1, (text, shown, i)
    unescaped = re.sub(r"\\(.)", r"\1", shown)
    assert unescaped == "\n".join(line.strip() for line in text.splitlines())


def test_the_app_binds_to_loopback_by_default() -> None:
    assert Settings().app_host == "127.0.0.1"
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["browser"]["gatherUsageStats"] is False


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(("host", "expected"), [(None, "127.0.0.1"), ("0.0.0.0", "0.0.0.0")])
def test_make_app_binds_where_the_settings_say(host: str | None, expected: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("READER_")}
    if host is not None:
        env["READER_APP_HOST"] = host
    planned = subprocess.run(
        ["make", "-n", "app"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    recipe = planned.stdout.replace("\\\n", " ")  # join continued lines
    line = next(ln for ln in recipe.splitlines() if "streamlit run" in ln)
    words = subprocess.run(
        ["sh", "-c", f"printf '%s\\n' {line}"], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert words[words.index("--server.address") + 1] == expected
    assert words[words.index("--server.port") + 1] == "8501"


# ---------------------------------------------------------------- network tripwire

TRIPWIRE = '''
"""Test tripwire: log every TCP connect and DNS lookup; refuse those not explicitly allowed."""
import os
import socket

_LOG = os.environ["TRIPWIRE_LOG"]
_ALLOWED = set(filter(None, os.environ.get("TRIPWIRE_ALLOW", "").split(",")))
_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
_getaddrinfo = socket.getaddrinfo


def _check(kind, key):
    with open(_LOG, "a") as log:
        log.write(f"{kind} {key}\\n")
    if key not in _ALLOWED:
        raise OSError(f"tripwire: {kind} {key} is not allowed")


def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check("connect", f"{address[0]}:{address[1]}")
    return _connect(self, address)


def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check("connect", f"{address[0]}:{address[1]}")
    return _connect_ex(self, address)


def getaddrinfo(host, port, *args, **kwargs):
    if host not in (None, "127.0.0.1", "localhost", "::1"):
        _check("dns", f"{host}:{port}")
    return _getaddrinfo(host, port, *args, **kwargs)


socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
socket.getaddrinfo = getaddrinfo
'''


def run_tripwired(
    *args: str, cwd: Path, allow: list[str], env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run `reader` with the tripwire; return the result and every connect/DNS attempt."""
    guard = cwd / "tripwire"
    guard.mkdir(exist_ok=True)
    (guard / "sitecustomize.py").write_text(TRIPWIRE)
    log = cwd / "tripwire.log"
    log.write_text("")
    full = {k: v for k, v in os.environ.items() if not k.startswith("READER_")}
    full.update(env)
    full.update(PYTHONPATH=str(guard), TRIPWIRE_LOG=str(log), TRIPWIRE_ALLOW=",".join(allow))
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        full.pop(name, None)
    assert READER is not None
    result = subprocess.run(
        [READER, *args], cwd=cwd, env=full, capture_output=True, text=True, timeout=300
    )
    return result, log.read_text().splitlines()


@needs_cli
def test_the_tripwire_itself_catches_a_connection(tmp_path: Path, closed_port_url: str) -> None:
    (tmp_path / "papers.yaml").write_text('papers:\n  - id: "2101.00001"\n')
    env = {"READER_ARXIV_API_URL": closed_port_url, "READER_ARXIV_RETRIES": "0"}
    result, attempts = run_tripwired("ingest", cwd=tmp_path, allow=[], env=env)
    assert result.returncode == 1
    port = closed_port_url.split(":")[2].split("/")[0]
    assert attempts == [f"connect 127.0.0.1:{port}"]


@needs_cli
@pytest.mark.slow
def test_only_the_configured_endpoints_are_contacted(
    tmp_path: Path, arxiv_server: ArxivServer, closed_port_url: str
) -> None:
    pdf = make_paper(tmp_path / "paper.pdf", PaperSpec(items=standard_items())).read_bytes()
    arxiv_server.add_paper("2101.00001", {1: pdf}, title="A Loopback Paper")
    (tmp_path / "papers.yaml").write_text('papers:\n  - id: "2101.00001"\n')
    arxiv = arxiv_server.base_url.removeprefix("http://")
    env = {
        "READER_INDEX_DIR": str(tmp_path / "index"),
        "READER_ARXIV_API_URL": arxiv_server.api_url,
        "READER_ARXIV_DELAY_SECONDS": "0.01",
    }
    # Ingest: arXiv (metadata and PDF) and nothing else: no model hub, no telemetry.
    ingest, attempts = run_tripwired("ingest", cwd=tmp_path, allow=[arxiv], env=env)
    assert ingest.returncode == 0, ingest.stderr
    assert attempts and set(attempts) == {f"connect {arxiv}"}

    # Asking with an LLM configured: that endpoint only (here nothing listens there).
    llm = closed_port_url.removeprefix("http://").split("/")[0]
    env["READER_LLM_URL"] = f"http://{llm}/v1"
    asked, attempts = run_tripwired(
        "ask", "What does the method do?", cwd=tmp_path, allow=[llm], env=env
    )
    assert "Traceback" not in asked.stderr
    assert set(attempts) <= {f"connect {llm}"}, attempts

    # Offline: searching the index opens no connection at all.
    env.pop("READER_LLM_URL")
    searched, attempts = run_tripwired("search", "encoder", cwd=tmp_path, allow=[], env=env)
    assert searched.returncode == 0, searched.stderr
    assert attempts == []
