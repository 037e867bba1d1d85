"""`reader add`: a paper appended to a copy of the real papers.yaml, every other byte kept."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from arxiv_server import ArxivServer
from cli_runner import run_reader
from repo_paths import ROOT

from reader.catalog import load_reading_list
from reader.errors import CatalogError
from reader.models import ReadingList
from reader.study import reading_list_edit
from reader.study.reading_list_edit import add_paper

REAL = ROOT / "papers.yaml"


@pytest.fixture
def papers(tmp_path: Path) -> Path:
    copy = tmp_path / "papers.yaml"
    shutil.copyfile(REAL, copy)
    return copy


def add(
    papers: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run_reader(None, "add", *args, "--papers", str(papers), env=env)


def test_offline_add_appends_the_id_and_stage_and_keeps_every_other_byte(papers: Path) -> None:
    before = papers.read_bytes()
    done = add(papers, "2304.08485", "--stage", "3", "--offline")
    assert done.returncode == 0, done.stderr
    assert "added 2304.08485" in done.stdout
    after = papers.read_bytes()
    # The comments, blank lines, quotes and indentation before it are byte-identical; the new
    # entry follows a blank line like the others, laid out as "  - id:", its id quoted.
    assert after.startswith(before)
    assert after[len(before) :] == b'\n  - id: "2304.08485"\n    stage: 3\n'
    listed = load_reading_list(papers).papers
    assert listed[-1].id == "2304.08485" and listed[-1].stage == 3
    assert len(listed) == len(load_reading_list(REAL).papers) + 1


def test_a_versioned_id_is_written_bare_with_its_version(papers: Path) -> None:
    done = add(papers, "https://arxiv.org/abs/2304.08485v2", "--offline")
    assert done.returncode == 0, done.stderr
    entry = load_reading_list(papers).papers[-1]
    assert (entry.id, entry.version, entry.stage) == ("2304.08485", 2, None)


@pytest.mark.parametrize("raw", ["1706.03762", "1706.03762v3", "arXiv:2103.00020"])
def test_a_paper_already_listed_is_refused_in_one_line_and_nothing_changes(
    papers: Path, raw: str
) -> None:
    before = papers.read_bytes()
    done = add(papers, raw, "--offline")
    assert done.returncode != 0
    assert done.stderr.count("\n") == 1 and "already in" in done.stderr, done.stderr
    assert papers.read_bytes() == before


@pytest.mark.parametrize("raw", ["1706.3762", "2113.00020", "not-an-id", "2103.00020v0"])
def test_a_bad_id_is_refused_in_one_line_and_nothing_changes(papers: Path, raw: str) -> None:
    before = papers.read_bytes()
    done = add(papers, raw, "--offline")
    assert done.returncode != 0
    assert done.stderr.count("\n") == 1 and "not an arXiv id" in done.stderr, done.stderr
    assert papers.read_bytes() == before


@pytest.mark.parametrize(
    "content",
    [
        'papers:\n  - id: "1706.03762"\n    title: [unclosed\n',  # not YAML
        "papers:\n  - id: 2103.00020\n",  # an unquoted id is a float: not a valid list
        'papers: [{id: "1706.03762"}]\n',  # flow style: appending would rewrite the line
    ],
)
def test_an_unusable_reading_list_is_refused_and_left_as_it_was(
    tmp_path: Path, content: str
) -> None:
    path = tmp_path / "papers.yaml"
    path.write_text(content, encoding="utf-8")
    done = add(path, "2304.08485", "--offline")
    assert done.returncode != 0
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: "), done.stderr
    assert path.read_text(encoding="utf-8") == content
    assert [p.name for p in tmp_path.iterdir()] == ["papers.yaml"]  # no temporary file left


def test_a_missing_reading_list_is_refused_in_one_line(tmp_path: Path) -> None:
    done = add(tmp_path / "nope.yaml", "2304.08485", "--offline")
    assert done.returncode != 0
    assert done.stderr.count("\n") == 1 and "not found" in done.stderr
    assert not (tmp_path / "nope.yaml").exists()


def test_a_file_that_does_not_read_back_is_put_back(
    papers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = papers.read_bytes()
    calls = {"n": 0}
    real_load = reading_list_edit.load_reading_list

    def load_fails_the_second_time(path: Path) -> ReadingList:
        calls["n"] += 1
        if calls["n"] == 2:
            raise CatalogError(f"{path}: simulated damage")
        return real_load(path)

    monkeypatch.setattr(reading_list_edit, "load_reading_list", load_fails_the_second_time)
    with pytest.raises(CatalogError, match="put back"):
        add_paper(papers, "2304.08485")
    assert papers.read_bytes() == before
    assert [p.name for p in papers.parent.iterdir()] == ["papers.yaml"]


def test_online_add_takes_title_and_newest_version_from_arxiv(
    papers: Path, arxiv_server: ArxivServer
) -> None:
    arxiv_server.add_paper(
        "2304.08485", {1: b"%PDF-1", 2: b"%PDF-2"}, title='Visual Instruction "Tuning"'
    )
    env = {"READER_ARXIV_API_URL": arxiv_server.api_url, "READER_ARXIV_DELAY_SECONDS": "0"}
    before = papers.read_bytes()
    done = add(papers, "2304.08485", "--stage", "2", env=env)
    assert done.returncode == 0, done.stderr
    assert "v2" in done.stdout and "Visual Instruction" in done.stdout
    tail = papers.read_bytes()[len(before) :].decode("utf-8")
    assert tail == (
        '\n  - id: "2304.08485"\n    version: 2\n'
        '    title: "Visual Instruction \\"Tuning\\""\n    stage: 2\n'
    )
    entry = load_reading_list(papers).papers[-1]
    assert entry.title == 'Visual Instruction "Tuning"'
    assert any("id_list=2304.08485" in p for p in arxiv_server.paths())


def test_online_add_of_a_paper_arxiv_does_not_have_changes_nothing(
    papers: Path, arxiv_server: ArxivServer
) -> None:
    env = {"READER_ARXIV_API_URL": arxiv_server.api_url, "READER_ARXIV_DELAY_SECONDS": "0"}
    before = papers.read_bytes()
    done = add(papers, "2304.08485", env=env)
    assert done.returncode != 0
    assert done.stderr.count("\n") == 1 and "arXiv has no paper 2304.08485" in done.stderr
    assert papers.read_bytes() == before


def test_offline_setting_keeps_add_off_the_network(papers: Path) -> None:
    # READER_OFFLINE=1 without --offline: no arXiv request (the URL would refuse connections).
    env = {"READER_OFFLINE": "1", "READER_ARXIV_API_URL": "http://127.0.0.1:9/api/query"}
    done = add(papers, "2304.08485", env=env)
    assert done.returncode == 0, done.stderr
    assert load_reading_list(papers).papers[-1].title is None


def test_the_companion_tells_whether_a_paper_is_listed(papers: Path) -> None:
    from reader import Library
    from reader.settings import Settings

    study = Library(Settings(papers_file=papers, offline=True)).study
    assert study.in_reading_list("1706.03762v5")
    assert not study.in_reading_list("2304.08485")
    added = study.add_to_reading_list("2304.08485", stage=4)
    assert (added.id, added.stage, added.from_arxiv) == ("2304.08485", 4, False)
    assert study.in_reading_list("2304.08485")
