"""The house's import rules (issue #11), read from the source (no import is run):

- no circle among module-level imports of ``wuye_tui`` and ``screens`` (a circle makes import
  order matter and once broke start-up);
- ``wuye_tui`` (services, models, CLI, exports) never imports Textual or ``screens``: the
  rules work without the UI (the App shell, ``wuye_tui/app*.py``, is the UI's root);
- an area's services never import another area's at module level, and ``services/core``
  imports no area at module level (the few late imports are named in README.md).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AREAS = ("gate", "complaints", "guard", "devices")


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    mod = _module_name(path)
    package = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.If) and top_level_only:  # `if TYPE_CHECKING:` blocks are not imports
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{a.name}" for a in node.names)  # `from . import audit`
            found.discard(target) if node.module is None else None  # that names submodules only
    return found


def _graph(top_level_only: bool = True) -> dict[str, set[str]]:
    files = [p for d in ("wuye_tui", "screens") for p in (ROOT / d).rglob("*.py")
             if "migrations" not in p.parts]
    modules = {_module_name(p): p for p in files}
    graph = {}
    for name, path in modules.items():
        graph[name] = {m for m in _imports(path, top_level_only) if m in modules and m != name}
    return graph


def test_no_import_circle():
    graph = _graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in sorted(graph[n]):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            circle = visit(n)
            assert circle is None, " -> ".join(circle)


UI_SHELL = {"wuye_tui.app", "wuye_tui.app_alerts", "wuye_tui.app_faults"}


def test_the_core_never_imports_the_ui():
    for name, deps in _graph(top_level_only=False).items():
        if name.startswith("wuye_tui") and name not in UI_SHELL:
            ui = sorted(d for d in deps if d.startswith("screens"))
            assert not ui, f"{name} imports {ui}"
    for path in (ROOT / "wuye_tui").rglob("*.py"):
        if "migrations" in path.parts or _module_name(path) in UI_SHELL:
            continue
        text = {m.split(".")[0] for m in _imports(path, top_level_only=False)}
        assert "textual" not in text, f"{path.relative_to(ROOT)} imports Textual"


def test_areas_do_not_import_each_other_at_module_level():
    for name, deps in _graph().items():
        parts = name.split(".")
        if len(parts) < 3 or parts[:2] != ["wuye_tui", "services"]:
            continue
        area = parts[2]
        for dep in deps:
            d = dep.split(".")
            if d[:2] != ["wuye_tui", "services"] or len(d) < 3:
                continue
            if area == "core":
                assert d[2] == "core", f"{name} (core) imports the {d[2]} area at module level"
            elif d[2] in AREAS:
                assert d[2] == area, f"{name} ({area}) imports the {d[2]} area at module level"
