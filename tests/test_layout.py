"""The package's shape, checked: one folder per stage, imports pointing one way, no circles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "reader"
# The facade, CLI, settings, models and errors stay at the top; the stages are folders.
STAGES = {
    "fetch",
    "pdf",
    "text",
    "ingest",
    "embeddings",
    "store",
    "answers",
    "concepts",
    "chinese",
    "generation",
    "cli",
    "study",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(path: Path) -> set[str]:
    """Every `reader` module `path` imports, at any depth: top, function or TYPE_CHECKING."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
        for name in names:
            # `from reader.x import y` imports the module reader.x.y when there is one.
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name.startswith("reader"):
                found.add(name)
    return found - {module_name(path)}


GRAPH = {name: imported_modules(path) for name, path in MODULES.items()}


def test_the_top_level_holds_about_a_dozen_modules() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert 8 <= len(top) <= 15, top


def test_each_stage_is_a_folder() -> None:
    folders = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert folders == STAGES


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A circle of imports through any number of modules, or None (depth-first search)."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        path.append(name)
        for dep in sorted(graph.get(name, ())):
            if dep not in graph:
                continue
            if state.get(dep) == 1:
                return [*path[path.index(dep) :], dep]
            if dep not in state and (cycle := visit(dep)):
                return cycle
        path.pop()
        state[name] = 2
        return None

    for name in sorted(graph):
        if name not in state and (cycle := visit(name)):
            return cycle
    return None


def test_no_module_imports_one_that_imports_it_back() -> None:
    # The package root re-exports the facade; it is checked by the one-way test instead.
    graph = {n: deps - {"reader"} for n, deps in GRAPH.items() if n != "reader"}
    cycle = find_cycle(graph)
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_the_circle_finder_finds_long_and_short_circles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize(
    "name", sorted(n for n in MODULES if n not in {"reader", "reader.__main__"})
)
def test_imports_point_one_way(name: str) -> None:
    deps = GRAPH[name]
    in_cli = name == "reader.cli" or name.startswith("reader.cli.")
    if not in_cli:
        assert not any(d == "reader.cli" or d.startswith("reader.cli.") for d in deps), (
            f"{name} imports the CLI"
        )
    # Only the CLI (and the package's public face) may reach the facade.
    if not in_cli and name != "reader.serialize":
        assert "reader.library" not in deps, f"{name} imports the facade"
        assert "reader" not in deps, f"{name} imports the package root (and so the facade)"
    # The bottom layer imports nothing of the pipeline.
    if name in {"reader.models", "reader.errors", "reader.settings"}:
        assert deps <= {"reader.errors"}, deps
