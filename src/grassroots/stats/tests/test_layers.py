"""stats sits below risk and the cockpit: it never imports them (nor any app above it), and risk never imports
the cockpit. Checked on the source, test modules included, so a lazy import inside a function counts too."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # src/grassroots
ABOVE_STATS = ("risk", "sharing", "cockpit", "portal", "open311", "demo", "e2e")


def imported(app: str) -> dict[str, set[str]]:
    """Module path → the grassroots apps it imports."""
    out: dict[str, set[str]] = {}
    for path in (ROOT / app).rglob("*.py"):
        apps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            apps |= {n.split(".")[1] for n in names if n.startswith("grassroots.") and n.count(".") >= 1}
        out[str(path.relative_to(ROOT))] = apps
    return out


@pytest.mark.parametrize(("app", "forbidden"), [("stats", ABOVE_STATS), ("risk", ("cockpit", "portal", "open311"))])
def test_no_app_imports_an_app_above_it(app, forbidden):
    found = {module: sorted(apps & set(forbidden)) for module, apps in imported(app).items() if apps & set(forbidden)}
    assert found == {}


def test_the_check_sees_an_import(tmp_path, monkeypatch):
    (tmp_path / "probe").mkdir()
    (tmp_path / "probe" / "m.py").write_text("def f():\n    from grassroots.cockpit import panels\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert imported("probe") == {"probe/m.py": {"cockpit"}}
