"""What every benchmark needs: percentiles, the machine and its load, child processes, tables."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "eval" / "corpus.yaml"
PAPERS = SHARED / "papers"
GOLD = SHARED / "eval"


@dataclass(frozen=True)
class Table:
    """One result table: printed as Markdown so it can be pasted into the README as is."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""

    def markdown(self) -> str:
        lines = [f"### {self.title}", ""]
        lines.append("| " + " | ".join(self.headers) + " |")
        lines.append("|" + "|".join("---" for _ in self.headers) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        if self.note:
            lines += ["", self.note]
        return "\n".join(lines) + "\n"


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def loadavg() -> str:
    """The 1-minute load average: the machine is shared, so every figure carries it."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f"{pages / 2**30:.0f} GB RAM"
    except (ValueError, OSError):
        memory = "? RAM"
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory}, Linux {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def header() -> str:
    return f"{dt.date.today().isoformat()} on {machine()}; load average at start {loadavg()}"


def run_child(code: str, *args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    """Run `code` in a fresh interpreter (honest cold start and peak RSS); its last stdout line
    is JSON."""
    full_env = {**os.environ, **(env or {})}
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=full_env,
    )
    if out.returncode != 0:
        raise RuntimeError(f"benchmark child failed:\n{out.stderr[-2000:]}")
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def mb(size_bytes: float) -> str:
    return f"{size_bytes / 2**20:,.0f} MB"
