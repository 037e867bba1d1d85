"""Headings from a PDF's outline (bookmarks), located on the page so printed numbers win."""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader.pdf.headings import Heading, parse_heading
from reader.pdf.layout import Line
from reader.pdf.textclean import normalize_for_match

_NUMBERED = re.compile(r"^\s*((?:\d{1,2}(?:\.\d{1,2}){0,3})|[A-H](?:\.\d{1,2}){0,3})\.?\s+(.+)$")
OutlineEntry = tuple[int, str, int]  # (level, title, 1-based page)


def _key(text: str) -> str:
    """Letters and digits only, lower-cased: robust to spacing, case and punctuation."""
    return re.sub(r"[^0-9a-z]+", "", normalize_for_match(text))


def _split_number(title: str) -> tuple[str, str]:
    match = _NUMBERED.match(title)
    if match and any(c.isalpha() for c in match.group(2)):
        return match.group(1), match.group(2).strip()
    return "", title.strip()


def _line_title(text: str) -> tuple[str, str]:
    parsed = parse_heading(text)
    if parsed is not None:
        return parsed.number, parsed.title
    return _split_number(text)


def outline_headings(
    toc: Sequence[OutlineEntry], lines: Sequence[Line], page_count: int
) -> list[Heading]:
    """Outline entries matched to the lines where they are printed, in reading order.

    Entries that cannot be found on (or next to) their page are skipped. Printed numbers win:
    in a paper that prints section numbers, a heading printed without one (Acknowledgements) is
    unnumbered whatever the outline says; the outline's numbers serve papers that print none.
    """
    by_page: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        if line.para_start:
            by_page.setdefault(line.page, []).append(i)
    found_heads: list[tuple[int, int, str, str, str, int]] = []
    last = -1
    for level, raw_title, page in toc:
        toc_number, toc_title = _split_number(raw_title)
        target = _key(toc_title)
        if not target or not 1 <= page <= page_count:
            continue
        found = _find(target, lines, by_page, page, last)
        if found is None:
            continue
        index, used = found
        printed_number, _ = _line_title(" ".join(ln.text for ln in lines[index : index + used]))
        found_heads.append((index, used, printed_number, toc_number, toc_title, level))
        last = index + used - 1
    prints_numbers = any(printed for _, _, printed, _, _, _ in found_heads)
    heads: list[Heading] = []
    for index, used, printed, toc_number, title, level in found_heads:
        number = printed if prints_numbers else toc_number
        depth = number.count(".") + 1 if number else level
        heads.append(Heading(index, used, number, title, depth, lines[index].page))
    return heads


def _find(
    target: str, lines: Sequence[Line], by_page: dict[int, list[int]], page: int, after: int
) -> tuple[int, int] | None:
    """Index and line count of the heading whose text is `target`, near `page`."""
    for candidate_page in (page, page + 1, page - 1):
        for i in by_page.get(candidate_page, ()):
            if i <= after:
                continue
            text = ""
            for used in range(1, 4):
                j = i + used - 1
                if j >= len(lines) or lines[j].page != lines[i].page:
                    break
                text = f"{text} {lines[j].text}"
                _, title = _line_title(text)
                key = _key(title)
                if key == target:
                    return i, used
                if not target.startswith(key) or len(key) < 3:
                    break
    return None
