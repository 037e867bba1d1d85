"""Cutting Chinese text into words: jieba, loaded lazily, with the project's own words added.

jieba (PyPI, MIT) was chosen because it is the segmenter Chinese NLP code most often uses, is
pure Python (no build step), needs no model download, and takes a user dictionary, so the
glossary's names and the lexicon's words come out whole ("多头注意力", not "多头" + "注意力").
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Any, Protocol

# CJK ideographs (with extension A and compatibility forms): what counts as Chinese text.
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# The count jieba gives a project word: that of a common word of its dictionary (幅度 1,443 in
# 60M): a word the project knows wins over an unrelated neighbour's cut.
WORD_FREQ = 1000
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def has_chinese(text: str) -> bool:
    """True when `text` has at least one Chinese character."""
    return CJK.search(text) is not None


def split_runs(text: str) -> list[tuple[bool, str]]:
    """`text` as alternating runs: (True, Chinese) and (False, anything else, as typed)."""
    runs: list[tuple[bool, str]] = []
    at = 0
    for m in _CJK_RUN.finditer(text):
        if m.start() > at:
            runs.append((False, text[at : m.start()]))
        runs.append((True, m.group()))
        at = m.end()
    if at < len(text):
        runs.append((False, text[at:]))
    return runs


class Segmenter(Protocol):
    """Cuts a run of Chinese characters into words."""

    def cut(self, text: str) -> list[str]: ...


class JiebaSegmenter:
    """jieba's default dictionary plus `words`; the dictionary loads on the first cut."""

    def __init__(self, words: Iterable[str]) -> None:
        self._words = tuple(dict.fromkeys(words))
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._tokenizer is None:
                import jieba

                # jieba reports its dictionary loading on stderr at INFO level.
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for word in self._words:
                    # jieba's own suggestion only makes the word beat its own split; beside a
                    # word of its dictionary it still loses ("选点积" -> 选点 + 积, not 选 +
                    # 点积), so a project word is given the count of a common word.
                    freq = max(tokenizer.suggest_freq(word, False), WORD_FREQ)
                    tokenizer.add_word(word, freq)
                self._tokenizer = tokenizer
            return self._tokenizer

    def cut(self, text: str) -> list[str]:
        return [w for w in self._load().lcut(text) if w.strip()]
