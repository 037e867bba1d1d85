"""`reader eval`: score sections, search, answers and concepts against gold YAML files."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

from reader.errors import CatalogError, ReaderError
from reader.models import Answer, Citation, ConceptResult, Hit, Section, SectionRole

RANK_DEPTH = 10  # MRR looks this deep; hit@5 inside it
_T = TypeVar("_T")


class EvalTarget(Protocol):
    """What is scored; the Library facade satisfies it."""

    def search(self, query: str, k: int) -> list[Hit]: ...

    def ask(self, question: str) -> Answer: ...

    def concept(self, term: str) -> ConceptResult: ...

    def sections(self, paper_id: str) -> list[Section]: ...


def norm(text: str) -> str:
    """Gold comparison: lower case, whitespace collapsed (nothing else is forgiven)."""
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class QuestionResult:
    id: str
    paper: str
    question: str
    rank: int | None  # first passage with a gold phrase from the gold paper, within RANK_DEPTH
    answered: bool  # the answer contains a gold phrase and cites the gold paper
    abstained: bool
    answer: str
    answered_in_3: bool = False  # one of the first three answers (`answers` in --json) is right
    source: str = ""  # the gold file's name without .yaml ("questions-zh-dev")

    @property
    def hit_at_5(self) -> bool:
        return self.rank is not None and self.rank <= 5


@dataclass(frozen=True)
class ConceptCheck:
    term: str
    found_right: bool  # found == (the gold lists papers)
    recall: float  # share of gold papers among the occurrences
    missing: tuple[str, ...]
    definition_right: bool | None  # None: the gold gives no definition to find
    expansion_right: bool | None
    hint: str | None
    canonical_right: bool | None = None  # None: the gold names no canonical term
    source: str = ""  # the gold file's name without .yaml ("concepts-zh-dev")

    @property
    def passed(self) -> bool:
        return (
            self.found_right
            and self.recall == 1.0
            and self.definition_right is not False
            and self.expansion_right is not False
            and self.canonical_right is not False
        )


@dataclass(frozen=True)
class SectionCheck:
    paper: str
    check: str  # intro | method | method_contains | after_method | top_level
    passed: bool
    detail: str


@dataclass(frozen=True)
class EvalReport:
    questions: tuple[QuestionResult, ...]
    concepts: tuple[ConceptCheck, ...]
    sections: tuple[SectionCheck, ...]
    latency_ms: tuple[tuple[str, float], ...] = ()  # median per operation

    @property
    def hit_at_5(self) -> int:
        return sum(q.hit_at_5 for q in self.questions)

    @property
    def mrr(self) -> float:
        ranks = [1.0 / q.rank if q.rank else 0.0 for q in self.questions]
        return sum(ranks) / len(ranks) if ranks else 0.0

    @property
    def answer_at_1(self) -> int:
        return sum(q.answered for q in self.questions)

    @property
    def answer_at_3(self) -> int:
        return sum(q.answered_in_3 for q in self.questions)

    @property
    def concepts_right(self) -> int:
        return sum(c.passed for c in self.concepts)

    @property
    def sections_right(self) -> int:
        return sum(s.passed for s in self.sections)

    def to_json(self) -> dict[str, Any]:
        n_q = len(self.questions)
        return {
            "totals": {
                "questions": n_q,
                "hit_at_5": self.hit_at_5,
                "mrr": round(self.mrr, 4),
                "answer_at_1": self.answer_at_1,
                "answer_at_3": self.answer_at_3,
                "concepts": len(self.concepts),
                "concepts_right": self.concepts_right,
                "section_checks": len(self.sections),
                "section_checks_right": self.sections_right,
                "latency_ms_p50": {op: round(ms, 1) for op, ms in self.latency_ms},
            },
            "by_file": self._by_file(),
            "questions": [asdict(q) | {"hit_at_5": q.hit_at_5} for q in self.questions],
            "concepts": [asdict(c) | {"passed": c.passed} for c in self.concepts],
            "sections": [asdict(s) for s in self.sections],
        }

    def _by_file(self) -> dict[str, dict[str, int]]:
        """Each gold file's own row: English and Chinese sets are not mixed in one figure."""
        rows: dict[str, dict[str, int]] = {}
        for q in self.questions:
            row = rows.setdefault(q.source, {"questions": 0, "hit_at_5": 0, "answer_at_1": 0,
                                             "answer_at_3": 0})  # fmt: skip
            row["questions"] += 1
            row["hit_at_5"] += q.hit_at_5
            row["answer_at_1"] += q.answered
            row["answer_at_3"] += q.answered_in_3
        for c in self.concepts:
            row = rows.setdefault(c.source, {"concepts": 0, "concepts_right": 0})
            row["concepts"] += 1
            row["concepts_right"] += c.passed
        return rows

    def to_table(self) -> str:
        lines: list[str] = []
        if self.sections:
            lines.append(f"Sections: {self.sections_right}/{len(self.sections)} checks right")
            for s in self.sections:
                mark = "ok " if s.passed else "BAD"
                lines.append(f"  {mark} {s.paper:<12} {s.check:<16} {s.detail}")
        if self.questions:
            n = len(self.questions)
            lines.append(
                f"Questions: hit@5 {self.hit_at_5}/{n}  MRR {self.mrr:.3f}  "
                f"answer@1 {self.answer_at_1}/{n}  answer@3 {self.answer_at_3}/{n}"
            )
            lines.append(f"  {'id':<5} {'rank':>4} {'hit@5':>5} {'ans':>4}  question")
            for q in self.questions:
                rank = str(q.rank) if q.rank else "-"
                ans = "abst" if q.abstained else ("ok" if q.answered else "no")
                hit = "ok" if q.hit_at_5 else "no"
                lines.append(f"  {q.id:<5} {rank:>4} {hit:>5} {ans:>4}  {q.question[:70]}")
        if self.concepts:
            lines.append(f"Concepts: {self.concepts_right}/{len(self.concepts)} right")
            for c in self.concepts:
                mark = "ok " if c.passed else "BAD"
                parts = [f"found {'ok' if c.found_right else 'wrong'}", f"recall {c.recall:.2f}"]
                if c.definition_right is not None:
                    parts.append(f"definition {'ok' if c.definition_right else 'missing'}")
                if c.expansion_right is not None:
                    parts.append(f"expansion {'ok' if c.expansion_right else 'wrong'}")
                if c.canonical_right is not None:
                    parts.append(f"canonical {'ok' if c.canonical_right else 'wrong'}")
                if c.missing:
                    parts.append("missing " + ",".join(c.missing))
                lines.append(f"  {mark} {c.term:<22} " + "; ".join(parts))
        by_file = self._by_file()
        if len(by_file) > 1:
            lines.append("By gold file:")
            for name, row in by_file.items():
                if "questions" in row:
                    n = row["questions"]
                    lines.append(
                        f"  {name:<24} hit@5 {row['hit_at_5']}/{n}  "
                        f"answer@1 {row['answer_at_1']}/{n}  answer@3 {row['answer_at_3']}/{n}"
                    )
                else:
                    lines.append(f"  {name:<24} {row['concepts_right']}/{row['concepts']} right")
        if self.latency_ms:
            lines.append(
                "Latency p50: " + ", ".join(f"{op} {ms:.0f} ms" for op, ms in self.latency_ms)
            )
        return "\n".join(lines) if lines else "No gold items found."


def _load(path: Path) -> list[dict[str, Any]]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"cannot read gold file {path}: {exc}".splitlines()[0]) from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise CatalogError(f"gold file {path} must be a YAML list of mappings")
    return data


class _Timer:
    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = {}

    def run(self, op: str, fn: Callable[[], _T]) -> _T:
        start = time.perf_counter()
        try:
            return fn()
        finally:
            self.samples.setdefault(op, []).append((time.perf_counter() - start) * 1000)

    def medians(self) -> tuple[tuple[str, float], ...]:
        return tuple((op, statistics.median(v)) for op, v in self.samples.items() if v)


def run_eval(engine: EvalTarget, gold_dir: Path) -> EvalReport:
    """Score every sections-*.yaml, questions-*.yaml and concepts-*.yaml in `gold_dir`."""
    files = {
        kind: sorted(gold_dir.glob(f"{kind}*.yaml"))
        for kind in ("sections", "questions", "concepts")
    }
    if not any(files.values()):
        raise CatalogError(
            f"no sections-*.yaml, questions-*.yaml or concepts-*.yaml in {gold_dir}; "
            "pass --gold with the gold folder"
        )
    timer = _Timer()
    sections = [c for f in files["sections"] for item in _load(f) for c in _sections(engine, item)]
    questions = [
        replace(_question(engine, item, timer), source=f.stem)
        for f in files["questions"]
        for item in _load(f)
    ]
    concepts = [
        replace(_concept(engine, item, timer), source=f.stem)
        for f in files["concepts"]
        for item in _load(f)
    ]
    return EvalReport(tuple(questions), tuple(concepts), tuple(sections), timer.medians())


def _question(engine: EvalTarget, item: dict[str, Any], timer: _Timer) -> QuestionResult:
    paper = str(item.get("paper", ""))
    phrases = [norm(p) for p in item.get("phrases", [])]
    question = str(item["question"])

    def good(paper_id: str, text: str) -> bool:
        return paper_id == paper and any(p in norm(text) for p in phrases)

    hits = timer.run("search", lambda: engine.search(question, RANK_DEPTH))
    rank = next((i for i, h in enumerate(hits, start=1) if good(h.paper_id, h.text)), None)
    answer = timer.run("ask", lambda: engine.ask(question))

    def right(text: str, citations: Sequence[Citation]) -> bool:
        return any(c.paper_id == paper for c in citations) and good(paper, text)

    answered = not answer.abstained and right(answer.answer, answer.citations)
    in_3 = answered or any(right(o.answer, o.citations) for o in answer.options[:3])
    return QuestionResult(
        str(item.get("id", "")),
        paper,
        question,
        rank,
        answered,
        answer.abstained,
        answer.answer,
        in_3 and not answer.abstained,
    )


def _concept(engine: EvalTarget, item: dict[str, Any], timer: _Timer) -> ConceptCheck:
    term = str(item["term"])
    gold_papers = [str(p) for p in item.get("in_papers", [])]
    result = timer.run("concept", lambda: engine.concept(term))
    seen = {o.paper_id for o in result.occurrences}
    missing = tuple(p for p in gold_papers if p not in seen)
    recall = 1.0 - len(missing) / len(gold_papers) if gold_papers else 1.0
    found_right = result.found == bool(gold_papers)
    definition_right: bool | None = None
    if item.get("defined_in"):
        phrases = [norm(p) for p in item.get("definition_phrases", [])]
        definition_right = any(
            d.paper_id == str(item["defined_in"]) and any(p in norm(d.text) for p in phrases)
            for d in result.definitions
        )
    expansion_right: bool | None = None
    if item.get("expansion"):
        expansion_right = _same_phrase(result.expansion or "", str(item["expansion"]))
    canonical_right: bool | None = None
    if item.get("canonical"):
        canonical_right = norm(result.canonical or result.term) == norm(str(item["canonical"]))
    return ConceptCheck(
        term,
        found_right,
        recall,
        missing,
        definition_right,
        expansion_right,
        result.hint,
        canonical_right,
    )


def _same_phrase(a: str, b: str) -> bool:
    """Case-insensitive, a trailing plural 's' forgiven ("Units" vs "Unit")."""
    a, b = norm(a).replace("-", " "), norm(b).replace("-", " ")
    return a.rstrip("s") == b.rstrip("s")


def _sections(engine: EvalTarget, item: dict[str, Any]) -> list[SectionCheck]:
    paper = str(item["paper"])
    try:
        sections = engine.sections(paper)
    except ReaderError as exc:
        return [SectionCheck(paper, "paper", False, str(exc))]
    checks: list[SectionCheck] = []
    found: dict[str, Section | None] = {}
    for key in ("intro", "method"):
        gold = item.get(key)
        if isinstance(gold, dict):
            section, check = _find_section(paper, key, gold, sections)
            found[key] = section
            checks.append(check)
    method = found.get("method")
    method_text = norm(method.text) if method else ""
    if item.get("method_contains"):
        absent = [p for p in item["method_contains"] if norm(str(p)) not in method_text]
        detail = "all present" if not absent else "absent: " + ", ".join(map(str, absent))
        checks.append(
            SectionCheck(paper, "method_contains", method is not None and not absent, detail)
        )
    after = item.get("after_method")
    if isinstance(after, dict):
        checks.append(_after_method(paper, after, method, method_text, sections))
    if item.get("top_level"):
        want = [norm(str(t)) for t in item["top_level"]]
        got = [norm(s.title) for s in sections if _numbered_top(s)]
        detail = "same" if got == want else "got: " + "; ".join(got)
        checks.append(SectionCheck(paper, "top_level", got == want, detail))
    return checks


def _numbered_top(s: Section) -> bool:
    """The paper's numbered body sections; front and back matter is not part of the gold list."""
    skip = (SectionRole.ABSTRACT, SectionRole.REFERENCES, SectionRole.APPENDIX)
    back_matter = norm(s.title).startswith("acknowledg")
    return s.level == 1 and s.role not in skip and s.number[:1].isdigit() and not back_matter


def _find_section(
    paper: str, key: str, gold: dict[str, Any], sections: Sequence[Section]
) -> tuple[Section | None, SectionCheck]:
    title = norm(str(gold.get("title", "")))
    number = str(gold.get("number", "")).strip()
    section = next(
        (s for s in sections if norm(s.title) == title and (not number or s.number == number)),
        None,
    )
    if section is None:
        return None, SectionCheck(paper, key, False, f"no section {number} {title!r}")
    problems = []
    if "page" in gold and section.page_start != int(gold["page"]):
        problems.append(f"starts on p.{section.page_start}, gold p.{gold['page']}")
    start = norm(str(gold.get("starts_with", "")))
    if start and not norm(section.text).startswith(start):
        problems.append(f"begins {norm(section.text)[:50]!r}")
    return section, SectionCheck(paper, key, not problems, "; ".join(problems) or "right")


def _after_method(
    paper: str,
    after: dict[str, Any],
    method: Section | None,
    method_text: str,
    sections: Sequence[Section],
) -> SectionCheck:
    if method is None:
        return SectionCheck(paper, "after_method", False, "method section not found")
    tops = [s for s in sections if s.level == 1]
    following = (
        next((s for s in tops if tops.index(s) > tops.index(method)), None)
        if (method in tops)
        else None
    )
    problems = []
    if following is None or norm(following.title) != norm(str(after.get("title", ""))):
        got = following.title if following else "nothing"
        problems.append(f"next top-level section is {got!r}")
    leak = norm(str(after.get("next_starts_with", "")))
    if leak and leak in method_text:
        problems.append("method text runs into the next section")
    return SectionCheck(paper, "after_method", not problems, "; ".join(problems) or "right")
