"""One chat completion from an OpenAI-compatible server (Ollama, llama.cpp, vLLM), bounded:
`max_tokens`, a stop at the answer's end, the reply streamed under one time limit, and the
connection closed when the limit is reached, so the server stops generating too."""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from reader.errors import LLMError, first_line
from reader.settings import ENV_PREFIX, Settings

# The answer ends where the model starts a new block of its own.
STOP = ["\nQuestion:", "\nPassages:", "\n\n\n"]
_MAX_LINE = 1 << 20  # one server-sent event; longer is no chat server


@dataclass(frozen=True)
class Completion:
    text: str
    model: str | None  # as the server names it
    seconds: float
    cut: bool  # the reply hit max_tokens before it ended


def chat_url(base: str) -> str:
    """The chat-completions URL for a server base URL ("http://host:11434" or ".../v1")."""
    base = base.rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    if base.endswith("/v1"):
        return base + "/chat/completions"
    return base + "/v1/chat/completions"


def request_body(messages: list[dict[str, str]], settings: Settings) -> dict[str, Any]:
    return {
        "model": settings.llm_model,
        "messages": messages,
        "temperature": 0,
        "max_tokens": settings.llm_max_tokens,
        "stop": STOP,
        "stream": True,
    }


def complete(messages: list[dict[str, str]], settings: Settings) -> Completion:
    """The model's reply, read within `llm_timeout_seconds`; LLMError says why there is none."""
    if not settings.llm_url:
        raise LLMError(f"no LLM configured: set {ENV_PREFIX}LLM_URL")
    url = chat_url(settings.llm_url)
    parts = urlsplit(url)
    limit = settings.llm_timeout_seconds
    started = time.monotonic()
    deadline = started + limit
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
    if settings.llm_api_key:
        headers["Authorization"] = f"Bearer {settings.llm_api_key}"
    body = json.dumps(request_body(messages, settings)).encode()
    conn = kind(parts.hostname or "", parts.port, timeout=limit)
    try:
        conn.request("POST", parts.path or "/", body=body, headers=headers)
        response = conn.getresponse()
        if response.status != 200:
            raise LLMError(
                f"{url} answered HTTP {response.status} {response.reason}; "
                f"check {ENV_PREFIX}LLM_URL and {ENV_PREFIX}LLM_MODEL"
            )
        if "text/event-stream" in (response.getheader("Content-Type") or ""):
            text, model, cut = _read_events(response, conn, deadline)
        else:  # a server that ignores "stream" answers with one JSON body
            _bound(conn, deadline)
            text, model, cut = _parse_body(response.read())
    except LLMError:
        raise
    except TimeoutError:
        raise LLMError(
            f"no complete answer from {url} within {limit:g} s "
            f"({ENV_PREFIX}LLM_TIMEOUT_SECONDS); the request was closed"
        ) from None
    except ConnectionRefusedError:
        raise LLMError(f"cannot connect to {settings.llm_url} (connection refused)") from None
    except (OSError, http.client.HTTPException) as exc:
        raise LLMError(f"cannot connect to {settings.llm_url} ({first_line(exc)})") from None
    except (ValueError, KeyError, IndexError, TypeError):
        raise LLMError(f"{url} did not answer in the OpenAI chat format") from None
    finally:
        conn.close()  # also on a timeout: the server sees the client go and stops
    return Completion(text, model or settings.llm_model, round(time.monotonic() - started, 2), cut)


def _bound(conn: http.client.HTTPConnection, deadline: float) -> None:
    """Give the next read only the time left."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    if conn.sock is not None:
        conn.sock.settimeout(left)


def _read_events(
    response: http.client.HTTPResponse, conn: http.client.HTTPConnection, deadline: float
) -> tuple[str, str | None, bool]:
    """Server-sent events: `data: {chunk}` lines until `data: [DONE]` or the end."""
    pieces: list[str] = []
    model: str | None = None
    cut = False
    while True:
        _bound(conn, deadline)
        raw = response.readline(_MAX_LINE)
        if not raw:
            break
        line = raw.decode("utf-8", "replace").strip()
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            break
        chunk = json.loads(data)
        if "error" in chunk:
            raise LLMError(f"the LLM server reported an error: {str(chunk['error'])[:120]}")
        model = chunk.get("model") or model
        for choice in chunk.get("choices") or ():
            piece = (choice.get("delta") or {}).get("content")
            if isinstance(piece, str):
                pieces.append(piece)
            cut = cut or choice.get("finish_reason") == "length"
    return "".join(pieces), model, cut


def _parse_body(data: bytes) -> tuple[str, str | None, bool]:
    payload = json.loads(data.decode("utf-8"))
    choice = payload["choices"][0]
    content = choice["message"]["content"]
    if not isinstance(content, str):
        raise TypeError
    return content, payload.get("model"), choice.get("finish_reason") == "length"
