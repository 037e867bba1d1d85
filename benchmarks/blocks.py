"""Equations, figures and tables found in each paper against those it prints.

    python -m benchmarks.blocks [--list] [PDF ...]

Without arguments it reads every PDF of ../shared/papers that tests/data/printed-blocks.yaml
counts. Prints per paper found/printed for each numbered kind, the numbers missed or extra,
how many unnumbered display equations were found and how many sub- and superscripts the
paragraphs mark; with --list, every equation's text (to
check the symbols, and that no prose is among them, by eye).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import yaml

from benchmarks.measure import PAPERS
from reader.models import BlockKind
from reader.pdf.extract import extract_paper
from reader.settings import Settings

PRINTED = Path(__file__).resolve().parents[1] / "tests" / "data" / "printed-blocks.yaml"
KINDS = {"equations": BlockKind.EQUATION, "figures": BlockKind.FIGURE, "tables": BlockKind.TABLE}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--list", action="store_true", help="print every equation's text")
    args = parser.parse_args()
    printed = yaml.safe_load(PRINTED.read_text(encoding="utf-8"))
    pdfs = args.pdfs or [PAPERS / f"{paper_id}.pdf" for paper_id in sorted(printed)]
    settings = Settings.from_env()
    totals: Counter[str] = Counter()
    print(f"{'paper':<12} {'equations':>10} {'figures':>9} {'tables':>8}  differences")
    for pdf in pdfs:
        paper = extract_paper(pdf, settings)
        blocks = [b for s in paper.sections for b in s.blocks]
        expected = printed.get(pdf.stem, {})
        cells, notes = [], []
        for name, kind in KINDS.items():
            found = Counter((b.number, b.page) for b in blocks if b.kind is kind and b.number)
            want = Counter((str(e["number"]), int(e["page"])) for e in expected.get(name, ()))
            hit = sum((found & want).values())
            totals[f"{name} found"] += hit
            totals[f"{name} printed"] += sum(want.values())
            totals[f"{name} extra"] += sum((found - want).values())
            cells.append(f"{hit}/{sum(want.values())}")
            missed = sorted(want - found)
            extra = sorted(found - want, key=str)
            if missed:
                notes.append(f"{name} missed {', '.join(f'{n} p{p}' for n, p in missed)}")
            if extra:
                notes.append(f"{name} extra {', '.join(f'{n} p{p}' for n, p in extra)}")
        unnumbered = sum(1 for b in blocks if b.kind is BlockKind.EQUATION and not b.number)
        totals["unnumbered"] += unnumbered
        scripts = sum(
            b.text.count("_") + b.text.count("^") for b in blocks if b.kind is BlockKind.PARAGRAPH
        )
        totals["scripts"] += scripts
        notes.insert(0, f"{unnumbered} unnumbered equations, {scripts} scripts in prose")
        print(f"{pdf.stem:<12} {cells[0]:>10} {cells[1]:>9} {cells[2]:>8}  {'; '.join(notes)}")
        if args.list:
            for b in blocks:
                if b.kind is BlockKind.EQUATION:
                    print(f"    ({b.number or '-'}) p{b.page}: {b.text}")
    print(
        "total        "
        + "  ".join(
            f"{name} {totals[name + ' found']}/{totals[name + ' printed']} "
            f"(+{totals[name + ' extra']} extra)"
            for name in KINDS
        )
        + f"  unnumbered equations {totals['unnumbered']}  scripts in prose {totals['scripts']}"
    )


if __name__ == "__main__":
    main()
