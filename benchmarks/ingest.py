"""Ingest benchmark: the dev corpus from local PDFs into an empty index, per-stage figures.

    python -m benchmarks.ingest [--runs 3] [--corpus ../shared/eval/corpus.yaml]

Prints seconds per stage (extract, chunk, embed, write), pages/s, chunks/s, the re-run time on an
unchanged corpus, and peak RSS. Each run is a fresh process so peak RSS and model load are honest.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from reader import Library, Settings

corpus, pdf_dir, index_dir = sys.argv[1:4]
settings = Settings.from_env(papers_file=Path(corpus), pdf_dir=Path(pdf_dir),
                             index_dir=Path(index_dir), offline=True)
started = time.perf_counter()
lib = Library(settings)
report = lib.ingest()
cold = time.perf_counter() - started
lib.close()
started = time.perf_counter()
again = Library(settings).ingest()
rerun = time.perf_counter() - started
print(json.dumps({
    "cold_seconds": cold,
    "rerun_seconds": rerun,
    "rerun_unchanged": sum(o.status == "unchanged" for o in again.outcomes),
    "stages": report.stage_seconds,
    "pages": sum(o.pages for o in report.outcomes),
    "chunks": sum(o.chunks for o in report.outcomes),
    "failed": [o.paper_id for o in report.failed],
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def run_once(corpus: Path, pdf_dir: Path) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="reader-bench-") as tmp:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(corpus), str(pdf_dir), tmp],
            check=True,
            capture_output=True,
            text=True,
        )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=SHARED / "eval" / "corpus.yaml")
    parser.add_argument("--pdf-dir", type=Path, default=SHARED / "papers")
    args = parser.parse_args()

    runs = [run_once(args.corpus, args.pdf_dir) for _ in range(args.runs)]

    def median(key: str) -> float:
        return statistics.median(float(r[key]) for r in runs)  # type: ignore[arg-type]

    def stage(name: str) -> float:
        return statistics.median(float(r["stages"].get(name, 0.0)) for r in runs)  # type: ignore[attr-defined]

    pages, chunks = runs[0]["pages"], runs[0]["chunks"]
    extract, embed = stage("extract"), stage("embed")
    print(f"Ingest of {args.corpus.name}: {pages} pages, {chunks} chunks, median of {len(runs)} runs")
    print(f"{'stage':<12}{'seconds':>10}")
    for name in ("fetch", "extract", "chunk", "embed", "write"):
        print(f"{name:<12}{stage(name):>10.2f}")
    print(f"{'cold total':<12}{median('cold_seconds'):>10.2f}")
    print(f"{'re-run':<12}{median('rerun_seconds'):>10.2f}   ({runs[0]['rerun_unchanged']} unchanged)")
    print(f"extract+sections: {float(pages) / max(extract, 1e-9):.0f} pages/s")  # type: ignore[arg-type]
    print(f"embedding: {float(chunks) / max(embed, 1e-9):.1f} chunks/s")  # type: ignore[arg-type]
    print(f"peak RSS: {median('peak_rss_mb'):.0f} MB")
    if runs[0]["failed"]:
        print(f"failed papers: {runs[0]['failed']}")


if __name__ == "__main__":
    main()
