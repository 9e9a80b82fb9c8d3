"""Dependencies run one way: no app imports an app above it, and no two modules import each other.

The test reads every module of the application (tests and migrations aside) with `ast`, including the
imports inside functions and under `if TYPE_CHECKING:`, and builds the graph of module imports. It fails,
naming the file, the line and the import, on (a) an import from an app to an app of a higher or the same
layer, (b) any cycle between modules. Imports named only in strings (URL `include("…")`, model
references such as "network.Network", settings) are not imports and are not read.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = "legami"
ROOT = Path(__file__).resolve().parents[2]  # the legami/ package

# The layers, from the bottom up: a module may import its own app and the apps of LOWER layers only.
# Apps in the same tuple are peers and may not import each other either. The project package itself
# (legami/urls.py, settings.py, wsgi.py…) is above every app.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("core", "formats"),
    ("accounts",),
    ("territory",),
    ("network",),
    ("needs",),
    ("aggregation",),
    ("participation",),
    ("responses",),
    ("exchange",),
    ("activities",),
    ("referrals",),
    ("pacts",),
    ("api", "demo"),
)
PROJECT = "(project)"


@dataclass(frozen=True)
class Import:
    """One import of one module by another, where it is written."""

    source: str
    target: str
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.source} imports {self.target}"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def application_modules(root: Path) -> dict[str, Path]:
    """Every module of the package at `root`, tests, migrations and conftest files aside."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).parts
        if "migrations" in relative or "tests" in relative or path.name == "conftest.py":
            continue
        modules[module_name(path, root)] = path
    return modules


def _imported_names(node: ast.Import | ast.ImportFrom, source: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        # `from . import x` in a module resolves against its package; in a package against itself.
        anchor = source.split(".")
        if not is_package:
            anchor.pop()
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join(anchor + ([node.module] if node.module else []))
    # `from x import y` runs x (its __init__) and, when y is a module, y too.
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


def imports_of(modules: dict[str, Path]) -> list[Import]:
    """The imports between the modules, wherever they are written (top level, functions, TYPE_CHECKING)."""
    found: set[Import] = set()
    for source, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for name in _imported_names(node, source, path.name == "__init__.py"):
                # `import a.b.c` where c is not a module (rare) counts as an import of a.b.
                while name and name not in modules:
                    name = name.rpartition(".")[0]
                if name and name != source and name.startswith(PACKAGE + "."):
                    found.add(Import(source, name, path, node.lineno))
    return sorted(found, key=lambda i: (i.source, i.target, i.line))


def app_of(module: str) -> str:
    """The app a module belongs to; the package itself and its own modules (legami/urls.py…) are the project."""
    parts = module.split(".")
    if len(parts) < 2 or (len(parts) == 2 and (ROOT / f"{parts[1]}.py").is_file()):
        return PROJECT
    return parts[1]


def layer_of(app: str) -> int:
    if app == PROJECT:
        return len(LAYERS)
    for level, apps in enumerate(LAYERS):
        if app in apps:
            return level
    raise AssertionError(f"legami.{app} is in no layer: add it to LAYERS in {__file__}")


def upward_imports(imports: list[Import]) -> list[Import]:
    """Imports of an app of the same or a higher layer than the importer's."""
    return [
        i
        for i in imports
        if app_of(i.source) != app_of(i.target) and layer_of(app_of(i.target)) >= layer_of(app_of(i.source))
    ]


def cycles(imports: list[Import]) -> list[list[Import]]:
    """The groups of modules that import each other (strongly connected), each as the imports inside it."""
    graph: dict[str, set[str]] = defaultdict(set)
    for i in imports:
        graph[i.source].add(i.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        # Tarjan's algorithm, iteratively (the graph is deep enough to worry the recursion limit).
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(group)
    return [[i for i in imports if i.source in group and i.target in group] for group in groups]


def _report(title: str, imports: list[Import]) -> str:
    return title + "\n" + "\n".join(f"  {i}" for i in sorted(imports, key=lambda i: (str(i.path), i.line)))


@pytest.fixture(scope="module")
def project_imports() -> list[Import]:
    return imports_of(application_modules(ROOT))


def test_no_app_imports_an_app_above_it(project_imports):
    offending = upward_imports(project_imports)
    assert not offending, _report("Imports against the layers (see LAYERS in this file):", offending)


def test_no_module_cycles(project_imports):
    found = cycles(project_imports)
    assert not found, "\n".join(_report("Modules importing each other:", group) for group in found)


# --- the reader itself ---------------------------------------------------------------------------


def _tree(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    root = tmp_path / PACKAGE
    for name, source in {"__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(root).parents:
            (root / parent / "__init__.py").touch()
        path.write_text(source)
    return application_modules(root)


def _edges(imports: list[Import]) -> set[tuple[str, str]]:
    return {(i.source, i.target) for i in imports}


def test_reader_sees_imports_in_functions_type_checking_and_relative_forms(tmp_path):
    modules = _tree(
        tmp_path,
        {
            "core/a.py": "def f():\n    from legami.network.models import Network\n",
            "core/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import legami.network.models\n",
            "core/c.py": "from . import a\nfrom .a import f\n",
            "network/models.py": "from legami.core import a\n",
            "network/tests/test_x.py": "from legami.needs import models\n",
            "needs/models.py": "",
        },
    )
    imports = imports_of(modules)
    assert _edges(imports) >= {
        ("legami.core.a", "legami.network.models"),
        ("legami.core.b", "legami.network.models"),
        ("legami.core.c", "legami.core.a"),
        ("legami.network.models", "legami.core.a"),
    }
    assert "legami.network.tests.test_x" not in {i.source for i in imports}, "tests are not read"
    upward = upward_imports(imports)
    assert _edges(upward) == {("legami.core.a", "legami.network.models"), ("legami.core.b", "legami.network.models")}
    assert str(next(i for i in upward if i.source == "legami.core.a")).endswith(
        "a.py:2: legami.core.a imports legami.network.models"
    )


def test_reader_refuses_peers_and_an_unknown_app(tmp_path):
    imports = imports_of(_tree(tmp_path / "peers", {"api/a.py": "import legami.demo.b\n", "demo/b.py": ""}))
    assert _edges(upward_imports(imports)) == {("legami.api.a", "legami.demo.b")}
    imports = imports_of(_tree(tmp_path / "unknown", {"nowhere/a.py": "import legami.core.x\n", "core/x.py": ""}))
    with pytest.raises(AssertionError, match="legami.nowhere is in no layer"):
        upward_imports(imports)


def test_reader_finds_cycles_through_a_package_init(tmp_path):
    modules = _tree(
        tmp_path,
        {
            "needs/services.py": "def go():\n    from legami.needs.tasks import t\n",
            "needs/tasks.py": "from legami.needs import services\n",
            "demo/gen/__init__.py": "from legami.demo.gen.loader import load\n",
            "demo/gen/loader.py": "from legami.demo.gen import parts\n",
            "demo/gen/parts.py": "",
            "core/x.py": "import legami.core.y\n",
            "core/y.py": "",
        },
    )
    found = [_edges(group) for group in cycles(imports_of(modules))]
    assert len(found) == 2
    assert {("legami.needs.services", "legami.needs.tasks"), ("legami.needs.tasks", "legami.needs.services")} in found
    # `from package import module` runs the package's __init__, which here imports the importer back.
    assert any(("legami.demo.gen.loader", "legami.demo.gen") in group for group in found)
