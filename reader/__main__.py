"""`python -m reader` runs the CLI."""

from reader.cli import main

main()
