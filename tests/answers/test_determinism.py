"""The same corpus and settings give the same answers, whatever the embedding thread count
and the ingest run (slow: a second ingest of the dev corpus)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml
from repo_paths import EVAL

from reader import Library
from reader.models import Answer
from reader.settings import Settings


@pytest.fixture(scope="module")
def one_thread_library(
    corpus_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Library]:
    settings = corpus_settings.replace(
        index_dir=tmp_path_factory.mktemp("one-thread-index"), embedding_threads=1
    )
    library = Library(settings)
    report = library.ingest()
    assert not report.failed, report.failed
    yield library
    library.close()


def dev_questions() -> list[str]:
    questions: list[str] = []
    for name in ("questions-dev.yaml", "questions-zh-dev.yaml"):
        path = EVAL / name
        if path.exists():
            questions += [str(item["question"]) for item in yaml.safe_load(path.read_text())]
    return questions


def shape(answer: Answer) -> tuple[object, ...]:
    return (
        answer.answer,
        answer.abstained,
        [(c.paper_id, c.section, c.page, c.quote) for c in answer.citations],
        [(o.answer, o.score) for o in answer.options],
        [(h.paper_id, h.chunk_id) for h in answer.hits],
    )


@pytest.mark.slow
def test_every_dev_answer_is_the_same_with_one_and_two_embedding_threads(
    corpus_library: Library, one_thread_library: Library
) -> None:
    assert corpus_library.settings.embedding_threads == 2
    questions = dev_questions()
    if not questions:
        pytest.skip("../shared/eval/questions-dev.yaml is needed")
    differ = [
        q for q in questions if shape(corpus_library.ask(q)) != shape(one_thread_library.ask(q))
    ]
    assert differ == [], differ
    for term in ("GELU", "InfoNCE", "layer normalization", "Q-Former"):
        assert corpus_library.concept(term) == one_thread_library.concept(term)
