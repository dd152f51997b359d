"""The package layout: one package per stage, small modules, imports that point one way."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "wiretrace"
STAGES = ("ingest", "claims", "stories", "provenance", "divergences", "places", "signals")
MAX_LINES = 600


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("wiretrace")}


def test_no_module_is_over_the_line_cap() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"split these along their seams (cap {MAX_LINES} lines): {long}"


def test_each_stage_package_states_its_contract() -> None:
    for stage in STAGES:
        init = PACKAGE / stage / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "Contract:" in doc, f"{init}: the docstring names the stage function, what it reads and writes"


def test_stages_do_not_import_the_presentation_the_engines_or_the_cli() -> None:
    outward = ("wiretrace.present", "wiretrace.engine", "wiretrace.cli")
    for stage in STAGES:
        for path in (PACKAGE / stage).rglob("*.py"):
            wrong = {name for name in _imported(path) if name.startswith(outward)}
            assert not wrong, f"{path.relative_to(PACKAGE)} imports {wrong}: a stage reads records only"


def test_only_the_cli_imports_the_cli() -> None:
    for path in _modules():
        if path.parent.name == "cli":
            continue
        wrong = {name for name in _imported(path) if name.startswith("wiretrace.cli")}
        assert not wrong, f"{path.relative_to(PACKAGE)} imports {wrong}: commands register on the app"


def test_cli_commands_register_on_the_app_without_importing_it_back() -> None:
    for path in (PACKAGE / "cli").glob("*.py"):
        if path.name in ("__init__.py", "__main__.py"):
            continue
        imported = _imported(path)
        assert "wiretrace.cli" not in imported and "wiretrace.cli.app" not in imported, path.name
