"""`--shard I/N`: which share of a reading list one machine ingests.

A paper belongs to shard I (1-based, 1 ≤ I ≤ N) when sha1 of its bare arXiv id (no version; a
local PDF's entry id likewise), read as a big-endian integer, is ≡ I-1 mod N. The hash is of the
id alone, so every machine, process and Python version agrees without coordination, and a
paper stays in its shard when the list grows or is reordered.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from reader.errors import ReaderError
from reader.models import PaperEntry

_SPEC = re.compile(r"\s*(\d{1,6})\s*/\s*(\d{1,6})\s*")


class IngestOptionError(ReaderError):
    """A `--shard` that is not I/N with 1 ≤ I ≤ N, or a `--workers` below 1."""

    exit_code = 2  # a usage error, like click's own


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    count: int

    @classmethod
    def parse(cls, spec: str) -> Shard:
        match = _SPEC.fullmatch(spec)
        if match is None or not 1 <= int(match.group(1)) <= int(match.group(2)):
            raise IngestOptionError(
                f"--shard {spec!r} is not I/N with 1 ≤ I ≤ N; write e.g. --shard 2/3 "
                "for the second of three machines"
            )
        return cls(int(match.group(1)), int(match.group(2)))

    def holds(self, paper_id: str) -> bool:
        return shard_of(paper_id, self.count) == self.index

    def select(self, entries: Sequence[PaperEntry]) -> list[PaperEntry]:
        """This shard's entries, in the reading list's order."""
        return [e for e in entries if self.holds(e.id)]


def shard_of(paper_id: str, count: int) -> int:
    """The 1-based shard of `paper_id` among `count`."""
    digest = hashlib.sha1(paper_id.encode("utf-8"), usedforsecurity=False).digest()
    return int.from_bytes(digest, "big") % count + 1
