"""`ask` with an LLM configured: its answer is used when it holds to the passages, and
otherwise the extractive answer comes back saying why the LLM's was not used."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from answers_support import one_passage_answerer
from chat_server import ChatServer

from reader.serialize import answer_json
from reader.settings import Settings

TITLES = {"1810.04805": "BERT: Pre-training"}
SHORT = {"1810.04805": "BERT"}
QUESTION = "What share of WordPiece tokens does BERT mask?"

PASSAGE = (
    "In all of our experiments, we mask 15% of all WordPiece tokens "
    "in each sequence at random [12, 13]."
)


@pytest.fixture
def server() -> Iterator[ChatServer]:
    s = ChatServer()
    yield s
    s.close()


def test_a_faithful_reply_is_the_answer(server: ChatServer) -> None:
    server.reply = "BERT masks 15% of all WordPiece tokens at random [1]."
    answer = one_passage_answerer(Settings(llm_url=server.url, llm_model="tiny"), PASSAGE).ask(
        QUESTION
    )
    assert answer.generated and answer.answer == (
        "BERT masks 15% of all WordPiece tokens at random [BERT §3.1, p.4]."
    )
    assert answer.generation is not None and answer.generation.used
    assert answer.generation.model == "stub" and answer.generation.reason is None
    prompt = server.requests[0]["json"]["messages"][-1]["content"]
    assert "15% of all WordPiece tokens" in prompt and "[12, 13]" not in prompt


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("BERT masks 40% of tokens [3].", "cites passage [3], but 1 were sent"),
        ("BERT masks tokens. It masks 15% [1].", "sentence 1 of the reply cites no passage"),
    ],
)
def test_a_rejected_reply_falls_back_and_says_why(
    server: ChatServer, reply: str, reason: str
) -> None:
    server.reply = reply
    answer = one_passage_answerer(Settings(llm_url=server.url), PASSAGE).ask(QUESTION)
    assert not answer.generated and "15% of all WordPiece tokens" in answer.answer
    assert answer.generation is not None and not answer.generation.used
    assert reason in (answer.generation.reason or "")
    doc = answer_json(answer)
    assert doc["generation"]["used"] is False and reason in doc["generation"]["reason"]


def test_a_server_that_is_down_falls_back_and_says_so(closed_port_url: str) -> None:
    down = closed_port_url.rsplit("/api", 1)[0]
    answer = one_passage_answerer(Settings(llm_url=down), PASSAGE).ask(QUESTION)
    assert not answer.generated and answer.generation is not None
    assert answer.generation.reason == f"cannot connect to {down} (connection refused)"


def test_without_an_llm_nothing_is_sent_and_the_json_says_so(server: ChatServer) -> None:
    answer = one_passage_answerer(Settings(), PASSAGE).ask(QUESTION)
    assert not answer.generated and answer.generation is None and not server.requests
    assert answer_json(answer)["generation"] == {
        "used": False, "reason": None, "model": None, "seconds": None
    }  # fmt: skip
    # The extractive answer drops the paper's "[12, 13]": it would read as a citation.
    assert "[12, 13]" not in answer.answer and answer.answer.endswith("at random. [BERT §3.1, p.4]")
