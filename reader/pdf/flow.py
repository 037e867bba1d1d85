"""Reading flow: footnotes, captions and figure labels must not cut a paragraph in two."""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader.pdf.headings import heading_style, parse_heading
from reader.pdf.layout import Line

_SENTENCE_END = re.compile(r"[.!?:;)\]]['\"”’]?$")
MAX_LABEL_WORDS = 4  # figure labels and table cells are short; prose lines are not


def _aside_blocks(lines: Sequence[Line], body: float) -> set[tuple[int, int]]:
    """(page, block) keys of blocks that are not running text: set smaller than body text
    (footnotes, captions) or made only of short fragments (figure labels, table cells)."""
    small: dict[tuple[int, int], bool] = {}
    short: dict[tuple[int, int], bool] = {}
    for line in lines:
        key = (line.page, line.block)
        is_small = line.max_size <= body - 0.7 and (not line.bold or line.max_size <= body - 1.5)
        small[key] = small.get(key, True) and is_small
        fragment = len(line.text.split()) <= MAX_LABEL_WORDS and not _SENTENCE_END.search(line.text)
        if fragment and heading_style(line, body) and parse_heading(line.text) is not None:
            fragment = False  # "3 BERT" is short too, but it is a heading
        short[key] = short.get(key, True) and fragment
    return {key for key in small if small[key] or short[key]}


def defer_asides(lines: Sequence[Line], body: float) -> list[Line]:
    """Move asides that cut a sentence in two to after that sentence's paragraph.

    They are moved only when the running text before them is unfinished and the running text
    after them continues in lower case (a paragraph running on into the next column or page).
    """
    asides = _aside_blocks(lines, body)
    out: list[Line] = []
    i = 0
    n = len(lines)
    while i < n:
        if (lines[i].page, lines[i].block) not in asides:
            out.append(lines[i])
            i += 1
            continue
        j = i
        while j < n and (lines[j].page, lines[j].block) in asides:
            j += 1
        run = list(lines[i:j])
        prev = out[-1] if out else None
        nxt = lines[j] if j < n else None
        if (
            prev is None
            or nxt is None
            or _SENTENCE_END.search(prev.text)
            or not nxt.text[:1].islower()
        ):
            out.extend(run)
            i = j
            continue
        # The continued paragraph first, then the asides.
        k = j
        while k < n and (k == j or not lines[k].para_start):
            if (lines[k].page, lines[k].block) in asides:
                break
            out.append(lines[k])
            k += 1
        out.extend(run)
        i = k
    return out
