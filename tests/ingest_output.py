"""Reading what `reader ingest` prints, for the end-to-end tests."""

from __future__ import annotations


def outcome_lines(stdout: str) -> dict[str, str]:
    """paper id -> the rest of its `reader ingest` line."""
    found = {}
    for line in stdout.splitlines():
        parts = line.split(maxsplit=1)
        if len(parts) == 2 and parts[0][:1].isdigit():
            found[parts[0]] = parts[1]
    return found
