"""The project's modules import one another one way only.

The graph is read from the source (imports at the top of a module and inside functions
alike), so an import hidden in a method to dodge a circle counts as what it is.

Apps are layered, lowest first: ``audit`` < ``drafts`` < ``stakeholders`` < ``comments`` <
``moderation`` < ``negotiation`` < ``room`` < ``silence`` < ``reports`` (reports render the
negotiating text and the silence letters) < ``search`` (it finds what the others show).
Stakeholders sit above drafts because a membership, an invitation and an accreditation belong
to a consultation. Within each app, the modules that
face the outside (views, URLs, the API, the admin, commands, the demo loader, exports) sit above
every app's other modules: a page of drafts shows comments. Nothing imports them back but other
modules of that kind. The project's own modules outside the apps (``wsis.throttle``...) are
below every app, except those that assemble the project (settings, URLs, Celery, servers).
Migrations are exempt: they name the models of the apps they depend on.
"""

import ast
import importlib
from collections import deque
from pathlib import Path

import wsis

APPS = [
    "audit", "drafts", "stakeholders", "comments", "moderation",
    "negotiation", "room", "silence", "reports", "search",
]  # fmt: skip
# Modules (or packages) facing the outside, by their last name in an app.
OUTWARD = {
    "admin",
    "api",
    "api_urls",
    "apps",
    "context_processors",
    "demo",
    "export",
    "forms",
    "management",
    "middleware",
    "panel",
    "revisions",
    "urls",
    "views",
}
# Project modules that put the apps together.
ASSEMBLY = {
    "wsis",
    "wsis.admin_site",
    "wsis.asgi",
    "wsis.celery",
    "wsis.settings",
    "wsis.urls",
    "wsis.wsgi",
}
ROOT = Path(wsis.__file__).parent


def project_modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imported(name: str, path: Path, modules) -> set[str]:
    """The project modules that the module ``name`` imports, at any depth of its code."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def module_of(dotted: str) -> str | None:
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    targets = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets.update(module_of(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], *filter(None, [base])])
            for alias in node.names:
                # "from package import module" imports the module; otherwise, a name of base.
                full = f"{base}.{alias.name}"
                targets.add(full if full in modules else module_of(base))
    return targets - {None, name}


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imported(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One shortest circle through each module that is on one, each circle named once."""
    found, covered = [], set()
    for start in sorted(graph):
        if start in covered:
            continue
        came_from = {start: None}
        queue = deque([start])
        circle = None
        while queue and circle is None:
            current = queue.popleft()
            for target in sorted(graph[current]):
                if target == start:
                    circle = [current]
                    while came_from[circle[-1]] is not None:
                        circle.append(came_from[circle[-1]])
                    circle.reverse()
                    break
                if target not in came_from:
                    came_from[target] = current
                    queue.append(target)
        if circle is not None:
            covered.update(circle)
            found.append([*circle, start])
    return found


def layer(name: str) -> tuple[int, bool]:
    """The module's app (its index in ``APPS``; -1 below them, len(APPS) above) and whether it
    faces the outside."""
    parts = name.split(".")
    if len(parts) > 2 and parts[1] in APPS:
        return APPS.index(parts[1]), any(
            part in OUTWARD or part.endswith("_views") for part in parts[2:]
        )
    if name in ASSEMBLY:
        return len(APPS), True
    return -1, False


def layering_faults(graph: dict[str, set[str]]) -> list[str]:
    faults = []
    for name, targets in sorted(graph.items()):
        app, outward = layer(name)
        for target in sorted(targets):
            target_app, target_outward = layer(target)
            if target_outward and not outward:
                faults.append(f"{name} imports {target}, which faces the outside")
            elif not outward and target_app > app:
                faults.append(f"{name} imports {target}, from a layer above it")
    return faults


def test_every_module_imports():
    for name in sorted(project_modules()):
        importlib.import_module(name)


def test_no_module_imports_one_that_imports_it_back():
    found = [" -> ".join(circle) for circle in cycles(import_graph())]
    assert not found, "import circles:\n" + "\n".join(found)


def test_apps_import_only_from_the_layers_below_them():
    faults = layering_faults(import_graph())
    assert not faults, "\n".join(faults)


def test_the_graph_sees_imports_inside_functions_and_relative_ones(tmp_path, monkeypatch):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from . import b\n")
    (package / "b.py").write_text("from pkg.a import f\n")
    modules = {"pkg": package / "__init__.py", "pkg.a": package / "a.py", "pkg.b": package / "b.py"}
    graph = {name: imported(name, path, modules) for name, path in modules.items()}
    assert graph == {"pkg": set(), "pkg.a": {"pkg.b"}, "pkg.b": {"pkg.a"}}
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.a"]]


def test_a_lower_app_importing_a_higher_one_is_named():
    graph = {
        "wsis.drafts.models": {"wsis.comments.models"},
        "wsis.drafts.views": {"wsis.comments.models"},
        "wsis.comments.models": {"wsis.drafts.views"},
        "wsis.throttle": set(),
    }
    assert layering_faults(graph) == [
        "wsis.comments.models imports wsis.drafts.views, which faces the outside",
        "wsis.drafts.models imports wsis.comments.models, from a layer above it",
    ]
