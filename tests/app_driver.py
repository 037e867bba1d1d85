"""Driving the Streamlit app with AppTest: start it on a page, type, and read what it shows."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from app_library import app_environment
from repo_paths import ROOT
from streamlit.testing.v1 import AppTest

APP = str(ROOT / "app.py")
READ, ASK, CONCEPTS = "app_pages/read.py", "app_pages/ask.py", "app_pages/concepts.py"
TIMEOUT = 120  # the first question may wait for the model to load


def use(monkeypatch: pytest.MonkeyPatch, library_dir: Path) -> None:
    for name, value in app_environment(library_dir / "index", library_dir / "papers.yaml").items():
        monkeypatch.setenv(name, value)
    for name in [n for n in os.environ if n.startswith("READER_")]:
        if name not in app_environment(library_dir / "index", library_dir / "papers.yaml"):
            monkeypatch.delenv(name)


def start(target: str | None = None, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    if target is not None:
        for name, value in (params or {}).items():
            at.query_params[name] = value
        at.switch_page(target).run()
        assert not at.exception, at.exception
    return at


def sections_tree(at: AppTest) -> Any:
    """The Read page's section tree in the sidebar (the language switch is a radio too)."""
    return next(r for r in at.sidebar.radio if r.label.startswith(("Sections", "章节")))


def texts(at: AppTest) -> str:
    """Everything written on the page, as one string (markdown escapes removed)."""
    parts = [
        e.value
        for kind in ("markdown", "caption", "info", "warning", "error")
        for e in getattr(at, kind)
    ]
    parts += (
        [e.value for e in at.header] + [e.value for e in at.subheader] + [e.value for e in at.title]
    )
    return "\n".join(str(p) for p in parts).replace("\\", "")


def after_ingest(at: AppTest) -> AppTest:
    """Redraw the page (as its once-a-second refresh does) until the ingest it started ends."""
    deadline = time.monotonic() + TIMEOUT
    while not any(e.proto.label.startswith("Ingest done") for e in at.status):
        assert time.monotonic() < deadline, "the background ingest did not finish"
        assert not at.exception, at.exception
        time.sleep(0.5)
        at.run()
    return at


def links(at: AppTest) -> list[tuple[str, str]]:
    """(label, query string) of every link into another page."""
    return [(e.proto.label.replace("\\", ""), e.proto.query_string) for e in at.get("page_link")]


def ask(at: AppTest, question: str, paper: str | None = None) -> None:
    """Type a question on the Ask page (only about `paper`, if given) and press Ask."""
    at.text_input(key="ask_question").input(question)
    if paper is not None:
        at.selectbox(key="ask_paper").set_value(paper)
    next(b for b in at.button if b.label in ("Ask", "提问")).click().run()
    assert not at.exception
