"""Every command of the `labourbot` CLI has help text and is documented in README.md or docs/."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
import typer

from cli.main import app
from labourbot.config import PROJECT_ROOT


def _commands(group: click.Command, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found = []
    for name, command in getattr(group, "commands", {}).items():
        path = (*prefix, name)
        found.append((path, command))
        found.extend(_commands(command, path))
    return found


COMMANDS = _commands(typer.main.get_command(app))
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").rglob("*.md"))])


def test_the_cli_has_the_documented_top_level_commands():
    top = {path[0] for path, _ in COMMANDS}
    assert {"ask", "chat", "serve", "calc", "kb"} <= top


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_has_help_and_is_documented(path, command):
    assert (command.help or command.short_help or "").strip(), f"{' '.join(path)} has no help text"
    assert f"labourbot {' '.join(path)}" in DOCS, f"`labourbot {' '.join(path)}` is not in README.md or docs/"


def _defines(path: Path, dotted: str) -> bool:
    """Whether the module at `path` defines `name` or `Class.method` (functions, classes, async too)."""
    import ast

    scope: list[ast.stmt] = ast.parse(path.read_text(encoding="utf-8")).body
    for part in dotted.split("."):
        found = next((node for node in scope if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                   ast.ClassDef)) and node.name == part), None)
        if found is None:
            return False
        scope = getattr(found, "body", [])
    return True


ARCHITECTURE = PROJECT_ROOT / "docs" / "architecture.md"
HOPS = [
    (cells[2], cells[3])
    for line in ARCHITECTURE.read_text(encoding="utf-8").splitlines()
    if line.startswith("| ") and ".py |" in line
    for cells in [[c.strip() for c in line.split("|")]]
]


def test_the_architecture_page_has_both_paths():
    assert len(HOPS) >= 20


@pytest.mark.parametrize("path,name", HOPS, ids=[f"{p}:{n}" for p, n in HOPS])
def test_every_hop_of_the_architecture_page_exists(path, name):
    assert _defines(PROJECT_ROOT / path, name), f"docs/architecture.md names {path} {name}, which does not exist"
