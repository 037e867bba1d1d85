"""`reader eval` scoring on small gold files and a scripted engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.errors import CatalogError, PaperNotFoundError
from reader.evaluation import run_eval
from reader.models import (
    Answer,
    Citation,
    ConceptResult,
    Definition,
    Hit,
    Occurrence,
    Section,
    SectionRole,
)

QUESTIONS = """
- {id: q1, paper: "p1", section: method, question: "Why scale?", phrases: ["small gradients"]}
- {id: q2, paper: "p1", section: method, question: "Unanswerable?", phrases: ["never there"]}
"""
CONCEPTS = """
- term: GELU
  in_papers: ["p1", "p2"]
  defined_in: "p1"
  definition_phrases: ["gaussian cdf"]
  expansion: "Gaussian Error Linear Unit"
- term: Q-Former
  in_papers: []
"""
SECTIONS = """
- paper: "p1"
  intro:  {number: "1", title: "Introduction", page: 1, starts_with: "Deep nets are"}
  method: {number: "2", title: "Method", page: 2, starts_with: "We scale"}
  method_contains: ["Scaled Attention"]
  after_method: {title: "Experiments", next_starts_with: "We evaluate"}
  top_level: ["Introduction", "Method", "Experiments"]
- paper: "missing"
  top_level: ["Introduction"]
"""


def section(number: str, title: str, page: int, text: str, level: int = 1) -> Section:
    role = SectionRole.METHOD if title == "Method" else SectionRole.OTHER
    return Section(number, title, level, role, page, page, text, len(text))


class Engine:
    def search(self, query: str, k: int) -> list[Hit]:
        hits = [
            Hit(1, "p2", "T2", "1 Intro", SectionRole.INTRODUCTION, 1, "small gradients", 0.9),
            Hit(2, "p1", "T1", "2 Method", SectionRole.METHOD, 2, "tiny  Small\nGradients", 0.8),
        ]
        return hits[:k]

    def ask(self, question: str) -> Answer:
        if question.startswith("Why"):
            cite = Citation("p1", "2 Method", 2, "Small gradients.", "[T1 §2, p.2]")
            return Answer(question, "Small gradients. [T1 §2, p.2]", False, (cite,), ())
        return Answer(question, "Not found in your library.", True, (), ())

    def concept(self, term: str) -> ConceptResult:
        if term == "GELUs":
            return ConceptResult(
                term,
                True,
                None,
                (),
                (Occurrence("p1", 2, "1 Introduction", 1),),
                (),
                None,
                canonical="GELU",
            )
        if term == "GELU":
            return ConceptResult(
                term,
                True,
                "Gaussian Error Linear Units",
                (Definition("p1", "2 Method", 2, "GELU uses the Gaussian CDF."),),
                (Occurrence("p1", 9, "1 Introduction", 1),),
                (),
                None,
            )
        return ConceptResult(term, False, None, (), (), (), None)

    def sections(self, paper_id: str) -> list[Section]:
        if paper_id != "p1":
            raise PaperNotFoundError(f"paper {paper_id} is not in the index")
        return [
            section("", "Abstract", 1, "We study nets."),
            section("1", "Introduction", 1, "Deep nets are good."),
            section("2", "Method", 2, "We scale things.\nScaled Attention\nIt is scaled."),
            section("2.1", "Scaled Attention", 2, "It is scaled.", level=2),
            section("3", "Experiments", 3, "We evaluate on MNIST."),
        ]


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    (tmp_path / "questions-dev.yaml").write_text(QUESTIONS, encoding="utf-8")
    (tmp_path / "concepts-dev.yaml").write_text(CONCEPTS, encoding="utf-8")
    (tmp_path / "sections-dev.yaml").write_text(SECTIONS, encoding="utf-8")
    return tmp_path


def test_questions_rank_mrr_and_answers(gold: Path) -> None:
    report = run_eval(Engine(), gold)
    q1, q2 = report.questions
    assert q1.rank == 2 and q1.hit_at_5 and q1.answered  # the p2 passage does not count
    assert q2.rank is None and q2.abstained and not q2.answered
    assert report.hit_at_5 == 1 and report.answer_at_1 == 1 and report.mrr == pytest.approx(0.25)


def test_concepts_recall_definition_expansion_abstention(gold: Path) -> None:
    gelu, qformer = run_eval(Engine(), gold).concepts
    assert gelu.recall == 0.5 and gelu.missing == ("p2",) and not gelu.passed
    assert gelu.definition_right and gelu.expansion_right  # plural forgiven
    assert gelu.canonical_right is None  # the gold names none
    assert qformer.found_right and qformer.passed


def test_concept_canonical_must_match_when_the_gold_names_one(tmp_path: Path) -> None:
    (tmp_path / "concepts-variants.yaml").write_text(
        '- {term: GELUs, canonical: gelu, in_papers: ["p1"]}\n'
        "- {term: ReLUs, canonical: ReLU, in_papers: []}\n",
        encoding="utf-8",
    )
    gelus, relus = run_eval(Engine(), tmp_path).concepts
    assert gelus.canonical_right and gelus.passed  # case-insensitive
    # An engine that reports no canonical term stands for the input, which is not "ReLU".
    assert relus.canonical_right is False and not relus.passed
    assert "canonical wrong" in run_eval(Engine(), tmp_path).to_table()


def test_sections_checks(gold: Path) -> None:
    checks = {(c.paper, c.check): c for c in run_eval(Engine(), gold).sections}
    assert all(
        checks[("p1", name)].passed
        for name in ("intro", "method", "method_contains", "after_method", "top_level")
    )
    assert not checks[("missing", "paper")].passed


def test_table_and_json(gold: Path) -> None:
    report = run_eval(Engine(), gold)
    table = report.to_table()
    assert "hit@5 1/2" in table and "answer@1 1/2" in table and "Concepts: 1/2" in table
    data = report.to_json()
    assert data["totals"]["hit_at_5"] == 1 and len(data["questions"]) == 2
    assert set(data["totals"]["latency_ms_p50"]) == {"search", "ask", "concept"}


def test_empty_gold_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no sections"):
        run_eval(Engine(), tmp_path)
