"""The same corpus and settings give the same answers, whatever the embedding thread count,
the ingest run and the process (slow: a second ingest of the dev corpus)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from repo_paths import EVAL, ROOT

from reader import Library
from reader.serialize import answer_json, concept_json
from reader.settings import Settings

TERMS = ("GELU", "InfoNCE", "layer normalization", "Q-Former", "ReLUs", "memory bank")

# Run in a fresh process with another hash seed: a ranking that leaned on the order of a set
# would come out differently there.
CHILD = """
import json, sys
from reader import Library
from reader.serialize import answer_json, concept_json
from reader.settings import Settings
questions, terms = json.loads(sys.stdin.read())
settings = Settings.from_env(
    {}, index_dir=sys.argv[1], papers_file=sys.argv[2], embedding_threads=1, offline=True
)
library = Library(settings)
print(json.dumps({
    "answers": [answer_json(library.ask(q)) for q in questions],
    "concepts": [concept_json(library.concept(t)) for t in terms],
}))
"""


@pytest.fixture(scope="module")
def one_thread_index(
    corpus_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    settings = corpus_settings.replace(
        index_dir=tmp_path_factory.mktemp("one-thread-index"), embedding_threads=1
    )
    with Library(settings) as library:
        report = library.ingest()
    assert not report.failed, report.failed
    yield settings


def dev_questions() -> list[str]:
    questions: list[str] = []
    for name in ("questions-dev.yaml", "questions-zh-dev.yaml"):
        path = EVAL / name
        if path.exists():
            questions += [str(item["question"]) for item in yaml.safe_load(path.read_text())]
    return questions


def comparable(answer: dict[str, Any]) -> dict[str, Any]:
    """An answer as a user sees it: the passages' fused scores (shown to 6 decimals) aside."""
    hits = [{k: v for k, v in h.items() if k != "score"} for h in answer["hits"]]
    return answer | {"hits": hits}


@pytest.mark.slow
def test_every_dev_answer_is_the_same_with_one_and_two_embedding_threads(
    corpus_library: Library, one_thread_index: Settings
) -> None:
    assert corpus_library.settings.embedding_threads == 2
    questions = dev_questions()
    if not questions:
        pytest.skip("../shared/eval/questions-dev.yaml is needed")
    seed = "1" if os.environ.get("PYTHONHASHSEED") != "1" else "2"
    env = {k: v for k, v in os.environ.items() if not k.startswith("READER_")}
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            str(one_thread_index.index_dir),
            str(one_thread_index.papers_file),
        ],
        input=json.dumps([questions, TERMS]),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env | {"PYTHONHASHSEED": seed},
        timeout=600,
    )
    other = json.loads(child.stdout)
    here = [
        comparable(json.loads(json.dumps(answer_json(corpus_library.ask(q))))) for q in questions
    ]
    there = [comparable(a) for a in other["answers"]]
    differ = [q for q, a, b in zip(questions, here, there, strict=True) if a != b]
    assert differ == [], differ
    # Through JSON as the child's came, so tuples compare with lists.
    concepts = json.loads(json.dumps([concept_json(corpus_library.concept(t)) for t in TERMS]))
    changed = [
        (term, key, mine[key], theirs[key])
        for term, mine, theirs in zip(TERMS, concepts, other["concepts"], strict=True)
        for key in mine
        if mine[key] != theirs[key]
    ]
    assert changed == []
