"""Optional generative answers from an OpenAI-compatible chat server, held to their citations."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

from reader.errors import LLMError
from reader.models import Answer, Citation, Hit
from reader.settings import Settings
from reader.text.sentences import split_sentences
from reader.text.stems import content_stems

SYSTEM_PROMPT = (
    "You answer a reader's question about research papers using ONLY the numbered passages "
    "given. Answer in one to three sentences. End every sentence with the number of the "
    "passage that supports it in square brackets, like [1] or [2][3]. Never use outside "
    "knowledge. If the passages do not answer the question, reply exactly: NOT FOUND"
)
_MARKER = re.compile(r"\[(\d{1,3})\]")


def chat_url(base: str) -> str:
    """The chat-completions URL for a server base URL ("http://host:11434" or ".../v1")."""
    base = base.rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    if base.endswith("/v1"):
        return base + "/chat/completions"
    return base + "/v1/chat/completions"


def build_messages(question: str, hits: Sequence[Hit]) -> list[dict[str, str]]:
    passages = "\n\n".join(
        f"[{i}] ({hit.paper_title}, {hit.section}, p.{hit.page})\n{hit.text}"
        for i, hit in enumerate(hits, start=1)
    )
    user = f"Passages:\n\n{passages}\n\nQuestion: {question}"
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def complete(messages: list[dict[str, str]], settings: Settings) -> str:
    """One chat completion; any transport or protocol failure is an LLMError."""
    if not settings.llm_url:
        raise LLMError("no LLM endpoint configured: set READER_LLM_URL")
    url = chat_url(settings.llm_url)
    body = json.dumps(
        {"model": settings.llm_model, "messages": messages, "temperature": 0, "stream": False}
    ).encode()
    headers = {"Content-Type": "application/json"}
    if settings.llm_api_key:
        headers["Authorization"] = f"Bearer {settings.llm_api_key}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.llm_timeout_seconds) as response:
            payload: Any = json.loads(response.read().decode("utf-8"))
        content = payload["choices"][0]["message"]["content"]
    except urllib.error.HTTPError as exc:
        raise LLMError(f"LLM server {url} answered HTTP {exc.code}; check READER_LLM_URL") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise LLMError(f"LLM server {url} unreachable ({exc}); check READER_LLM_URL") from None
    except (ValueError, KeyError, IndexError, TypeError):
        raise LLMError(f"LLM server {url} did not answer in the OpenAI chat format") from None
    if not isinstance(content, str):
        raise LLMError(f"LLM server {url} returned no text")
    return content


def _best_quote(claim: str, hit: Hit) -> str:
    """The passage sentence sharing most words with a claim: what the citation points at."""
    claim_stems = set(content_stems(claim))
    spans = split_sentences(hit.text) or []
    if not spans:
        return hit.text[:300]
    best = max(spans, key=lambda s: len(claim_stems & set(content_stems(s.text))))
    return best.text


def check_citations(
    text: str, hits: Sequence[Hit], labels: Sequence[str]
) -> tuple[str, tuple[Citation, ...]]:
    """Validate a generated answer: every sentence cites retrieved passages, and only them.

    Returns the answer with `[n]` replaced by citation labels, and its citations.
    """
    text = " ".join(text.split())
    if not text or text.upper().startswith("NOT FOUND"):
        raise LLMError("the LLM found no answer in the passages")
    sentences: list[str] = []
    for span in split_sentences(text):
        # "... gradients. [1] Next ..." : a marker opening a sentence belongs to the one before.
        lead = re.match(r"(?:\[\d{1,3}\]\s*)+", span.text)
        if lead and sentences:
            sentences[-1] += " " + lead.group().strip()
            rest = span.text[lead.end() :].strip()
            if rest:
                sentences.append(rest)
        else:
            sentences.append(span.text)
    citations: list[Citation] = []
    seen: set[int] = set()
    for sentence in sentences:
        numbers = [int(n) for n in _MARKER.findall(sentence)]
        if not numbers:
            raise LLMError(f"the LLM answer has an uncited sentence: {sentence[:60]!r}")
        for n in numbers:
            if not 1 <= n <= len(hits):
                raise LLMError(f"the LLM cited passage [{n}], which was not retrieved")
            if n not in seen:
                seen.add(n)
                hit = hits[n - 1]
                claim = _MARKER.sub("", sentence)
                citations.append(
                    Citation(
                        hit.paper_id, hit.section, hit.page, _best_quote(claim, hit), labels[n - 1]
                    )
                )
    # Anything bracketed that is not a passage number is an invented citation.
    stray = re.findall(r"\[[^\]]*\]", _MARKER.sub("", text))
    if stray:
        raise LLMError(f"the LLM answer carries a citation that is not a passage: {stray[0]}")
    rendered = re.sub(r"\s*" + _MARKER.pattern, lambda m: " " + labels[int(m.group(1)) - 1], text)
    return rendered.strip(), tuple(citations)


def generate_answer(
    question: str, hits: Sequence[Hit], labels: Sequence[str], settings: Settings
) -> Answer:
    """Ask the configured LLM to answer from `hits` only; LLMError if it fails or strays."""
    if not hits:
        raise LLMError("no passages to answer from")
    content = complete(build_messages(question, hits), settings)
    text, citations = check_citations(content, hits, labels)
    return Answer(question, text, False, citations, tuple(hits), generated=True)
