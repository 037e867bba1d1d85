"""The word list and the glossary's Chinese names: loaded, checked, bad files named."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.chinese.lexicon import load_lexicon
from reader.concepts.glossary import load_glossary
from reader.errors import CatalogError


def test_packaged_lists_load_and_every_glossary_entry_has_chinese_names() -> None:
    glossary = load_glossary()
    lexicon = load_lexicon(glossary)
    assert all(e.zh_names and e.zh_gloss for e in glossary.entries)
    assert lexicon.english("位置编码") == ("positional encoding",)
    assert lexicon.english("层归一化") == ("layer normalization",)
    assert lexicon.english("快捷连接") == ("shortcut connection",)
    assert lexicon.english("预训练")  # a word of the word list
    # A Chinese name belongs to one concept only.
    names = [n for e in glossary.entries for n in e.zh_names]
    assert len(names) == len(set(names))


def test_a_bad_word_list_is_a_one_line_catalog_error(tmp_path: Path) -> None:
    glossary = load_glossary()
    bad = tmp_path / "words.yaml"
    for text, needle in (
        ("words: [1, 2]", "'words:' mapping"),
        ("words:\n  预训练: []\n", "needs an English word"),
        ("words: {a: [b", "not valid YAML"),
    ):
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(CatalogError, match=needle):
            load_lexicon(glossary, bad)
    with pytest.raises(CatalogError, match="cannot read"):
        load_lexicon(glossary, tmp_path / "missing.yaml")
