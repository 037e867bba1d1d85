"""Optional generative answers: an OpenAI-compatible server writes from the retrieved passages,
and its reply is used only when every sentence is held to the passages it cites."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence

from reader.errors import LLMError
from reader.generation.citations import build_messages, check_reply
from reader.generation.client import chat_url, complete
from reader.models import Answer, Generation, Hit
from reader.settings import ENV_PREFIX, Settings

__all__ = ["answer_with_llm", "build_messages", "chat_url", "check_reply", "complete"]


def answer_with_llm(
    question: str, hits: Sequence[Hit], labels: Sequence[str], settings: Settings, fallback: Answer
) -> Answer:
    """The LLM's answer from `hits` when it holds up; else `fallback`, saying why not."""
    started = time.monotonic()
    model: str | None = settings.llm_model
    try:
        if not hits:
            raise LLMError("no passages to answer from")
        completion = complete(build_messages(question, hits), settings)
        model = completion.model
        if completion.cut:
            raise LLMError(
                f"the reply ran past {settings.llm_max_tokens} tokens ({ENV_PREFIX}LLM_MAX_TOKENS)"
            )
        checked = check_reply(completion.text, hits, labels)
    except LLMError as exc:
        seconds = round(time.monotonic() - started, 2)
        why = Generation(False, str(exc), model, seconds)
        return dataclasses.replace(fallback, generation=why)
    used = Generation(True, None, model, completion.seconds)
    return Answer(
        question, checked.text, False, checked.citations, tuple(hits), generated=True,
        generation=used,
    )  # fmt: skip
