"""A background ingest: progress readable while it runs, its outcome or its error after."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from repo_paths import PAPERS

from reader import Library, Settings
from reader.errors import FetchError
from reader.ingest.job import IngestJob
from reader.ingest.pipeline import IngestProgress
from reader.models import IngestReport


def test_progress_is_readable_while_it_runs_and_the_report_after() -> None:
    halfway, go_on = threading.Event(), threading.Event()
    report = IngestReport(outcomes=())

    def run(progress: IngestProgress) -> IngestReport:
        progress.start("embed", 2)
        progress.advance("embed", "1706.03762")
        halfway.set()
        go_on.wait(5)
        progress.advance("embed", "1810.04805")
        progress.finish("embed")
        return report

    job = IngestJob(run, "the reading list").start()
    assert halfway.wait(5)
    state = job.state()
    assert state.running and (state.stage, state.done, state.total) == ("embed", 1, 2)
    assert state.paper_id == "1706.03762" and state.report is None
    go_on.set()
    state = job.wait(5)
    assert not state.running and state.done == 2 and state.report is report
    assert state.error is None


def test_a_reader_error_is_kept_as_its_one_line_message() -> None:
    def run(progress: IngestProgress) -> IngestReport:
        raise FetchError("arXiv is unreachable; retry later or use --pdf-dir")

    state = IngestJob(run, "1706.03762", ("1706.03762",)).start().wait(5)
    assert state.paper_ids == ("1706.03762",)  # the app names them in the reader's language
    assert not state.running and state.report is None
    assert state.error == "arXiv is unreachable; retry later or use --pdf-dir"


def test_an_unexpected_failure_is_reported_not_lost() -> None:
    def run(progress: IngestProgress) -> IngestReport:
        raise RuntimeError("disk on fire")

    state = IngestJob(run, "the reading list").start().wait(5)
    assert not state.running
    assert state.error == "ingest failed: RuntimeError: disk on fire"


@pytest.mark.slow
def test_library_ingests_in_the_background_one_job_at_a_time(tmp_path: Path) -> None:
    if not (PAPERS / "1607.06450.pdf").exists():
        pytest.skip("../shared/papers is needed")
    papers = tmp_path / "papers.yaml"
    papers.write_text('papers:\n  - {id: "1607.06450", version: 1, title: "Layer Normalization"}\n')
    settings = Settings.from_env(
        {}, index_dir=tmp_path / "index", papers_file=papers, pdf_dir=PAPERS, offline=True
    )
    with Library(settings) as lib:
        assert lib.ingest_job() is None
        job = lib.start_ingest()
        assert lib.start_ingest(["1607.06450"]) is job  # a second request joins the running one
        state = job.wait(300)
        assert state.error is None and state.report is not None
        assert [o.status for o in state.report.outcomes] == ["ingested"]
        assert lib.ingest_job() is job
        hits = lib.search("layer normalization statistics over the hidden units", k=3)
        assert hits and hits[0].paper_id == "1607.06450"
        again = lib.start_ingest()  # once it has finished, a new one starts
        assert again is not job and lib.ingest_job() is again
        state = again.wait(300)
        assert state.report is not None
        assert [o.status for o in state.report.outcomes] == ["unchanged"]
