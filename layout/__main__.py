"""`python -m layout` is the same as the `layout` console script."""

from layout.cli import run

run()
