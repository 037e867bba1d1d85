"""Chinese query mapping: the cold start (segmenter, word lists, CC-CEDICT) and the warm time
added to every Chinese query, over the Chinese gold questions and concepts.

    python -m benchmarks.chinese [--runs 20]

No index is needed: mapping runs before retrieval.
"""

from __future__ import annotations

import argparse
import time

import yaml

from benchmarks.measure import GOLD, ROOT, Table, median, ms, percentile
from reader import Library, Settings


def queries() -> list[str]:
    found: list[str] = []
    for folder in (GOLD, ROOT / "tests" / "data"):
        for path in sorted(folder.glob("*zh*.yaml")):
            for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
                found.append(str(item.get("question") or item.get("term")))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    texts = queries()
    library = Library(Settings.from_env())
    t = time.perf_counter()
    library.map_query("什么是多头注意力？")
    cold_first = time.perf_counter() - t
    t = time.perf_counter()
    library.map_query("什么是蝴蝶效应")  # a word only CC-CEDICT has: it loads now
    cold_general = time.perf_counter() - t
    times: list[float] = []
    for _ in range(args.runs):
        for text in texts:
            t = time.perf_counter()
            library.map_query(text)
            times.append(time.perf_counter() - t)
    rows = (
        ("Chinese queries timed", f"{len(texts)} × {args.runs} runs"),
        ("first query (jieba + word lists)", ms(cold_first)),
        ("first word from CC-CEDICT (loads it)", ms(cold_general)),
        ("warm mapping p50", f"{median(times) * 1000:.2f} ms"),
        ("warm mapping p95", f"{percentile(times, 95) * 1000:.2f} ms"),
    )
    print(Table("Chinese query mapping", ("what", "figure"), rows).markdown())


if __name__ == "__main__":
    main()
