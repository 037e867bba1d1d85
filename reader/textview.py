"""A section as plain text for the terminal: paragraphs wrapped, each equation, figure and
table marked where it stands (`[Equation (1), p.4]`), footnotes at the end."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from reader.models import Block, BlockKind, QuotedBlock, Section

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


def section_text(parts: Sequence[Section]) -> str:
    """A section and its subsections (`parts`, the section first) as plain text."""
    out: list[str] = []
    for k, part in enumerate(parts):
        if k:
            out.append(part.label)
        if not part.blocks:
            body = part.text[: part.body_end]
            if body.strip():
                out.append(wrap(body))
            continue
        notes = [b for b in part.blocks if b.kind is BlockKind.FOOTNOTE]
        out.extend(block_text(b) for b in part.blocks if b.kind is not BlockKind.FOOTNOTE)
        if notes:
            out.append("Footnotes:\n" + "\n".join(block_text(b) for b in notes))
    return "\n\n".join(out)
