"""Embedding backends compared on real chunks: import, load, passages/s, cosine to torch.

    python -m benchmarks.embed [--runs 3] [--chunks 240]

Each measurement is a fresh process. Chunks are taken evenly across the dev corpus (the texts
`reader ingest` embeds, section title included). Cosine is per chunk against the torch vectors.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.measure import CORPUS, PAPERS, Table, loadavg, median, run_child

BACKENDS = ("torch", "onnx", "onnx-int8")

TEXTS_CHILD = r"""
import json, sys
from pathlib import Path
from reader.catalog import load_reading_list
from reader.ingest.chunking import chunk_sections
from reader.ingest.pipeline import embedding_text
from reader.pdf.extract import extract_paper
from reader.settings import Settings

corpus, pdf_dir, count, out = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
settings = Settings()
texts = []
for entry in load_reading_list(Path(corpus)).papers:
    paper = extract_paper(pdf_dir / f"{entry.id}.pdf", settings)
    texts += [embedding_text(c) for c in chunk_sections(entry.id, paper.sections, settings)]
step = max(1, len(texts) // count)
Path(out).write_text(json.dumps(texts[::step][:count]))
print(json.dumps({"total": len(texts)}))
"""

EMBED_CHILD = r"""
import json, sys, time
started = time.perf_counter()
from pathlib import Path
import numpy as np
from reader.embeddings.loader import load_embedder
from reader.settings import Settings
imported = time.perf_counter()
texts_file, backend, models, out = sys.argv[1:5]
settings = Settings(embedding_backend=backend, model_cache_dir=Path(models))
embedder = load_embedder(settings)
loaded = time.perf_counter()
texts = json.loads(Path(texts_file).read_text())
cpu = time.process_time()
begin = time.perf_counter()
vectors = embedder.embed(texts)
done = time.perf_counter()
np.save(out, vectors)
print(json.dumps({"import": imported - started, "load": loaded - imported,
                  "embed": done - begin, "cpu": time.process_time() - cpu,
                  "torch_imported": "torch" in sys.modules}))
"""


def run(runs: int = 3, count: int = 240, corpus: Path = CORPUS, pdf_dir: Path = PAPERS) -> Table:
    rows = []
    loads: list[str] = []
    with tempfile.TemporaryDirectory(prefix="reader-bench-embed-") as tmp:
        texts_file = Path(tmp) / "texts.json"
        total = run_child(TEXTS_CHILD, str(corpus), str(pdf_dir), str(count), str(texts_file))
        texts = json.loads(texts_file.read_text())
        models = Path(tmp) / "models"
        vectors: dict[str, np.ndarray] = {}
        export: dict[str, float] = {}
        for backend in BACKENDS:
            out = str(Path(tmp) / f"{backend}.npy")
            if backend != "torch":  # the one-off export, timed apart from steady state
                export[backend] = float(
                    run_child(EMBED_CHILD, str(texts_file), backend, str(models), out)["load"]  # type: ignore[arg-type]
                )
            results = []
            for _ in range(runs):
                loads.append(loadavg())
                results.append(run_child(EMBED_CHILD, str(texts_file), backend, str(models), out))
            vectors[backend] = np.load(out)

            def med(key: str, found: list[dict[str, object]] = results) -> float:
                return median([float(r[key]) for r in found])  # type: ignore[arg-type]

            cosine = (vectors[backend] * vectors["torch"]).sum(axis=1)
            rows.append(
                (
                    backend,
                    f"{med('import'):.2f} s",
                    f"{med('load'):.2f} s",
                    f"{export.get(backend, 0.0):.1f} s" if backend in export else "-",
                    f"{len(texts) / med('embed'):.1f}",
                    f"{len(texts) / med('cpu'):.1f}",
                    f"{cosine.min():.4f} / {cosine.mean():.4f}",
                    "yes" if results[0]["torch_imported"] else "no",
                )
            )
    note = (
        f"{len(texts)} chunks sampled evenly from the {total['total']} of {corpus.name}; "
        f"median of {runs} fresh processes per backend; load average before each: "
        f"{', '.join(loads)}. 'per CPU-s' divides by the process's CPU time, which a busy "
        "machine disturbs less than wall time."
    )
    return Table(
        "Embedding backends",
        (
            "backend",
            "import",
            "model load",
            "one-off export",
            "passages/s",
            "per CPU-s",
            "cosine to torch (min / mean)",
            "imports torch",
        ),
        tuple(rows),
        note,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chunks", type=int, default=240)
    args = parser.parse_args()
    print(run(args.runs, args.chunks).markdown())


if __name__ == "__main__":
    main()
