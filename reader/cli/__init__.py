"""The `reader` command line: parse, call the facade, print text or JSON."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from reader.cli.common import (
    ROLES,
    F,
    ReaderGroup,
    echo_mapping,
    emit_json,
    index_option,
    json_option,
    open_library,
)
from reader.cli.plan import plan
from reader.cli.practice import practice
from reader.cli.quiz import quiz
from reader.cli.refs import add, refs
from reader.models import SearchFilters, SectionRole
from reader.settings import Settings
from reader.textview import printed_text, section_text, wrap


@click.group(cls=ReaderGroup)
@click.version_option(package_name="reader")
def cli() -> None:
    """reader: read arXiv papers section by section, search them, ask, and look up concepts.

    Start with `reader ingest` (reads papers.yaml), then `reader read 1706.03762`.
    """


@cli.command()
@click.option("--papers", "papers_file", type=click.Path(path_type=Path), help="Reading list.")
@click.option(
    "--pdf-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Local PDFs named <id>.pdf or <id>v<N>.pdf, used before the network.",
)
@click.option("--offline", is_flag=True, default=None, help="Never use the network.")
@click.option("--rebuild", is_flag=True, help="Rebuild the index from scratch (notes are kept).")
@click.option("--paper", "only", multiple=True, help="Only this paper id (repeatable).")
@click.option(
    "--workers",
    type=int,
    help="Processes extracting papers in parallel (default 1, or READER_INGEST_WORKERS); "
    "the index is the same as with 1.",
)
@click.option(
    "--shard",
    "shard_spec",
    metavar="I/N",
    help="Ingest only shard I of N (1-based, by a hash of the arXiv id), so N machines "
    "can fill one shared store; the N shards together are the whole list.",
)
@index_option
@json_option
def ingest(
    papers_file: Path | None,
    pdf_dir: Path | None,
    offline: bool | None,
    rebuild: bool,
    only: tuple[str, ...],
    workers: int | None,
    shard_spec: str | None,
    index_dir: Path | None,
    as_json: bool,
) -> None:
    """Fetch, extract, chunk and index the papers of the reading list.

    Unchanged papers are skipped; a paper that fails is reported and the others still go in.
    """
    from reader.ingest.shard import IngestOptionError, Shard
    from reader.serialize import ingest_json

    shard = Shard.parse(shard_spec) if shard_spec is not None else None
    if workers is not None and workers < 1:
        raise IngestOptionError(f"--workers {workers} must be at least 1; e.g. --workers 2")
    library = open_library(
        papers_file=papers_file,
        pdf_dir=pdf_dir,
        offline=offline,
        index_dir=index_dir,
        ingest_workers=workers,
    )
    show_bar = not as_json and sys.stderr.isatty()
    progress = TerminalProgress() if show_bar else None
    report = library.ingest(only=only, rebuild=rebuild, progress=progress, shard=shard)
    if as_json:
        emit_json(ingest_json(report))
    else:
        for o in report.outcomes:
            detail = f"{o.pages} pages, {o.chunks} chunks" if o.status == "ingested" else o.message
            click.echo(f"{o.paper_id:<14} {o.status:<10} {detail}".rstrip())
        stages = ", ".join(f"{k} {v:.1f}s" for k, v in report.stage_seconds.items())
        click.echo(f"done: {stages}" if stages else "done")
    if report.failed:
        click.echo(f"error: {len(report.failed)} paper(s) failed; see above", err=True)
        sys.exit(1)


class TerminalProgress:
    """A click progress bar per pipeline stage, on stderr."""

    def __init__(self) -> None:
        self._bar: Any = None

    def start(self, stage: str, total: int) -> None:
        if total:
            self._bar = click.progressbar(length=total, label=f"{stage:<7}", file=sys.stderr)
            self._bar.__enter__()

    def advance(self, stage: str, paper_id: str) -> None:
        if self._bar is not None:
            self._bar.update(1, paper_id)

    def finish(self, stage: str) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


@cli.command()
@index_option
@json_option
def papers(index_dir: Path | None, as_json: bool) -> None:
    """List the ingested papers."""
    from reader.serialize import papers_json

    records = open_library(index_dir=index_dir).papers()
    if as_json:
        emit_json(papers_json(records))
        return
    for p in records:
        click.echo(
            f"{p.id:<12} v{p.version or '?':<3} {p.page_count:>3}p "
            f"{p.chunk_count:>4} chunks  {p.title}"
        )


@cli.command()
@click.argument("paper_id")
@index_option
@json_option
def sections(paper_id: str, index_dir: Path | None, as_json: bool) -> None:
    """List the sections of a paper: number, title, role and pages."""
    from reader.serialize import sections_json

    library = open_library(index_dir=index_dir)
    found = library.sections(paper_id)
    if as_json:
        emit_json(sections_json(library.paper(paper_id), found))
        return
    for s in found:
        pages = f"p.{s.page_start}" + (f"-{s.page_end}" if s.page_end != s.page_start else "")
        indent = "  " * (s.level - 1)
        click.echo(f"{indent}{s.label:<{50 - len(indent)}} {s.role.value:<13} {pages}")


@cli.command()
@click.argument("paper_id")
@click.option("--section", help="A role (introduction, method...) or a number (3, 3.2).")
@index_option
def read(paper_id: str, section: str | None, index_dir: Path | None) -> None:
    """Print a section as clean text (default: the Introduction, then the Method)."""
    library = open_library(index_dir=index_dir)
    for s in library.read(paper_id, section):
        pages = f"p.{s.page_start}" + (f"-{s.page_end}" if s.page_end != s.page_start else "")
        click.secho(f"{s.label}  ({s.role.value}, {pages})", bold=True)
        click.echo(section_text(library.reading_order(paper_id, s)))
        click.echo()


def filter_options(func: F) -> F:
    """--paper, --section and --stage, shared by search and ask."""
    func = click.option("--stage", type=int, help="Only papers of this reading-list stage.")(func)
    func = click.option("--section", "role", type=ROLES, help="Only sections of this role.")(func)
    return click.option("--paper", help="Only this paper id.")(func)


def filters_from(paper: str | None, role: str | None, stage: int | None) -> SearchFilters:
    return SearchFilters(
        paper_id=paper, section_role=SectionRole(role) if role else None, stage=stage
    )


@cli.command()
@click.argument("query")
@click.option("-k", type=click.IntRange(1, 100), help="Number of hits (default 5).")
@filter_options
@index_option
@json_option
def search(
    query: str,
    k: int | None,
    paper: str | None,
    role: str | None,
    stage: int | None,
    index_dir: Path | None,
    as_json: bool,
) -> None:
    """Find passages: keyword and meaning rankings fused."""
    from reader.serialize import search_json

    library = open_library(index_dir=index_dir)
    hits = library.search(query, k, filters_from(paper, role, stage))
    mapping = library.map_query(query)
    if as_json:
        emit_json(search_json(query, hits, mapping))
        return
    if mapping.chinese:
        echo_mapping(mapping.english, mapping.unmatched)
    if not hits:
        click.echo("no passages found")
    for i, h in enumerate(hits, 1):
        click.secho(f"{i}. {h.paper_title} §{h.section}, p.{h.page}  ({h.score:.3f})", bold=True)
        click.echo(wrap(h.text, "   "))
        click.echo()


@cli.command()
@click.argument("question")
@click.option(
    "-n",
    "shown",
    type=click.IntRange(1, 3),
    default=1,
    show_default=True,
    help="How many answers to print, each from different passages (best first).",
)
@filter_options
@index_option
@json_option
def ask(
    question: str,
    shown: int,
    paper: str | None,
    role: str | None,
    stage: int | None,
    index_dir: Path | None,
    as_json: bool,
) -> None:
    """Answer a question with the papers' own sentences, cited."""
    from reader.serialize import answer_json

    answer = open_library(index_dir=index_dir).ask(question, filters_from(paper, role, stage))
    if answer.generation is not None and not answer.generation.used:
        click.echo(
            f"LLM answer not used: {answer.generation.reason}; showing the papers' own sentences",
            err=True,
        )
    if as_json:
        emit_json(answer_json(answer))
        return
    if answer.query_used:
        echo_mapping(answer.query_used, answer.unmatched)
    click.echo(printed_text(answer.printed) if answer.printed else wrap(answer.answer))
    if answer.citations and not answer.abstained:
        click.echo()
        for label in dict.fromkeys(c.label for c in answer.citations):  # one line per place
            click.echo(f"  {label}")
    for number, option in enumerate(answer.options[1:shown], start=2):
        click.echo()
        click.secho(f"Answer {number} (score {option.score:.2f}):", dim=True)
        click.echo(
            printed_text(option.printed, "  ") if option.printed else wrap(option.answer, "  ")
        )
    if answer.hits:
        click.echo()
        if answer.missing_paper is not None:
            title = "From other papers (not an answer about this one):"
        else:
            title = "Supporting passages:" if not answer.abstained else "Nearest passages:"
        click.secho(title, dim=True)
        for h in answer.hits[:3]:
            click.echo(f"  - {h.paper_title} §{h.section}, p.{h.page}")


@cli.command()
@click.argument("term")
@index_option
@json_option
def concept(term: str, index_dir: Path | None, as_json: bool) -> None:
    """Look up a concept: its definition in the papers, where it occurs, the glossary."""
    from reader.serialize import concept_json

    result = open_library(index_dir=index_dir).concept(term)
    if as_json:
        emit_json(concept_json(result))
        return
    if result.unmatched:
        echo_mapping(result.query_used or result.term, result.unmatched)
    canonical = result.canonical or result.term
    # "ReLUs → ReLU (rectified linear unit)": what was typed, what it resolved to.
    heading = result.term if canonical == result.term else f"{result.term} → {canonical}"
    heading += f" ({result.expansion})" if result.expansion else ""
    click.secho(heading, bold=True)
    if not result.found:
        click.echo("not found in your library")
    for d in result.definitions[:3]:
        click.echo(wrap(f"“{d.text}” [{d.paper_id} §{d.section}, p.{d.page}]", "  "))
    if result.occurrences:
        click.echo("Occurs in:")
        for o in result.occurrences:
            click.echo(
                f"  {o.paper_id:<12} {o.count:>3}×  first §{o.first_section}, p.{o.first_page}"
            )
    if result.glossary:
        g = result.glossary
        click.secho("Glossary (written for this project, not a quote):", dim=True)
        if g.zh_names:
            click.echo(f"  {g.term} · {'、'.join(g.zh_names)}")
        click.echo(wrap(g.definition, "  "))
        if g.zh_gloss:
            click.echo(wrap(g.zh_gloss, "  "))
        if g.formula:
            click.echo(f"  formula: {g.formula}")
    if result.related:
        click.echo("Related: " + ", ".join(result.related))
    if result.hint:
        click.echo(result.hint)


@cli.command(name="eval")
@click.option(
    "--gold",
    "gold_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("../shared/eval"),
    show_default=True,
    help="Folder with sections-*.yaml, questions-*.yaml, concepts-*.yaml.",
)
@index_option
@json_option
def evaluate(gold_dir: Path, index_dir: Path | None, as_json: bool) -> None:
    """Score sections, answers and concepts against gold files."""
    report = open_library(index_dir=index_dir).evaluate(gold_dir)
    if as_json:
        emit_json(report.to_json())
    else:
        click.echo(report.to_table())


@cli.command()
@click.argument("paper_id")
@click.argument("section_number")
@click.option("--unread", is_flag=True, help="Mark it unread instead.")
@index_option
def mark(paper_id: str, section_number: str, unread: bool, index_dir: Path | None) -> None:
    """Mark a section read (progress survives re-ingests)."""
    open_library(index_dir=index_dir).mark_read(paper_id, section_number, not unread)


@cli.command()
@click.argument("paper_id")
@click.argument("section_number")
@click.argument("text")
@index_option
def note(paper_id: str, section_number: str, text: str, index_dir: Path | None) -> None:
    """Save a personal note on a section (replaces the previous one)."""
    open_library(index_dir=index_dir).save_note(paper_id, section_number, text)


@cli.command()
def config() -> None:
    """Show every setting, its environment variable and default."""
    for env, default, help_text in Settings.describe():
        click.echo(f"{env:<30} {default:<28} {help_text}")


# The study companion's command groups live in their own modules.
for _command in (plan, quiz, practice, refs, add):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="reader")
