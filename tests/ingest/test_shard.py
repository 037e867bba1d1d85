"""`reader ingest --shard I/N`: N machines split a reading list without coordinating."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import run_reader

from reader.ingest.shard import IngestOptionError, Shard, shard_of
from reader.models import PaperEntry

ENTRIES = [PaperEntry(id=f"{2000 + i // 50}.{i:05d}") for i in range(300)] + [
    PaperEntry(id="hep-th/9901001"),
    PaperEntry(id="math/0211159"),
]


def test_three_shards_are_disjoint_and_together_the_whole_list() -> None:
    parts = [Shard.parse(f"{i}/3").select(ENTRIES) for i in (1, 2, 3)]
    ids = [[e.id for e in part] for part in parts]
    assert sorted(i for part in ids for i in part) == sorted(e.id for e in ENTRIES)
    assert all(set(a).isdisjoint(b) for a in ids for b in ids if a is not b)
    assert all(len(part) > 50 for part in ids)  # a hash spreads them, not one shard for all
    assert ids[0] == [e.id for e in ENTRIES if e in parts[0]]  # reading-list order is kept


def test_the_split_is_the_same_in_another_process() -> None:
    # Another process with another string-hash seed: Python's hash() would disagree, sha1 not.
    code = (
        "import sys; from reader.ingest.shard import shard_of; "
        "print(' '.join(str(shard_of(i, 3)) for i in sys.argv[1:]))"
    )
    ids = [e.id for e in ENTRIES[:40]]
    out = subprocess.run(
        [sys.executable, "-c", code, *ids],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
    ).stdout.split()
    assert out == [str(shard_of(i, 3)) for i in ids]


def test_one_shard_of_one_is_everything() -> None:
    assert Shard.parse("1/1").select(ENTRIES) == ENTRIES


@pytest.mark.parametrize("spec", ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", ""])
def test_a_bad_shard_spec_is_refused(spec: str) -> None:
    with pytest.raises(IngestOptionError, match="I/N"):
        Shard.parse(spec)


@pytest.mark.parametrize("args", [("--shard", "4/3"), ("--shard", "half"), ("--workers", "0")])
def test_the_cli_refuses_bad_shard_and_workers_in_one_line(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    papers = tmp_path / "papers.yaml"
    papers.write_text('papers:\n  - {id: "1706.03762"}\n')
    index = tmp_path / "index"
    ran = run_reader(None, "ingest", "--papers", str(papers), "--index-dir", str(index), *args)
    assert ran.returncode == 2
    assert ran.stderr.count("\n") == 1 and ran.stderr.startswith("error: ")
    assert args[0] in ran.stderr
    assert not index.exists()  # nothing was started
