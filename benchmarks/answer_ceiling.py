"""How far re-weighting the answerer's own evidence can take answer@1.

    python -m benchmarks.answer_ceiling [--index-dir DIR] [--trials 20000]

For every dev and held-out question it takes the answerer's candidate windows and the evidence
the answerer weighs: the dense similarity of the window's best sentence and of the whole window,
the question-term coverage, the rest of the lexical evidence, the passage's rank and the
passage's dense similarity. Then it tries `--trials` random non-negative weightings of those six
and prints answer@1 of the shipped weighting, of the best weighting fit on the dev set itself, and
of that weighting on the held-out set, plus how often a gold window is among the candidates at
all. A ceiling far under the target says the evidence is what is missing, not its weighting.
Without --index-dir an index of corpus.yaml is built first in a temp folder.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from benchmarks.measure import CORPUS, GOLD, PAPERS, ROOT, Table, header
from reader.settings import Settings

HELDOUT = ROOT / "tests" / "data" / "questions-heldout.yaml"
FEATURES = ("best sentence", "window", "coverage", "other lexical", "passage rank", "passage")
DEPTH = 80  # candidate windows per question, best lexical first


@dataclass(frozen=True)
class Candidates:
    """One question's candidate windows: a feature row each, and which ones quote a gold phrase."""

    id: str
    features: np.ndarray  # windows x FEATURES
    gold: np.ndarray  # bool per window


def collect(index_dir: Path) -> list[Candidates]:
    from reader import Library
    from reader.answers.extractive import POOL, Answerer
    from reader.answers.retrieval import Retriever
    from reader.answers.windows import KEYWORD_WEIGHT, windows
    from reader.evaluation import norm

    settings = Settings.from_env(index_dir=index_dir)
    library = Library(settings)
    retriever = Retriever(library.store, library.embedder, settings)
    names = {p.id: p.short_name for p in library.store.papers()}
    answerer = Answerer(retriever, library.embedder, settings, names)
    paths = (GOLD / "questions-dev.yaml", HELDOUT)
    questions = [q for path in paths for q in yaml.safe_load(path.read_text())]
    out: list[Candidates] = []
    for item in questions:
        q = retriever.normalize(item["question"])
        pool = retriever.candidates(q, POOL)
        found = windows(answerer.question(q), pool, settings.max_answer_chars)[:DEPTH]
        qv = retriever.query_vector(q.text)
        sentences = sorted({s for w in found for s in w.sentences})
        vec = dict(zip(sentences, library.embedder.embed(sentences), strict=True))
        passage = library.embedder.embed([h.text for h in pool]) @ qv
        rows, gold = [], []
        for w in found:
            mixed = sum(len(s) * vec[s] for s in w.sentences)
            rows.append(
                (
                    max(float(vec[s] @ qv) for s in w.sentences),
                    float(mixed @ qv) / max(float(np.linalg.norm(mixed)), 1e-9),
                    w.coverage,
                    w.lexical - KEYWORD_WEIGHT * w.coverage,
                    1.0 / (1 + w.hit_index),
                    float(passage[w.hit_index]),
                )
            )
            text = norm(w.text)
            cites = pool[w.hit_index].paper_id == item["paper"]
            gold.append(cites and any(norm(p) in text for p in item["phrases"]))
        out.append(Candidates(item["id"], np.array(rows).reshape(-1, 6), np.array(gold, bool)))
    library.close()
    return out


def right(cands: list[Candidates], weights: np.ndarray) -> int:
    """answer@1 when the best window under `weights` is the answer."""
    return sum(bool(c.gold[int(np.argmax(c.features @ weights))]) for c in cands if len(c.gold))


def run(trials: int = 20000, index_dir: Path | None = None) -> Table:
    with tempfile.TemporaryDirectory() as tmp:
        if index_dir is None:
            from reader import Library

            index_dir = Path(tmp) / "index"
            settings = Settings.from_env(
                index_dir=index_dir, papers_file=CORPUS, pdf_dir=PAPERS, offline=True
            )
            Library(settings).ingest()
        cands = collect(index_dir)
    from reader.answers.extractive import MAX_SHARE
    from reader.answers.windows import KEYWORD_WEIGHT

    dev = [c for c in cands if c.id.startswith("d")]
    held = [c for c in cands if not c.id.startswith("d")]
    shipped = np.array([MAX_SHARE, 1 - MAX_SHARE, KEYWORD_WEIGHT, 1.0, 0.0, 0.0])
    rng = np.random.default_rng(0)
    best, best_w = right(dev, shipped), shipped
    for _ in range(trials):
        w = rng.uniform(0.0, 2.0, len(FEATURES))
        score = right(dev, w)
        if score > best:
            best, best_w = score, w

    def both(count: Callable[[list[Candidates]], int]) -> tuple[str, str]:
        return f"{count(dev)}/{len(dev)}", f"{count(held)}/{len(held)}"

    rows = (
        ("shipped weighting", *both(lambda part: right(part, shipped))),
        ("best of the search, fit on dev", *both(lambda part: right(part, best_w))),
        ("a gold window among the candidates", *both(lambda p: sum(c.gold.any() for c in p))),
    )
    weights = ", ".join(f"{n} {v:.2f}" for n, v in zip(FEATURES, best_w, strict=True))
    note = f"{header()}. {trials} random weightings; the best: {weights}."
    return Table("Answer@1 ceiling of the answerer's evidence", ("", "dev", "held-out"), rows, note)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--index-dir", type=Path, help="an index of corpus.yaml (else built)")
    parser.add_argument("--trials", type=int, default=20000, help="random weightings to try")
    args = parser.parse_args()
    print(run(args.trials, args.index_dir).markdown())


if __name__ == "__main__":
    main()
