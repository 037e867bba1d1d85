"""CC-CEDICT read as short English senses: technical sense first, cross-references skipped."""

from __future__ import annotations

from pathlib import Path

from reader.chinese.cedict import GeneralDictionary, default_path


def test_senses_technical_first_without_references(tmp_path: Path) -> None:
    path = tmp_path / "cedict.txt"
    path.write_text(
        "# comment line\n"
        "隊列 队列 [dui4 lie4] /formation (of troops)/alignment/(computing) queue/\n"
        "維護 维护 [wei2 hu4] /to defend/to maintain/\n"
        "唄 呗 [bei5] /variant of 吧[ba5]/CL:個|个[ge4]/\n"
        "很長的 很长的 [x] /a very long explanation that is not a word at all/\n",
        encoding="utf-8",
    )
    d = GeneralDictionary(path)
    assert d.get("队列") == ("queue", "formation", "alignment")
    assert d.get("维护") == ("defend", "maintain")
    assert d.get("呗") is None  # only references: no sense
    assert d.get("很长的") is None  # an explanation, not a word
    assert "队列" in d and "不在" not in d


def test_a_missing_dictionary_means_no_general_words(tmp_path: Path) -> None:
    assert GeneralDictionary(tmp_path / "absent.txt").get("队列") is None
    assert GeneralDictionary(None).get("队列") is None


def test_the_packaged_dictionary_is_found() -> None:
    path = default_path()
    assert path is not None and path.is_file()
    assert GeneralDictionary(path).get("队列") is not None
