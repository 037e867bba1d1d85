"""Runs the `reader` command in a subprocess, as a user would, on a given index."""

from __future__ import annotations

import os
import subprocess
import sys

from repo_paths import ROOT

from reader.settings import Settings


def run_reader(
    settings: Settings | None, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("READER_")}
    if settings is not None:
        full_env["READER_INDEX_DIR"] = str(settings.index_dir)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=300,
        cwd=ROOT,
    )
