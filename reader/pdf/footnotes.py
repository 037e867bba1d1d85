"""Footnotes: small notes at a page's foot, opened by a mark ("∗Work done at…", "1https://…"),
are set apart from the running text so they never sit between two of its paragraphs."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

from reader.pdf.graphics import overlaps_x
from reader.pdf.layout import Line, LineKind, PageText

# A symbol mark, or a number run into the note's first word ("1https://", "3In all cases").
_OPENS_NOTE = re.compile(r"^(?:[∗*†‡§¶♯]|\d{1,2}(?=[A-Za-z]))")
FOOT_SHARE = 0.5  # notes start in the lower half of the page
SMALL = 0.7  # a note is set at least this many points below the body size
JOIN_GAP = 4.0  # a note's next block starts this close below it


def tag_footnotes(page: PageText, body: float) -> PageText:
    """The page with its footnote lines tagged FOOTNOTE."""
    blocks: dict[int, list[Line]] = defaultdict(list)
    for line in page.lines:
        if line.kind is LineKind.TEXT:
            blocks[line.block].append(line)
    notes: set[int] = set()
    ordered = sorted(blocks.items(), key=lambda kv: kv[1][0].y0)
    for key, lines in ordered:
        first = lines[0]
        if first.y0 < FOOT_SHARE * page.height or any(ln.size > body - SMALL for ln in lines):
            continue
        x0, x1 = min(ln.x0 for ln in lines), max(ln.x1 for ln in lines)
        below = [
            ln
            for ln in page.lines
            if ln.y0 > first.y1
            and ln.block != key
            and ln.size > body - SMALL
            and overlaps_x(ln.x0, ln.x1, x0, x1)
        ]
        if below:
            continue  # running text further down the column: not the page's foot
        opens = bool(_OPENS_NOTE.match(first.text))
        follows = any(
            n in notes
            and 0 <= first.y0 - blocks[n][-1].y1 <= JOIN_GAP
            and overlaps_x(blocks[n][0].x0, blocks[n][-1].x1, x0, x1)
            for n in notes
        )
        if opens or follows:
            notes.add(key)
    if not notes:
        return page
    out = []
    count = 0
    for line in page.lines:
        if line.block in notes and line.kind is LineKind.TEXT:
            if _OPENS_NOTE.match(line.text) or count == 0:
                count += 1  # one key per note: "1https://…" and "2http://…" share a block
            line = replace(line, kind=LineKind.FOOTNOTE, label=f"p{page.page}:n{count}")
        out.append(line)
    return replace(page, lines=tuple(out))
