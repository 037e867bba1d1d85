"""Which sentences of the papers define a term: acronym definitions, "X is…", "we call…"."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from reader.models import Definition, SectionRole, StoredChunk
from reader.text.query import term_pattern
from reader.text.sentences import SentenceSpan, is_prose, split_sentences

T = "\u27e8T\u27e9"  # placeholder the term's surface forms are replaced with
_T = re.escape(T)
_ART = r"(?:(?:an?|the|our|this|new|novel)\s+)*"

# (pattern over the sentence with the term replaced by T, weight)
CUES: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(p, re.IGNORECASE), w)
    for p, w in (
        # "Gaussian Error Linear Unit (GELU)", "GELU (Gaussian Error Linear Unit)"
        (rf"\(\s*[“\"']?{_T}[”\"']?\s*[),;]", 3.0),
        (rf"{_T}[”\"']?\s*\((?![^)]*(?:\d|et al|see|e\.g|i\.e))[A-Za-z][^)]{{4,}}\)", 2.5),
        # "we call it X", "which we call X", "called X", "referred to as X"
        (
            rf"\b(?:we\s+(?:will\s+)?(?:call|name|term|dub|denote|refer\s+to)(?:\s+(?:it|this|them|these))?"
            rf"|called|named|termed|dubbed|known\s+as|referred\s+to\s+as)\s+(?:as\s+)?{_ART}[“\"']?{_T}",
            3.0,
        ),
        # "we define X as", "X is defined as", "X refers to", "X denotes"
        (
            rf"\bdefine\s+{_ART}{_T}|{_T}[”\"']?\s+(?:is|are)\s+defined\b"
            rf"|{_T}[”\"']?\s+(?:refers?\s+to|denotes?|stands?\s+for|means)\b",
            3.0,
        ),
        # "X is a ...", "The X function is ..." at the start of a sentence
        (
            rf"^(?:(?:in\s+short|formally|briefly),?\s+)?{_ART}{_T}(?:\s+[\w-]+){{0,3}}?\s*(?:\([^)]*\)\s*)?"
            r"(?:is|are)\s+(?!(?:not|also|only|used|shown|applied|trained|then|more|less|very|highly|"
            r"often|widely|commonly|still|now|effective|important|crucial|useful|better|worse|able|"
            r"critical|key|helpful|beneficial|known|computed\s+over|modified)\b)",
            2.5,
        ),
        # "X, which ...", "X that computes ..."
        (
            rf"{_T}[”\"']?,?\s+(?:which|that)\s+(?:is|are|computes?|uses?|maps?|learns?|takes?)\b",
            2.0,
        ),
        # "we propose X", "we introduce a new X", "we transpose A into X by ..."
        (rf"\bwe\s+(?:propose|introduce|present|develop|adopt|add|use)\s+{_ART}[“\"']?{_T}", 2.0),
        (rf"\binto\s+{_ART}{_T}\s+by\b|{_T}\s+by\s+(?:computing|using|adding|taking)\b", 1.8),
    )
)
# A sentence of a section named after the term that defines without naming it.
_IMPLICIT = re.compile(
    r"\b(?:we\s+(?:use|define|compute|propose)|is\s+(?:defined|computed|given)\s+(?:as|by)"
    r"|as\s+follows)\b|:\s*$",
    re.IGNORECASE,
)
_SKIP_ROLES = {SectionRole.REFERENCES}


def _placeholder(text: str, patterns: Sequence[re.Pattern[str]]) -> str:
    for p in patterns:
        text = p.sub(T, text)
    return text


def definition_candidates(
    chunks: Sequence[StoredChunk],
    forms: Sequence[str],
    introducer: str | None,
    max_chars: int,
) -> list[tuple[float, Definition]]:
    """Scored definition passages (a defining sentence plus the one after it), best first."""
    patterns = [term_pattern(f) for f in sorted(forms, key=len, reverse=True)]
    section_start: dict[tuple[str, str], int] = {}
    for sc in chunks:
        key = (sc.chunk.paper_id, sc.chunk.section_number + sc.chunk.section_title)
        section_start[key] = min(section_start.get(key, sc.chunk.ordinal), sc.chunk.ordinal)
    scored: list[tuple[float, Definition]] = []
    seen: set[str] = set()
    for sc in chunks:
        c = sc.chunk
        if c.section_role in _SKIP_ROLES:
            continue
        titled = any(p.search(c.section_title) for p in patterns)
        opening = section_start[(c.paper_id, c.section_number + c.section_title)] == c.ordinal
        spans = split_sentences(c.text)
        for j, span in enumerate(spans):
            sentence = span.text
            if not is_prose(sentence):
                continue
            marked = _placeholder(sentence, patterns)
            has_term = T in marked
            cue = max((w for p, w in CUES if p.search(marked)), default=0.0)
            if not has_term:
                if not (titled and _IMPLICIT.search(sentence)):
                    continue
                cue = 1.0
            elif cue == 0.0:
                cue = 0.2
            score = cue
            if titled:
                score += 1.2 + (0.3 if opening and j < 4 else 0.0)
            if c.paper_id == introducer:
                score += 1.5
            if c.section_role in (
                SectionRole.ABSTRACT,
                SectionRole.INTRODUCTION,
                SectionRole.METHOD,
            ):
                score += 0.3
            text = _with_next(spans, j, max_chars)
            if text in seen:
                continue
            seen.add(text)
            label = f"{c.section_number} {c.section_title}".strip()
            scored.append((score, Definition(c.paper_id, label, c.page, text)))
    scored.sort(key=lambda item: -item[0])
    return _spread(scored)


def _with_next(spans: Sequence[SentenceSpan], j: int, max_chars: int) -> str:
    """The sentence, and the next one when both fit: definitions often finish there."""
    texts = [s.text for s in spans]
    text = texts[j]
    if j + 1 < len(texts) and len(text) + 1 + len(texts[j + 1]) <= max_chars:
        text = f"{text} {texts[j + 1]}"
    if len(text) > max_chars:
        text = text[: max_chars - 1].rsplit(" ", 1)[0] + "…"
    return text


def _spread(scored: list[tuple[float, Definition]]) -> list[tuple[float, Definition]]:
    """At most three definitions from one paper, so other papers' wording shows too."""
    per_paper: Counter[str] = Counter()
    kept = []
    for item in scored:
        pid = item[1].paper_id
        if per_paper[pid] < 3:
            per_paper[pid] += 1
            kept.append(item)
    return kept


_QUESTION = re.compile(
    r"^\s*(?:what|who)\s+(?:is|are|was|were)\s+(?:an?\s+|the\s+)?(?P<a>.+?)\s*\??\s*$"
    r"|^\s*(?:define|definition\s+of|meaning\s+of)\s+(?:an?\s+|the\s+)?(?P<b>.+?)\s*\??\s*$"
    r"|^\s*what\s+(?:does|do)\s+(?:an?\s+|the\s+)?(?P<c>.+?)\s+(?:mean|stand\s+for)\s*\??\s*$",
    re.IGNORECASE,
)


def defined_term(question: str) -> str | None:
    """The X of "what is X?", "define X", "what does X mean?"; "X in <paper>" drops the paper."""
    m = _QUESTION.match(question)
    if m is None:
        return None
    term = next(g for g in m.groups() if g)
    # "CapFilt in BLIP", "X according to the paper": the tail names where, not what.
    term = re.sub(r"\s+(?:in|from|used\s+in|according\s+to)\s+(?:\S+\s*){1,3}$", "", term)
    words = term.split()
    return term if 0 < len(words) <= 6 else None


def defines(text: str, term: str, min_weight: float = 2.0) -> bool:
    """True when `text` has a sentence that defines `term` (by the cues above)."""
    pattern = term_pattern(term)
    if not pattern.search(text):
        return False
    marked = pattern.sub(T, text)
    return any(w >= min_weight and p.search(s) for p, w in CUES for s in _sentences_with_t(marked))


def _sentences_with_t(marked: str) -> list[str]:
    return [s.text for s in split_sentences(marked) if T in s.text]
