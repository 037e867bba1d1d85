"""What the extractor leaves out as figure text, paper by paper, to check by eye.

    python -m benchmarks.figure_text [--lines] [PDF ...]

Without arguments it reads every PDF in ../shared/papers. Prints, per paper, how many lines were
left out and how many characters of section text remain; with --lines, every left-out line with
its page (the check that no prose is among them).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.measure import PAPERS
from reader.pdf.extract import extract_paper
from reader.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--lines", action="store_true", help="print every left-out line")
    args = parser.parse_args()
    pdfs = args.pdfs or sorted(PAPERS.glob("*.pdf"))
    settings = Settings.from_env()
    total = 0
    for pdf in pdfs:
        paper = extract_paper(pdf, settings)
        kept = sum(len(s.text) for s in paper.sections)
        total += len(paper.figure_text)
        print(
            f"{pdf.name:<22} {len(paper.figure_text):>4} figure lines left out; "
            f"{len(paper.sections)} sections, {kept:,} characters of section text"
        )
        if args.lines:
            for line in paper.figure_text:
                print(f"    p{line.page:<3} {line.text}")
    print(f"{total} figure lines in {len(pdfs)} PDFs")


if __name__ == "__main__":
    main()
