"""An extraction that kills its process on one PDF, as a crash inside MuPDF would (for the
worker-pool tests; importable by spawned children because tests/ is on their path)."""

from __future__ import annotations

import os

from reader.ingest.parallel import extract_with
from reader.models import ExtractedPaper, FetchedPaper
from reader.settings import Settings

DEADLY = "2101.00002"


def extract_or_die(settings: Settings, paper: FetchedPaper) -> ExtractedPaper:
    if paper.pdf_path.name.startswith(DEADLY):
        os._exit(70)  # no exception, no cleanup: the process is simply gone
    return extract_with(settings, paper)
