"""`reader quiz`: interview cards with spaced repetition (next, grade, stats, list)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reader.cli.common import F, ReaderGroup, emit_json, index_option, json_option, open_library
from reader.errors import ReaderError

if TYPE_CHECKING:
    from reader.study.records import CardBack

RATING_CHOICES = "again|hard|good|easy"


class BadTimeError(ReaderError):
    exit_code = 2


def now_option(func: F) -> F:
    # Hidden: tests (and a learner catching up) review "as of" a fixed time.
    return click.option("--now", "now_text", hidden=True, help="Review as of this ISO time.")(func)


def parse_now(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise BadTimeError(
            f"--now {text!r} is not an ISO date-time; write it like 2026-12-05T09:00:00+00:00"
        ) from None


def when(due: dt.datetime, days: int) -> str:
    """ "2026-12-15 (in 10 days)", read in the local time zone of the review."""
    unit = "day" if days == 1 else "days"
    at = f", at {due:%H:%M}" if days == 0 else ""
    return f"{due.date().isoformat()} (in {days} {unit}{at})"


@click.group(cls=ReaderGroup)
def quiz() -> None:
    """Interview cards: a question (English and Chinese), the papers' cited answer and the
    glossary on the back, scheduled by your grades (FSRS spaced repetition).

    `reader quiz next` shows the card due now; `reader quiz grade ID good` records how it went.
    Grades live in progress.sqlite and survive `reader ingest --rebuild`.
    """


@quiz.command(name="next")
@click.option("--front", is_flag=True, help="Only the question: do not look up the answer.")
@now_option
@index_option
@json_option
def next_card(front: bool, now_text: str | None, index_dir: Path | None, as_json: bool) -> None:
    """Show the card due now (the one due earliest; new cards in reading-plan order)."""
    from reader.serialize import quiz_next_json
    from reader.study.quiz import local_now

    now = local_now(parse_now(now_text))
    result = open_library(index_dir=index_dir).study.quiz_next(now, with_back=not front)
    if as_json:
        emit_json(quiz_next_json(result))
        return
    card = result.card
    if card is None:
        if result.next_due is None:
            click.echo("no cards: the deck is empty")
            return
        due = result.next_due.astimezone(now.tzinfo)
        click.echo(
            f"no card due now; the next one is due {when(due, (due.date() - now.date()).days)}"
        )
        return
    state = result.schedule.state if result.schedule else "new"
    where = " · ".join(
        x for x in (state, f"stage {card.stage}" if card.stage else "", card.paper_id or "") if x
    )
    click.secho(f"{card.id}  ({where})", bold=True)
    click.echo(f"Q  {card.question}")
    click.echo(f"问 {card.question_zh}")
    if result.back is not None:
        click.echo()
        echo_back(result.back)
    click.echo()
    click.echo(
        f"{result.due_today} due today · grade it: reader quiz grade {card.id} {RATING_CHOICES}"
    )


def echo_back(back: CardBack) -> None:
    from reader.textview import wrap

    if back.in_library:
        click.secho("Answer (the papers' own words):", dim=True)
        click.echo(wrap(back.answer, "  "))
        for label in dict.fromkeys(c.label for c in back.citations):
            click.echo(f"  {label}")
    elif back.note:
        click.echo(f"({back.note})")
    if not back.glossary:
        return
    g, *others = back.glossary
    click.secho("Glossary (written for this project, not a quote):", dim=True)
    click.echo(f"  {g.term}" + (f" · {'、'.join(g.zh_names)}" if g.zh_names else ""))
    click.echo(wrap(g.definition, "  "))
    if g.zh_gloss:
        click.echo(wrap(g.zh_gloss, "  "))
    if g.formula:
        click.echo(f"  formula: {g.formula}")
    if others:
        click.echo("See also: " + ", ".join(o.term for o in others) + " (reader concept TERM)")


@quiz.command()
@click.argument("card_id")
@click.argument("rating", metavar="again|hard|good|easy")
@now_option
@index_option
@json_option
def grade(
    card_id: str, rating: str, now_text: str | None, index_dir: Path | None, as_json: bool
) -> None:
    """Record how a card went (again, hard, good or easy) and say when it is due next."""
    from reader.serialize import quiz_grade_json
    from reader.study.quiz import local_now

    now = local_now(parse_now(now_text))
    result = open_library(index_dir=index_dir).study.quiz_grade(card_id, rating, now)
    if as_json:
        emit_json(quiz_grade_json(result))
        return
    click.echo(f"next due: {when(result.due.astimezone(now.tzinfo), result.days)}")


@quiz.command()
@now_option
@index_option
@json_option
def stats(now_text: str | None, index_dir: Path | None, as_json: bool) -> None:
    """Cards in the deck, new, learning and in review, due today, and the grades given."""
    from reader.serialize import quiz_stats_json

    result = open_library(index_dir=index_dir).study.quiz_stats(parse_now(now_text))
    if as_json:
        emit_json(quiz_stats_json(result))
        return
    ratings = ", ".join(f"{r} {n}" for r, n in result.by_rating)
    rows = (
        ("cards", result.total, ""),
        ("new", result.new, ""),
        ("learning", result.learning, ""),
        ("review", result.review, ""),
        ("due today", result.due_today, ""),
        ("reviews", result.reviews, f"  ({ratings})"),
    )
    for name, count, extra in rows:
        click.echo(f"{name:<10} {count:>4}{extra}")


@quiz.command(name="list")
@index_option
def list_cards(index_dir: Path | None) -> None:
    """Every card id with its state, due date and question, new ones in the order shown."""
    study = open_library(index_dir=index_dir).study
    schedules = {s.card_id: s for s in study.quiz.schedules()}
    for card in study.quiz_cards():
        s = schedules[card.id]
        due = s.due.astimezone().date().isoformat() if s.due else ""
        click.echo(f"{card.id:<40} {s.state:<10} {due:<10}  {card.question[:60]}")
