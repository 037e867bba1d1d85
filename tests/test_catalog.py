"""The reading list: the real papers.yaml loads, and every bad input gets a one-line fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from repo_paths import ROOT

from reader.catalog import (
    load_reading_list,
    safe_file_stem,
    split_arxiv_id,
    validate_arxiv_id,
)
from reader.errors import CatalogError

REPO = ROOT
EVAL_CORPUS = REPO.parent / "shared" / "eval" / "corpus.yaml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "papers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_study_plan_reading_list_loads() -> None:
    reading = load_reading_list(REPO / "papers.yaml")
    ids = [p.id for p in reading.papers]
    assert ids == ["1706.03762", "2103.00020", "2204.14198", "2301.12597", "2112.10752"]
    names = [p.short_name for p in reading.papers]
    assert names == ["Transformer", "CLIP", "Flamingo", "BLIP-2", "Latent Diffusion"]
    for paper in reading.papers:
        assert paper.title and paper.version and paper.stage and paper.weeks
        assert len(paper.focus) >= 3 and len(paper.key_concepts) >= 5
        # The same focus in the plan's Chinese, one note per English one.
        assert len(paper.focus_zh) == len(paper.focus)
        assert all(re.search(r"[\u4e00-\u9fff]", note) for note in paper.focus_zh)
        assert paper.read_first == ("introduction", "method")
    assert reading.get("2204.14198") is not None
    assert reading.get("2204.14198").version == 2  # type: ignore[union-attr]
    assert reading.get("1706.03762").version == 7  # type: ignore[union-attr]
    clip = reading.get("2103.00020")
    assert clip is not None and "InfoNCE" in clip.key_concepts
    # The plan covers 12 weeks in order, stage by stage.
    weeks = [tuple(int(w) for w in p.weeks.split("-")) for p in reading.papers if p.weeks]
    assert weeks[0][0] == 1 and weeks[-1][-1] == 12
    assert [p.stage for p in reading.papers] == sorted(p.stage or 0 for p in reading.papers)


def test_the_eval_corpus_list_loads_too() -> None:
    if not EVAL_CORPUS.is_file():
        pytest.skip("shared eval data absent")
    reading = load_reading_list(EVAL_CORPUS)
    assert len(reading.papers) == 13
    assert reading.papers[0].read_first == ("introduction", "method")  # the default


def test_optional_fields_and_friendly_forms(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'papers:\n  - id: "hep-th/9901001"\n    weeks: 3\n    read_first: [Approach]\n'
        '  - {id: "2103.00020", title: "  Learning   Transferable  "}\n',
    )
    first, second = load_reading_list(path).papers
    assert (first.id, first.version, first.weeks, first.read_first) == (
        "hep-th/9901001",
        None,
        "3",
        ("Approach",),
    )
    assert second.title == "Learning Transferable"


BAD = [
    ('papers:\n  - id: "2103.00020"\n    title: [unclosed\n', ["line 3", "YAML"]),
    ('papers:\n- id: "2103.00020"\n  focus: a: b\n', ["line 3", "YAML"]),
    ('papers:\n  - id: "2103.00020"\n    foucs: [x]\n', ["entry 1", "2103.00020", "'focus'"]),
    ('papers:\n  - id: "2103.00020"\n    pages: 3\n', ["entry 1", "unknown field 'pages'"]),
    ('papers:\n  - id: "1234"\n', ["entry 1", "'1234'", "not an arXiv id"]),
    ('papers:\n  - id: "../../etc/passwd"\n', ["entry 1", "not an arXiv id"]),
    ('papers:\n  - id: "2103.00020/../../x"\n', ["entry 1", "not an arXiv id"]),
    ("papers:\n  - id: 2103.00020\n", ["entry 1", "number", "quote it"]),
    ('papers:\n  - id: "1706.03762v7"\n', ["entry 1", "version: 7"]),
    (
        'papers:\n  - id: "2103.00020"\n  - id: "1706.03762"\n  - id: "2103.00020"\n',
        ["entry 3", "2103.00020", "duplicate id", "entry 1"],
    ),
    (
        'papers:\n  - {id: "2103.00020", short_name: CLIP}\n'
        '  - {id: "1706.03762", short_name: clip}\n',
        ["entry 2", "short_name", "unique"],
    ),
    ('papers:\n  - id: "2103.00020"\n    version: "seven"\n', ["entry 1", "version", "number"]),
    ('papers:\n  - id: "2103.00020"\n    version: 0\n', ["entry 1", "version"]),
    ('papers:\n  - id: "2103.00020"\n    stage: true\n', ["entry 1", "stage"]),
    ('papers:\n  - id: "2103.00020"\n    focus: attention\n', ["entry 1", "focus", "list"]),
    ('papers:\n  - id: "2103.00020"\n    focus: []\n', ["entry 1", "focus", "empty list"]),
    ('papers:\n  - id: "2103.00020"\n    key_concepts: [ok, 3]\n', ["entry 1", "key_concepts"]),
    ('papers:\n  - id: "2103.00020"\n    title: ""\n', ["entry 1", "title"]),
    ('papers:\n  - id: "2103.00020"\n    weeks: "5-2"\n', ["entry 1", "weeks", "1-2"]),
    ('papers:\n  - title: "No id"\n', ["entry 1", "missing 'id'"]),
    ("papers:\n  - 2103.00020\n", ["entry 1", "mapping"]),
    ("papers: []\n", ["non-empty list"]),
    ("papers:\n", ["non-empty list"]),
    ("", ["'papers:'"]),
    ("- id: x\n", ["'papers:'"]),
    ('papers:\n  - id: "2103.00020"\nextra: 1\n', ["unknown top-level field 'extra'"]),
    ('papers:\n  - id: "2103.00020"\n    focus_zh: 重点看对比学习\n', ["focus_zh", "list"]),
    ('papers:\n  - id: "2103.00020"\n    focus_zn: [对比学习]\n', ["'focus_zn'", "'focus_zh'"]),
]


@pytest.mark.parametrize(("text", "expected"), BAD)
def test_bad_reading_lists_name_file_entry_and_fix(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(CatalogError) as info:
        load_reading_list(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    for part in expected:
        assert part in message, (part, message)


def test_missing_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"not found; create it or pass"):
        load_reading_list(tmp_path / "nope.yaml")


def test_a_folder_instead_of_a_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=str(tmp_path)):
        load_reading_list(tmp_path)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2103.00020", "2103.00020"),
        (" 2103.00020 ", "2103.00020"),
        ("1706.03762v7", "1706.03762"),
        ("arXiv:1706.03762", "1706.03762"),
        ("https://arxiv.org/abs/2204.14198v2", "2204.14198"),
        ("https://arxiv.org/pdf/2204.14198v2.pdf", "2204.14198"),
        ("0704.0001", "0704.0001"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("math.GT/0309136v2", "math.GT/0309136"),
    ],
)
def test_valid_ids_are_normalised(raw: str, expected: str) -> None:
    assert validate_arxiv_id(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "2103.0002",  # what YAML makes of an unquoted 2103.00020
        "2113.00020",  # month 13
        "1412.00001",  # 5 digits before 2015
        "1501.0001",  # 4 digits from 2015
        "../../etc/passwd",
        "/etc/passwd",
        "hep-th/99010011",
        "hep-th/../9901001",
        "2103.00020/",
        "2103.00020v0",
        "2103 00020",
        "2103.00020\nx",
    ],
)
def test_invalid_ids_are_refused(raw: str) -> None:
    with pytest.raises(CatalogError, match="not an arXiv id"):
        validate_arxiv_id(raw)


def test_split_keeps_the_version() -> None:
    assert split_arxiv_id("2103.00020v12") == ("2103.00020", 12)
    assert split_arxiv_id("hep-th/9901001") == ("hep-th/9901001", None)


@given(st.text(max_size=40))
def test_anything_accepted_is_a_safe_file_name(raw: str) -> None:
    try:
        stem = safe_file_stem(raw)
    except CatalogError:
        return
    assert "/" not in stem and "\\" not in stem and ".." not in stem
    assert stem and not stem.startswith(".") and stem.isprintable()
