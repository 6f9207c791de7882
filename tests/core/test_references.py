"""Every ``module.name`` the app's own code uses on one of its own modules exists.

Ruff sees undefined names but not a missing attribute of an imported module: a reader renamed in
``omradesatsing.read`` or a helper moved out of a component raised only when a page reached it (twice
during issue 22). This walks the syntax of every page, component and core module and looks each such
attribute up on the imported module."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OWN = ("components", "omradesatsing")


def _modules_imported(tree: ast.AST) -> dict[str, str]:
    """Local name → full module name, for ``from components import x`` / ``import omradesatsing.x as y``."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in OWN:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                try:
                    importlib.import_module(full)
                except ModuleNotFoundError:
                    continue  # a function or class, not a module
                names[alias.asname or alias.name] = full
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in OWN and alias.asname:
                    names[alias.asname] = alias.name
    return names


def _dotted(node: ast.Attribute) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id, *reversed(parts)]


def test_every_attribute_used_on_an_own_module_exists():
    files = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "components").glob("*.py")),
             *sorted((ROOT / "omradesatsing").rglob("*.py"))]
    missing, checked = [], 0
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = _modules_imported(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute) or isinstance(getattr(node, "ctx", None), ast.Store):
                continue
            parts = _dotted(node)
            if not parts or parts[0] not in modules:
                continue
            obj = importlib.import_module(modules[parts[0]])
            for attr in parts[1:]:
                if not hasattr(obj, attr):
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno}: {'.'.join(parts)}")
                    break
                obj = getattr(obj, attr)
                if not isinstance(obj, type(importlib)):  # stop at the first non-module
                    break
            checked += 1
    assert checked > 300  # the walk reached the code (pages call read.<domain>.<reader> ~80 times)
    assert not missing, missing
