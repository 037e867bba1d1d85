"""Ingest benchmark: the dev corpus from local PDFs into an empty index, per-stage figures.

    python -m benchmarks.ingest [--runs 3] [--backend onnx] [--corpus ../shared/eval/corpus.yaml]
    python -m benchmarks.ingest --workers 1 2 [--runs 3]

Prints seconds per stage (extract, chunk, embed, write), pages/s, chunks/s, the re-run time on an
unchanged corpus, and peak RSS. Each run is a fresh process so peak RSS and model load are honest;
the exported ONNX model is kept between runs (as it is between ingests of a real library).
`--workers` instead compares extraction + sectioning pages/s of the corpus with 1, 2, ... worker
processes (as `reader ingest --workers N` runs it: the pool's start-up is included).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from benchmarks.measure import CORPUS, PAPERS, Table, loadavg, median, run_child
from reader.settings import Settings

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from reader import Library, Settings

corpus, pdf_dir, index_dir, backend, models = sys.argv[1:6]
settings = Settings.from_env(papers_file=Path(corpus), pdf_dir=Path(pdf_dir),
                             index_dir=Path(index_dir), offline=True,
                             embedding_backend=backend, model_cache_dir=Path(models))
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

WORKERS_CHILD = r"""
import json, sys, time
from functools import partial
from pathlib import Path
from reader import Library, Settings
from reader.fetch.arxiv_client import PaperFetcher
from reader.ingest.parallel import extract_in_pool, extract_with

corpus, pdf_dir, index_dir, workers = sys.argv[1:5]
settings = Settings.from_env(papers_file=Path(corpus), pdf_dir=Path(pdf_dir),
                             index_dir=Path(index_dir), offline=True)
fetcher = PaperFetcher(settings)
papers = [fetcher.fetch(e) for e in Library(settings).reading_list().papers]
extract = partial(extract_with, settings)
started = time.perf_counter()
if int(workers) == 1:
    done = [extract(p) for p in papers]
else:
    done = list(extract_in_pool(papers, extract, int(workers)))
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "pages": sum(getattr(d, "page_count", 0) for d in done)}))
"""


def workers_table(
    workers: list[int], runs: int = 3, corpus: Path = CORPUS, pdf_dir: Path = PAPERS
) -> Table:
    """Extraction + sectioning of the corpus with each worker count: median of `runs`."""
    rows = []
    base = 0.0
    for count in workers:
        seconds, loads, pages = [], [], 0.0
        for _ in range(runs):
            loads.append(loadavg())
            with tempfile.TemporaryDirectory(prefix="reader-bench-") as tmp:
                result = run_child(WORKERS_CHILD, str(corpus), str(pdf_dir), tmp, str(count))
            seconds.append(float(result["seconds"]))  # type: ignore[arg-type]
            pages = float(result["pages"])  # type: ignore[arg-type]
        rate = pages / max(median(seconds), 1e-9)
        base = base or rate
        target = "target ≥ 150 pages/s: " + ("met" if rate >= 150 else "MISSED")
        rows.append(
            (
                str(count),
                f"{median(seconds):.2f} s",
                f"{rate:.0f} pages/s",
                f"×{rate / base:.2f}",
                target if count > 1 else "",
                ", ".join(loads),
            )
        )
    note = (
        f"{corpus.name}: {pages:.0f} pages; median of {runs} fresh-process runs each; "
        f"{os.cpu_count()} cores; load average before each run in the last column."
    )
    headers = ("workers", "extract + sections", "rate", "speed-up", "note", "load")
    return Table("Parallel extraction", headers, tuple(rows), note)


STAGES = ("fetch", "extract", "chunk", "embed", "write")


def run(
    runs: int = 3, backend: str = "onnx", corpus: Path = CORPUS, pdf_dir: Path = PAPERS
) -> Table:
    """Median of `runs` cold ingests (each in a fresh process, each into an empty index)."""
    results: list[dict[str, object]] = []
    loads: list[str] = []
    with tempfile.TemporaryDirectory(prefix="reader-bench-models-") as models:
        # The first ingest exports the ONNX model; that one-off is not a steady-state figure.
        if backend.startswith("onnx"):
            with tempfile.TemporaryDirectory(prefix="reader-bench-") as tmp:
                run_child(CHILD, str(corpus), str(pdf_dir), tmp, backend, models)
        for _ in range(runs):
            loads.append(loadavg())
            with tempfile.TemporaryDirectory(prefix="reader-bench-") as tmp:
                results.append(run_child(CHILD, str(corpus), str(pdf_dir), tmp, backend, models))

    def med(key: str) -> float:
        return median([float(r[key]) for r in results])  # type: ignore[arg-type]

    def stage(name: str) -> float:
        return median([float(r["stages"].get(name, 0.0)) for r in results])  # type: ignore[attr-defined]

    pages, chunks = float(results[0]["pages"]), float(results[0]["chunks"])  # type: ignore[arg-type]
    extract, embed, cold = stage("extract"), stage("embed"), med("cold_seconds")
    rss = med("peak_rss_mb")
    rows = [(name, f"{stage(name):.2f} s", "") for name in STAGES]
    rows += [
        ("cold total", f"{cold:.1f} s", "target < 45 s: " + ("met" if cold < 45 else "MISSED")),
        (
            "re-run (unchanged)",
            f"{med('rerun_seconds'):.2f} s",
            f"{results[0]['rerun_unchanged']} papers unchanged; target < 3 s: "
            + ("met" if med("rerun_seconds") < 3 else "MISSED"),
        ),
        (
            "extract + sections",
            f"{pages / max(extract, 1e-9):.0f} pages/s",
            "target ≥ 100 pages/s: " + ("met" if pages / max(extract, 1e-9) >= 100 else "MISSED"),
        ),
        ("embedding", f"{chunks / max(embed, 1e-9):.1f} chunks/s", f"backend {backend}"),
        ("peak RSS", f"{rss:.0f} MB", "target < 1536 MB: " + ("met" if rss < 1536 else "MISSED")),
    ]
    failed = results[0]["failed"]
    note = (
        f"{corpus.name}: {pages:.0f} pages, {chunks:.0f} chunks; median of {runs} fresh-process "
        f"runs; load average before each run: {', '.join(loads)}."
        + (f" Failed papers: {failed}." if failed else "")
    )
    return Table(f"Ingest ({backend})", ("stage", "figure", "note"), tuple(rows), note)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--backend", default=None, help="torch, onnx or onnx-int8 (default: the Settings default)"
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--pdf-dir", type=Path, default=PAPERS)
    parser.add_argument(
        "--workers", type=int, nargs="+", help="compare extraction with these worker counts"
    )
    args = parser.parse_args()
    if args.workers:
        print(workers_table(args.workers, args.runs, args.corpus, args.pdf_dir).markdown())
        return
    print(
        run(
            args.runs, args.backend or Settings().embedding_backend, args.corpus, args.pdf_dir
        ).markdown()
    )


if __name__ == "__main__":
    main()
