"""The reading app: `streamlit run app.py`. Navigation only; each page lives in app_pages/."""

from __future__ import annotations

import streamlit as st

from app_pages.session import ASK_PAGE, CONCEPTS_PAGE, LIBRARY_PAGE, READ_PAGE, library

st.set_page_config(page_title="reader", page_icon="📖", layout="wide")
library()  # created once per process and cached; the model starts loading in the background
page = st.navigation(
    [
        st.Page(LIBRARY_PAGE, title="Library", icon=":material/list:", default=True),
        st.Page(READ_PAGE, title="Read", icon=":material/menu_book:", url_path="read"),
        st.Page(ASK_PAGE, title="Ask", icon=":material/question_answer:", url_path="ask"),
        st.Page(CONCEPTS_PAGE, title="Concepts", icon=":material/lightbulb:", url_path="concepts"),
    ]
)
page.run()
