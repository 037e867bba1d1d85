"""Generative answers through a loopback server that speaks the OpenAI chat protocol."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from answers_support import HashEmbedder, MemoryStore, chunk

from reader.answers.extractive import Answerer
from reader.answers.llm import chat_url, check_citations, generate_answer
from reader.answers.retrieval import Retriever
from reader.errors import LLMError
from reader.models import Hit, SectionRole
from reader.settings import Settings


class ChatServer:
    """Answers every POST /v1/chat/completions with `reply`; records the requests."""

    def __init__(self) -> None:
        self.reply: str | None = "ok [1]."
        self.status = 200
        self.requests: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                server.requests.append(
                    {
                        "path": self.path,
                        "json": json.loads(body),
                        "auth": self.headers.get("Authorization"),
                    }
                )
                payload = {"choices": [{"message": {"role": "assistant", "content": server.reply}}]}
                data = json.dumps(payload).encode() if server.status == 200 else b"boom"
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ChatServer]:
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    s = ChatServer()
    yield s
    s.close()


TITLES = {"1810.04805": "BERT: Pre-training"}
SHORT = {"1810.04805": "BERT"}
HITS = [
    Hit(
        1,
        "1706.03762",
        "Attention",
        "3.2.1 Scaled",
        SectionRole.METHOD,
        4,
        "We scale the dot products. Large dot products give small gradients.",
        1.0,
    ),
    Hit(
        2,
        "1810.04805",
        "BERT",
        "3.1 Pre-training",
        SectionRole.METHOD,
        4,
        "We mask 15% of all WordPiece tokens.",
        0.9,
    ),
]
LABELS = ["[Transformer §3.2.1, p.4]", "[BERT §3.1, p.4]"]


def test_valid_answer_gets_labels_and_quotes(server: ChatServer) -> None:
    server.reply = "Large dot products give small gradients [1]. BERT masks 15% [2]."
    settings = Settings(llm_url=server.url, llm_model="tiny", llm_api_key="secret")
    a = generate_answer("why?", HITS, LABELS, settings)
    assert a.generated and not a.abstained
    assert a.answer == (
        "Large dot products give small gradients [Transformer §3.2.1, p.4]. "
        "BERT masks 15% [BERT §3.1, p.4]."
    )
    assert [c.paper_id for c in a.citations] == ["1706.03762", "1810.04805"]
    assert a.citations[0].quote == "Large dot products give small gradients."
    sent = server.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == "Bearer secret"
    assert sent["json"]["model"] == "tiny"
    prompt = sent["json"]["messages"][-1]["content"]
    assert "[1]" in prompt and "We mask 15%" in prompt  # only retrieved passages go in


@pytest.mark.parametrize(
    "reply",
    [
        "An uncited claim. Another claim [1].",
        "It comes from passage [7].",
        "Vaswani says so [Vaswani 2017] [1].",
        "NOT FOUND",
        "",
    ],
)
def test_unfaithful_answers_are_rejected(reply: str) -> None:
    with pytest.raises(LLMError):
        check_citations(reply, HITS, LABELS)


def test_marker_after_the_period_still_counts() -> None:
    text, cites = check_citations("Small gradients. [1] Masking 15% [2].", HITS, LABELS)
    assert len(cites) == 2 and "[Transformer §3.2.1, p.4]" in text


def test_server_errors_are_llm_errors(server: ChatServer, closed_port_url: str) -> None:
    server.status = 500
    with pytest.raises(LLMError, match="HTTP 500"):
        generate_answer("q", HITS, LABELS, Settings(llm_url=server.url))
    with pytest.raises(LLMError, match="unreachable"):
        generate_answer("q", HITS, LABELS, Settings(llm_url=closed_port_url.rsplit("/api", 1)[0]))


def test_chat_url_forms() -> None:
    assert chat_url("http://h:1") == "http://h:1/v1/chat/completions"
    assert chat_url("http://h:1/v1/") == "http://h:1/v1/chat/completions"
    assert chat_url("http://h:1/v1/chat/completions") == "http://h:1/v1/chat/completions"


def _answerer(settings: Settings) -> Answerer:
    embedder = HashEmbedder()
    chunks = [
        chunk(
            "1810.04805",
            0,
            "In all of our experiments, we mask 15% of all WordPiece tokens "
            "in each sequence at random.",
            "3.1",
            "Pre-training BERT",
            SectionRole.METHOD,
            4,
        )
    ]
    store = MemoryStore(chunks, TITLES, embedder)
    return Answerer(Retriever(store, embedder, settings), embedder, settings, SHORT)


def test_answerer_uses_the_llm_and_falls_back_when_it_strays(server: ChatServer) -> None:
    settings = Settings(llm_url=server.url)
    question = "What share of WordPiece tokens does BERT mask?"
    server.reply = "BERT masks 15% of WordPiece tokens [1]."
    good = _answerer(settings).ask(question)
    assert good.generated and "[BERT §3.1, p.4]" in good.answer
    server.reply = "BERT masks 40% of tokens [3]."
    fallback = _answerer(settings).ask(question)
    assert not fallback.generated and "15% of all WordPiece tokens" in fallback.answer
    assert not _answerer(Settings()).ask(question).generated  # default: extractive, no request
    assert len(server.requests) == 2
