"""Answers as the Read view prints them: sub- and superscripts marked ("d_k"), and a quoted
formula shown as its equation block (number, text, page and box for a crop) instead of the
pieces the PDF's text layer made of it ("softmax(QKT √dk )V (1)")."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from reader.models import Answer, Block, BlockKind, Citation, QuotedBlock, Section
from reader.text.markers import strip_reference_markers

_MARKUP = frozenset("_^{}")
SectionOf = Callable[[str, str], "Section | None"]  # (paper id, section label) -> section


def printed_answer(citations: Sequence[Citation], section_of: SectionOf) -> tuple[QuotedBlock, ...]:
    """The quoted sentences as blocks, each place's label after its last paragraph; () when a
    quote is not found in its section as stored (then the plain answer is what to show)."""
    out: list[QuotedBlock] = []
    for group in _by_place(citations):
        first = group[0]
        section = section_of(first.paper_id, first.section)
        if section is None:
            return ()
        quote = " ".join(c.quote for c in group)
        parts = [
            replace(p, text=strip_reference_markers(p.text)) if p.kind is BlockKind.PARAGRAPH else p
            for p in printed_quote(section, quote)
        ]
        if not parts:
            return ()
        last = parts[-1]
        if last.kind is BlockKind.PARAGRAPH:
            parts[-1] = replace(last, text=f"{last.text} {first.label}")
        else:
            parts.append(Block(BlockKind.PARAGRAPH, first.label, last.page, last.bbox, last.offset))
        out.extend(QuotedBlock(first.paper_id, part) for part in parts)
    return tuple(out)


def _by_place(citations: Sequence[Citation]) -> list[list[Citation]]:
    groups: list[list[Citation]] = []
    for c in citations:
        if groups and (groups[-1][0].paper_id, groups[-1][0].label) == (c.paper_id, c.label):
            groups[-1].append(c)
        else:
            groups.append([c])
    return groups


def printed_quote(section: Section, quote: str) -> list[Block]:
    """A quote from `section`'s own text as paragraph and equation blocks in reading order;
    [] when it is not there."""
    clipped = quote.endswith("…")
    found = _locate(section.text[: section.body_end], quote.rstrip("…"))
    if found is None:
        return []
    start, stop = found
    body = sorted(
        (b for b in section.blocks if b.kind is not BlockKind.FOOTNOTE), key=lambda b: b.offset
    )
    out: list[Block] = []
    for k, block in enumerate(body):
        end = body[k + 1].offset if k + 1 < len(body) else section.body_end
        if end <= start or block.offset >= stop:
            continue
        if block.kind is BlockKind.EQUATION:
            out.append(block)
            continue
        a, b = max(start, block.offset), min(stop, end)
        plain = section.text[a:b]
        if block.kind is BlockKind.PARAGRAPH:
            own = section.text[block.offset : end]
            text = _scripted_slice(own, block.text, a - block.offset, b - block.offset)
            plain = text if text is not None else plain
        text = " ".join(plain.split())
        if not text:
            continue
        if out and out[-1].kind is BlockKind.PARAGRAPH:
            out[-1] = replace(out[-1], text=f"{out[-1].text} {text}")
        else:
            out.append(Block(BlockKind.PARAGRAPH, text, block.page, block.bbox, a))
    if not out:
        text = " ".join(quote.split())
        return [Block(BlockKind.PARAGRAPH, text, section.page_start, (0, 0, 0, 0), start)]
    if clipped and out[-1].kind is BlockKind.PARAGRAPH:
        out[-1] = replace(out[-1], text=out[-1].text + "…")
    return out


def _locate(text: str, quote: str) -> tuple[int, int] | None:
    """Where `quote` is in `text`, whatever the whitespace: (start, stop) or None."""
    keys = [i for i, ch in enumerate(text) if not ch.isspace()]
    compact = "".join(text[i] for i in keys)
    wanted = "".join(quote.split())
    if not wanted:
        return None
    at = compact.find(wanted)
    if at < 0:
        return None
    return keys[at], keys[at + len(wanted) - 1] + 1


def _scripted_slice(plain: str, scripted: str, start: int, stop: int) -> str | None:
    """`plain[start:stop]` in `scripted` (the same text with scripts marked and whitespace
    redone), or None when the two do not line up."""
    at: list[int] = []  # for each plain character, where it is in scripted (-1: skipped)
    j = 0
    for ch in plain:
        if ch.isspace() or ch in _MARKUP:
            at.append(-1)
            continue
        while j < len(scripted) and (scripted[j].isspace() or scripted[j] in _MARKUP):
            j += 1
        if j >= len(scripted) or scripted[j] != ch:
            return None
        at.append(j)
        j += 1
    inside = [p for p in at[start:stop] if p >= 0]
    if not inside:
        return None
    first, last = inside[0], inside[-1] + 1
    # A script closing at the quote's end is the quote's ("... dimension d_{model}").
    opened = scripted[first:last].count("{") - scripted[first:last].count("}")
    while opened > 0 and last < len(scripted) and scripted[last] == "}":
        last += 1
        opened -= 1
    return scripted[first:last]


def section_lookup(sections: Callable[[str], Sequence[Section]]) -> SectionOf:
    """A lookup by paper and section label over `sections` (a paper's stored sections), each
    paper read once; the first of two sections with one label wins."""
    papers: dict[str, dict[str, Section]] = {}

    def section_of(paper_id: str, label: str) -> Section | None:
        if paper_id not in papers:
            papers[paper_id] = {}
            for section in sections(paper_id):
                papers[paper_id].setdefault(section.label, section)
        return papers[paper_id].get(label)

    return section_of


def with_printed(answer: Answer, section_of: SectionOf) -> Answer:
    """`answer` and its options with their printed form; a generated or abstained answer is
    left as it is (its words are not the papers')."""
    if answer.abstained or answer.generated:
        return answer
    options = tuple(
        replace(o, printed=printed_answer(o.citations, section_of)) for o in answer.options
    )
    printed = options[0].printed if options else printed_answer(answer.citations, section_of)
    return replace(answer, options=options, printed=printed)
