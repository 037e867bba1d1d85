"""The request to an OpenAI-compatible server: its shape, its bounds (max_tokens, a stop, one
time limit over the whole streamed reply, the connection closed when it runs out) and a reason
for every way it can fail."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from chat_server import ChatServer

from reader.errors import LLMError, SettingsError
from reader.generation import chat_url, complete
from reader.settings import Settings

MESSAGES = [{"role": "user", "content": "Why scale the dot products?"}]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ChatServer]:
    s = ChatServer()
    yield s
    s.close()


def test_the_request_is_bounded_and_the_stream_read_whole(server: ChatServer) -> None:
    server.reply = "Large dot products give small gradients [1]."
    settings = Settings(llm_url=server.url + "/v1/", llm_model="tiny", llm_api_key="k",
                        llm_max_tokens=120)  # fmt: skip
    done = complete(MESSAGES, settings)
    assert done.text == "Large dot products give small gradients [1]."
    assert done.model == "stub" and not done.cut and done.seconds >= 0
    sent = server.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == "Bearer k"
    body = sent["json"]
    assert body["model"] == "tiny" and body["max_tokens"] == 120 and body["stream"] is True
    assert body["stop"] and body["temperature"] == 0


def test_a_server_that_ignores_stream_is_read_too(server: ChatServer) -> None:
    server.stream = False
    server.reply = "Masking 15% [2]."
    assert complete(MESSAGES, Settings(llm_url=server.url)).text == "Masking 15% [2]."


def test_a_reply_cut_at_max_tokens_says_so(server: ChatServer) -> None:
    server.finish = "length"
    assert complete(MESSAGES, Settings(llm_url=server.url)).cut


def test_a_slow_reply_is_cut_off_at_the_time_limit_and_the_connection_closed(
    server: ChatServer,
) -> None:
    server.reply = " ".join(["word"] * 200)
    server.pause = 0.05  # 10 s in all
    with pytest.raises(LLMError, match=r"within 0.5 s \(READER_LLM_TIMEOUT_SECONDS\)"):
        complete(MESSAGES, Settings(llm_url=server.url, llm_timeout_seconds=0.5))
    # The server found the client gone and stopped writing: no work piles up behind it.
    assert server.hung_up.wait(10)


def test_every_failure_names_its_cause(server: ChatServer, closed_port_url: str) -> None:
    server.status = 404
    with pytest.raises(LLMError, match=r"answered HTTP 404.*READER_LLM_URL"):
        complete(MESSAGES, Settings(llm_url=server.url + "/wrong"))
    down = closed_port_url.rsplit("/api", 1)[0]
    with pytest.raises(LLMError, match=r"cannot connect to .* \(connection refused\)"):
        complete(MESSAGES, Settings(llm_url=down))


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"READER_LLM_URL": "127.0.0.1:11434"}, "READER_LLM_URL='127.0.0.1:11434' has no http"),
        ({"READER_LLM_TIMEOUT_SECONDS": "0"}, "READER_LLM_TIMEOUT_SECONDS=0.0 must be above 0"),
        ({"READER_LLM_TIMEOUT_SECONDS": "-1"}, "READER_LLM_TIMEOUT_SECONDS=-1.0 must be above"),
        ({"READER_LLM_MAX_TOKENS": "0"}, "READER_LLM_MAX_TOKENS=0 must be at least 1"),
    ],
)
def test_bad_llm_settings_are_refused_naming_the_variable(
    env: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(")):
        Settings.from_env(env)


def test_chat_url_forms() -> None:
    assert chat_url("http://h:1") == "http://h:1/v1/chat/completions"
    assert chat_url("http://h:1/v1/") == "http://h:1/v1/chat/completions"
    assert chat_url("http://h:1/v1/chat/completions") == "http://h:1/v1/chat/completions"
