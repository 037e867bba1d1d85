"""The app's words: every string in both languages, and none written into a page directly."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from repo_paths import ROOT

from app_pages.i18n import STRINGS

PAGES = sorted([ROOT / "app.py", *(ROOT / "app_pages").glob("*.py")])
UI_SOURCES = [p for p in PAGES if p.name != "i18n.py"]
CJK = re.compile(r"[\u4e00-\u9fff]")
# Two English words in a row: text a reader would read, not a key or an icon name.
ENGLISH_WORDS = re.compile(r"[A-Za-z]{2,}[ ,'’]+[A-Za-z]{2,}")
# Markdown directives and icons carry letters that are not words (":orange-background[",
# ":material/save:"); names are the same in both languages.
DIRECTIVES = re.compile(r":[a-z-]+\[|:material/\w+:|\]|\barXiv\b")
# Calls whose first argument, or these keyword arguments, a reader sees.
SHOWN = {
    "title", "header", "subheader", "markdown", "caption", "info", "warning", "error",
    "success", "write", "button", "form_submit_button", "text_input", "text_area",
    "selectbox", "radio", "toggle", "number_input", "pills", "expander", "status", "spinner",
    "page_link", "link_button", "metric", "toast", "progress", "Page", "image",
}  # fmt: skip
SHOWN_KEYWORDS = {"label", "placeholder", "help", "text", "caption", "title"}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_string_is_written_in_both_languages_with_the_same_fields() -> None:
    assert len(STRINGS) > 100
    for key, (english, chinese) in STRINGS.items():
        assert english.strip() and chinese.strip(), key
        assert fields(english) == fields(chinese), key
        words = re.sub(r"\{\w+\}", "", english)
        if re.search(r"[A-Za-z]", words):
            assert CJK.search(chinese), f"{key}: the Chinese text has no Chinese in it"


def _keys_used() -> tuple[set[str], set[str]]:
    """The keys pages pass to t() literally, and the prefixes of keys they build (f"role.{…}")."""
    literal: set[str] = set()
    prefixes: set[str] = set()
    for path in PAGES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in STRINGS:
                literal.add(str(node.value))
            if isinstance(node, ast.JoinedStr) and node.values:
                first = node.values[0]
                if isinstance(first, ast.Constant) and str(first.value).endswith("."):
                    prefixes.add(str(first.value))
            if (
                isinstance(node, ast.BinOp)
                and isinstance(node.left, ast.Constant)
                and str(node.left.value).endswith(".")
            ):
                prefixes.add(str(node.left.value))
    return literal, prefixes


def test_every_key_a_page_asks_for_exists_and_every_key_is_used() -> None:
    literal, prefixes = _keys_used()
    for path in PAGES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "t"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                assert node.args[0].value in STRINGS, f"{path.name}: t({node.args[0].value!r})"
    unused = [k for k in STRINGS if k not in literal and not k.startswith(tuple(prefixes))]
    assert not unused, f"strings no page uses: {unused}"


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def _exempt(tree: ast.AST) -> set[int]:
    """Strings no reader sees: log messages, the static scroll script, and dict keys (a value
    looked up, such as a paper's state)."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            ids |= {id(k) for k in node.keys if k is not None}
        is_log = (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "log"
        )
        is_script = (
            isinstance(node, ast.JoinedStr)
            and node.values
            and isinstance(node.values[0], ast.Constant)
            and str(node.values[0].value).lstrip().startswith("<script>")
        )
        if is_log or is_script:
            ids |= {id(n) for n in ast.walk(node)}
    return ids


def _english_in(node: ast.AST) -> str | None:
    parts = node.values if isinstance(node, ast.JoinedStr) else [node]
    for part in parts:
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            text = DIRECTIVES.sub(" ", part.value)
            if re.search(r"[A-Za-z]{2,}", text):
                return part.value
    return None


def untranslated(source: str) -> list[str]:
    """The strings in a page's source a reader would see in one language only."""
    tree = ast.parse(source)
    skip = _docstrings(tree) | _exempt(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if is_text and ENGLISH_WORDS.search(DIRECTIVES.sub(" ", str(node.value))):
            found.append(str(node.value))
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in SHOWN:
            continue
        shown = node.args[:1] + [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
        for arg in shown:
            if isinstance(arg, ast.Constant | ast.JoinedStr) and id(arg) not in skip:
                text = _english_in(arg)
                if text is not None:
                    found.append(text)
    return sorted(set(found))


@pytest.mark.parametrize("path", UI_SOURCES, ids=lambda p: p.name)
def test_no_page_writes_a_label_in_one_language_only(path: Path) -> None:
    assert untranslated(path.read_text(encoding="utf-8")) == []


def test_the_scan_catches_a_label_written_into_a_page() -> None:
    page = """
import streamlit as st
st.button("Ask")
st.caption(f"Page {page} of {count}")
st.markdown(":orange-background[" + text + "]")
st.text_input(t("ask.question"), placeholder="e.g. What is attention?")
label = "Saved in the index"
key = "ask_answer"
"""
    assert untranslated(page) == ["Ask", "Page ", "Saved in the index", "e.g. What is attention?"]
