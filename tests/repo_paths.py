"""Where the project, its shared papers and its evaluation data are, for every test folder."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PAPERS = SHARED / "papers"
EVAL = SHARED / "eval"
CORPUS = EVAL / "corpus.yaml"
TEST_DATA = ROOT / "tests" / "data"
