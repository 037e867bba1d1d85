"""The papers' own reference markers ("[3]", "[5, 6]", "[12–14]", "[Amari, 1998]"): they look
like an answer's citations, so quoted text and the passages sent to an LLM drop them."""

from __future__ import annotations

import re

# Numbered references, alone, listed or as a range; "[class]" or "[MASK]" is no reference,
# nor is an interval: "[0, 1]", "x ∈ [1, 5]", "in the range [2, 8]".
_NUMBERED = r"\[\s*[1-9]\d{0,2}(?:\s*(?:[,;–—-]|and)\s*[1-9]\d{0,2})*\s*\]"
_INTERVAL_BEFORE = re.compile(r"(?:[∈=]|\brange|\binterval)\s*$", re.I)
# Author-year references in brackets: a capitalised name and a year at the end.
_AUTHOR_YEAR = r"\[(?=[^\]]*[A-Z][a-z])[^\[\]]{2,160}?\b(?:19|20)\d{2}[a-z]?\s*\]"
REFERENCE_MARKER = re.compile(rf"[^\S\n]*(?:{_NUMBERED}|{_AUTHOR_YEAR})")


def strip_reference_markers(text: str) -> str:
    """The text without its bracketed reference markers: "as in [3, 4]." -> "as in."."""
    if "[" not in text:
        return text

    def drop(match: re.Match[str]) -> str:
        interval = _INTERVAL_BEFORE.search(text, 0, match.start())
        return match.group(0) if interval else ""

    return REFERENCE_MARKER.sub(drop, text)
