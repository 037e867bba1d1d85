"""What the LLM is shown and how its reply is held to it: numbered passages without the
papers' own reference markers, and a reply accepted only when each sentence cites passages
that say what it says."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from reader.errors import LLMError
from reader.models import Citation, Hit
from reader.text.markers import strip_reference_markers
from reader.text.sentences import split_sentences
from reader.text.stems import content_stems

SYSTEM_PROMPT = (
    "You answer a reader's question about research papers using ONLY the numbered passages "
    "given. Answer in one to three sentences. End every sentence with the number of the "
    "passage that supports it in square brackets, like [1] or [2][3]. Never use outside "
    "knowledge. If the passages do not answer the question, reply exactly: NOT FOUND"
)
# A cited sentence shares at least this share of its content words with the passages it cites,
# and each cited passage at least MIN_EACH of them (or the citation points elsewhere).
MIN_SUPPORT = 0.5
MIN_EACH = 2

# "[1]", "[1, 2]", "[1-3]", "[P2]", "[Passage 3]"; "[1][2]" is two of them.
_NUMBER = r"(?:P(?:assage)?\s*)?\d{1,3}"
CITE = re.compile(rf"\[\s*({_NUMBER}(?:\s*(?:[,;–-]|and)\s*{_NUMBER})*)\s*\]", re.I)
_RANGE = re.compile(r"(\d{1,3})\s*[–-]\s*(\d{1,3})")
# A sentence that opens a reply without saying anything: "Sure!", "Here is the answer:".
_OPENING = (
    r"(?:sure|certainly|of course|okay|ok|yes|great|here(?:'s|\s+is|\s+are)|"
    r"based on|according to|from the passages|the passages|(?:the\s+)?answer)\b"
)
_OPENER = re.compile(rf"^{_OPENING}", re.I)
# "Here is the answer: X [1]." -> "X [1]."
_OPENER_CLAUSE = re.compile(rf"^{_OPENING}[^.!?:\[]{{0,60}}:\s+", re.I)


@dataclass(frozen=True)
class Checked:
    """A reply that passed: its text with citation labels, and what each label quotes."""

    text: str
    citations: tuple[Citation, ...]


def build_messages(question: str, hits: Sequence[Hit]) -> list[dict[str, str]]:
    """The prompt: passages numbered [1]..[n], the papers' own "[3]" markers taken out so
    that a number in brackets can only mean a passage."""
    passages = "\n\n".join(
        f"[{i}] ({hit.paper_title}, {hit.section}, p.{hit.page})\n"
        f"{strip_reference_markers(hit.text)}"
        for i, hit in enumerate(hits, start=1)
    )
    user = f"Passages:\n\n{passages}\n\nQuestion: {question}"
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def cited_numbers(group: str) -> list[int]:
    """The passage numbers of one bracket: "1, 2" -> [1, 2], "1-3" -> [1, 2, 3]."""
    numbers: list[int] = []
    for part in re.split(r"\s*(?:[,;]|and)\s*", re.sub(r"(?i)P(?:assage)?\s*", "", group)):
        span = _RANGE.fullmatch(part)
        if span:
            lo, hi = int(span.group(1)), int(span.group(2))
            numbers.extend(range(lo, hi + 1) if 0 < hi - lo < 10 else (lo, hi))
        elif part.strip().isdigit():
            numbers.append(int(part))
    return numbers


def _sentences(text: str) -> list[str]:
    """The reply's sentences, a citation that opens one given back to the one before."""
    out: list[str] = []
    for span in split_sentences(text):
        lead = re.match(rf"(?:{CITE.pattern}\s*)+", span.text, re.I)
        if lead and out:
            out[-1] += " " + lead.group().strip()
            rest = span.text[lead.end() :].strip()
            if rest:
                out.append(rest)
        else:
            out.append(span.text)
    return out


def _is_opener(sentence: str) -> bool:
    words = sentence.split()
    return bool(_OPENER.match(sentence)) and (sentence.endswith((":", "!")) or len(words) <= 6)


def check_reply(text: str, hits: Sequence[Hit], labels: Sequence[str]) -> Checked:
    """Accept a reply only if every sentence that says something cites passages sent, each
    of which shares its words; LLMError names the first sentence that fails."""
    text = " ".join(text.split())
    if not text or text.upper().startswith("NOT FOUND"):
        raise LLMError("the model found no answer in the passages")
    kept: list[str] = []
    citations: list[Citation] = []
    seen: set[int] = set()
    passages = [set(content_stems(strip_reference_markers(h.text))) for h in hits]
    for n, sentence in enumerate(_sentences(text), start=1):
        if not kept:
            sentence = _OPENER_CLAUSE.sub("", sentence)
        numbers = [k for group in CITE.findall(sentence) for k in cited_numbers(group)]
        claim = CITE.sub("", sentence).strip()
        if not numbers:
            if _is_opener(sentence) and not kept:
                continue  # "Sure! Here is the answer:" says nothing to cite
            raise LLMError(f"sentence {n} of the reply cites no passage: {sentence[:60]!r}")
        bad = [k for k in numbers if not 1 <= k <= len(hits)]
        if bad:
            raise LLMError(f"sentence {n} cites passage [{bad[0]}], but {len(hits)} were sent")
        _check_support(n, claim, sorted(set(numbers)), passages)
        kept.append(sentence)
        for k in dict.fromkeys(numbers):
            if k not in seen:
                seen.add(k)
                hit = hits[k - 1]
                citations.append(
                    Citation(
                        hit.paper_id, hit.section, hit.page, _best_quote(claim, hit), labels[k - 1]
                    )
                )
    if not kept:
        raise LLMError("the reply says nothing that cites a passage")
    body = " ".join(kept)
    stray = [b for b in re.findall(r"\[[^\]]*\]", CITE.sub("", body)) if not _quoted(b, hits)]
    if stray:
        raise LLMError(f"the reply carries a citation that is no passage: {stray[0][:40]}")
    rendered = CITE.sub(
        lambda m: " " + " ".join(labels[k - 1] for k in dict.fromkeys(cited_numbers(m.group(1)))),
        body,
    )
    return Checked(" ".join(rendered.split()), tuple(citations))


def _check_support(
    n: int, claim: str, numbers: Sequence[int], passages: Sequence[set[str]]
) -> None:
    words = set(content_stems(claim))
    if not words:
        raise LLMError(f"sentence {n} of the reply says nothing but its citation")
    together = set().union(*(passages[k - 1] for k in numbers))
    if len(words & together) < MIN_SUPPORT * len(words):
        raise LLMError(
            f"sentence {n} of the reply is not what passage "
            f"{', '.join(f'[{k}]' for k in numbers)} says"
        )
    need = min(MIN_EACH, len(words))
    for k in numbers:
        if len(words & passages[k - 1]) < need:
            raise LLMError(f"sentence {n} of the reply cites passage [{k}], which does not say it")


def _quoted(bracket: str, hits: Sequence[Hit]) -> bool:
    """A bracketed word the passages print themselves ("[class] token", "[MASK]")."""
    return any(bracket in h.text for h in hits) and not re.search(r"\d", bracket)


def _best_quote(claim: str, hit: Hit) -> str:
    """The passage sentence sharing most words with a claim: what the citation points at."""
    claim_stems = set(content_stems(claim))
    spans = split_sentences(strip_reference_markers(hit.text))
    if not spans:
        return hit.text[:300]
    return max(spans, key=lambda s: len(claim_stems & set(content_stems(s.text)))).text
