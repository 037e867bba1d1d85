"""`make bench`: every performance figure of the README, as Markdown tables.

    python -m benchmarks.run_all [--quick] [--runs 3] [--backend onnx-int8] [--out FILE]

Full: 3 runs of each ingest/query figure, the embedding backends, and the scale tables at 100k
and 1M chunks (about 15-25 minutes on 2 idle cores; 1M alone needs ~3 GB RAM). --quick: 1 run
and 10k/100k chunks (a few minutes). Every table notes the load average it was measured under.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from benchmarks import embed, ingest, queries, scale
from benchmarks.measure import Table, header


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 run, 10k and 100k chunks")
    parser.add_argument("--runs", type=int, help="runs per figure (default 3, quick 1)")
    parser.add_argument("--backend", help="embedding backend (default: the Settings default)")
    parser.add_argument("--skip", nargs="*", default=[], help="ingest, embed, queries, scale")
    parser.add_argument("--out", type=Path, help="also write the tables to this Markdown file")
    args = parser.parse_args()
    from reader.settings import Settings

    runs = args.runs or (1 if args.quick else 3)
    backend = args.backend or Settings().embedding_backend
    sizes = [10_000, 100_000] if args.quick else [100_000, 1_000_000]
    started = time.perf_counter()
    text = f"## Performance figures\n\n{header()}; embedding backend {backend}.\n\n"
    print(text, flush=True)
    sections: list[Table] = []
    steps = [
        ("ingest", lambda: [ingest.run(runs, backend)]),
        ("embed", lambda: [embed.run(runs)]),
        ("queries", lambda: [queries.run(runs, backend)]),
        ("scale", lambda: scale.run(sizes)),
    ]
    for name, step in steps:
        if name in args.skip:
            continue
        for table in step():
            sections.append(table)
            print(table.markdown(), flush=True)
    footer = f"Total benchmark time {time.perf_counter() - started:.0f} s."
    print(footer)
    if args.out:
        body = "\n".join(t.markdown() for t in sections)
        args.out.write_text(f"{text}{body}\n{footer}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
