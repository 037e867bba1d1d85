"""Answers as printed: scripts marked, a quoted formula shown as its equation block."""

from __future__ import annotations

import json
import re

import pytest
from cli_runner import run_reader

from reader import Library, Settings
from reader.answers.printed import printed_answer, printed_quote
from reader.models import Block, BlockKind, Citation, Section, SectionRole

LEAD = "We compute the matrix of outputs as:"
PIECES = "Attention(Q, K, V ) = softmax(QKT\n\n√dk\n\n)V (1)"
AFTER = "The scaling factor is 1 √dk for keys of dimension dk. Values have width dmodel."
TEXT = f"{LEAD}\n\n{PIECES}\n\n{AFTER}"
EQUATION = Block(
    BlockKind.EQUATION,
    "Attention(Q, K, V) = softmax(QK^T / √d_k)V",
    4,
    (200.0, 300.0, 500.0, 330.0),
    len(LEAD) + 2,
    "1",
)
SECTION = Section(
    number="3.2.1",
    title="Scaled Dot-Product Attention",
    level=3,
    role=SectionRole.METHOD,
    page_start=4,
    page_end=4,
    text=TEXT,
    body_end=len(TEXT),
    blocks=(
        Block(BlockKind.PARAGRAPH, LEAD, 4, (100.0, 250.0, 500.0, 290.0), 0),
        EQUATION,
        Block(
            BlockKind.PARAGRAPH,
            "The scaling factor is 1 √d_k for keys of dimension d_k. Values have width d_{model}.",
            4,
            (100.0, 340.0, 500.0, 360.0),
            TEXT.index(AFTER),
        ),
    ),
)
LABEL = "[Transformer §3.2.1, p.4]"


def cite(quote: str) -> Citation:
    return Citation("1706.03762", SECTION.label, 4, quote, LABEL)


def of(paper_id: str, label: str) -> Section | None:
    return SECTION if (paper_id, label) == ("1706.03762", SECTION.label) else None


def test_a_quote_into_a_formula_shows_the_equation_block_not_its_pieces() -> None:
    quote = f"{LEAD} Attention(Q, K, V ) = softmax(QKT √dk )V (1)"
    parts = printed_answer([cite(quote)], of)
    assert [p.block.kind for p in parts] == [
        BlockKind.PARAGRAPH,
        BlockKind.EQUATION,
        BlockKind.PARAGRAPH,
    ]
    assert parts[0].block.text == LEAD
    assert parts[1].block == EQUATION and parts[1].paper_id == "1706.03762"
    assert parts[2].block.text == LABEL  # the place is named after what it quotes


def test_sentences_read_with_their_scripts_and_the_label_ends_them() -> None:
    parts = printed_answer([cite("The scaling factor is 1 √dk for keys of dimension dk.")], of)
    assert [p.block.text for p in parts] == [
        f"The scaling factor is 1 √d_k for keys of dimension d_k. {LABEL}"
    ]


def test_a_clipped_quote_keeps_its_ellipsis_and_a_script_ending_it_is_closed() -> None:
    assert printed_quote(SECTION, "The scaling factor is 1 √dk…")[0].text == (
        "The scaling factor is 1 √d_k…"
    )
    assert printed_quote(SECTION, "Values have width dmodel.")[0].text == (
        "Values have width d_{model}."
    )
    assert printed_quote(SECTION, "Values have width dmodel")[0].text == (
        "Values have width d_{model}"
    )


def test_a_quote_the_section_does_not_hold_is_not_printed() -> None:
    assert printed_answer([cite("A sentence from somewhere else.")], of) == ()
    assert printed_answer([Citation("2010.11929", "1 Introduction", 1, LEAD, "[ViT §1]")], of) == ()


@pytest.mark.slow
def test_an_answer_quoting_equation_2_prints_it_from_the_stored_sections(
    corpus_library: Library,
) -> None:
    """The stored §3.3 of the Transformer (blocks read back from the index): the sentence
    before equation (2) and the formula's text-layer pieces print as the equation block."""
    section = next(s for s in corpus_library.sections("1706.03762") if s.number == "3.3")
    start = section.text.index("This consists of two linear transformations")
    stop = section.text.index("(2)", start) + 3
    quote = " ".join(section.text[start:stop].split())
    label = "[Transformer §3.3, p.5]"
    parts = printed_answer(
        [Citation("1706.03762", section.label, 5, quote, label)],
        lambda pid, lab: section if lab == section.label else None,
    )
    kinds = [p.block.kind for p in parts]
    assert kinds[:2] == [BlockKind.PARAGRAPH, BlockKind.EQUATION]
    assert parts[1].block.number == "2" and parts[1].block.page == 5
    assert parts[1].block.text == "FFN(x) = max(0, xW_1 + b_1)W_2 + b_2"
    assert "xW1" not in " ".join(p.block.text for p in parts)


_MARKUP = re.compile(r"[\s_^{}]")


@pytest.mark.slow
def test_ask_json_prints_the_answer_it_gives(corpus_settings: Settings) -> None:
    """`printed` is the answer itself, quoted sentence by sentence: the same characters
    once script marks and spaces are set aside, equations aside."""
    result = run_reader(corpus_settings, "ask", "Why divide the dot products by d_k?", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert not data["abstained"] and data["printed"]
    prose = "".join(p["text"] for p in data["printed"] if p["kind"] == "paragraph")
    for citation in data["citations"]:
        assert _MARKUP.sub("", citation["quote"].rstrip("…")) in _MARKUP.sub("", prose)
    assert all(
        p["paper_id"] == c["paper_id"] for p in data["printed"] for c in data["citations"][:1]
    )
    assert data["answers"][0]["printed"] == data["printed"]
