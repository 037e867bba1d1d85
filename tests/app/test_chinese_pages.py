"""The app in 中文: the sidebar switch, remembered across restarts, and every page's words in
Chinese while the papers' text and answers stay English."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from app_driver import ASK, CONCEPTS, READ, ask, sections_tree, start, texts, use
from streamlit.testing.v1 import AppTest

from reader import Library

pytestmark = pytest.mark.slow

CJK = re.compile(r"[\u4e00-\u9fff]")
SWITCH = "语言 · Language"  # the switch's label in Chinese ("Language · 语言" in English)


def use_in_chinese(monkeypatch: pytest.MonkeyPatch, library_dir: Path) -> None:
    """The app on this library, the learner having picked 中文 in an earlier session."""
    prefs = library_dir / "index" / "preferences.json"
    prefs.write_text('{"ui_language": "zh"}', encoding="utf-8")
    use(monkeypatch, library_dir)


def switch(at: AppTest) -> Any:
    return next(r for r in at.sidebar.radio if "Language" in r.label)


def in_chinese(at: AppTest) -> AppTest:
    switch(at).set_value("zh").run()
    assert not at.exception, at.exception
    return at


def labels(at: AppTest) -> list[str]:
    """Every label, placeholder and caption of the page's own widgets (not paper text)."""
    found: list[str] = [e.value for e in at.title]
    for kind in ("button", "text_input", "text_area", "selectbox", "toggle", "number_input"):
        found += [e.label for e in getattr(at, kind)]
    found += [e.placeholder for e in at.text_input if e.placeholder]
    found += [e.label for e in at.radio]
    found += [e.label for e in at.metric]
    return [label for label in found if label]


def not_chinese(at: AppTest) -> list[str]:
    """The page's labels with no Chinese in them. The ← / → buttons are named after the
    paper's own (English) section headings."""
    own = [label for label in labels(at) if not label.startswith("←") and not label.endswith("→")]
    return [label for label in own if not CJK.search(label)]


def test_the_switch_turns_the_app_chinese_and_a_restart_keeps_it(
    monkeypatch: pytest.MonkeyPatch, private: Path
) -> None:
    use(monkeypatch, private)
    at = start()
    assert at.title[0].value == "Reading list"
    in_chinese(at)
    assert at.title[0].value == "阅读清单"
    assert switch(at).label == SWITCH
    shown = texts(at)
    assert "第 1 阶段 · 第 1-2 周" in shown
    assert "缩放点积注意力，为什么要除以 sqrt(d_k)" in shown  # the plan's focus_zh
    assert "未下载" in shown  # BLIP-2's state badge
    assert [m.label for m in at.metric] == ["已导入论文", "已读章节", "笔记"]
    saved = json.loads((private / "index" / "preferences.json").read_text(encoding="utf-8"))
    assert saved == {"ui_language": "zh"}

    st.cache_resource.clear()  # a restart: a new process, a new session
    again = start(READ)
    assert switch(again).value == "zh"
    assert "我已读完这一节" in [t.label for t in again.toggle]
    assert sections_tree(again).label == "章节（★ 先读，✓ 已读）"

    switch(again).set_value("en").run()
    st.cache_resource.clear()
    assert start().title[0].value == "Reading list"


def test_in_chinese_every_label_of_every_page_is_chinese(
    monkeypatch: pytest.MonkeyPatch, private: Path
) -> None:
    use_in_chinese(monkeypatch, private)
    library = start()
    assert library.title[0].value == "阅读清单"
    assert not_chinese(library) == []
    read = start(READ)
    assert not_chinese(read) == []
    shown = texts(read)
    assert "**阅读重点** · 第 1 阶段，第 1-2 周".replace("*", "") in shown.replace("*", "")
    assert "positional encoding（位置编码）" in shown  # key concepts with their Chinese names
    assert "Introduction" in shown  # the paper's own text and headings stay English
    asking = start(ASK)
    assert not_chinese(asking) == []
    concepts = start(CONCEPTS)
    assert not_chinese(concepts) == []


def test_a_chinese_question_in_the_chinese_app_quotes_the_english_paper(
    monkeypatch: pytest.MonkeyPatch, private: Path
) -> None:
    use_in_chinese(monkeypatch, private)
    at = start(ASK)
    ask(at, "为什么点积注意力要除以根号d_k？")
    shown = texts(at)
    assert "按英文检索：why scaled dot-product attention divide square root d_k" in shown
    assert "extremely small gradients" in shown or "scale the dot products" in shown
    assert "引用的是论文原文（英文）。" in shown
    assert "出处" in shown
    assert not_chinese(at) == []


def test_a_concept_page_in_chinese_shows_both_names_and_the_chinese_gloss_first(
    monkeypatch: pytest.MonkeyPatch, private: Path
) -> None:
    use_in_chinese(monkeypatch, private)
    at = start(CONCEPTS)
    at.text_input(key="concept_term").input("LayerNorm").run()
    assert not at.exception
    heading = at.header[0].value.replace("\\", "")
    assert "LayerNorm" in heading and "层归一化" in heading
    assert "为本项目编写，不是论文原文" in texts(at)
    entry = Library().glossary_entry("LayerNorm")
    assert entry is not None and entry.zh_gloss
    shown = [m.value.replace("\\", "") for m in at.markdown]
    assert shown.index(entry.zh_gloss) < shown.index(entry.definition)  # Chinese first


def test_a_concept_covered_by_a_paper_not_ingested_says_so_in_chinese(
    monkeypatch: pytest.MonkeyPatch, private: Path
) -> None:
    use_in_chinese(monkeypatch, private)
    at = start(CONCEPTS)
    at.text_input(key="concept_term").input("Q-Former").run()
    assert not at.exception
    shown = texts(at)
    assert "Q-Former 由 BLIP-2 (2301.12597) 提出；这篇论文在你的阅读清单上，但尚未导入。" in shown
    assert "导入 2301.12597" in [b.label for b in at.button]
