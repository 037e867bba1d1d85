"""The starter file of an exercise: imports, the signature, the definition, NotImplementedError."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from reader.errors import ReaderError
from reader.study.practice.exercises import Exercise


class StarterExistsError(ReaderError):
    """The starter file would overwrite the learner's work."""

    exit_code = 2


def starter_text(ex: Exercise) -> str:
    """The file the learner fills in; `reader practice check` runs it as it stands."""
    doc = "\n".join(
        [
            f"{ex.title}.",
            "",
            *ex.definition.splitlines(),
            "",
            f"From: {ex.paper_title}, section {ex.section_number} {ex.section_title}",
            f"      {ex.paper_url}  (reader read {ex.paper_id} --section {ex.section_number})",
            f"Check: reader practice check {ex.name} {ex.file_name}",
        ]
    )
    head = "import math\n\nimport torch\n"
    if ex.symbol[0].isupper():
        lines = ex.signature.splitlines()
        init, forward = lines[1], lines[2]
        body = (
            f"{lines[0]}\n"
            f'    """{_indent(doc, 4)}\n    """\n\n'
            f"{init}\n"
            "        super().__init__()\n"
            "        raise NotImplementedError\n\n"
            f"{forward}\n"
            "        raise NotImplementedError\n"
        )
        head += "from torch import nn\n"
    else:
        body = f'{ex.signature}\n    """{_indent(doc, 4)}\n    """\n    raise NotImplementedError\n'
    return f"{head}\n\n{body}"


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "\n".join(
        (pad + line if line and i else line) for i, line in enumerate(text.split("\n"))
    )


def write_starter(ex: Exercise, directory: Path) -> Path:
    """Write the starter into `directory` (created if missing); never overwrite a file."""
    target = directory / ex.file_name
    if target.exists():
        raise StarterExistsError(
            f"{target} already exists; check it with `reader practice check {ex.name} {target}`"
            " or start in another folder"
        )
    if directory.exists() and not directory.is_dir():
        raise StarterExistsError(f"{directory} is a file; give a folder to write the starter in")
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".starter-", suffix=".py")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(starter_text(ex))
        # A link never replaces an existing file: the learner's work cannot be lost in a race.
        os.link(tmp, target)
    except FileExistsError:
        raise StarterExistsError(f"{target} already exists; start in another folder") from None
    finally:
        os.unlink(tmp)
    return target
