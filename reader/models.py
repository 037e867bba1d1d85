"""Frozen dataclasses passed between modules. No behaviour beyond small derived properties."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class SectionRole(StrEnum):
    """What a top-level section is for, whatever the paper calls it."""

    ABSTRACT = "abstract"
    INTRODUCTION = "introduction"
    METHOD = "method"
    RELATED_WORK = "related_work"
    BACKGROUND = "background"
    EXPERIMENTS = "experiments"
    CONCLUSION = "conclusion"
    REFERENCES = "references"
    APPENDIX = "appendix"
    OTHER = "other"


# ---------------------------------------------------------------- reading list


@dataclass(frozen=True)
class PaperEntry:
    """One paper of the reading list (papers.yaml) and the study plan's focus for it."""

    id: str  # arXiv id without version, e.g. "1706.03762" or "hep-th/9901001"
    version: int | None = None  # pinned version; None = latest
    title: str | None = None
    short_name: str | None = None  # e.g. "Transformer", used in citations
    stage: int | None = None
    weeks: str | None = None  # e.g. "1-2"
    read_first: tuple[str, ...] = ()  # section roles or titles, e.g. ("introduction", "method")
    focus: tuple[str, ...] = ()  # what to look for
    key_concepts: tuple[str, ...] = ()
    focus_zh: tuple[str, ...] = ()  # the same focus in the study plan's Chinese words


@dataclass(frozen=True)
class ReadingList:
    path: Path
    papers: tuple[PaperEntry, ...]

    def get(self, paper_id: str) -> PaperEntry | None:
        return next((p for p in self.papers if p.id == paper_id), None)


# ---------------------------------------------------------------- fetch


@dataclass(frozen=True)
class PaperMeta:
    """Metadata of one paper version, from arXiv or from the reading list for local PDFs."""

    id: str
    version: int | None
    title: str
    authors: tuple[str, ...] = ()
    published: str | None = None  # ISO date
    summary: str | None = None
    pdf_url: str | None = None

    @property
    def arxiv_url(self) -> str:
        suffix = f"v{self.version}" if self.version else ""
        return f"https://arxiv.org/abs/{self.id}{suffix}"


@dataclass(frozen=True)
class FetchedPaper:
    """A paper whose PDF is on local disk, ready to extract."""

    meta: PaperMeta
    pdf_path: Path
    sha256: str


# ---------------------------------------------------------------- extraction


@dataclass(frozen=True)
class PageMark:
    """The character offset in a section's text where a PDF page begins (1-based page)."""

    offset: int
    page: int


class BlockKind(StrEnum):
    """What a piece of a section is, as the PDF prints it."""

    PARAGRAPH = "paragraph"
    EQUATION = "equation"
    FIGURE = "figure"
    TABLE = "table"
    FOOTNOTE = "footnote"


@dataclass(frozen=True)
class Block:
    """One piece of a section's own body, in reading order.

    `offset` is where it starts in the section's `text` (a figure or table: its caption).
    `bbox` is in PDF points on `page` (y downwards); `number` the printed equation, figure or
    table number. The `text` of an equation keeps its symbols (`d_k`, `x^2`, `a / b`); of a
    figure, the words drawn in it; of a table, its cells. None of these last two is prose.
    """

    kind: BlockKind
    text: str
    page: int
    bbox: tuple[float, float, float, float]
    offset: int
    number: str | None = None
    caption: str | None = None


@dataclass(frozen=True)
class Section:
    """One section of a paper, in reading order.

    `text` covers the whole span, subsections included (their heading lines too), without the
    section's own heading. `body_end` is where the section's own text ends and its first
    subsection begins (== len(text) for a leaf). `marks` maps offsets in `text` to pages.
    `blocks` are the section's own body (up to `body_end`) as typed pieces.
    """

    number: str  # "3", "3.2", "A.1", or "" for unnumbered (Abstract, References)
    title: str
    level: int  # 1 = top level (Abstract and References included)
    role: SectionRole  # the role of its top-level ancestor
    page_start: int
    page_end: int
    text: str
    body_end: int
    marks: tuple[PageMark, ...] = ()
    blocks: tuple[Block, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def key(self) -> str:
        """What progress and notes are stored under: the number, or the title if unnumbered."""
        return self.number or self.title

    def page_at(self, offset: int) -> int:
        page = self.page_start
        for mark in self.marks:
            if mark.offset <= offset:
                page = mark.page
            else:
                break
        return page


@dataclass(frozen=True)
class FigureText:
    """One line of words drawn inside a figure (a node label, a tick, a legend): kept out of
    the section text, so never a passage, an answer or a definition."""

    page: int
    text: str


@dataclass(frozen=True)
class ExtractedPaper:
    """Clean text and the section tree of one PDF."""

    page_count: int
    sections: tuple[Section, ...]
    title: str | None = None  # as printed on page 1, if found
    used_outline: bool = False
    figure_text: tuple[FigureText, ...] = ()  # in page order; not indexed


# ---------------------------------------------------------------- index


@dataclass(frozen=True)
class Chunk:
    """A passage inside one section, with its page anchor."""

    paper_id: str
    section_number: str
    section_title: str
    section_role: SectionRole
    page: int
    ordinal: int  # position of the chunk within its paper
    text: str


@dataclass(frozen=True)
class PaperRecord:
    """A paper as stored in the index."""

    id: str
    version: int | None
    title: str
    short_name: str
    sha256: str
    page_count: int
    section_count: int
    chunk_count: int
    authors: tuple[str, ...] = ()
    published: str | None = None
    arxiv_url: str | None = None
    pdf_path: str | None = None  # the local file it was ingested from, for page images


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as read back from the index, with its id and its paper's title."""

    id: int
    chunk: Chunk
    paper_title: str


@dataclass(frozen=True)
class Hit:
    """One retrieved passage. `score` is the fused score, higher is better."""

    chunk_id: int
    paper_id: str
    paper_title: str
    section: str  # section number and title, e.g. "3.2 Attention"
    section_role: SectionRole
    page: int
    text: str
    score: float


@dataclass(frozen=True)
class SearchFilters:
    paper_id: str | None = None
    section_role: SectionRole | None = None
    stage: int | None = None


# ---------------------------------------------------------------- answers


@dataclass(frozen=True)
class Citation:
    paper_id: str
    section: str
    page: int
    quote: str
    label: str  # "[Transformer §3.2.1, p.4]"


@dataclass(frozen=True)
class QuotedBlock:
    """A piece of an answer as printed: a paragraph of quoted sentences (their citation label
    at the end) or a quoted equation, and the paper it is from."""

    paper_id: str
    block: Block


@dataclass(frozen=True)
class AnswerOption:
    """One answer from one passage (or a near-tie pair), with its score (higher is better)."""

    answer: str
    citations: tuple[Citation, ...]
    score: float
    # The answer as the Read view prints it: scripts marked, a quoted formula as its equation
    # block; () when the stored sections could not place it (show `answer`).
    printed: tuple[QuotedBlock, ...] = ()


@dataclass(frozen=True)
class PaperRef:
    """A paper by id and title, e.g. one the question names that is not ingested."""

    id: str
    title: str


@dataclass(frozen=True)
class Generation:
    """Whether a configured LLM wrote the answer, and if not, why not."""

    used: bool
    reason: str | None = None  # why its reply was not used (None when used or not configured)
    model: str | None = None
    seconds: float | None = None  # time spent on the request


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...]
    generated: bool = False  # True when an LLM wrote it (from the cited passages only)
    # The best answer first (the same as `answer`/`citations`), then others from other passages.
    options: tuple[AnswerOption, ...] = ()
    # The question names a reading-list paper that is not ingested: `hits` are from other papers.
    missing_paper: PaperRef | None = None
    # A question typed in Chinese: the English question that was answered, and the Chinese
    # words that had no English match (left out of it).
    query_used: str | None = None
    unmatched: tuple[str, ...] = ()
    printed: tuple[QuotedBlock, ...] = ()  # `answer` as printed (see AnswerOption.printed)
    generation: Generation | None = None  # None: no LLM configured


# ---------------------------------------------------------------- concepts


@dataclass(frozen=True)
class Occurrence:
    paper_id: str
    count: int
    first_section: str
    first_page: int


@dataclass(frozen=True)
class Definition:
    paper_id: str
    section: str
    page: int
    text: str


@dataclass(frozen=True)
class GlossaryEntry:
    """Text written for this project; never shown as a quote from a paper."""

    term: str
    definition: str
    formula: str | None = None
    aliases: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    introduced_by: str | None = None  # arXiv id or citation
    # Chinese names as a Chinese reader of ML papers writes them, the standard one first.
    zh_names: tuple[str, ...] = ()
    zh_gloss: str | None = None  # one line in Chinese, written for this project
    # The English name the Chinese names translate, when it is not `term`
    # (层归一化 is "layer normalization", the entry's term is "LayerNorm").
    zh_translates: str | None = None
    # Chinese names that translate one particular English name: (快捷连接, shortcut connection).
    zh_specific: tuple[tuple[str, str], ...] = ()

    @property
    def english_for_zh(self) -> str:
        """The English name the entry's Chinese names stand for."""
        return self.zh_translates or self.term

    def english_for(self, zh_name: str) -> str:
        """The English name one Chinese name of this entry stands for."""
        return dict(self.zh_specific).get(zh_name, self.english_for_zh)


@dataclass(frozen=True)
class MappedWord:
    """One Chinese word of a query and the English it became."""

    chinese: str
    english: str
    source: str = "lexicon"  # glossary (a concept's name) | lexicon | cc-cedict | derived (X性)


@dataclass(frozen=True)
class QueryMapping:
    """A query as typed and the English query `reader` ran for it (`query_used`)."""

    original: str
    english: str  # equal to the normalised original when it had no Chinese
    form: str | None = None  # the question's form: why | how | what | count | which | yes-no
    words: tuple[MappedWord, ...] = ()
    unmatched: tuple[str, ...] = ()  # Chinese words with no English match (left out)
    concept: GlossaryEntry | None = None  # the query names just this concept ("什么是位置编码")
    concept_english: str | None = None  # ... by this English name of it
    # A short name read with each sense of its words, the likeliest first: the papers' own
    # wording picks one ("归纳偏置" -> "inductive bias", not "sum up bias").
    readings: tuple[str, ...] = ()
    chinese: bool = False  # the query had Chinese in it and was mapped


@dataclass(frozen=True)
class ReadingListRef:
    paper_id: str
    title: str
    ingested: bool
    introduces: bool = False  # the paper that introduced the concept (the glossary says so)


@dataclass(frozen=True)
class ConceptResult:
    term: str
    found: bool
    expansion: str | None
    definitions: tuple[Definition, ...]
    occurrences: tuple[Occurrence, ...]
    related: tuple[str, ...]
    glossary: GlossaryEntry | None
    reading_list: tuple[ReadingListRef, ...] = ()
    hint: str | None = None  # e.g. how to ingest the paper that introduces it
    # The term as the lookup resolved it, spelled as the papers write it ("ReLUs" -> "ReLU",
    # "masked language model" -> "MLM"); "" from older callers means `term`.
    canonical: str = ""
    query_used: str | None = None  # a term typed in Chinese: the English looked up
    unmatched: tuple[str, ...] = ()  # its Chinese words with no English match


# ---------------------------------------------------------------- ingest


@dataclass(frozen=True)
class PaperOutcome:
    paper_id: str
    status: str  # "ingested" | "unchanged" | "failed"
    message: str = ""
    pages: int = 0
    chunks: int = 0


@dataclass(frozen=True)
class IngestReport:
    outcomes: tuple[PaperOutcome, ...]
    stage_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> tuple[PaperOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "failed")


@dataclass(frozen=True)
class ReadingProgress:
    paper_id: str
    section_number: str
    read: bool
    note: str
    updated_at: str


# ---------------------------------------------------------------- app


@dataclass(frozen=True)
class PaperStatus:
    """A reading-list paper as the learner sees it: fetched, ingested, and how far read."""

    entry: PaperEntry
    record: PaperRecord | None  # None: not in the index yet
    pdf_available: bool  # a local PDF is at hand (pdf_dir or the download cache)
    sections_total: int = 0  # top-level sections worth reading (references excluded)
    sections_read: int = 0
    notes: int = 0

    @property
    def state(self) -> str:
        """'not fetched', 'fetched', 'ingested', 'reading' or 'read'."""
        if self.record is None:
            return "fetched" if self.pdf_available else "not fetched"
        if self.sections_read == 0:
            return "ingested"
        return "read" if self.sections_read >= self.sections_total else "reading"


@dataclass(frozen=True)
class PageImage:
    """One PDF page rendered to PNG, with how many highlight boxes were drawn on it."""

    paper_id: str
    page: int  # 1-based
    page_count: int
    png: bytes
    width: int
    height: int
    highlighted: int = 0


@dataclass(frozen=True)
class AppPreferences:
    """What the learner chose in the app and expects back after a restart."""

    ui_language: str  # "en" or "zh"


@dataclass(frozen=True)
class IngestJobState:
    """What a running or finished background ingest has done so far."""

    what: str  # "the reading list" or the paper ids asked for
    running: bool
    paper_ids: tuple[str, ...] = ()  # the papers asked for; () = the whole reading list
    stage: str | None = None  # fetch, extract or embed
    done: int = 0  # papers through the current stage
    total: int = 0
    paper_id: str | None = None  # the paper the current stage last finished
    report: IngestReport | None = None  # when it finished
    error: str | None = None  # when it stopped on an error (one line, with the fix)
