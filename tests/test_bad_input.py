"""Bad input end to end: broken reading lists through `reader ingest`, hostile ids through every
command, hostile queries through search/ask/concept; property tests where the unit tests of the
modules have none (reading-list loading, query normalisation)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from repo_paths import PAPERS

from reader.catalog import load_reading_list
from reader.errors import CatalogError, QueryError
from reader.library import Library
from reader.settings import Settings
from reader.text.query import normalize_query, normalize_text

SMALL = "2003.04297"  # 3 pages
READER = shutil.which("reader", path=str(Path(sys.executable).parent))
needs_cli = pytest.mark.skipif(READER is None, reason="the reader console script is not installed")


def run_reader(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    assert READER is not None
    full = {k: v for k, v in os.environ.items() if not k.startswith("READER_")}
    full.update(READER_INDEX_DIR=str(cwd / "index"), READER_OFFLINE="1", **env)
    return subprocess.run(
        [READER, *args], cwd=cwd, env=full, capture_output=True, text=True, timeout=300
    )


def assert_one_error_line(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 1, result.stdout
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


# ---------------------------------------------------------------- papers.yaml through the CLI

BAD_LISTS = {
    "syntax": (
        'papers:\n  - id: "2003.04297"\n    title: [unclosed\n',
        "YAML syntax error at line 4",
    ),
    "unknown key": ('papers:\n  - id: "2003.04297"\n    titel: x\n', "did you mean 'title'?"),
    "unknown top key": ('papers:\n  - id: "2003.04297"\nextra: 1\n', "unknown top-level field"),
    "bad id": ('papers:\n  - id: "1234.5678"\n', "'1234.5678'): not an arXiv id"),
    "path id": ('papers:\n  - id: "../../etc/passwd"\n', "not an arXiv id"),
    "url id": ('papers:\n  - id: "file:///etc/passwd"\n', "not an arXiv id"),
    "duplicate": ('papers:\n  - id: "2003.04297"\n  - id: "2003.04297"\n', "duplicate id"),
    "empty list": ("papers: []\n", "non-empty list"),
    "empty file": ("", "no top-level 'papers:' list"),
    "unquoted id": ("papers:\n  - id: 2003.04297\n", 'quote it, e.g. id: "2003.04297"'),
    "not utf-8": ("papers:\n  - id: \udcff\n", "cannot read the reading list"),
}


@needs_cli
@pytest.mark.parametrize("case", sorted(BAD_LISTS))
def test_a_bad_reading_list_is_one_line_and_touches_nothing(tmp_path: Path, case: str) -> None:
    text, needle = BAD_LISTS[case]
    (tmp_path / "papers.yaml").write_bytes(text.encode("utf-8", "surrogateescape"))
    result = run_reader("ingest", cwd=tmp_path)
    assert_one_error_line(result, "papers.yaml", needle)
    assert not (tmp_path / "index").exists()  # nothing was created before the list was valid
    assert sorted(p.name for p in tmp_path.iterdir()) == ["papers.yaml"]


@needs_cli
def test_paper_option_with_a_path_like_id_is_refused(tmp_path: Path) -> None:
    (tmp_path / "papers.yaml").write_text(f'papers:\n  - id: "{SMALL}"\n')
    result = run_reader("ingest", "--paper", "../../etc/passwd", cwd=tmp_path)
    assert_one_error_line(result, "../../etc/passwd not in", "add it there first")
    assert not (tmp_path / "index").exists()


@needs_cli
def test_a_missing_reading_list_names_the_option(tmp_path: Path) -> None:
    result = run_reader("ingest", "--papers", str(tmp_path / "nope.yaml"), cwd=tmp_path)
    assert_one_error_line(result, "nope.yaml: reading list not found", "--papers")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.text(max_size=300),
        st.lists(
            st.sampled_from(
                [
                    "papers:\n",
                    "  - id: ",
                    '"2003.04297"',
                    "'1706.03762'",
                    "hep-th/9901001",
                    "\n",
                    "    version: ",
                    "0",
                    "-1",
                    "1e3",
                    "    title: ",
                    "[",
                    "]",
                    "{",
                    "}",
                    "&a ",
                    "*a",
                    "!!binary ",
                    "!!python/name:os.system",
                    "    stage: ",
                    "~",
                    "    read_first: ",
                    "    weeks: ",
                    '"3-1"',
                    "null",
                    ": ",
                    "- ",
                    "\t",
                    "#",
                ]
            ),
            max_size=30,
        ).map("".join),
    )
)
def test_any_reading_list_text_loads_or_gives_one_catalog_line(tmp_path: Path, text: str) -> None:
    path = tmp_path / "papers.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogateescape")
    try:
        loaded = load_reading_list(path)
    except CatalogError as exc:
        message = str(exc)
        assert message.startswith(str(path)) and "\n" not in message
    else:
        assert loaded.papers
        for entry in loaded.papers:
            assert "/" not in entry.id or entry.id.split("/")[0].replace("-", "").isalpha()
            assert ".." not in entry.id


# ---------------------------------------------------------------- query normalisation


@given(st.text(max_size=400), st.integers(min_value=1, max_value=3000))
def test_query_normalisation_never_raises_and_is_stable(text: str, max_chars: int) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once  # normalising twice changes nothing
    q = normalize_query(text, max_chars)
    assert len(q.text) <= max_chars
    assert all(t and t == t.lower() and t.strip() == t for t in q.terms)
    assert len(set(q.terms)) == len(q.terms)
    assert normalize_query(q.text, max_chars).text == q.text


# ---------------------------------------------------------------- hostile queries on a real index

HOSTILE_QUERIES = {
    "empty": "",
    "blank": " \t\n ",
    "punctuation": "?!.,;:()[]{}",
    "quote": '"',
    "unbalanced quote": '"momentum contrast',
    "star": "*",
    "prefix star": "moment*",
    "near": "NEAR(momentum contrast, 3)",
    "near alone": "NEAR",
    "or": "momentum OR",
    "and not": "AND NOT OR",
    "column filter": "text:momentum",
    "caret": "^momentum",
    "braces": "{text section_title}: momentum",
    "sql": "'; DROP TABLE chunks; --",
    "nul": "momentum\x00contrast",
    "chinese": "对比学习中的动量编码器是什么",
    "german": "Was ist die Größe der Warteschlange?",
    "arabic": "ما هو التعلم التبايني",
    "emoji only": "🚀🔥🤖",
    "emoji and words": "momentum 🤖 encoder",
    "full width": "ＭＬＰ ｈｅａｄ",
    "rtl override": "\u202emomentum",
    "100 KB": "momentum encoder queue " * 4400,
    "100 KB one word": "x" * 100_000,
}


FULL_PATH = {"empty", "unbalanced quote", "near", "chinese", "emoji only", "100 KB"}


@pytest.fixture(scope="module")
def small_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    if not (PAPERS / f"{SMALL}.pdf").exists():
        pytest.skip(f"{PAPERS} not available")
    folder = tmp_path_factory.mktemp("bad-input")
    (folder / "papers.yaml").write_text(f'papers:\n  - id: "{SMALL}"\n')
    config = Settings(
        index_dir=folder / "index", papers_file=folder / "papers.yaml", pdf_dir=PAPERS, offline=True
    )
    with Library(config) as library:
        report = library.ingest()
        assert not report.failed, report
        yield library


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HOSTILE_QUERIES))
def test_hostile_queries_answer_or_say_clearly_what_is_wrong(
    small_library: Library, name: str
) -> None:
    query = HOSTILE_QUERIES[name]
    # Every query through search; ask and concept (slower, same normalisation) on a sample.
    askers: list[Callable[[str], object]] = [small_library.search]
    if name in FULL_PATH:
        askers += [small_library.ask, small_library.concept]
    for ask in askers:
        try:
            ask(query)
        except QueryError as exc:
            message = str(exc)
            assert "\n" not in message and len(message) < 200
            for leak in ("fts5", "sqlite", "syntax error", "MATCH", "Traceback"):
                assert leak not in message, message


@pytest.mark.slow
def test_words_in_a_hostile_query_still_find_their_passage(small_library: Library) -> None:
    for query in ('"momentum contrast', "NEAR(momentum contrast, 3)", "momentum 🤖 encoder"):
        hits = small_library.search(query)
        assert hits and any("momentum" in h.text.lower() for h in hits[:3]), query


@pytest.mark.slow
@needs_cli
def test_hostile_queries_through_the_cli(small_library: Library) -> None:
    folder = small_library.settings.index_dir.parent
    empty = run_reader("search", "?!", cwd=folder)
    assert_one_error_line(empty, "the query is empty")
    syntax = run_reader("search", 'NEAR("momentum * OR', "--json", cwd=folder)
    assert syntax.returncode == 0, syntax.stderr
    assert json.loads(syntax.stdout)["hits"]


@needs_cli
@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("read", "../../etc/passwd"), "is not in the index"),
        (("sections", "/etc/passwd"), "is not in the index"),
        (("note", "../../etc/passwd", "1", "x"), "is not in the index"),
        (("mark", "..", "1"), "is not in the index"),
        (("read", SMALL, "--section", "../../../x"), "no section '../../../x'"),
        (("note", SMALL, "../../x", "x"), "is not in 2003.04297"),
    ],
)
def test_path_like_ids_and_sections_are_not_found_not_opened(
    small_library: Library, args: tuple[str, ...], needle: str
) -> None:
    folder = small_library.settings.index_dir.parent
    result = run_reader(*args, cwd=folder)
    assert_one_error_line(result, needle)
    assert not (folder / "index" / "progress.sqlite").exists() or not any(
        p.note == "x" for p in small_library.progress()
    )
