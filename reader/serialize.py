"""The JSON contracts of `--json` output: later tools and checks read these shapes."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reader.models import (
    Answer,
    Block,
    Citation,
    ConceptResult,
    Generation,
    GlossaryEntry,
    Hit,
    IngestReport,
    PaperRecord,
    QueryMapping,
    QuotedBlock,
    Section,
)
from reader.study.records import PaperReferences, PlanPaper, WeekPlan

if TYPE_CHECKING:
    from reader.study.practice.checker import CheckReport
    from reader.study.practice.exercises import Exercise
    from reader.study.records import CardBack, GradeResult, QuizCard, QuizNext, QuizStats


def hit_json(hit: Hit) -> dict[str, Any]:
    return {
        "paper_id": hit.paper_id,
        "paper_title": hit.paper_title,
        "section": hit.section,
        "section_role": hit.section_role.value,
        "page": hit.page,
        "text": hit.text,
        "score": round(hit.score, 6),
    }


def search_json(
    query: str, hits: Sequence[Hit], mapping: QueryMapping | None = None
) -> dict[str, Any]:
    return {
        "query": query,
        "query_used": mapping.english if mapping else query,
        "unmatched": list(mapping.unmatched) if mapping else [],
        "hits": [hit_json(h) for h in hits],
    }


def sections_json(paper: PaperRecord, sections: Sequence[Section]) -> dict[str, Any]:
    return {
        "paper": {"id": paper.id, "version": paper.version, "title": paper.title},
        "sections": [
            {
                "number": s.number,
                "title": s.title,
                "level": s.level,
                "role": s.role.value,
                "page_start": s.page_start,
                "page_end": s.page_end,
                "text": s.text,
                "blocks": [block_json(b) for b in s.blocks],
            }
            for s in sections
        ],
    }


def block_json(block: Block) -> dict[str, Any]:
    return {
        "kind": block.kind.value,
        "text": block.text,
        "page": block.page,
        "bbox": [round(v, 1) for v in block.bbox],
        "number": block.number,
        "caption": block.caption,
    }


def quoted_json(quoted: QuotedBlock) -> dict[str, Any]:
    return {"paper_id": quoted.paper_id, **block_json(quoted.block)}


def citations_json(citations: Sequence[Citation]) -> list[dict[str, Any]]:
    return [
        {"paper_id": c.paper_id, "section": c.section, "page": c.page, "quote": c.quote}
        for c in citations
    ]


def generation_json(generation: Generation | None) -> dict[str, Any]:
    """Whether a configured LLM wrote the answer and why not; `used: false` and a null reason
    when none is configured."""
    if generation is None:
        return {"used": False, "reason": None, "model": None, "seconds": None}
    return dataclasses.asdict(generation)


def answer_json(answer: Answer) -> dict[str, Any]:
    missing = answer.missing_paper
    return {
        "question": answer.question,
        "answer": answer.answer,
        "abstained": answer.abstained,
        "generated": answer.generated,
        "generation": generation_json(answer.generation),
        "citations": citations_json(answer.citations),
        "printed": [quoted_json(q) for q in answer.printed],
        "answers": [
            {
                "answer": o.answer,
                "citations": citations_json(o.citations),
                "score": o.score,
                "printed": [quoted_json(q) for q in o.printed],
            }
            for o in answer.options
        ],
        "missing_paper": {"id": missing.id, "title": missing.title} if missing else None,
        "query_used": answer.query_used or answer.question,
        "unmatched": list(answer.unmatched),
        "hits": [hit_json(h) for h in answer.hits],
    }


def concept_json(result: ConceptResult) -> dict[str, Any]:
    return {
        "term": result.term,
        "canonical": result.canonical or result.term,
        "found": result.found,
        "expansion": result.expansion,
        "definitions": [dataclasses.asdict(d) for d in result.definitions],
        "occurrences": [dataclasses.asdict(o) for o in result.occurrences],
        "related": list(result.related),
        "glossary": dataclasses.asdict(result.glossary) if result.glossary else None,
        "reading_list": [dataclasses.asdict(r) for r in result.reading_list],
        "hint": result.hint,
        "query_used": result.query_used or result.term,
        "unmatched": list(result.unmatched),
    }


def papers_json(papers: Sequence[PaperRecord]) -> dict[str, Any]:
    return {"papers": [dataclasses.asdict(p) for p in papers]}


def ingest_json(report: IngestReport) -> dict[str, Any]:
    return {
        "papers": [dataclasses.asdict(o) for o in report.outcomes],
        "failed": len(report.failed),
        "stage_seconds": {k: round(v, 3) for k, v in report.stage_seconds.items()},
    }


def plan_json(plan: WeekPlan) -> dict[str, Any]:
    def paper(p: PlanPaper) -> dict[str, Any]:
        entry = p.status.entry
        return {
            "id": p.id,
            "title": p.title,
            "stage": entry.stage,
            "weeks": entry.weeks,
            "read_first": list(entry.read_first),
            "focus": list(entry.focus),
            "state": p.state,
        }

    return {
        "start": plan.start.isoformat(),
        "today": plan.today.isoformat(),
        "week": plan.week,
        "total_weeks": plan.total_weeks,
        "over": plan.over,
        "this_week": [paper(p) for p in plan.this_week],
        "overdue": [paper(p) for p in plan.overdue],
    }


def glossary_json(entry: GlossaryEntry) -> dict[str, Any]:
    return dataclasses.asdict(entry)


def card_json(card: QuizCard, back: CardBack | None) -> dict[str, Any]:
    """A card's front (`question`, `question_zh`) and back (`answer`, `citations`, `glossary`)."""
    return {
        "id": card.id,
        "kind": card.kind,
        "question": card.question,
        "question_zh": card.question_zh,
        "concepts": list(card.concepts),
        "paper_id": card.paper_id,
        "stage": card.stage,
        "answer": back.answer if back else None,
        "citations": [
            {"paper_id": c.paper_id, "section": c.section, "page": c.page, "quote": c.quote}
            for c in (back.citations if back else ())
        ],
        "glossary": [glossary_json(g) for g in back.glossary] if back else [],
        "in_library": back.in_library if back else None,
        "note": back.note if back else None,
    }


def quiz_next_json(result: QuizNext) -> dict[str, Any]:
    card = None
    if result.card is not None:
        card = card_json(result.card, result.back)
        schedule = result.schedule
        card["state"] = schedule.state if schedule else "new"
        card["due"] = schedule.due.isoformat() if schedule and schedule.due else None
    return {
        "card": card,
        "due_today": result.due_today,
        "next_due": result.next_due.isoformat() if result.next_due else None,
    }


def quiz_grade_json(result: GradeResult) -> dict[str, Any]:
    return {
        "card_id": result.card_id,
        "rating": result.rating,
        "reviewed_at": result.reviewed_at.isoformat(),
        "due": result.due.isoformat(),
        "days": result.days,
        "state": result.state,
    }


def quiz_stats_json(stats: QuizStats) -> dict[str, Any]:
    return {
        "total": stats.total,
        "new": stats.new,
        "learning": stats.learning,
        "review": stats.review,
        "due_today": stats.due_today,
        "reviews": stats.reviews,
        "by_rating": dict(stats.by_rating),
    }


def exercises_json(exercises: Sequence[Exercise]) -> dict[str, Any]:
    return {
        "exercises": [
            {
                "name": ex.name,
                "title": ex.title,
                "symbol": ex.symbol,
                "signature": ex.signature,
                "paper_id": ex.paper_id,
                "section": f"{ex.section_number} {ex.section_title}",
                "stage": ex.stage,
            }
            for ex in exercises
        ]
    }


def practice_json(report: CheckReport) -> dict[str, Any]:
    return {
        "exercise": report.exercise,
        "file": str(report.file),
        "passed": report.passed,
        "timed_out": report.timed_out,
        "checks": [
            {"name": c.name, "passed": c.passed, "message": c.message} for c in report.checks
        ],
    }


def references_json(refs: PaperReferences) -> dict[str, Any]:
    return {
        "paper_id": refs.paper_id,
        "references": [
            {"number": r.number, "text": r.text, "title": r.title, "arxiv_id": r.arxiv_id}
            for r in refs.references
        ],
    }
