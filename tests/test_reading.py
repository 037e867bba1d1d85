"""Which section is read, and in what order its headings and blocks are shown."""

from __future__ import annotations

from reader.models import Block, BlockKind, Section, SectionRole
from reader.reading import reading_order


def test_a_section_reads_as_its_blocks_then_each_subsection_footnotes_last() -> None:
    def block(kind: BlockKind, text: str, offset: int) -> Block:
        return Block(kind, text, 1, (0.0, 0.0, 10.0, 10.0), offset)

    note = block(BlockKind.FOOTNOTE, "*Work done elsewhere.", 5)
    parent = Section(
        "3",
        "Model",
        1,
        SectionRole.METHOD,
        1,
        1,
        "x",
        1,
        blocks=(block(BlockKind.PARAGRAPH, "Intro text.", 0), note),
    )
    child = Section(
        "3.1",
        "Encoder",
        2,
        SectionRole.METHOD,
        1,
        1,
        "y",
        1,
        blocks=(block(BlockKind.EQUATION, "y = f(x)", 0),),
    )
    bare = Section("3.2", "Decoder", 2, SectionRole.METHOD, 1, 1, "One.\n\nTwo.", 11)
    shown = reading_order([parent, child, bare])
    assert [b if isinstance(b, str) else b.text for b in shown] == [
        "Intro text.",
        "*Work done elsewhere.",
        "3.1 Encoder",
        "y = f(x)",
        "3.2 Decoder",
        "One.",
        "Two.",
    ]
