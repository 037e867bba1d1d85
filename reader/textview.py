"""A section as plain text for the terminal: paragraphs wrapped, each equation, figure and
table marked where it stands (`[Equation (1), p.4]`), footnotes at the end."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from reader.models import Block, BlockKind, QuotedBlock

WIDTH = 100


def wrap(text: str, indent: str = "") -> str:
    """Paragraphs (blank-line separated) filled to WIDTH columns."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "\n\n".join(
        textwrap.fill(
            " ".join(p.split()), width=WIDTH, initial_indent=indent, subsequent_indent=indent
        )
        for p in paragraphs
    )


def block_text(block: Block, indent: str = "") -> str:
    """One block as the terminal shows it."""
    if block.kind is BlockKind.PARAGRAPH:
        return wrap(block.text, indent)
    if block.kind is BlockKind.EQUATION:
        label = f"Equation ({block.number})" if block.number else "Equation"
        return f"{indent}[{label}, p.{block.page}]\n{wrap(block.text, indent + '    ')}"
    if block.kind is BlockKind.FOOTNOTE:
        return wrap(block.text, indent + "  ")
    name = "Figure" if block.kind is BlockKind.FIGURE else "Table"
    label = f"{name} {block.number}" if block.number else name
    caption = " ".join((block.caption or "").split())
    return wrap(
        f"[{label}, p.{block.page}: {caption}]" if caption else f"[{label}, p.{block.page}]",
        indent,
    )


def printed_text(parts: Sequence[QuotedBlock], indent: str = "") -> str:
    """An answer as printed: its sentences wrapped, a quoted equation as `read` shows it."""
    return "\n".join(block_text(q.block, indent) for q in parts)


def section_text(order: Sequence[str | Block]) -> str:
    """A section as plain text, from its reading order (`reader.reading.reading_order`):
    headings as they are, blocks as `block_text` prints them, each run of footnotes under
    "Footnotes:"."""
    out: list[str] = []
    notes: list[str] = []
    for item in [*order, ""]:  # the sentinel closes the last run of footnotes
        if isinstance(item, Block) and item.kind is BlockKind.FOOTNOTE:
            notes.append(block_text(item))
            continue
        if notes:
            out.append("Footnotes:\n" + "\n".join(notes))
            notes = []
        if isinstance(item, Block):
            out.append(block_text(item))
        elif item:
            out.append(item)
    return "\n\n".join(out)
