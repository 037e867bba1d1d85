"""The terminal view of a section: equations, figures and tables marked where they stand,
footnotes at the end of their section."""

from __future__ import annotations

from reader.models import Block, BlockKind, Section, SectionRole
from reader.reading import reading_order
from reader.textview import section_text


def _block(
    kind: BlockKind, text: str, number: str | None = None, caption: str | None = None
) -> Block:
    return Block(kind, text, 4, (72.0, 100.0, 540.0, 130.0), 0, number, caption)


def test_a_section_prints_its_blocks_in_order_and_its_footnotes_last() -> None:
    parent = Section(
        "3",
        "Model",
        1,
        SectionRole.METHOD,
        4,
        4,
        "x",
        1,
        blocks=(
            _block(BlockKind.PARAGRAPH, "We compute the matrix of outputs as:"),
            _block(BlockKind.FOOTNOTE, "∗Work done elsewhere."),
            _block(BlockKind.EQUATION, "Attention(Q, K, V) = softmax(QK^T / √d_k)V", "1"),
            _block(BlockKind.FIGURE, "q k", "2", "Figure 2: Scaled Dot-Product Attention."),
            _block(BlockKind.TABLE, "N d_model", "1", None),
        ),
    )
    child = Section("3.1", "Encoder", 2, SectionRole.METHOD, 4, 4, "Stack of layers.", 16)
    printed = section_text(reading_order([parent, child]))
    assert printed == (
        "We compute the matrix of outputs as:\n\n"
        "[Equation (1), p.4]\n    Attention(Q, K, V) = softmax(QK^T / √d_k)V\n\n"
        "[Figure 2, p.4: Figure 2: Scaled Dot-Product Attention.]\n\n"
        "[Table 1, p.4]\n\n"
        "Footnotes:\n  ∗Work done elsewhere.\n\n"
        "3.1 Encoder\n\n"
        "Stack of layers."
    )
