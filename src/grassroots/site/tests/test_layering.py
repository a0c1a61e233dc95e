"""Apps import only the layers below them (docs/architecture.md), checked on the source, not by convention.

Bottom-up: core → accounts, areas → audit → notifications, registry → cases → stats → risk, sharing →
domain apps → cockpit, portal, open311, site → demo. An app may import itself and strictly lower layers.
ENFORCED lists the apps already clean; add an app once its upward imports are gone.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
LAYERS = {
    "core": 0,
    "accounts": 1,
    "areas": 1,
    "audit": 2,
    "notifications": 3,
    "registry": 3,
    "cases": 4,
    "stats": 5,
    "risk": 6,
    "sharing": 6,
    "cockpit": 8,
    "portal": 8,
    "open311": 8,
    "site": 8,
    "demo": 9,
}
# Project wiring that imports every app (the API router, URLconf, Celery app, test fixtures): only the
# project-wide app may lean on it.
PROJECT = {"api", "celery", "cli", "conftest", "settings", "urls", "wsgi"}
WIRING_ALLOWED = {"site", "demo"}
ENFORCED = ["core", "site"]


def grassroots_imports(path: Path):
    """(line, top-level grassroots module) for every absolute grassroots import in the file, nested ones too."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
            if node.module == "grassroots":  # from grassroots import accounts
                names = [f"grassroots.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "grassroots" and len(parts) > 1:
                yield node.lineno, parts[1]


def violations(app: str) -> list[str]:
    found = []
    for path in sorted((PACKAGE / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for line, target in grassroots_imports(path):
            if target == app:
                continue
            upward = target in LAYERS and LAYERS[target] >= LAYERS[app]
            wiring = target in PROJECT and app not in WIRING_ALLOWED
            if upward or wiring:
                found.append(f"{path.relative_to(PACKAGE)}:{line} imports grassroots.{target}")
    return found


@pytest.mark.parametrize("app", ENFORCED)
def test_an_app_imports_only_the_layers_below_it(app):
    assert violations(app) == []


def test_the_check_catches_an_upward_import(tmp_path, monkeypatch):
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "views.py").write_text(
        "def f():\n    from grassroots.accounts.roles import Role\n    from grassroots import conftest\n"
    )
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path)
    assert violations("core") == [
        "core/views.py:2 imports grassroots.accounts",
        "core/views.py:3 imports grassroots.conftest",
    ]


def test_every_app_on_disk_has_a_layer():
    apps = {p.parent.name for p in PACKAGE.glob("*/apps.py")}
    assert apps <= set(LAYERS), apps - set(LAYERS)
