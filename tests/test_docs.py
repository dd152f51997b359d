"""Docs that cannot drift: every CLI command and option appears in docs/cli.md."""

from __future__ import annotations

from pathlib import Path

import typer

from wiretrace.cli import app

DOCS = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def test_every_command_and_option_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    missing = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        if f"wiretrace {name}" not in text:
            missing.append(f"wiretrace {name}")
        for param in command.params:
            for option in getattr(param, "opts", []):
                if option.startswith("-") and f"`{option}" not in text:
                    missing.append(f"wiretrace {name} {option}")
    assert not missing, f"document these in docs/cli.md: {missing}"
