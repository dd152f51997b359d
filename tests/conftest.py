"""Shared fixtures: the ../shared data CI places beside the checkout, and temporary stores."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()
SEEDS = SHARED / "corpus" / "seeds"
EXAMPLES = REPO / "examples" / "corpus"


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"shared data not found at {SEEDS} (CI places ../shared beside the checkout)")
    return SEEDS


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "wiretrace.duckdb"
