"""Query benchmark over the dev questions: warm p50/p95 of search, ask and concept, a cold
`reader search` process, and the app's first answer after start.

    python -m benchmarks.queries [--runs 3] [--backend onnx] [--index-dir DIR]

Without --index-dir an index of corpus.yaml is built first in a temp folder (not timed here).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from benchmarks.measure import (
    CORPUS,
    GOLD,
    PAPERS,
    ROOT,
    Table,
    loadavg,
    median,
    ms,
    percentile,
    run_child,
)
from reader.settings import Settings

WARM_CHILD = r"""
import json, sys, time
from pathlib import Path
from reader import Library, Settings
index_dir, backend, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
questions, terms = json.loads(sys.argv[4]), json.loads(sys.argv[5])
lib = Library(Settings.from_env(index_dir=Path(index_dir), embedding_backend=backend,
                                papers_file=Path(sys.argv[6])))
lib.warm_up()
lib.search("warm up", 5); lib.ask("what is attention?"); lib.concept("attention")
times = {"search": [], "ask": [], "concept": []}
for _ in range(runs):
    for q in questions:
        t = time.perf_counter(); lib.search(q, 5); times["search"].append(time.perf_counter() - t)
        t = time.perf_counter(); lib.ask(q); times["ask"].append(time.perf_counter() - t)
    for term in terms:
        t = time.perf_counter(); lib.concept(term); times["concept"].append(time.perf_counter() - t)
print(json.dumps(times))
"""

APP_CHILD = r"""
import sys
from pathlib import Path
import streamlit  # what the app process imports before anything else
from reader import Library, Settings
lib = Library(Settings.from_env(index_dir=Path(sys.argv[1]), embedding_backend=sys.argv[2],
                                papers_file=Path(sys.argv[4])))
answer = lib.ask(sys.argv[3])
print('{"abstained": %s}' % str(answer.abstained).lower())
"""

BUILD_CHILD = r"""
import json, sys
from pathlib import Path
from reader import Library, Settings
settings = Settings.from_env(index_dir=Path(sys.argv[1]), embedding_backend=sys.argv[2],
                             papers_file=Path(sys.argv[3]), pdf_dir=Path(sys.argv[4]), offline=True)
report = Library(settings).ingest()
print(json.dumps({"failed": [o.paper_id for o in report.failed]}))
"""


def wall(cmd: list[str], env: dict[str, str]) -> float:
    """Seconds from spawning `cmd` to its exit (interpreter start and imports included)."""
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, **env})
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} failed: {done.stderr[-1000:]}")
    return time.perf_counter() - started


def run(runs: int = 3, backend: str = "onnx", index_dir: Path | None = None) -> Table:
    questions = [q["question"] for q in yaml.safe_load((GOLD / "questions-dev.yaml").read_text())]
    terms = [c["term"] for c in yaml.safe_load((GOLD / "concepts-dev.yaml").read_text())]
    with tempfile.TemporaryDirectory(prefix="reader-bench-q-") as tmp:
        if index_dir is None:
            index_dir = Path(tmp) / "index"
            run_child(BUILD_CHILD, str(index_dir), backend, str(CORPUS), str(PAPERS))
        return _measure(runs, backend, index_dir, questions, terms)


def _measure(
    runs: int, backend: str, index_dir: Path, questions: list[str], terms: list[str]
) -> Table:
    import json

    load_warm = loadavg()
    warm = run_child(
        WARM_CHILD,
        str(index_dir),
        backend,
        str(runs),
        json.dumps(questions),
        json.dumps(terms),
        str(CORPUS),
    )
    rows = []
    for op in ("search", "ask", "concept"):
        values = [float(v) for v in warm[op]]  # type: ignore[attr-defined]
        rows.append(
            (
                f"warm {op}",
                ms(percentile(values, 50)),
                ms(percentile(values, 95)),
                f"{len(values)} calls",
            )
        )
    env = {"READER_EMBEDDING_BACKEND": backend, "READER_PAPERS_FILE": str(CORPUS)}
    reader_bin = Path(sys.executable).parent / "reader"
    cli = [str(reader_bin)] if reader_bin.exists() else [sys.executable, "-m", "reader.cli"]
    cold, imports, loads, app = [], [], [], []
    load_cold = loadavg()
    for i in range(max(3, runs)):
        q = questions[i % len(questions)]
        cold.append(wall([*cli, "search", q, "--index-dir", str(index_dir)], env))
        imports.append(wall([sys.executable, "-c", "import reader.cli, reader.library"], env))
        loads.append(
            wall(
                [
                    sys.executable,
                    "-c",
                    "from reader.embeddings.loader import load_embedder; "
                    "from reader import Settings; "
                    f"load_embedder(Settings.from_env(index_dir=__import__('pathlib').Path({str(index_dir)!r})))",
                ],
                env,
            )
        )
        app.append(
            wall([sys.executable, "-c", APP_CHILD, str(index_dir), backend, q, str(CORPUS)], env)
        )
    target = {"search": 3.0, "app": 3.0}
    rows += [
        (
            "cold `reader search` (process)",
            ms(median(cold)),
            ms(max(cold)),
            "target median < 3 s: " + ("met" if median(cold) < target["search"] else "MISSED"),
        ),
        ("  of which: python + imports", ms(median(imports)), ms(max(imports)), ""),
        ("  of which: model load (process)", ms(median(loads)), ms(max(loads)), "incl. imports"),
        (
            "app: first answer after start",
            ms(median(app)),
            ms(max(app)),
            "fresh process: streamlit + Library + ask; target < 3 s: "
            + ("met" if median(app) < target["app"] else "MISSED"),
        ),
    ]
    note = (
        f"{len(questions)} dev questions × {runs} runs, {len(terms)} concepts × {runs}; backend "
        f"{backend}; cold rows: median (p50 column) and worst (p95 column) of {len(cold)} fresh "
        f"processes. Load average: {load_warm} before the warm runs, {load_cold} before the cold."
    )
    return Table("Queries", ("operation", "p50", "p95 / worst", "note"), tuple(rows), note)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", default=None)
    parser.add_argument("--index-dir", type=Path)
    args = parser.parse_args()
    print(run(args.runs, args.backend or Settings().embedding_backend, args.index_dir).markdown())


if __name__ == "__main__":
    main()
