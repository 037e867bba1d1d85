"""The ingest pipeline's own decisions: short names, what a failed paper leaves behind."""

from __future__ import annotations

from pathlib import Path

from reader import Library, Settings
from reader.ingest.pipeline import short_name_for
from reader.models import PaperEntry

BROKEN = b"%PDF-1.7\n" + b"\x00garbage" * 200 + b"\n%%EOF\n"


def reading_list(folder: Path) -> Path:
    path = folder / "papers.yaml"
    path.write_text('papers:\n  - {id: "2101.00001", version: 1, title: "Broken"}\n')
    return path


def test_an_unreadable_cached_download_is_dropped_so_the_next_run_refetches(
    tmp_path: Path,
) -> None:
    settings = Settings.from_env(
        {}, index_dir=tmp_path / "index", papers_file=reading_list(tmp_path), offline=True
    )
    settings.pdf_cache_dir.mkdir(parents=True)
    cached = settings.pdf_cache_dir / "2101.00001v1.pdf"
    cached.write_bytes(BROKEN)
    report = Library(settings).ingest()
    assert [o.status for o in report.outcomes] == ["failed"]
    assert "cached copy was removed" in report.outcomes[0].message
    assert not cached.exists()


def test_a_users_own_unreadable_pdf_is_never_deleted(tmp_path: Path) -> None:
    pdf_dir = tmp_path / "mine"
    pdf_dir.mkdir()
    own = pdf_dir / "2101.00001.pdf"
    own.write_bytes(BROKEN)
    settings = Settings.from_env(
        {},
        index_dir=tmp_path / "index",
        papers_file=reading_list(tmp_path),
        pdf_dir=pdf_dir,
        offline=True,
    )
    report = Library(settings).ingest()
    assert report.outcomes[0].status == "failed"
    assert "cached copy" not in report.outcomes[0].message
    assert own.read_bytes() == BROKEN


def test_short_names_are_what_a_reader_would_say() -> None:
    entry = PaperEntry(id="1810.04805")
    assert short_name_for(entry, "BERT: Pre-training of Deep Bidirectional Transformers") == "BERT"
    assert short_name_for(entry, "Gaussian Error Linear Units (GELUs)") == "GELU"
    assert short_name_for(entry, "Layer Normalization") == "Layer Normalization"
    assert short_name_for(PaperEntry(id="x", short_name="CLIP"), "Learning ...") == "CLIP"


class RecordingProgress:
    def __init__(self) -> None:
        self.events: list[tuple[str, str, int | str]] = []

    def start(self, stage: str, total: int) -> None:
        self.events.append(("start", stage, total))

    def advance(self, stage: str, paper_id: str) -> None:
        self.events.append(("advance", stage, paper_id))

    def finish(self, stage: str) -> None:
        self.events.append(("finish", stage, 0))


def test_progress_is_reported_per_stage(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {}, index_dir=tmp_path / "index", papers_file=reading_list(tmp_path), offline=True
    )
    settings.pdf_cache_dir.mkdir(parents=True)
    (settings.pdf_cache_dir / "2101.00001v1.pdf").write_bytes(BROKEN)
    progress = RecordingProgress()
    Library(settings).ingest(progress=progress)
    assert progress.events == [
        ("start", "fetch", 1),
        ("advance", "fetch", "2101.00001"),
        ("finish", "fetch", 0),
        ("start", "extract", 1),
        ("advance", "extract", "2101.00001"),
        ("finish", "extract", 0),
        ("start", "embed", 0),  # the unreadable paper never reaches the embedder
        ("finish", "embed", 0),
    ]
