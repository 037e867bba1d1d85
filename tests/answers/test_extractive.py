"""Extractive answers: cited sentences from the library, or an honest abstention."""

from __future__ import annotations

from typing import Any

import pytest
from answers_support import SHORT, TITLES, HashEmbedder, MemoryStore, chunk, sample_answerer
from repo_paths import EVAL, TEST_DATA

from reader.answers.extractive import NOT_FOUND, Answerer, citation_label, clip
from reader.answers.retrieval import Retriever
from reader.models import Citation, Hit, PaperEntry, PaperRef, SectionRole
from reader.settings import Settings


def test_answer_quotes_a_sentence_with_its_citation() -> None:
    a = sample_answerer().ask("Which activation does BERT use instead of relu?")
    assert not a.abstained
    assert "gelu activation" in a.answer
    assert "[BERT §3.1, p.4]" in a.answer
    c = a.citations[0]
    assert (c.paper_id, c.section, c.page) == ("1810.04805", "3.1 Pre-training BERT", 4)
    assert c.quote in a.answer and c.quote in " ".join(h.text for h in a.hits)


def test_answer_stays_within_budget_and_has_one_to_three_sentences() -> None:
    a = sample_answerer(max_answer_chars=200).ask(
        "Why scale the dot products by the square root of dk?"
    )
    assert 1 <= len(a.citations) <= 3
    assert sum(len(c.quote) for c in a.citations) <= 200 + len(a.citations)
    assert "dot products" in a.answer


@pytest.mark.parametrize(
    "question", ["What is the capital of France?", "How do I bake sourdough at home?"]
)
def test_off_topic_questions_abstain_with_nearest_passages(question: str) -> None:
    a = sample_answerer().ask(question)
    assert a.abstained and a.answer == NOT_FOUND and a.citations == ()
    assert isinstance(a.hits, tuple)


def test_filters_reach_the_answer() -> None:
    a = sample_answerer().ask("dot products softmax gradients", paper_ids=frozenset({"1810.04805"}))
    assert all(c.paper_id == "1810.04805" for c in a.citations)
    assert all(h.paper_id == "1810.04805" for h in a.hits)


def test_citation_label_uses_number_or_title() -> None:
    hit = Hit(1, "p", "T", "3.2.1 Attention", SectionRole.METHOD, 4, "x", 1.0)
    assert citation_label(hit, {"p": "Transformer"}) == "[Transformer §3.2.1, p.4]"
    abstract = Hit(1, "p", "T", "Abstract", SectionRole.ABSTRACT, 1, "x", 1.0)
    assert citation_label(abstract, {}) == "[p §Abstract, p.1]"


def test_clip_cuts_at_a_word() -> None:
    assert clip("alpha beta gamma", 100) == "alpha beta gamma"
    assert clip("alpha beta gamma", 12) == "alpha beta…"


@pytest.mark.slow
def test_real_corpus_answers_from_the_right_section_and_abstains(corpus_library) -> None:  # type: ignore[no-untyped-def]
    """What a learner relies on, not which of two close windows comes first (that exact first
    answer is measured by `reader eval`): the answer cites BERT's §3.1, and the sentence with
    the figure is among the passages it shows."""
    a = corpus_library.ask("What fraction of the input tokens does BERT mask?")
    assert not a.abstained
    assert a.citations[0].paper_id == "1810.04805"
    assert a.citations[0].section.split()[0] == "3.1"
    assert any(h.paper_id == "1810.04805" and "15%" in h.text for h in a.hits[:3])
    off = corpus_library.ask("What is the capital of France?")
    assert off.abstained and off.hits


class CountingEmbedder(HashEmbedder):
    """The test embedder, counting what `ask` embeds."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def embed(self, texts):  # type: ignore[no-untyped-def]
        self.texts.extend(texts)
        return super().embed(texts)


def test_ask_embeds_the_question_once_and_few_sentences() -> None:
    embedder = CountingEmbedder()
    chunks = [chunk("1706.03762", i, f"Sentence {i} about attention heads and layers. " * 6)
              for i in range(20)]  # fmt: skip
    s = Settings()
    store = MemoryStore(chunks, TITLES, HashEmbedder())
    a = Answerer(Retriever(store, embedder, s), embedder, s, SHORT)
    question = "What do attention heads do in the layers?"
    a.ask(question)
    assert [t.lower() for t in embedder.texts].count(question.lower()) == 1
    assert len(embedder.texts) <= 1 + 12


def test_why_answer_gives_the_reason_with_its_consequence() -> None:
    a = sample_answerer().ask("Why are the dot products scaled?")
    assert "extremely small gradients" in a.answer
    assert len(a.answer) <= 400 + len(" [Transformer §3.2.1, p.4]")


def quotes_gold(item: dict[str, Any], text: str, citations: tuple[Citation, ...]) -> bool:
    from reader.evaluation import norm

    cites = any(c.paper_id == item["paper"] for c in citations)
    return cites and any(norm(p) in norm(text) for p in item["phrases"])


@pytest.mark.slow
def test_real_corpus_answer_floors(corpus_library) -> None:  # type: ignore[no-untyped-def]
    """Dev and held-out questions (tests/data): the answer, or one of the three alternatives,
    quotes a gold phrase and cites its paper. The floors sit three below what the answerer
    scored on 2026-12-02 (dev 16/17; held-out 33/40, 36/40 among three; batch B 15/24, 17/24),
    so a flip between two close windows on another machine cannot fail the suite; exact
    figures are `reader eval`'s."""
    import yaml

    dev = EVAL / "questions-dev.yaml"
    heldout = TEST_DATA / "questions-heldout.yaml"
    heldout_b = TEST_DATA / "questions-heldout-b.yaml"
    if not dev.exists():
        pytest.skip("../shared/eval/questions-dev.yaml is needed")
    for path, floor, floor_3 in ((dev, 13, 14), (heldout, 29, 33), (heldout_b, 12, 14)):
        right = right_3 = 0
        for item in yaml.safe_load(path.read_text()):
            a = corpus_library.ask(item["question"])
            right += quotes_gold(item, a.answer, a.citations)
            right_3 += any(quotes_gold(item, o.answer, o.citations) for o in a.options[:3])
        assert right >= floor, (path.name, right)
        assert right_3 >= floor_3, (path.name, right_3)


def test_alternatives_come_from_other_passages_best_first() -> None:
    a = sample_answerer().ask("Why scale the dot products by the square root of dk?")
    assert not a.abstained and a.options
    best = a.options[0]
    assert (best.answer, best.citations) == (a.answer, a.citations)
    assert len(a.options) == 3  # three passages, one answer each
    assert len({o.citations[0].section for o in a.options}) >= 2
    scores = [o.score for o in a.options]
    assert scores == sorted(scores, reverse=True)
    places = [{(c.paper_id, c.section, c.quote) for c in o.citations} for o in a.options]
    for i, mine in enumerate(places):
        assert all(not (mine & other) for other in places[i + 1 :])


def test_a_named_reading_list_paper_not_ingested_is_said_not_answered() -> None:
    blip2 = PaperEntry("2301.12597", title="BLIP-2: Frozen Image Encoders", short_name="BLIP-2")
    a = sample_answerer(reading_list=[blip2]).ask("What does the Q-Former do in BLIP-2?")
    assert a.abstained and a.options == () and a.citations == ()
    assert a.missing_paper == PaperRef("2301.12597", "BLIP-2: Frozen Image Encoders")
    assert "not ingested" in a.answer and "reader ingest --paper 2301.12597" in a.answer


def test_a_question_naming_an_ingested_paper_is_answered_though_the_list_has_more() -> None:
    blip2 = PaperEntry("2301.12597", title="BLIP-2: Frozen Image Encoders", short_name="BLIP-2")
    a = sample_answerer(reading_list=[blip2]).ask("Which activation does BERT use?")
    assert not a.abstained and a.missing_paper is None
    assert "gelu" in a.answer
