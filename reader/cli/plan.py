"""`reader plan`: this week of the study plan; `reader plan start` sets its first day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from reader.cli.common import emit_json, index_option, json_option, open_library
from reader.study.records import PlanPaper, WeekPlan
from reader.textview import wrap


@click.group(invoke_without_command=True)
@click.option("--today", metavar="YYYY-MM-DD", help="Take this day as today (default: today).")
@click.option("--papers", "papers_file", type=click.Path(path_type=Path), help="Reading list.")
@index_option
@json_option
@click.pass_context
def plan(
    ctx: click.Context,
    today: str | None,
    papers_file: Path | None,
    index_dir: Path | None,
    as_json: bool,
) -> None:
    """This week of the study plan: what to read now and what is overdue.

    Weeks come from the `weeks` fields of the reading list ("1-2", "5"); week 1 is the first
    7 days from the start set with `reader plan start YYYY-MM-DD`.
    """
    if ctx.invoked_subcommand is not None:
        return
    from reader.serialize import plan_json

    day = _today(today)  # checked before anything is opened
    week = open_library(index_dir=index_dir, papers_file=papers_file).study.plan(day)
    if as_json:
        emit_json(plan_json(week))
    else:
        click.echo("\n".join(plan_lines(week)))


@plan.command()
@click.argument("start_date", metavar="YYYY-MM-DD")
@index_option
@click.pass_context
def start(ctx: click.Context, start_date: str, index_dir: Path | None) -> None:
    """Set the plan's first day (replacing an earlier one); rebuilds of the index keep it."""
    from reader.study.plan import parse_date, week_of

    day = parse_date(start_date, "start date")
    group: dict[str, Any] = ctx.parent.params if ctx.parent is not None else {}
    today = _today(group.get("today")) or dt.date.today()
    library = open_library(index_dir=index_dir or group.get("index_dir"))
    old = library.study.set_plan_start(day)
    was = "" if old is None else f" (was {old})" if old != day else " (unchanged)"
    week = week_of(day, today)
    when = f"today is week {week}" if week else f"today, {today}, is before it"
    click.echo(f"The plan starts on {day}{was}; {when}.")


def _today(text: str | None) -> dt.date | None:
    from reader.study.plan import parse_date

    return parse_date(text, "--today") if text is not None else None


def plan_lines(plan: WeekPlan) -> list[str]:
    """The plan as the terminal shows it: where the learner stands, this week, overdue."""
    lines: list[str] = []
    if not plan.started:
        days = (plan.start - plan.today).days
        lines.append(
            f"Week 0 of {plan.total_weeks}: the plan starts on {plan.start}, "
            f"in {days} day{'s' if days != 1 else ''}; nothing is due yet."
        )
    elif plan.over:
        lines.append(
            f"Week {plan.week}: the plan is over; its {plan.total_weeks} weeks ran from "
            f"{plan.start} to {plan.end}."
        )
    else:
        lines += [
            f"Week {plan.week} of {plan.total_weeks} (started {plan.start})",
            "",
            "This week:",
        ]
        lines += [line for p in plan.this_week for line in paper_lines(p)]
        if not plan.this_week:
            lines.append("  nothing is planned for this week")
    if plan.overdue:
        lines += ["", "Overdue:"]
        lines += [line for p in plan.overdue for line in paper_lines(p)]
    elif plan.over:
        lines.append("Nothing is overdue: every planned paper is read.")
    return lines


def paper_lines(paper: PlanPaper) -> list[str]:
    entry, status = paper.status.entry, paper.status
    weeks = f"week {entry.weeks}" if paper.first_week == paper.last_week else f"weeks {entry.weeks}"
    where = f"stage {entry.stage}, {weeks}" if entry.stage is not None else weeks
    state = paper.state
    if state == "reading":
        state += f", {status.sections_read} of {status.sections_total} sections read"
    name = f"{paper.id:<12} {paper.title}" if paper.title != paper.id else paper.id
    lines = [f"  {name}  ({where})  [{state}]"]
    if entry.read_first:
        lines.append(f"      read first: {', '.join(entry.read_first)}")
    if entry.focus:
        lines.append(wrap("focus: " + "; ".join(entry.focus), "      "))
    return lines
