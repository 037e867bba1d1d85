"""jieba with the project's words: names come out whole; it loads only when first used."""

from __future__ import annotations

import sys

from reader.chinese.segment import JiebaSegmenter, has_chinese, split_runs


def test_split_runs_keeps_english_as_typed() -> None:
    assert split_runs("Q-Former的作用是什么?") == [
        (False, "Q-Former"),
        (True, "的作用是什么"),
        (False, "?"),
    ]
    assert has_chinese("KL散度") and not has_chinese("KL divergence") and not has_chinese("")


def test_project_words_come_out_whole() -> None:
    segmenter = JiebaSegmenter(["多头注意力", "层归一化", "掩码语言模型"])
    assert "多头注意力" in segmenter.cut("什么是多头注意力")
    assert "层归一化" in segmenter.cut("层归一化在什么范围内计算")
    assert "掩码语言模型" in segmenter.cut("掩码语言模型是什么")


def test_creating_a_segmenter_does_not_load_jieba() -> None:
    sys.modules.pop("jieba", None)
    JiebaSegmenter(["多头注意力"])
    assert "jieba" not in sys.modules


def test_a_project_word_wins_over_a_dictionary_word_beside_it() -> None:
    # jieba's dictionary has 选点 ("choose a site"); the question means 选 + 点积 (dot product).
    assert "点积" in JiebaSegmenter(["点积"]).cut("Transformer为啥选点积")
