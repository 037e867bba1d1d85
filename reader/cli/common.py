"""What every `reader` command shares: the error-to-one-line group, options, the facade, JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from reader.errors import ReaderError
from reader.models import SectionRole
from reader.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])
ROLES = click.Choice([r.value for r in SectionRole])


class ReaderGroup(click.Group):
    """Turns user errors into one clean line on stderr and a non-zero exit, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ReaderError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)


def index_option(func: F) -> F:
    return click.option(
        "--index-dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Index folder (default: index/, or READER_INDEX_DIR).",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


def open_library(**overrides: Any) -> Any:
    from reader.library import Library

    return Library(Settings.from_env(**overrides))


def emit_json(payload: dict[str, Any]) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))


def echo_mapping(english: str, unmatched: Sequence[str]) -> None:
    """Say which English query ran for a Chinese one, and which words had no match."""
    click.secho(f"(searched in English: {english})", dim=True)
    if unmatched:
        click.secho(f"(no English match for: {'、'.join(unmatched)}; left out)", dim=True)
