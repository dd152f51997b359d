"""The ``wiretrace`` command line: parses arguments, calls one library function, prints.

Each command module registers its commands on the one typer app here; none imports this
module back. Exit codes: 0 success, 1 partial or failed run (some inputs rejected), 2 usage error.
"""

from __future__ import annotations

import typer

from wiretrace.cli import claims, pages, places, run, stories

app = typer.Typer(
    help="wiretrace: where news comes from — stories, copies, claims, provenance, divergences.",
    no_args_is_help=True,
    add_completion=False,
)
# the order of ``wiretrace --help``: fill the store, then read it
for module in (run, stories, claims, pages, places):
    module.register(app)

__all__ = ["app"]
