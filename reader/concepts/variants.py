"""Spelling variants of a term: plurals, case, hyphens and spaces, and how the papers write it.

A lookup of "ReLUs", "relu" or "self attention" should land on the one spelling the papers use
("ReLU", "self-attention"); these helpers find that spelling from the text itself, so no list of
terms is needed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from reader.text.query import CAMEL, compact, normalize_text

# Endings where a final "s" is not a plural: "loss", "bias", "corpus", "analysis", "chaos".
_NOT_PLURAL = re.compile(r"(?:ss|us|is|as|os|ys)$", re.IGNORECASE)
_APOSTROPHE_S = re.compile(r"['’]s$")
# Before a surface form: what tells us it opens a sentence (its capital letter may be only that).
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s*|\n\s*|[(\[]\s*)$")


def singular_candidates(word: str) -> list[str]:
    """Possible singulars of one word, likeliest first; the word itself when it is not plural.

    "ReLUs" → ["ReLU"], "encodings" → ["encoding"], "queries" → ["query", "querie"],
    "approaches" → ["approach", "approache"]; "loss" and "bias" stay. The papers decide
    between candidates (see `bare_uses`).
    """
    if _APOSTROPHE_S.search(word):
        return [word[:-2]]
    if len(word) <= 3 or not word.endswith("s"):
        return [word]
    if word[-2].isupper():
        return [word[:-1]]  # "GELUs", "CNNs", "ViTs", "ReLUs"
    if _NOT_PLURAL.search(word):
        return [word]
    lower = word.lower()
    if lower.endswith("ies") and len(word) > 4:
        return [word[:-3] + ("Y" if word[-4].isupper() else "y"), word[:-1]]
    if re.search(r"(?:ches|shes|xes|zes|sses)$", lower):
        return [word[:-2], word[:-1]]
    return [word[:-1]]


def singular_terms(term: str) -> list[str]:
    """`singular_candidates` for the term's last word ("positional encodings" → ["positional
    encoding"]); hyphenated parts count as words ("multi-head attentions")."""
    match = re.search(r"([^\s\-]+)$", term)
    if match is None:
        return [term]
    return [term[: match.start()] + w for w in singular_candidates(match.group(1))]


def surface_pattern(term: str) -> re.Pattern[str]:
    """Like `reader.text.query.term_pattern`, with the singular part as group "body"."""
    parts: list[str] = []
    for chunk in re.split(r"[\s\-_/]+", normalize_text(term)):
        parts.extend(p for p in CAMEL.split(chunk) if p)
    body = r"[\s\-]?".join(re.escape(p) for p in parts)
    return re.compile(rf"(?<![\w-])(?P<body>{body})(?P<suffix>s|es)?(?![\w])", re.IGNORECASE)


def bare_uses(term: str, texts: Iterable[str]) -> int:
    """Uses of `term` exactly, without a plural ending: evidence that it is a word."""
    pattern = surface_pattern(term)
    return sum(1 for text in texts for m in pattern.finditer(text) if not m.group("suffix"))


def spellings(term: str, texts: Iterable[str]) -> Counter[str]:
    """How often the papers write each singular spelling of `term`, counting only uses inside
    a sentence (a capital at a sentence start says nothing about how the term is spelled)."""
    pattern = surface_pattern(term)
    inside: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    for text in texts:
        for m in pattern.finditer(text):
            form = " ".join(m.group("body").split())
            anywhere[form] += 1
            if not _SENTENCE_START.search(text[max(0, m.start() - 3) : m.start()]):
                inside[form] += 1
    return inside or anywhere


def preferred_spelling(term: str, texts: Iterable[str]) -> str | None:
    """The spelling the papers use most for `term` (singular); None when they never use it or
    use another spelling only once (a figure label or a typo is no evidence).

    A tie keeps the spelling typed, so nothing changes without a reason.
    """
    counts = spellings(term, texts)
    if not counts:
        return None
    typed = normalize_text(term)
    best = max(counts.items(), key=lambda kv: (kv[1], kv[0] == typed, kv[0].lower() == kv[0]))
    if counts.get(typed, 0) == best[1]:
        return typed
    if best[1] < 2:
        return None
    # Only a different spelling of the same term: never swap in a longer or shorter word.
    return best[0] if compact(best[0]) == compact(typed) else typed
