"""`reader refs`: a paper's reference list; `reader add`: put a paper on the reading list."""

from __future__ import annotations

import textwrap
from pathlib import Path

import click

from reader.cli.common import emit_json, index_option, json_option, open_library
from reader.textview import WIDTH


@click.command()
@click.argument("paper_id")
@index_option
@json_option
def refs(paper_id: str, index_dir: Path | None, as_json: bool) -> None:
    """List the entries of a paper's References section, with the arXiv id each prints.

    A listed arXiv id can go straight onto the reading list with `reader add ID`.
    """
    from reader.serialize import references_json

    found = open_library(index_dir=index_dir).study.references(paper_id)
    if as_json:
        emit_json(references_json(found))
        return
    if not found.references:
        click.echo(f"no references found in {paper_id}")
        return
    for r in found.references:
        click.echo(textwrap.fill(f"[{r.number}] {r.text}", width=WIDTH, subsequent_indent="    "))
        if r.arxiv_id:
            click.secho(f"    arXiv {r.arxiv_id}  (reader add {r.arxiv_id})", dim=True)
    with_id = sum(1 for r in found.references if r.arxiv_id)
    click.echo(f"{len(found.references)} references, {with_id} with an arXiv id")


@click.command()
@click.argument("arxiv_id")
@click.option("--stage", type=click.IntRange(min=1), help="The study-plan stage to file it under.")
@click.option(
    "--papers",
    "papers_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Reading list (default: papers.yaml, or READER_PAPERS_FILE).",
)
@click.option("--offline", is_flag=True, default=None, help="Add the id alone; never ask arXiv.")
def add(arxiv_id: str, stage: int | None, papers_file: Path | None, offline: bool | None) -> None:
    """Append a paper to the reading list, keeping the file's comments and layout.

    Its title and newest version come from arXiv (with --offline: the id alone). A bad id, one
    already listed, or an unreadable list is refused and the file is left as it was.
    """
    library = open_library(papers_file=papers_file, offline=offline)
    added = library.study.add_to_reading_list(arxiv_id, stage=stage)
    label = added.id + (f"v{added.version}" if added.version else "")
    title = f" “{added.title}”" if added.title else ""
    where = f" (stage {added.stage})" if added.stage else ""
    click.echo(f"added {label}{title} to {added.path}{where}")
    if not added.from_arxiv:
        click.echo("offline: only the id was written; add a title by hand if you like")
    click.echo(f"next: reader ingest --paper {added.id}")
