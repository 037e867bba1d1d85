"""The facade: the one place that wires the pipeline. `cli` and `app` call only this."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from reader.answers.printed import section_lookup, with_printed
from reader.errors import CatalogError, PaperNotFoundError, QueryError
from reader.ingest.pipeline import IngestProgress, embedder_fingerprint
from reader.models import (
    Answer,
    AppPreferences,
    Block,
    ConceptResult,
    GlossaryEntry,
    Hit,
    IngestReport,
    PageImage,
    PaperEntry,
    PaperRecord,
    PaperStatus,
    QueryMapping,
    ReadingList,
    ReadingProgress,
    SearchFilters,
    Section,
    SectionRole,
)
from reader.reading import pick_sections, reading_order, with_subsections
from reader.settings import Settings

if TYPE_CHECKING:
    from reader.answers.extractive import Answerer
    from reader.answers.retrieval import Retriever
    from reader.chinese.mapping import QueryMapper
    from reader.concepts.glossary import Glossary
    from reader.concepts.lookup import ConceptFinder
    from reader.embeddings.base import Embedder
    from reader.evaluation import EvalReport
    from reader.ingest.job import IngestJob
    from reader.ingest.shard import Shard
    from reader.store.base import PassageStore
    from reader.study.companion import StudyCompanion


class Library:
    """A reading library on disk: ingest papers, read sections, search, ask, look up concepts.

    Opens the index and loads the model lazily, once, so `reader --help` stays instant and an app
    process pays for them only on first use.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings if settings is not None else Settings.from_env()
        self._lock = threading.RLock()
        self._store: PassageStore | None = None
        self._embedder: Embedder | None = None
        self._job: IngestJob | None = None

    # ------------------------------------------------------------ plumbing

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
            self._forget_derived()

    def _forget_derived(self) -> None:
        # Rebuilt on next use, with the papers, word statistics and names of the index as it is.
        self.__dict__.pop("_retriever", None)
        self.__dict__.pop("_answerer", None)
        self.__dict__.pop("_concepts", None)

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def store(self) -> PassageStore:
        with self._lock:
            if self._store is None:
                from reader.store.open import open_store

                self._store = open_store(self.settings)
            return self._store

    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                from reader.embeddings.loader import load_embedder

                self._embedder = load_embedder(self.settings)
            return self._embedder

    def has_index(self) -> bool:
        from reader.store.open import store_exists

        return store_exists(self.settings)

    def reading_list(self, path: Path | None = None) -> ReadingList:
        from reader.catalog import load_reading_list

        return load_reading_list(path or self.settings.papers_file)

    def _reading_list_or_none(self) -> ReadingList | None:
        try:
            return self.reading_list()
        except CatalogError:
            return None

    # ------------------------------------------------------------ ingest

    def ingest(
        self,
        papers_file: Path | None = None,
        only: Sequence[str] = (),
        *,
        rebuild: bool = False,
        progress: IngestProgress | None = None,
        shard: Shard | None = None,
    ) -> IngestReport:
        """Fetch, extract, chunk, embed and store every paper of a reading list (or `only` some;
        or this machine's `shard` of it). Extraction runs in `settings.ingest_workers` processes."""
        from reader.ingest.reading_list_ingest import ingest_entries, select_entries

        entries = select_entries(self.reading_list(papers_file), only, shard)
        self.close()  # queries must not hold the old generation while we write
        try:
            return ingest_entries(
                self.settings,
                entries,
                lambda: self.embedder,
                rebuild=rebuild,
                progress=progress,
            )
        finally:
            with self._lock:
                self._forget_derived()

    def start_ingest(self, only: Sequence[str] = ()) -> IngestJob:
        """Ingest on a background thread and return at once, so an app stays usable meanwhile.
        While one runs, that one is returned instead of starting another."""
        from reader.ingest.job import IngestJob

        with self._lock:
            if self._job is not None and self._job.state().running:
                return self._job
            what = ", ".join(only) if only else "the reading list"
            run = IngestJob(lambda p: self.ingest(only=only, progress=p), what, tuple(only))
            self._job = run.start()
            return self._job

    def ingest_job(self) -> IngestJob | None:
        """The latest background ingest, running or finished (None: none was started)."""
        return self._job

    # ------------------------------------------------------------ reading

    def papers(self) -> list[PaperRecord]:
        return self.store.papers()

    def paper(self, paper_id: str) -> PaperRecord:
        record = self.store.paper(paper_id)
        if record is None:
            known = ", ".join(p.id for p in self.store.papers()) or "none"
            raise PaperNotFoundError(
                f"paper {paper_id!r} is not in the index (ingested: {known}); "
                "add it to papers.yaml and run `reader ingest`"
            )
        return record

    def sections(self, paper_id: str) -> list[Section]:
        self.paper(paper_id)
        return self.store.sections(paper_id)

    def read(self, paper_id: str, section: str | None = None) -> list[Section]:
        """The section(s) to read: by role or number; default the Introduction, then the Method."""
        return pick_sections(paper_id, self.sections(paper_id), section)

    def reading_order(self, paper_id: str, section: Section) -> list[str | Block]:
        """What to show of `section`: its blocks, then each subsection's heading (a str) and
        blocks, each part's footnotes last."""
        return reading_order(with_subsections(self.sections(paper_id), section))

    # ------------------------------------------------------------ questions

    def _resolve(self, filters: SearchFilters) -> tuple[frozenset[str] | None, SectionRole | None]:
        ids: set[str] | None = None
        if filters.paper_id:
            self.paper(filters.paper_id)
            ids = {filters.paper_id}
        if filters.stage is not None:
            reading_list = self.reading_list()
            staged = {p.id for p in reading_list.papers if p.stage == filters.stage}
            if not staged:
                raise QueryError(f"no paper of stage {filters.stage} in {reading_list.path}")
            ids = staged if ids is None else ids & staged
        return (frozenset(ids) if ids is not None else None), filters.section_role

    @cached_property
    def _retriever(self) -> Retriever:
        from reader.answers.retrieval import Retriever

        self._check_model()
        reading_list = self._reading_list_or_none()
        planned = reading_list.papers if reading_list else ()
        return Retriever(self.store, self.embedder, self.settings, planned)

    @cached_property
    def _answerer(self) -> Answerer:
        from reader.answers.extractive import Answerer
        from reader.answers.rerank import load_reranker

        short_names = {p.id: p.short_name for p in self.store.papers()}
        reranker = load_reranker(self.settings)
        return Answerer(self._retriever, self.embedder, self.settings, short_names, reranker)

    @cached_property
    def _glossary(self) -> Glossary:
        from reader.concepts.glossary import load_glossary

        return load_glossary()

    @cached_property
    def _concepts(self) -> ConceptFinder:
        from reader.concepts.lookup import ConceptFinder

        return ConceptFinder(
            self.store, self.settings, self._glossary, self._reading_list_or_none()
        )

    @cached_property
    def _mapper(self) -> QueryMapper:
        from reader.chinese.cedict import GeneralDictionary, default_path
        from reader.chinese.lexicon import load_lexicon
        from reader.chinese.mapping import QueryMapper, question_words
        from reader.chinese.segment import JiebaSegmenter

        lexicon = load_lexicon(self._glossary)
        segmenter = JiebaSegmenter([*lexicon.all_words(), *question_words()])
        return QueryMapper(lexicon, segmenter, GeneralDictionary(default_path()))

    def _check_model(self) -> None:
        from reader.errors import IndexCorruptError

        info = self.store.model_info()
        wanted = embedder_fingerprint(self.settings)
        if info is not None and info[0] != wanted:
            raise IndexCorruptError(
                f"the index was embedded with {info[0]!r} but settings ask for {wanted!r}; "
                "run `reader ingest` to re-embed (notes are kept)"
            )

    def _require_words(self, text: str) -> None:
        # Checked before the model loads, so a typo costs nothing.
        from reader.text.query import normalize_query

        if not normalize_query(text, self.settings.max_query_chars).has_words:
            raise QueryError("the query is empty: type some words to search for")

    def map_query(self, query: str) -> QueryMapping:
        """The English query `reader` runs for `query`: Chinese words mapped to the papers'
        English, the question's form kept; an English query comes back as typed."""
        from reader.chinese.to_english import english_query

        self._require_words(query)
        text = query[: self.settings.max_query_chars]
        return english_query(query, text, lambda: self._mapper)

    def _in_the_papers_words(self, mapping: QueryMapping) -> QueryMapping:
        """A concept in a Chinese question, named as the paper it asks about names it."""
        from reader.chinese.papers_choice import in_the_papers_words

        if not mapping.chinese or mapping.concept is not None:
            return mapping
        named = self._retriever.names(mapping.english).asked
        if not named:  # no paper to ask: the glossary's name, which any paper may use
            return mapping
        return in_the_papers_words(
            mapping, self._glossary, lambda names: self._concepts.most_used(names, named)
        )

    def search(
        self, query: str, k: int | None = None, filters: SearchFilters | None = None
    ) -> list[Hit]:
        english = self._in_the_papers_words(self.map_query(query)).english
        paper_ids, role = self._resolve(filters or SearchFilters())
        return self._retriever.search(english, k or self.settings.search_k, paper_ids, role)

    def ask(self, question: str, filters: SearchFilters | None = None) -> Answer:
        mapping = self._in_the_papers_words(self.map_query(question))
        paper_ids, role = self._resolve(filters or SearchFilters())
        answer = self._answerer.ask(mapping.english, paper_ids, role)
        answer = with_printed(answer, section_lookup(self.store.sections))
        if not mapping.chinese:
            return answer
        return replace(
            answer, question=question, query_used=mapping.english, unmatched=mapping.unmatched
        )

    def concept(self, term: str) -> ConceptResult:
        from reader.chinese.papers_choice import concept_english, spelled_as_printed

        mapping = self.map_query(term)
        if not mapping.chinese:
            return self._concepts.lookup(term)
        english = concept_english(mapping, self._concepts.passages_using)
        result = self._concepts.lookup(english)
        glossary = result.glossary or mapping.concept
        return replace(
            result,
            term=term,
            canonical=spelled_as_printed(english, result),
            glossary=glossary,
            query_used=english,
            unmatched=mapping.unmatched,
        )

    def evaluate(self, gold_dir: Path) -> EvalReport:
        from reader.evaluation import run_eval

        return run_eval(self, gold_dir)

    @cached_property
    def study(self) -> StudyCompanion:
        """Practice, quiz, plan and references (`reader practice|quiz|plan|refs|add`)."""
        from reader.study.companion import StudyCompanion

        return StudyCompanion(self)

    # ------------------------------------------------------------ progress and notes

    def progress(self, paper_id: str | None = None) -> list[ReadingProgress]:
        return self.store.progress(paper_id)

    def mark_read(self, paper_id: str, section_number: str, read: bool = True) -> None:
        self.paper(paper_id)
        self.store.set_read(paper_id, section_number, read)

    def save_note(self, paper_id: str, section_number: str, note: str) -> None:
        self.paper(paper_id)
        self.store.set_note(paper_id, section_number, note)

    def glossary_entry(self, term: str) -> GlossaryEntry | None:
        """The glossary's entry for an English name or alias, without searching the papers."""
        return self._glossary.lookup(term)

    def ui_language(self) -> str:
        """The app's language: the learner's last pick, else the `ui_language` setting."""
        from reader.store.preferences import load_preferences

        default = AppPreferences(ui_language=self.settings.ui_language)
        return load_preferences(self.settings.preferences_file, default).ui_language

    def set_ui_language(self, language: str) -> None:
        """Remember the app's language for the next start ('en' or 'zh')."""
        from reader.store.preferences import save_preferences

        save_preferences(self.settings.preferences_file, AppPreferences(ui_language=language))

    def entry(self, paper_id: str) -> PaperEntry | None:
        reading_list = self._reading_list_or_none()
        return reading_list.get(paper_id) if reading_list else None

    # ------------------------------------------------------------ app: status and PDF pages

    def reading_status(self) -> list[PaperStatus]:
        """Every reading-list paper in plan order (then other ingested ones): state and progress."""
        from reader.reading_status import reading_status

        reading_list = self._reading_list_or_none()
        listed = reading_list.papers if reading_list else ()
        if not self.has_index():
            return reading_status(self.settings, listed, (), None)
        return reading_status(self.settings, listed, self.papers(), self.store)

    def pdf_path(self, paper_id: str) -> Path | None:
        """The local PDF the paper was ingested from (same sha256), or None if it is gone."""
        from reader.render import find_pdf

        record = self.paper(paper_id)
        recorded = Path(record.pdf_path) if record.pdf_path else None
        return find_pdf(self.settings, paper_id, record.sha256, recorded)

    def page_image(
        self,
        paper_id: str,
        page: int,
        highlight: str | None = None,
        zoom: float = 1.5,
        focus: bool = False,
    ) -> PageImage:
        """A page of the paper's PDF as PNG, with `highlight` (a passage) marked where it lies;
        `focus` crops to the highlight and a little context around it."""
        from reader.render import render_page

        path = self._pdf_on_disk(paper_id)
        return render_page(path, page, highlight, paper_id=paper_id, zoom=zoom, focus=focus)

    def block_image(self, paper_id: str, block: Block) -> PageImage:
        """An equation, figure or table cropped from the paper's PDF as PNG."""
        from reader.render import render_clip

        return render_clip(self._pdf_on_disk(paper_id), block.page, block.bbox, paper_id=paper_id)

    def _pdf_on_disk(self, paper_id: str) -> Path:
        from reader.render import require_pdf

        return require_pdf(paper_id, self.pdf_path(paper_id))

    def warm_up(self) -> None:
        """Open the index and load the model now, so the first question is answered at once."""
        from reader.embeddings.loader import load_embedder

        if not self.has_index():
            return
        if self._embedder is None:
            # Loaded outside the lock so other threads keep reading the index meanwhile.
            embedder = load_embedder(self.settings)
            with self._lock:
                if self._embedder is None:
                    self._embedder = embedder
        self._retriever  # noqa: B018 - the side effect (building it) is the point
