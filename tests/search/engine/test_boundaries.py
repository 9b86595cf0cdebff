"""The engine package stands on its own: no Django, no archive, no app modules."""

import ast
from pathlib import Path

import search.engine

ENGINE = Path(search.engine.__file__).parent
FORBIDDEN = ("django", "archive", "config", "bench")


def imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_the_engine_imports_neither_django_nor_the_apps():
    offending = []
    for path in sorted(ENGINE.rglob("*.py")):
        for module in imported_modules(path):
            top = module.split(".")[0]
            inside_search = module == "search" or module.startswith("search.")
            if top in FORBIDDEN or (
                inside_search and not module.startswith("search.engine")
            ):
                offending.append(f"{path.name}: {module}")
    assert offending == []
    assert len(list(ENGINE.glob("*.py"))) > 10  # the walk saw the package
