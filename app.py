"""The reading app: `streamlit run app.py`. Navigation and the language switch; each page lives
in app_pages/."""

from __future__ import annotations

import streamlit as st

from app_pages.i18n import language_switch, t
from app_pages.session import (
    ASK_PAGE,
    CONCEPTS_PAGE,
    LIBRARY_PAGE,
    PRACTICE_PAGE,
    READ_PAGE,
    library,
)

st.set_page_config(page_title="reader", page_icon="📖", layout="wide")
lib = library()  # created once per process and cached; the model starts loading in the background
language_switch(lib)
page = st.navigation(
    [
        st.Page(LIBRARY_PAGE, title=t("nav.library"), icon=":material/list:", default=True),
        st.Page(READ_PAGE, title=t("nav.read"), icon=":material/menu_book:", url_path="read"),
        st.Page(ASK_PAGE, title=t("nav.ask"), icon=":material/question_answer:", url_path="ask"),
        st.Page(
            CONCEPTS_PAGE,
            title=t("nav.concepts"),
            icon=":material/lightbulb:",
            url_path="concepts",
        ),
        st.Page(
            PRACTICE_PAGE,
            title=t("nav.practice"),
            icon=":material/code:",
            url_path="practice",
        ),
    ]
)
page.run()
