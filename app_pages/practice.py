"""Practice: write an exercise from the papers and check it; then the interview cards due today."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from app_pages.i18n import language, t
from app_pages.session import library
from app_pages.widgets import md, read_link, shown_errors
from reader import CheckReport, Exercise, Library

EXERCISE = "practice_exercise"
REPORT = "practice_report"  # (exercise name, CheckReport) of the last run
SHOWN_BACK = "quiz_shown_back"  # the card id whose answer is shown
GRADED = "quiz_graded"  # the message after the last grade
RATINGS = ("again", "hard", "good", "easy")


def main() -> None:
    lib = library()
    st.title(t("practice.title"))
    with shown_errors():
        exercises = {ex.name: ex for ex in lib.study.exercises()}
        name = st.selectbox(
            t("practice.exercise"),
            list(exercises),
            key=EXERCISE,
            format_func=lambda n: f"{exercises[n].title} ({n})",
        )
        ex = exercises[str(name)]
        _exercise(lib, ex)
    st.divider()
    with shown_errors():
        _cards(lib)


def _exercise(lib: Library, ex: Exercise) -> None:
    section = f"{ex.section_number} {ex.section_title}"
    st.caption(md(t("practice.from_paper", paper=ex.paper_title, section=section)))
    if lib.study.exercise_section(ex.name) is not None:
        read_link(
            t("practice.open_section", section=ex.section_number), ex.paper_id, ex.section_number
        )
    else:
        st.caption(md(t("practice.not_ingested", paper=ex.paper_id)))
    st.code(ex.definition, language=None)
    starter = lib.study.starter_text(ex.name)
    with st.expander(t("practice.starter")):
        st.code(starter, language="python")
    st.download_button(t("practice.download", file=ex.file_name), starter, ex.file_name)

    code = st.text_area(t("practice.code"), height=260, key=f"practice_code_{ex.name}")
    upload = st.file_uploader(t("practice.upload"), type=["py"], key=f"practice_upload_{ex.name}")
    if st.button(t("practice.run"), type="primary", key="practice_run"):
        source = upload.getvalue().decode("utf-8", "replace") if upload is not None else code
        if not source.strip():
            st.warning(t("practice.empty"))
            return
        with st.spinner(t("practice.running")):
            st.session_state[REPORT] = (ex.name, _check(lib, ex, source))
    last = st.session_state.get(REPORT)
    if last is not None and last[0] == ex.name:
        _report(last[1])


def _check(lib: Library, ex: Exercise, source: str) -> CheckReport:
    # The code is written to a scratch file and run in a child process; never imported here.
    with tempfile.TemporaryDirectory(prefix="reader-practice-app-") as scratch:
        path = Path(scratch) / ex.file_name
        path.write_text(source, encoding="utf-8")
        return lib.study.check_exercise(ex.name, path)


def _report(report: CheckReport) -> None:
    passed = sum(c.passed for c in report.checks)
    total = len(report.checks)
    if report.passed:
        st.success(t("practice.passed", n=total))
    else:
        st.error(t("practice.failed", passed=passed, n=total))
    if report.timed_out:
        st.warning(t("practice.timed_out"))
    if language() == "zh":
        st.caption(t("practice.messages_note"))
    for c in report.checks:
        # Material icons, not emoji: a browser without an emoji font paints those as boxes.
        mark = ":green[:material/check_circle:]" if c.passed else ":red[:material/cancel:]"
        st.markdown(f"{mark} {md(c.name)}")
        if c.message:
            st.code(c.message, language=None)


def _cards(lib: Library) -> None:
    st.subheader(t("cards.title"), anchor=False)
    if GRADED in st.session_state:
        st.success(st.session_state.pop(GRADED))
    due = lib.study.quiz_next(with_back=False)
    if due.card is None:
        when = due.next_due.date().isoformat() if due.next_due else "—"
        st.info(t("cards.none_due", when=when))
        return
    card = due.card
    st.caption(t("cards.due", n=due.due_today))
    question = card.question_zh if language() == "zh" else card.question
    other = card.question if language() == "zh" else card.question_zh
    with st.container(border=True):
        st.markdown(f"**{md(question)}**")
        st.caption(md(other))
        if st.session_state.get(SHOWN_BACK) != card.id:
            if st.button(t("cards.show"), key="quiz_show"):
                st.session_state[SHOWN_BACK] = card.id
                st.rerun()
            return
        back = lib.study.quiz_back(card.id)
        if back.note:
            st.info(md(t("error.detail", error=back.note)))
        st.markdown(t("cards.from_papers") if back.in_library else t("concepts.glossary"))
        st.markdown(f"> {md(back.answer)}")
        for c in back.citations[:3]:
            read_link(c.label, c.paper_id, c.section, c.page, c.quote)
        for g in back.glossary[:1]:
            if back.in_library:
                st.caption(t("concepts.glossary"))
                gloss = g.zh_gloss if language() == "zh" and g.zh_gloss else g.definition
                st.caption(md(gloss))
        columns = st.columns(len(RATINGS))
        for column, rating in zip(columns, RATINGS, strict=True):
            if column.button(t(f"cards.rate.{rating}"), key=f"quiz_rate_{rating}"):
                result = lib.study.quiz_grade(card.id, rating)
                st.session_state[GRADED] = t(
                    "cards.graded", date=result.due.date().isoformat(), days=result.days
                )
                st.session_state.pop(SHOWN_BACK, None)
                st.rerun()


main()
