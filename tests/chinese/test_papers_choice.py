"""The papers choose the English: readings, glossary names and spelling, on made-up counts."""

from __future__ import annotations

from reader.chinese.papers_choice import concept_english, in_the_papers_words, spelled_as_printed
from reader.models import ConceptResult, GlossaryEntry, MappedWord, QueryMapping

POSITION = GlossaryEntry(
    term="positional encoding",
    aliases=("position embeddings", "PE"),
    definition="Where a token is, added to its embedding.",
    zh_names=("位置编码",),
)


class OneEntryGlossary:
    def lookup(self, term: str) -> GlossaryEntry | None:
        return POSITION if term in ("positional encoding", *POSITION.aliases) else None

    def names(self, entry: GlossaryEntry) -> tuple[str, ...]:
        return (entry.term, *entry.aliases)


def test_the_reading_the_papers_use_most_is_looked_up() -> None:
    mapping = QueryMapping(
        original="核采样",
        english="kernel sampling",
        readings=("kernel sampling", "nucleus sampling"),
        chinese=True,
    )
    uses = {"kernel sampling": 0, "nucleus sampling": 3}
    assert concept_english(mapping, uses.__getitem__) == "nucleus sampling"
    # No reading is used at all: the mapped English stays.
    assert concept_english(mapping, lambda _: 0) == "kernel sampling"


def test_a_term_is_spelled_as_the_papers_print_it_but_never_shortened() -> None:
    result = ConceptResult(
        term="noise contrastive estimation",
        found=True,
        expansion="noise-contrastive estimation",
        definitions=(),
        occurrences=(),
        related=(),
        glossary=None,
        canonical="NCE",
    )
    assert spelled_as_printed("noise contrastive estimation", result) == (
        "noise-contrastive estimation"
    )
    assert spelled_as_printed("contrastive loss", result) == "contrastive loss"


def test_a_glossary_concept_takes_the_name_the_asked_papers_use() -> None:
    mapping = QueryMapping(
        original="ViT的位置编码怎么处理",
        english="how does ViT positional encoding handle",
        words=(MappedWord("位置编码", "positional encoding", source="glossary"),),
        chinese=True,
    )
    asked: list[list[str]] = []

    def most_used(names: list[str]) -> str | None:
        asked.append(list(names))
        return "position embeddings"

    named = in_the_papers_words(mapping, OneEntryGlossary(), most_used)
    assert named.english == "how does ViT position embeddings handle"
    assert named.words[0].english == "position embeddings"
    assert asked == [["positional encoding", "positional encoding", "position embeddings"]]
    # Nothing used in those papers: the glossary's name stays.
    assert in_the_papers_words(mapping, OneEntryGlossary(), lambda _: None) == mapping
