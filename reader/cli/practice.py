"""`reader practice`: code exercises from the papers, checked against reference implementations."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reader.cli.common import emit_json, index_option, json_option, open_library


@click.group()
def practice() -> None:
    """Code exercises: write attention, LayerNorm, GELU... and check them against the paper.

    `reader practice list`, then `reader practice start attention`, fill in the file, and
    `reader practice check attention attention.py`.
    """


@practice.command(name="list")
@json_option
def list_exercises(as_json: bool) -> None:
    """List the exercises, the function to write and the paper section it comes from."""
    from reader.serialize import exercises_json

    exercises = open_library().study.exercises()
    if as_json:
        emit_json(exercises_json(exercises))
        return
    for ex in exercises:
        click.echo(
            f"{ex.name:<22} {ex.title:<36} {ex.paper_id} §{ex.section_number} {ex.section_title}"
        )


@practice.command()
@click.argument("name")
@click.argument("directory", required=False, type=click.Path(path_type=Path), default=Path("."))
def start(name: str, directory: Path) -> None:
    """Write the starter file of exercise NAME into DIRECTORY (default: here).

    It has the signature, the definition with its paper section, and raises NotImplementedError.
    An existing file is never overwritten.
    """
    study = open_library().study
    path = study.start_exercise(name, directory)
    click.echo(f"wrote {path}")
    click.echo(f"fill it in, then: reader practice check {name} {path}")


@practice.command()
@click.argument("name")
@click.argument("file", type=click.Path(path_type=Path))
@index_option
@json_option
def check(name: str, file: Path, index_dir: Path | None, as_json: bool) -> None:
    """Run FILE against exercise NAME's checks: shapes, dtypes, masks, a batch of 1, gradients.

    The code runs in a child process with a time limit (READER_PRACTICE_TIME_LIMIT_SECONDS).
    Exit code 0 when every check passes, 1 when one fails, 2 for an unknown exercise or file.
    """
    from reader.serialize import practice_json

    report = open_library(index_dir=index_dir).study.check_exercise(name, file)
    if as_json:
        emit_json(practice_json(report))
    else:
        for c in report.checks:
            click.secho(f"{'✓' if c.passed else '✗'} {c.name}", fg=None if c.passed else "red")
            for line in c.message.splitlines():
                click.echo(f"    {line}")
        passed = sum(c.passed for c in report.checks)
        verdict = "all passed" if report.passed else "see the hints above"
        click.echo(f"{passed} of {len(report.checks)} checks passed: {verdict}")
    if not report.passed:
        sys.exit(1)
