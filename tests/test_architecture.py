"""The shape of the package: stages in layers, no import cycles, no borrowed private names.

Read from the source with ``ast`` (every import counts, also those inside functions and under
``TYPE_CHECKING``), so a cycle cannot hide behind a local import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import dtz_letters
from tests.conftest import REPO

PACKAGE = REPO / "dtz_letters"

#: The pipeline from bottom to top: a module may import its own layer and the ones below.
LAYERS: list[tuple[str, ...]] = [
    (
        "dtz_letters.errors",
        "dtz_letters._files",
        "dtz_letters._xml",
        "dtz_letters._templating",
        "dtz_letters._reports",
        "dtz_letters._version",
    ),
    ("dtz_letters._input",),
    ("dtz_letters._compose",),
    ("dtz_letters._pdfpost",),
    ("dtz_letters._render",),
    ("dtz_letters._pipeline", "dtz_letters._overview", "dtz_letters._cache"),
    (
        "dtz_letters._batch",
        "dtz_letters._check",
        "dtz_letters._archive",
        "dtz_letters._new",
        "dtz_letters._preview",
        "dtz_letters._publish",
    ),
    ("dtz_letters",),  # the public API: the package's __init__
    ("dtz_letters.cli", "dtz_letters.__main__", "dtz_letters._tools"),
]


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module
    names: tuple[str, ...]  # the names taken from it (from-imports)
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> Iterator[Import]:
    path = MODULES[name]
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("dtz_letters"):
                    yield Import(name, alias.name, (), node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if not target.startswith("dtz_letters"):
                continue
            names = tuple(alias.name for alias in node.names)
            # "from . import x" where x is a module: the edge goes to that module.
            submodules = [n for n in names if f"{target}.{n}" in MODULES]
            for sub in submodules:
                yield Import(name, f"{target}.{sub}", (), node.lineno)
            rest = tuple(n for n in names if n not in submodules)
            if rest or not submodules:
                yield Import(name, target, rest, node.lineno)


EDGES = [imp for name in MODULES for imp in imports_of(name)]


def layer_of(module: str) -> int:
    best = (-1, -1)  # (length of the matching prefix, layer)
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best[0]:
                best = (len(prefix), index)
    assert best[1] >= 0, f"{module} belongs to no layer: add it to LAYERS"
    return best[1]


def test_every_module_is_in_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


def test_no_stage_imports_a_higher_one() -> None:
    upward = [
        f"{MODULES[e.source].relative_to(REPO)}:{e.line}: {e.source} imports {e.target}"
        for e in EDGES
        if e.target in MODULES and layer_of(e.target) > layer_of(e.source)
    ]
    assert upward == []


def test_the_import_graph_has_no_cycle() -> None:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for e in EDGES:
        if e.target in MODULES and e.target != e.source:
            graph[e.source].add(e.target)
    # Tarjan's strongly connected components: any component of two or more is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert cycles == []


def test_no_module_takes_a_private_name_from_another() -> None:
    borrowed = [
        f"{MODULES[e.source].relative_to(REPO)}:{e.line}: {name} from {e.target}"
        for e in EDGES
        for name in e.names
        if name.startswith("_") and not name.startswith("__") and e.target != e.source
    ]
    assert borrowed == []


def test_no_module_reaches_into_another_through_an_attribute() -> None:
    """``from . import pdf`` then ``pdf._cache``: as private as importing ``_cache``."""
    found = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
            if any(e.source == name and e.target.endswith("." + alias.name) for e in EDGES)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: {node.value.id}.{node.attr}")
    assert found == []


def test_the_command_line_uses_only_the_public_api() -> None:
    used = {e.target for e in EDGES if e.source == "dtz_letters.cli"}
    assert used <= {"dtz_letters", "dtz_letters.errors"}


def test_the_public_api_exports_what_it_names() -> None:
    for name in dtz_letters.__all__:
        assert hasattr(dtz_letters, name), name
    # The types its functions return and take are importable from it.
    for name in (
        "Brief",
        "LetterFile",
        "BatchReport",
        "CheckReport",
        "ArchiveReport",
        "VerifyReport",
        "PublishReport",
        "RegisterRow",
        "Renderer",
        "Workspace",
        "HouseStyle",
    ):
        assert name in dtz_letters.__all__


@pytest.mark.parametrize(
    "name",
    [
        "compose",
        "render",
        "render_batch",
        "check",
        "archive",
        "list_archive",
        "verify",
        "new_letter",
        "preview",
        "publish",
    ],
)
def test_public_functions_take_their_options_by_keyword(name: str) -> None:
    import inspect

    signature = inspect.signature(getattr(dtz_letters, name))
    positional = [
        p.name
        for p in signature.parameters.values()
        if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is not p.empty
    ]
    # Only the format of render may be given by position: render(letter, "coevorden", "docx").
    assert positional in ([], ["fmt"], ["archive_dir"])


def test_readme_names_only_public_api() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "dtz_letters._" not in readme.replace("dtz_letters._tools.", "")
