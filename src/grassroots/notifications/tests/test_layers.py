"""notifications sits below cases: its code imports only core, accounts, areas and audit (docs/architecture.md).

Its tests may build their world from the apps above (the migration test seeds cases and risk rows)."""

from pathlib import Path

from grassroots.site.tests.test_layering import PACKAGE, grassroots_imports

ALLOWED = {"core", "accounts", "areas", "audit", "notifications"}


def test_notifications_imports_only_the_layers_below_it():
    found = []
    for path in sorted((PACKAGE / "notifications").rglob("*.py")):
        if {"tests", "migrations"} & set(path.relative_to(PACKAGE).parts):
            continue
        found += [f"{path.relative_to(PACKAGE)}:{line} → {target}" for line, target in grassroots_imports(path)
                  if target not in ALLOWED]  # fmt: skip
    assert found == []
    assert Path(PACKAGE / "notifications" / "webhooks.py").exists()  # the walk did see the app
