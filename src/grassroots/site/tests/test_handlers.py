"""Handlers stay short: every module-level view or API function (first argument `request`) has at most 20 body
lines, docstring and decorators excluded. Parsing, queries and rules belong in forms.py, queries.py and services."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # src/grassroots
MAX_LINES = 20


def handler_modules() -> list[Path]:
    paths = [*ROOT.rglob("views.py"), *ROOT.rglob("*_views.py"), *ROOT.rglob("api.py")]
    return sorted(p for p in paths if "tests" not in p.relative_to(ROOT).parts)


def body_lines(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    body = function.body
    if (
        isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        body = body[1:]  # the docstring
    return body[-1].end_lineno - body[0].lineno + 1 if body else 0


def long_handlers(source: str, name: str = "<source>") -> list[str]:
    found = []
    for node in ast.parse(source).body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        arguments = node.args.posonlyargs + node.args.args
        if arguments and arguments[0].arg == "request" and (lines := body_lines(node)) > MAX_LINES:
            found.append(f"{name}:{node.lineno} {node.name} has {lines} lines")
    return found


def test_the_check_finds_a_long_handler_and_ignores_helpers_and_docstrings():
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_LINES))
    docstring = '    """' + "\n".join(["doc"] * 10) + '"""\n'
    at_limit = f"@decorator\ndef fine(request):\n{docstring}{body}"
    too_long = f"def page(request, pk):\n{body}    return x0\n"
    helper = f"def _helper(data):\n{body}    return x0\n"
    method = "class View:\n    def get(self, request):\n" + "".join(f"        y{i} = {i}\n" for i in range(30))
    line = at_limit.count("\n") + 1
    assert long_handlers(at_limit + too_long + helper + method) == [f"<source>:{line} page has 21 lines"]


def test_the_modules_are_found():
    names = {str(p.relative_to(ROOT)) for p in handler_modules()}
    assert {"cases/views.py", "sharing/exchange_views.py", "cases/api.py", "open311/views.py"} <= names


@pytest.mark.parametrize("path", handler_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_handler_is_longer_than_twenty_lines(path):
    assert long_handlers(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))) == []
