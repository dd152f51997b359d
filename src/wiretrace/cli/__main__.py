"""``python -m wiretrace.cli``: the same command line as ``wiretrace``."""

from wiretrace.cli import app

app()
